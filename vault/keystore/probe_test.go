package keystore

import (
	"errors"
	"testing"
)

func TestProbe(t *testing.T) {
	m := NewMemory()
	if err := Probe(m); err != nil {
		t.Fatalf("a working store: %v", err)
	}
	m.SetUnavailable(true)
	if err := Probe(m); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("an unavailable store: err = %v, want ErrUnavailable", err)
	}
}
