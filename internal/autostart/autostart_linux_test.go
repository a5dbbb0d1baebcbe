package autostart

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestLinuxEnableDisable(t *testing.T) {
	config := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", config)
	path := filepath.Join(config, "autostart", "io.github.deskauth.desktop")

	if on, err := Enabled(); on || err != nil {
		t.Fatalf("before Enable: Enabled() = %v, %v", on, err)
	}
	if err := Disable(); err != nil {
		t.Fatalf("Disable with nothing to disable: %v", err)
	}
	if err := Enable("/opt/DeskAuth/deskauth", "--vault", "/home/a/my vault"); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no autostart file: %v", err)
	}
	if want := desktopEntry("/opt/DeskAuth/deskauth", []string{"--vault", "/home/a/my vault"}); string(data) != string(want) {
		t.Fatalf("file:\n%s\nwant:\n%s", data, want)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
	if on, err := Enabled(); !on || err != nil {
		t.Fatalf("after Enable: Enabled() = %v, %v", on, err)
	}
	// Enable again replaces the entry and leaves no temporary file.
	if err := Enable("/usr/bin/deskauth"); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Fatalf("autostart folder holds %d files, want 1", len(entries))
	}
	// The desktop's own switch: Hidden=true.
	data, _ = os.ReadFile(path)
	os.WriteFile(path, append(data, "Hidden=true\n"...), 0o644)
	if on, err := Enabled(); on || err != nil {
		t.Fatalf("Hidden=true: Enabled() = %v, %v", on, err)
	}
	if err := Disable(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("file left after Disable: %v", err)
	}
	if on, err := Enabled(); on || err != nil {
		t.Fatalf("after Disable: Enabled() = %v, %v", on, err)
	}
}

func TestLinuxDefaultConfigHome(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "relative/is/ignored")
	if err := Enable("/usr/bin/deskauth"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(home, ".config", "autostart", ID+".desktop")); err != nil {
		t.Fatalf("not in ~/.config/autostart: %v", err)
	}
}

func TestEnableRejectsBadCommands(t *testing.T) {
	config := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", config)
	for _, c := range [][]string{
		{"deskauth"},
		{"./deskauth"},
		{"/usr/bin/deskauth", "two\nlines"},
		{"/usr/bin/desk\x00auth"},
	} {
		if err := Enable(c[0], c[1:]...); !errors.Is(err, ErrBadCommand) {
			t.Errorf("Enable(%q): %v, want ErrBadCommand", c, err)
		}
	}
	if entries, _ := os.ReadDir(config); len(entries) != 0 {
		t.Fatalf("a rejected command wrote %d entries", len(entries))
	}
}
