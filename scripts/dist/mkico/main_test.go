package main

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteICO(t *testing.T) {
	src := image.NewNRGBA(image.Rect(0, 0, 512, 512))
	for y := 0; y < 512; y++ {
		for x := 0; x < 512; x++ {
			src.Set(x, y, color.NRGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var buf bytes.Buffer
	if err := writeICO(&buf, src); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	if got := binary.LittleEndian.Uint16(data[2:]); got != 1 {
		t.Fatalf("type %d, want 1 (icon)", got)
	}
	if got := int(binary.LittleEndian.Uint16(data[4:])); got != len(sizes) {
		t.Fatalf("%d images, want %d", got, len(sizes))
	}
	for i, s := range sizes {
		e := data[6+16*i:]
		w := int(e[0])
		if w == 0 {
			w = 256
		}
		size := binary.LittleEndian.Uint32(e[8:])
		off := binary.LittleEndian.Uint32(e[12:])
		img, err := png.Decode(bytes.NewReader(data[off : off+size]))
		if err != nil {
			t.Fatalf("image %d: %v", i, err)
		}
		if w != s || img.Bounds().Dx() != s || img.Bounds().Dy() != s {
			t.Fatalf("image %d: entry %d px, PNG %v, want %d", i, w, img.Bounds(), s)
		}
	}

	// icotool (icoutils), an independent reader, lists the same sizes.
	tool, err := exec.LookPath("icotool")
	if err != nil {
		if os.Getenv("DESKAUTH_REQUIRE_TOOLS") == "1" {
			t.Fatalf("icotool is required (icoutils, scripts/apt-packages.txt): %v", err)
		}
		t.Skip("icotool is not installed")
	}
	p := filepath.Join(t.TempDir(), "x.ico")
	os.WriteFile(p, data, 0o644)
	out, err := exec.Command(tool, "-l", p).CombinedOutput()
	if err != nil {
		t.Fatalf("icotool -l: %v\n%s", err, out)
	}
	for _, s := range []string{"--width=256 --height=256", "--width=48 --height=48", "--width=16 --height=16"} {
		if !strings.Contains(string(out), s) {
			t.Errorf("icotool -l does not list %s:\n%s", s, out)
		}
	}
}

func TestWriteICORejectsSmallImages(t *testing.T) {
	if err := writeICO(&bytes.Buffer{}, image.NewNRGBA(image.Rect(0, 0, 64, 64))); err == nil {
		t.Fatal("a 64 px image was accepted")
	}
	if err := writeICO(&bytes.Buffer{}, image.NewNRGBA(image.Rect(0, 0, 512, 300))); err == nil {
		t.Fatal("a non-square image was accepted")
	}
}
