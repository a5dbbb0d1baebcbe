package autostart

import (
	"os"
	"testing"

	"golang.org/x/sys/windows/registry"
)

// envStep drives the registry test in steps so scripts/test-dist.sh can check
// the Run key with Wine's own reg.exe in between: "enable" leaves DeskAuth in
// the Run key, "disable" removes it. Without it the test does not touch the
// registry of the machine it runs on.
const envStep = "DESKAUTH_TEST_AUTOSTART_STEP"

const testExe = `C:\Program Files\DeskAuth Test\deskauth.exe`

func TestWindowsRunKey(t *testing.T) {
	switch os.Getenv(envStep) {
	case "enable":
		if err := Enable(testExe, "--vault", `C:\a b\x.vault`); err != nil {
			t.Fatal(err)
		}
		k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.QUERY_VALUE)
		if err != nil {
			t.Fatal(err)
		}
		v, _, err := k.GetStringValue(Name)
		k.Close()
		if want := `"C:\Program Files\DeskAuth Test\deskauth.exe" --vault "C:\a b\x.vault"`; err != nil || v != want {
			t.Fatalf("Run value %q, %v; want %q", v, err, want)
		}
		if on, err := Enabled(); !on || err != nil {
			t.Fatalf("after Enable: %v, %v", on, err)
		}
		// Task Manager's "Disabled" (an odd first byte) wins until the
		// user enables it again from DeskAuth.
		a, _, err := registry.CreateKey(registry.CURRENT_USER, approvedKey, registry.SET_VALUE)
		if err != nil {
			t.Fatal(err)
		}
		a.SetBinaryValue(Name, []byte{3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
		a.Close()
		if on, err := Enabled(); on || err != nil {
			t.Fatalf("switched off in Task Manager: %v, %v", on, err)
		}
		if err := Enable(testExe, "--vault", `C:\a b\x.vault`); err != nil {
			t.Fatal(err)
		}
		if on, err := Enabled(); !on || err != nil {
			t.Fatalf("enabled again: %v, %v", on, err)
		}
	case "disable":
		if err := Disable(); err != nil {
			t.Fatal(err)
		}
		if on, err := Enabled(); on || err != nil {
			t.Fatalf("after Disable: %v, %v", on, err)
		}
		if err := Disable(); err != nil {
			t.Fatalf("Disable twice: %v", err)
		}
	default:
		t.Skipf("set %s=enable or disable to use this machine's registry", envStep)
	}
}
