package capture

import (
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"runtime"
	"sync"
)

// gray is a luminance plane: one byte per pixel, 0 black to 255 white,
// rows packed with no padding. It is what the QR detector reads.
type gray struct {
	pix  []byte
	w, h int
}

// grayPool recycles luminance buffers: a 4K frame is 8 MB, and a screen
// scanner decodes frame after frame of the same size.
var grayPool sync.Pool

func getBuf(n int) []byte {
	if p, ok := grayPool.Get().(*[]byte); ok && cap(*p) >= n {
		return (*p)[:n]
	}
	return make([]byte, n)
}

func putBuf(b []byte) {
	grayPool.Put(&b)
}

// Luminance weights, in 1/1024ths: the ITU-R BT.601 mix that ZXing's
// reference harness uses, so our thresholds mean what its thresholds mean.
const (
	wr = 306
	wg = 601
	wb = 117
)

func luma(r, g, b uint32) byte {
	return byte((wr*r + wg*g + wb*b + 512) >> 10)
}

// toGray converts img to a luminance plane in a pooled buffer (release it
// with putBuf). Transparent pixels count as white, as on a light page.
// The common screen and file types are read straight from their pixel
// slices; going through At costs an allocation per pixel.
func toGray(img image.Image) gray {
	return toGrayCtx(context.Background(), img)
}

// stopEvery is how many rows a conversion reads between looks at its
// context: 64 rows of a 40-megapixel image take about a millisecond.
const stopEvery = 64

// toGrayCtx is toGray, giving up when ctx is done: it then returns at
// once, its plane only partly filled (the caller sees ctx's error and
// throws it away).
func toGrayCtx(ctx context.Context, img image.Image) gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	pix := getBuf(w * h)
	switch m := img.(type) {
	case *image.RGBA:
		inBands(h, 256, func(y0, y1 int) {
			for y := y0; y < y1; y++ {
				if y%stopEvery == 0 && ctx.Err() != nil {
					return
				}
				rgbaRow(pix[y*w:y*w+w], m.Pix[y*m.Stride:y*m.Stride+4*w])
			}
		})
	case *image.NRGBA:
		inBands(h, 256, func(y0, y1 int) {
			for y := y0; y < y1; y++ {
				if y%stopEvery == 0 && ctx.Err() != nil {
					return
				}
				nrgbaRow(pix[y*w:y*w+w], m.Pix[y*m.Stride:y*m.Stride+4*w])
			}
		})
	case *image.Gray:
		for y := 0; y < h; y++ {
			if y%stopEvery == 0 && ctx.Err() != nil {
				break
			}
			copy(pix[y*w:y*w+w], m.Pix[y*m.Stride:y*m.Stride+w])
		}
	case *image.RGBA64:
		// 16-bit PNGs (ImageMagick writes them): the high bytes suffice.
		for y := 0; y < h; y++ {
			if y%stopEvery == 0 && ctx.Err() != nil {
				break
			}
			row := m.Pix[y*m.Stride : y*m.Stride+8*w]
			out := pix[y*w : y*w+w]
			for x := range out {
				p := row[8*x : 8*x+8 : 8*x+8]
				l := (wr*uint32(p[0]) + wg*uint32(p[2]) + wb*uint32(p[4]) + 512) >> 10
				out[x] = byte(l + 255 - uint32(p[6]))
			}
		}
	case *image.NRGBA64:
		for y := 0; y < h; y++ {
			if y%stopEvery == 0 && ctx.Err() != nil {
				break
			}
			row := m.Pix[y*m.Stride : y*m.Stride+8*w]
			out := pix[y*w : y*w+w]
			for x := range out {
				p := row[8*x : 8*x+8 : 8*x+8]
				l := (wr*uint32(p[0]) + wg*uint32(p[2]) + wb*uint32(p[4]) + 512) >> 10
				if a := uint32(p[6]); a != 255 {
					l = (l*a + 255*(255-a) + 127) / 255
				}
				out[x] = byte(l)
			}
		}
	case *image.Paletted:
		// GIFs and palette PNGs: convert the palette once.
		var lut [256]byte
		for i, c := range m.Palette {
			n := color.NRGBAModel.Convert(c).(color.NRGBA)
			l := uint32(luma(uint32(n.R), uint32(n.G), uint32(n.B)))
			a := uint32(n.A)
			lut[i] = byte((l*a + 255*(255-a) + 127) / 255)
		}
		for i := len(m.Palette); i < 256; i++ {
			lut[i] = 255 // an index past the palette (At would panic): white
		}
		for y := 0; y < h; y++ {
			if y%stopEvery == 0 && ctx.Err() != nil {
				break
			}
			row := m.Pix[y*m.Stride : y*m.Stride+w]
			out := pix[y*w : y*w+w]
			for x, v := range row {
				out[x] = lut[v]
			}
		}
	case *image.YCbCr:
		// Y is already the luminance of a JPEG.
		for y := 0; y < h; y++ {
			if y%stopEvery == 0 && ctx.Err() != nil {
				break
			}
			copy(pix[y*w:y*w+w], m.Y[y*m.YStride:y*m.YStride+w])
		}
	default:
		i := 0
		for y := b.Min.Y; y < b.Max.Y; y++ {
			if (y-b.Min.Y)%stopEvery == 0 && ctx.Err() != nil {
				break
			}
			for x := b.Min.X; x < b.Max.X; x++ {
				px := img.At(x, y)
				if px == nil { // e.g. a Paletted image without a palette
					pix[i] = 255
					i++
					continue
				}
				c := color.NRGBAModel.Convert(px).(color.NRGBA)
				l := uint32(luma(uint32(c.R), uint32(c.G), uint32(c.B)))
				a := uint32(c.A)
				pix[i] = byte((l*a + 255*(255-a) + 127) / 255)
				i++
			}
		}
	}
	return gray{pix, w, h}
}

