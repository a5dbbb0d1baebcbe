package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/deskauth/deskauth/internal/testenv"
	"github.com/deskauth/deskauth/vault"
)

// TestTamperedKDFCostRefused (issue 9 #6): a header whose Argon2id cost was
// raised to t=20, 1 GiB, p=64, with the trailer recomputed, took 13 s and
// 1 GiB before "wrong password". It is now refused as damaged before any key
// derivation, and the file is left as it was.
func TestTamperedKDFCostRefused(t *testing.T) {
	cheapArgon2(t)
	path := filepath.Join(t.TempDir(), "v.vault")
	env := map[string]string{vault.EnvVault: path, envPassword: "pw"}
	if code, _, errs := testenv.RunCLI(cliMain(time.Now), env, "init"); code != 0 {
		t.Fatalf("init: %d %s", code, errs)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// FORMAT.md: the password slot's t, m and p follow the slot type and
	// length at offset 58 (KDF id), 59 (t), 63 (m), 67 (p).
	const offKDF = 8 + 2 + 4 + 16 + 24 + 1 + 1 + 2
	binary.BigEndian.PutUint32(data[offKDF+1:], 20)
	binary.BigEndian.PutUint32(data[offKDF+5:], 1<<20)
	data[offKDF+9] = 64
	sum := sha256.Sum256(data[:len(data)-sha256.Size])
	copy(data[len(data)-sha256.Size:], sum[:])
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"list"}, {"code"}, {"add", "--issuer", "x", "--secret", "JBSWY3DPEHPK3PXP"}} {
		start := time.Now()
		code, _, errs := testenv.RunCLI(cliMain(time.Now), env, args...)
		if code != 1 || !strings.Contains(errs, "vault file is damaged: Argon2id time cost 20 is outside 1..12") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
		t.Logf("%v refused in %v", args, time.Since(start))
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, data) {
		t.Fatal("the file changed")
	}
}

// TestOutputHasNoControlBytes (issue 9 #2): a vault saved before labels were
// checked (testdata/legacy-labels.vault, written by vault's
// TestLegacyLabelsStillOpen: labels with OSC and CSI sequences, a newline and
// tab forging a "000000\tGitHub" line, a carriage return and a
// right-to-left override) still opens, and what list, code, rename and rm
// print holds no byte below 0x20 but newline and tab, no DEL, no C1 control
// and no bidi override.
func TestOutputHasNoControlBytes(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "legacy-labels.vault"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "v.vault")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{vault.EnvVault: path, envPassword: "pw"}
	for _, args := range [][]string{
		{"list"}, {"list", "--json"}, {"code", "--at", "2020-05-01T00:00:00Z"}, {"code", "evil"}, {"code", "rtl"},
		{"code", "--json"}, {"rename", "bob", "--name", "bob"}, {"rm", "evil"}, {"code", "github"},
	} {
		code, out, errs := testenv.RunCLI(cliMain(time.Now), env, args...)
		if code != 0 {
			t.Errorf("%v: exit %d: %s", args, code, errs)
		}
		for _, s := range []string{out, errs} {
			for _, r := range s {
				if r != '\n' && r != '\t' && (unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || bidi(r)) {
					t.Errorf("%v printed %U: %q", args, r, s)
					break
				}
			}
		}
		if strings.Contains(out, "\n000000") {
			t.Errorf("%v: a label forged a code line: %q", args, out)
		}
	}
}
