//go:build linux || darwin

package keystore

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// A keyring that never answers (a prompt nobody can see) ends in
// ErrUnavailable after keyringTimeout instead of hanging the program.
func TestKeyringCallTimeout(t *testing.T) {
	defer func(d time.Duration) { keyringTimeout = d }(keyringTimeout)
	keyringTimeout = 10 * time.Millisecond
	block := make(chan struct{})
	defer close(block)
	err := osKeyring{hint: "do something"}.call(func() error { <-block; return nil })
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "do something") {
		t.Fatalf("call that never returns: %v, want ErrUnavailable with the hint", err)
	}
}

// How go-keyring's answers map: not found is "no secret", anything else is
// "unavailable" on one line with the hint.
func TestKeyringCallErrors(t *testing.T) {
	k := osKeyring{hint: "the hint"}
	if err := k.call(func() error { return nil }); err != nil {
		t.Errorf("success: %v", err)
	}
	if err := k.call(func() error { return fmt.Errorf("lookup: %w", keyring.ErrNotFound) }); !errors.Is(err, errNoSecret) {
		t.Errorf("not found: %v, want errNoSecret", err)
	}
	err := k.call(func() error {
		return errors.New("failed to unlock correct collection\n'/org/freedesktop/secrets/aliases/default'")
	})
	if !errors.Is(err, ErrUnavailable) || strings.Contains(err.Error(), "\n") || !strings.HasSuffix(err.Error(), "; the hint") {
		t.Errorf("other error: %q, want one line of ErrUnavailable ending in the hint", err)
	}
}