// rgbaRow converts one row of premultiplied RGBA to luminance, composited
// over white by adding back the uncovered part (255-alpha).
func rgbaRow(out, in []byte) {
	in = in[:4*len(out)]
	for x := range out {
		v := binary.LittleEndian.Uint32(in[4*x:])
		l := (wr*(v&0xff) + wg*(v>>8&0xff) + wb*(v>>16&0xff) + 512) >> 10
		out[x] = byte(l + 255 - v>>24)
	}
}

// nrgbaRow converts one row of non-premultiplied RGBA over white.
func nrgbaRow(out, in []byte) {
	for x := range out {
		p := in[4*x : 4*x+4 : 4*x+4]
		l := (wr*uint32(p[0]) + wg*uint32(p[1]) + wb*uint32(p[2]) + 512) >> 10
		if a := uint32(p[3]); a != 255 {
			l = (l*a + 255*(255-a) + 127) / 255
		}
		out[x] = byte(l)
	}
}

// halfGray converts img to luminance at half its width and height, each
// output pixel the mean of a 2×2 block. A screen-sized code at 100 %
// scaling has 4 or more pixels a module, so half resolution still reads
// it, and binarizing and searching a quarter of the pixels is what makes
// the first pass fast. Screens come as RGBA; other types go through
// toGray first.
func halfGray(img image.Image) gray {
	return halfGrayCtx(context.Background(), img)
}

// halfGrayCtx is halfGray, giving up as toGrayCtx does.
func halfGrayCtx(ctx context.Context, img image.Image) gray {
	b := img.Bounds()
	w, h := b.Dx()/2, b.Dy()/2
	pix := getBuf(w * h)
	switch m := img.(type) {
	case *image.RGBA:
		inBands(h, 256, func(y0, y1 int) {
			for y := y0; y < y1; y++ {
				if y%stopEvery == 0 && ctx.Err() != nil {
					return
				}
				r0 := m.Pix[2*y*m.Stride:][:8*w]
				r1 := m.Pix[(2*y+1)*m.Stride:][:8*w]
				halfRGBARow(pix[y*w:y*w+w], r0, r1)
			}
		})
	default:
		full := toGrayCtx(ctx, img)
		for y := 0; y < h; y++ {
			r0 := full.pix[2*y*full.w:][:2*w]
			r1 := full.pix[(2*y+1)*full.w:][:2*w]
			out := pix[y*w : y*w+w]
			for x := range out {
				out[x] = byte((uint32(r0[2*x]) + uint32(r0[2*x+1]) + uint32(r1[2*x]) + uint32(r1[2*x+1]) + 2) >> 2)
			}
		}
		putBuf(full.pix)
	}
	return gray{pix, w, h}
}

