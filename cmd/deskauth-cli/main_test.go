package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/deskauth/deskauth/vault"
	"github.com/deskauth/deskauth/vault/keystore"
	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/crypto/chacha20poly1305"
)

// Environment variables that only this test binary honours: the shipped
// deskauth-cli has no way to lower the Argon2id cost or swap the key store.
const (
	// envTestArgon2 set to anything makes new password slots cheap (t=1,
	// 64 KiB, p=1), so scripts do not spend half a second per save.
	envTestArgon2 = "DESKAUTH_TEST_CHEAP_ARGON2"
	// envTestKeystore names a folder where a file-backed fake of the OS key
	// store keeps its keys, so scripts can run init --protect os without a
	// keyring, across the separate processes of a script.
	envTestKeystore = "DESKAUTH_TEST_KEYSTORE"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"deskauth-cli": func() {
			if os.Getenv(envTestArgon2) != "" {
				testOnlyArgon2 = vault.Argon2Cost{Time: 1, Memory: 64, Threads: 1}
			}
			if dir := os.Getenv(envTestKeystore); dir != "" {
				keyStore = func() (keystore.Store, error) { return fileStore{dir}, nil }
			}
			os.Exit(run(os.Args[1:], &cli{
				stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr,
				getenv: os.Getenv, now: time.Now,
			}))
		},
	})
}

// cheapArgon2 makes the password slots the CLI creates cheap for one
// in-process test.
func cheapArgon2(t *testing.T) {
	old := testOnlyArgon2
	testOnlyArgon2 = vault.Argon2Cost{Time: 1, Memory: 64, Threads: 1}
	t.Cleanup(func() { testOnlyArgon2 = old })
}

// TestScripts runs every testdata/*.txt script. Each gets a fresh $WORK as
// HOME and config folder, a cheap Argon2id cost and the fake key store, so a
// script never touches the real vault or keyring.
func TestScripts(t *testing.T) {
	// Scripts skip themselves without these tools; make test installs them
	// and sets DESKAUTH_REQUIRE_TOOLS=1, so a missing one is a failure there.
	if os.Getenv("DESKAUTH_REQUIRE_TOOLS") == "1" {
		for _, tool := range []string{"qrencode", "convert"} {
			if _, err := exec.LookPath(tool); err != nil {
				t.Fatalf("%s is required by the scan scripts (make test installs it): %v", tool, err)
			}
		}
	}
	testscript.Run(t, testscript.Params{
		Dir:  "testdata",
		Cmds: scriptCmds,
		Setup: func(env *testscript.Env) error {
			env.Setenv("HOME", env.WorkDir)
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(env.WorkDir, ".config"))
			env.Setenv(envTestArgon2, "1")
			env.Setenv(envTestKeystore, filepath.Join(env.WorkDir, ".keystore"))
			return nil
		},
	})
}

// fileStore is a fake OS key store that keeps one random key-encryption key
// per vault in a file, and seals the master key under it, as the Secret
// Service store does. Removing the folder is "the keyring item was deleted".
type fileStore struct{ dir string }

func (s fileStore) kekPath(id string) string { return filepath.Join(s.dir, id) }

func (s fileStore) Wrap(id string, key []byte) ([]byte, error) {
	kek, err := os.ReadFile(s.kekPath(id))
	if err != nil {
		kek = make([]byte, chacha20poly1305.KeySize)
		rand.Read(kek)
		if err := os.MkdirAll(s.dir, 0o700); err != nil {
			return nil, err
		}
		if err := os.WriteFile(s.kekPath(id), kek, 0o600); err != nil {
			return nil, err
		}
	}
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	return aead.Seal(nonce, nonce, key, []byte(id)), nil
}

func (s fileStore) Unwrap(id string, blob []byte) ([]byte, error) {
	kek, err := os.ReadFile(s.kekPath(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, keystore.ErrKeyMissing
	}
	if err != nil {
		return nil, err
	}
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return nil, err
	}
	if len(blob) < aead.NonceSize() {
		return nil, fmt.Errorf("fake store: short blob")
	}
	key, err := aead.Open(nil, blob[:aead.NonceSize()], blob[aead.NonceSize():], []byte(id))
	if err != nil {
		return nil, keystore.ErrKeyMissing
	}
	return key, nil
}

func (s fileStore) Delete(id string) error {
	err := os.Remove(s.kekPath(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
