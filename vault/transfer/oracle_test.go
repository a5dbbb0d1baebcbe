package transfer

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deskauth/deskauth/internal/testenv"
	"github.com/deskauth/deskauth/vault"
)

// TestImportedCodesMatchOathtool: the accounts every sample and generated
// file imports give the codes oathtool gives for the same parameters, so the
// secrets, algorithms, digits, periods and counters were read right, not
// just consistently with our own exporter.
func TestImportedCodesMatchOathtool(t *testing.T) {
	testenv.Require(t, "oathtool")
	at := time.Date(2026, 11, 25, 9, 30, 17, 0, time.UTC)
	files := map[string]string{
		"import-samples/plain.txt": "", "import-samples/aegis_encrypted.json": "test",
		"import-samples/2fas_authenticator_encrypted_v4.2fas": "test", "import-samples/bitwarden.json": "",
		"winauth/password.xml": "winauth パスワード", "authenticator/encrypted-key.json": "ext パスワード",
	}
	compared := 0
	for file, pw := range files {
		res, err := ParseFile(filepath.Join("testdata", file), Options{Password: password(pw)})
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, a := range res.Accounts {
			if a.Kind == vault.Steam {
				continue // oathtool has no Steam alphabet
			}
			got, err := a.Code(at)
			if err != nil {
				t.Fatal(err)
			}
			args := []string{"--digits", fmt.Sprint(a.Digits)}
			if a.Kind == vault.HOTP {
				args = append(args, "--hotp", "--counter", fmt.Sprint(a.Counter))
			} else {
				args = append(args, "--totp="+strings.ToLower(string(a.Algorithm)), "--time-step-size", fmt.Sprintf("%ds", a.Period),
					"--now", at.Format("2006-01-02 15:04:05 UTC"))
			}
			if a.Kind == vault.HOTP && a.Algorithm != vault.SHA1 {
				continue // oathtool's HOTP is SHA-1 only
			}
			args = append(args, "--base32", vault.EncodeSecret(a.Secret))
			out, err := exec.Command("oathtool", args...).Output()
			if err != nil {
				t.Fatalf("%s %s: oathtool: %v", file, a.Label(), err)
			}
			compared++
			if want := strings.TrimSpace(string(out)); got != want {
				t.Errorf("%s %s: code %s, oathtool %s", file, a.Label(), got, want)
			}
		}
	}
	if compared < 19 {
		t.Fatalf("only %d accounts compared", compared)
	}
}

// TestExportedQRReadByZbarimg: an independent decoder reads our QR PNGs as
// exactly the text we encoded.
func TestExportedQRReadByZbarimg(t *testing.T) {
	testenv.Require(t, "zbarimg")
	imgs, err := ExportQR(withSteamAndPeriod())
	if err != nil {
		t.Fatal(err)
	}
	mig, _, err := ExportMigrationQR(roundTripSet()[:4])
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, im := range append(imgs, mig...) {
		path := filepath.Join(dir, "code.png")
		if err := os.WriteFile(path, im.PNG, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("zbarimg", "--raw", "-q", "-Sbinary", path).Output()
		if err != nil {
			t.Fatalf("%s: zbarimg: %v", im.Name, err)
		}
		if got := strings.TrimRight(string(out), "\n"); got != im.Text {
			t.Errorf("%s: zbarimg read %q, want %q", im.Name, got, im.Text)
		}
	}
}
