package winclip

import (
	"bytes"
	"context"
	"testing"
	"unicode/utf16"
)

// TestSetTextMarksPrivate runs on Windows (or under Wine, see
// scripts/test-wine-clipboard.sh): the text reads back, and each private
// format is present, the history and cloud ones holding DWORD 0.
func TestSetTextMarksPrivate(t *testing.T) {
	if err := SetText("123456"); err != nil {
		t.Fatal(err)
	}
	f, data, err := Read(context.Background(), 1<<20, cfUnicodeText)
	if err != nil || f != cfUnicodeText {
		t.Fatalf("CF_UNICODETEXT: format %d, %v", f, err)
	}
	u16 := make([]uint16, len(data)/2)
	for i := range u16 {
		u16[i] = uint16(data[2*i]) | uint16(data[2*i+1])<<8
	}
	if got := string(utf16.Decode(bytes16(u16))); got != "123456" {
		t.Errorf("text = %q, want 123456", got)
	}
	for _, name := range PrivateFormats {
		f, err := Format(name)
		if err != nil {
			t.Fatal(err)
		}
		got, d, err := Read(context.Background(), 1<<20, f)
		if err != nil || got != f {
			t.Errorf("%s: format %d, %v", name, got, err)
			continue
		}
		if name != PrivateFormats[0] && (len(d) < 4 || !bytes.Equal(d[:4], []byte{0, 0, 0, 0})) {
			t.Errorf("%s = % x, want DWORD 0", name, d)
		}
	}

	if err := Clear(); err != nil {
		t.Fatal(err)
	}
	if f, _, _ := Read(context.Background(), 1<<20, cfUnicodeText); f != 0 {
		t.Error("Clear left the text on the clipboard")
	}
}

// bytes16 cuts the terminating NUL and anything after it.
func bytes16(u []uint16) []uint16 {
	for i, c := range u {
		if c == 0 {
			return u[:i]
		}
	}
	return u
}
