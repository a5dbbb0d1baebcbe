package capture

import (
	"image"
	"image/color"
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
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	pix := getBuf(w * h)
	switch m := img.(type) {
	case *image.RGBA:
		for y := 0; y < h; y++ {
			row := m.Pix[(y)*m.Stride : (y)*m.Stride+4*w]
			out := pix[y*w : y*w+w]
			for x := range out {
				p := row[4*x : 4*x+4 : 4*x+4]
				// Premultiplied: composite over white by adding the
				// missing coverage.
				l := uint32(luma(uint32(p[0]), uint32(p[1]), uint32(p[2])))
				out[x] = byte(l + 255 - uint32(p[3]))
			}
		}
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride : y*m.Stride+4*w]
			out := pix[y*w : y*w+w]
			for x := range out {
				p := row[4*x : 4*x+4 : 4*x+4]
				l := uint32(luma(uint32(p[0]), uint32(p[1]), uint32(p[2])))
				a := uint32(p[3])
				out[x] = byte((l*a + 255*(255-a) + 127) / 255)
			}
		}
	case *image.Gray:
		for y := 0; y < h; y++ {
			copy(pix[y*w:y*w+w], m.Pix[y*m.Stride:y*m.Stride+w])
		}
	case *image.YCbCr:
		// Y is already the luminance of a JPEG.
		for y := 0; y < h; y++ {
			copy(pix[y*w:y*w+w], m.Y[y*m.YStride:y*m.YStride+w])
		}
	default:
		i := 0
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
				l := uint32(luma(uint32(c.R), uint32(c.G), uint32(c.B)))
				a := uint32(c.A)
				pix[i] = byte((l*a + 255*(255-a) + 127) / 255)
				i++
			}
		}
	}
	return gray{pix, w, h}
}
