// Command mkico turns a square PNG into a Windows .ico holding the sizes
// Windows asks for (16 to 256 px), each stored as PNG, as Windows Vista and
// later read them. scripts/dist/windows.sh uses it for the programs' icon, so
// the build needs no image tool besides Go.
//
// Usage:
//
//	go run ./scripts/dist/mkico -o deskauth.ico assets/icon.png
package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"

	"golang.org/x/image/draw"
)

// sizes are the icon sizes Explorer, the taskbar and shortcuts use.
var sizes = []int{256, 128, 64, 48, 32, 24, 16}

func main() {
	out := flag.String("o", "", "the .ico file to write")
	flag.Parse()
	if *out == "" || flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: mkico -o OUT.ico IN.png")
		os.Exit(2)
	}
	if err := run(*out, flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, "mkico:", err)
		os.Exit(1)
	}
}

func run(out, in string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	src, err := png.Decode(f)
	if err != nil {
		return fmt.Errorf("%s: %v", in, err)
	}
	var buf bytes.Buffer
	if err := writeICO(&buf, src); err != nil {
		return err
	}
	return os.WriteFile(out, buf.Bytes(), 0o644)
}

// writeICO writes src scaled to each of sizes: an ICONDIR, one
// ICONDIRENTRY per image, then the PNG images.
func writeICO(w io.Writer, src image.Image) error {
	b := src.Bounds()
	if b.Dx() != b.Dy() || b.Dx() < sizes[0] {
		return errors.New("the image must be square and at least 256 px")
	}
	var images [][]byte
	for _, s := range sizes {
		dst := image.NewNRGBA(image.Rect(0, 0, s, s))
		draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Src, nil)
		var p bytes.Buffer
		if err := png.Encode(&p, dst); err != nil {
			return err
		}
		images = append(images, p.Bytes())
	}
	header := []uint16{0, 1, uint16(len(sizes))} // reserved, type 1 = icon, count
	if err := binary.Write(w, binary.LittleEndian, header); err != nil {
		return err
	}
	offset := 6 + 16*len(sizes)
	for i, s := range sizes {
		dim := uint8(s) // 256 is written as 0
		entry := struct {
			Width, Height, Colors, Reserved uint8
			Planes, BitCount                uint16
			Size, Offset                    uint32
		}{dim, dim, 0, 0, 1, 32, uint32(len(images[i])), uint32(offset)}
		if err := binary.Write(w, binary.LittleEndian, entry); err != nil {
			return err
		}
		offset += len(images[i])
	}
	for _, p := range images {
		if _, err := w.Write(p); err != nil {
			return err
		}
	}
	return nil
}
