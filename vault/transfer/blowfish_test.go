package transfer

import (
	"bytes"
	"testing"

	xblowfish "golang.org/x/crypto/blowfish"
)

func TestBlowfishMatchesXCrypto(t *testing.T) {
	if w := piWords(); w[0] != 0x243F6A88 || w[17] != 0x8979FB1B || w[18] != 0xD1310BA6 || w[len(w)-1] != 0x3AC372E6 {
		t.Fatalf("pi words: %08x %08x %08x %08x", w[0], w[17], w[18], w[len(w)-1])
	}
	for _, key := range [][]byte{[]byte("k"), []byte("0123456789abcdef"), bytes.Repeat([]byte{0xa5}, 56)} {
		ref, err := xblowfish.NewCipher(key)
		if err != nil {
			t.Fatal(err)
		}
		ours := newBlowfish(key)
		in := []byte("8 bytes!16 bytes")
		want := make([]byte, 16)
		ref.Encrypt(want[:8], in[:8])
		ref.Encrypt(want[8:], in[8:])
		got := append([]byte(nil), in...)
		ours.encryptECB(got)
		if !bytes.Equal(got, want) {
			t.Fatalf("key %d bytes: %x, want %x", len(key), got, want)
		}
		ours.decryptECB(got)
		if !bytes.Equal(got, in) {
			t.Fatalf("decrypt: %q", got)
		}
	}
}