// halfRGBARow averages 2×2 blocks of premultiplied RGBA from two rows.
// It adds channels of two pixels at once in 16-bit lanes of a uint64
// (four bytes summed never exceed 16 bits): the conversion is the largest
// cost of the fast pass, and this halves it.
func halfRGBARow(out, r0, r1 []byte) {
	const m = 0x00ff00ff00ff00ff
	n := len(out)
	r0 = r0[:8*n]
	r1 = r1[:8*n]
	for x, i := 0, 0; x < n; x, i = x+1, i+8 {
		a := binary.LittleEndian.Uint64(r0[i : i+8 : i+8])
		c := binary.LittleEndian.Uint64(r1[i : i+8 : i+8])
		rb := a&m + c&m       // R, B, R, B of the two columns
		ga := a>>8&m + c>>8&m // G, A, G, A
		rb += rb >> 32        // both columns in the low lanes
		ga += ga >> 32
		l := (wr*uint32(rb&0xffff) + wg*uint32(ga&0xffff) + wb*uint32(rb>>16&0xffff) + 2048) >> 12
		out[x] = byte(l + 255 - (uint32(ga>>16&0xffff)+2)>>2)
	}
}

// upscale2 enlarges g to twice its width and height with bilinear
// interpolation (into a pooled buffer). Modules under three pixels, or
// blurred by fractional desktop scaling, give the finder pattern search
// too few pixels to measure its 1:1:3:1:1 runs; doubled, they read.
func upscale2(g gray) gray {
	w, h := 2*g.w, 2*g.h
	pix := getBuf(w * h)
	for y := 0; y < h; y++ {
		// Output pixel centres fall at quarter positions between input
		// pixel centres: weights 3/4 and 1/4.
		sy := y/2 - 1 + y%2 // the upper of the two source rows
		y0, y1 := clampInt(sy, 0, g.h-1), clampInt(sy+1, 0, g.h-1)
		var wy0 uint32 = 1
		if y%2 == 1 {
			wy0 = 3
		}
		wy1 := 4 - wy0
		out := pix[y*w : y*w+w]
		r0 := g.pix[y0*g.w : y0*g.w+g.w]
		r1 := g.pix[y1*g.w : y1*g.w+g.w]
		for x := 0; x < w; x++ {
			sx := x/2 - 1 + x%2
			x0, x1 := clampInt(sx, 0, g.w-1), clampInt(sx+1, 0, g.w-1)
			var wx0 uint32 = 1
			if x%2 == 1 {
				wx0 = 3
			}
			wx1 := 4 - wx0
			v := wy0*(wx0*uint32(r0[x0])+wx1*uint32(r0[x1])) + wy1*(wx0*uint32(r1[x0])+wx1*uint32(r1[x1]))
			out[x] = byte((v + 8) >> 4)
		}
	}
	return gray{pix, w, h}
}

func clampInt(v, lo, hi int) int {
	return min(max(v, lo), hi)
}

// inBands runs f over rows [0, h) split into one band per CPU, when there
// are at least grain rows a band, enough for the goroutines to pay: converting a 4K frame is
// the largest cost of the fast pass, and a screen scanner has the machine
// to itself while the user waits.
func inBands(h, grain int, f func(y0, y1 int)) {
	n := min(runtime.GOMAXPROCS(0), 4, h/grain)
	if n <= 1 {
		f(0, h)
		return
	}
	var wg sync.WaitGroup
	for i := range n {
		y0, y1 := h*i/n, h*(i+1)/n
		wg.Go(func() { f(y0, y1) })
	}
	wg.Wait()
}

// rotate90 turns g a quarter clockwise into a pooled buffer.
func rotate90(g gray) gray {
	w, h := g.h, g.w
	pix := getBuf(w * h)
	for y := 0; y < g.h; y++ {
		row := g.pix[y*g.w : y*g.w+g.w]
		x := g.h - 1 - y
		for sx, v := range row {
			pix[sx*w+x] = v
		}
	}
	return gray{pix, w, h}
}
