package vault

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestDefaultPath(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "bin", "deskauth")
	config := filepath.Join(dir, "config")
	os.MkdirAll(filepath.Dir(exe), 0o755)
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	executable := func() (string, error) { return exe, nil }
	configDir := func() (string, error) { return config, nil }

	got, err := defaultPath(getenv, executable, configDir)
	if want := filepath.Join(config, "DeskAuth", "deskauth.vault"); err != nil || got != want {
		t.Fatalf("no override: %q, %v; want %q", got, err, want)
	}

	// Portable mode: a deskauth.vault beside the executable wins.
	portable := filepath.Join(dir, "bin", PortableName)
	os.WriteFile(portable, nil, 0o600)
	if got, _ := defaultPath(getenv, executable, configDir); got != portable {
		t.Fatalf("portable: %q, want %q", got, portable)
	}
	// A folder of that name is not a vault.
	os.Remove(portable)
	os.Mkdir(portable, 0o700)
	if got, _ := defaultPath(getenv, executable, configDir); got == portable {
		t.Fatal("a folder was taken for a portable vault")
	}

	// The portable zip's marker: the vault beside the executable, before it
	// exists.
	os.Remove(portable)
	marker := filepath.Join(dir, "bin", PortableMarker)
	os.WriteFile(marker, []byte("portable\n"), 0o644)
	if got, _ := defaultPath(getenv, executable, configDir); got != portable {
		t.Fatalf("portable marker: %q, want %q", got, portable)
	}
	os.Remove(marker)
	os.Mkdir(marker, 0o700)
	if got, _ := defaultPath(getenv, executable, configDir); got == portable {
		t.Fatal("a folder was taken for the portable marker")
	}
	os.Remove(marker)

	// DESKAUTH_VAULT beats both.
	env[EnvVault] = filepath.Join(dir, "env.vault")
	if got, _ := defaultPath(getenv, executable, configDir); got != env[EnvVault] {
		t.Fatalf("env: %q", got)
	}

	// No config folder and nothing else: a clear error, not a guess.
	delete(env, EnvVault)
	noConfig := func() (string, error) { return "", errors.New("$HOME is not defined") }
	noExe := func() (string, error) { return "", errors.New("unknown") }
	if _, err := defaultPath(getenv, noExe, noConfig); err == nil {
		t.Fatal("no error without a config folder")
	}
}
