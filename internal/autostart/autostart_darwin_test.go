package autostart

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestDarwinEnableDisable(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	path := filepath.Join(home, "Library", "LaunchAgents", ID+".plist")
	if err := Enable("/Applications/DeskAuth.app/Contents/MacOS/deskauth"); err != nil {
		t.Fatal(err)
	}
	if on, err := Enabled(); !on || err != nil {
		t.Fatalf("after Enable: %v, %v", on, err)
	}
	if out, err := exec.Command("plutil", "-lint", path).CombinedOutput(); err != nil {
		t.Fatalf("plutil -lint: %v\n%s", err, out)
	}
	if err := Disable(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("plist left after Disable: %v", err)
	}
	if on, err := Enabled(); on || err != nil {
		t.Fatalf("after Disable: %v, %v", on, err)
	}
}
