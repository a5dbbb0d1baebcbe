package capture

import (
	"image"

	"github.com/makiuchi-d/gozxing"
)

// Photos of printed codes, and screenshots that were scaled and
// recompressed, fail the screen passes in ways a screen never does: the
// contrast is low, light falls unevenly, edges are blurred, noise and JPEG
// blocks break the runs the finder search counts. ZXing's hybrid
// threshold, tuned for screens, loses low-contrast codes with large
// modules (its flat-block rule halves the black point) and noisy ones.
// These passes run only when every screen pass found nothing, so a
// screenshot costs no more; each reads the image another way:
//
//   - a global threshold from the histogram (Otsu's method), which keeps
//     a low-contrast code whole;
//   - a local mean threshold over windows of a few modules' size, for
//     uneven light;
//   - the plane smoothed first, against noise and JPEG blocks;
//   - the plane sharpened (an unsharp mask), so that blur does not fill
//     in the light ring of a finder pattern;
//   - the plane at half and quarter size (the phone's 12 megapixels hold
//     modules of 20 pixels or more, and blur shrinks with them), and
//     enlarged twice or four times when it is small;
//   - a large photo's full plane, smoothed, for a small code in it.
//
// Whatever the plane, a code the detector finds but cannot read from the
// binarized matrix is read again from the plane's grey levels
// (decode_grey.go).

// fineMaxPixels bounds the planes that are also read smoothed by local
// mean, and sharpened: a 3×3 filter only matters where a module is a few
// pixels, in small images, and a screen without a code (1080p) is spared
// the time.
const fineMaxPixels = 1_000_000

// photoMaxPixels bounds the plane the photo passes read: larger images
// are averaged down by a whole factor until they fit.
const photoMaxPixels = 2_200_000

// photoPasses runs the photo passes over the full-resolution plane of the
// image until one finds a code: on the plane, then on its negative (a
// light code on a dark screen or sheet: the passes read dark modules).
func (s *scan) photoPasses(full gray) {
	f := 1
	for (full.w/f)*(full.h/f) > photoMaxPixels {
		f++
	}
	base := full
	if f > 1 {
		base = downscale(full, f)
		defer putBuf(base.pix)
	}
	s.off, s.rotatedH = image.Point{}, 0
	s.photo = true
	defer func() { s.photo, s.inverted, s.mul, s.div = false, false, 1, 1 }()
	for _, inverted := range []bool{false, true} {
		plane := base
		if inverted {
			plane = negative(base)
			defer putBuf(plane.pix)
		}
		s.inverted = inverted
		if s.photoScales(plane, f) || s.stopped() {
			return
		}
		if f > 2 && full.w*full.h <= fullReadMaxPixels {
			// A phone's photo: reduced f times, the modules of a small
			// code in it are lost. Read the full plane as well, smoothed
			// against the sensor's noise.
			sm := boxBlur3(full)
			if inverted {
				neg := negative(sm)
				putBuf(sm.pix)
				sm = neg
			}
			s.mul, s.div = 1, 1
			found := s.photoSearch(sm, localMeanMatrix(sm, max(16, min(sm.w, sm.h)/16)))
			putBuf(sm.pix)
			if found || s.stopped() {
				return
			}
		}
	}
}

// fullReadMaxPixels bounds the large photos whose full plane the photo
// passes also read: a 12-megapixel phone photo, not a 40-megapixel one,
// which would need some 200 MB more for it.
const fullReadMaxPixels = 16_000_000

// negative returns g with light and dark swapped, in a pooled buffer.
func negative(g gray) gray {
	pix := getBuf(len(g.pix))
	for i, v := range g.pix {
		pix[i] = 255 - v
	}
	return gray{pix, g.w, g.h}
}

// photoScales runs the photo passes over base, the image's plane reduced
// f times, then at half and a quarter its size when it is large, or
// twice its size when it is small; true once a code is found.
func (s *scan) photoScales(base gray, f int) bool {
	s.mul, s.div = f, 1
	if s.photoPlane(base, f == 1) {
		return true
	}
	if base.w*base.h > 400_000 && !s.stopped() {
		half := downscale(base, 2)
		s.mul = 2 * f
		found := s.photoPlane(half, false)
		if !found && half.w*half.h > 400_000 && !s.stopped() {
			q := downscale(half, 2)
			s.mul = 4 * f
			found = s.photoPlane(q, false)
			putBuf(q.pix)
		}
		putBuf(half.pix) // only now: the quarter plane was read from it
		if found {
			return true
		}
	}
	if base.w*base.h < 600_000 && !s.stopped() {
		big := upscale2(base)
		s.mul, s.div = f, 2
		found := s.photoPlane(big, true)
		if !found && big.w*big.h < 160_000 && !s.stopped() {
			// Modules of a pixel or so: four times.
			huge := upscale2(big)
			s.div = 4
			found = s.photoPlane(huge, true)
			putBuf(huge.pix)
		}
		putBuf(big.pix)
		return found
	}
	return false
}

// photoPlane searches g binarized each photo way (smoothed, and
// sharpened, too when smooth is set: a plane averaged down is smooth
// already); true once a code is found. The grey plane stays beside each
// matrix for decodeGrey.
func (s *scan) photoPlane(g gray, smooth bool) bool {
	try := func(m *gozxing.BitMatrix) bool { return s.photoSearch(g, m) }
	win := max(16, min(g.w, g.h)/16)
	if try(thresholdMatrix(g, otsu(g))) || try(localMeanMatrix(g, win)) {
		return true
	}
	if !smooth {
		return false
	}
	sm := boxBlur3(g)
	defer putBuf(sm.pix)
	if try(binarizeFunc(sm)(false)) || try(thresholdMatrix(sm, otsu(sm))) {
		return true
	}
	if g.w*g.h > fineMaxPixels {
		return false
	}
	if try(localMeanMatrix(sm, win)) {
		return true
	}
	sh := sharpen(g, sm)
	defer putBuf(sh.pix)
	return try(binarizeFunc(sh)(false)) || try(localMeanMatrix(sh, win))
}

// photoSearch searches m, binarized from g, with gozxing's detector and
// then the photo passes' own choice of trios, with g beside it for
// decodeGrey; true when it found a code.
func (s *scan) photoSearch(g gray, m *gozxing.BitMatrix) bool {
	if m == nil || s.stopped() {
		return false
	}
	n := len(s.codes)
	s.grey, s.greyOf = g, m
	defer func() { s.grey, s.greyOf = gray{}, nil }()
	s.search(m, true)
	if len(s.codes) == n && !s.stopped() {
		s.meshTrios(m)
	}
	return len(s.codes) > n
}

// downscale averages f×f blocks of g into a pooled buffer.
func downscale(g gray, f int) gray {
	w, h := g.w/f, g.h/f
	pix := getBuf(w * h)
	area := uint32(f * f)
	inBands(h, 64, func(y0, y1 int) {
		sums := make([]uint32, w)
		for y := y0; y < y1; y++ {
			clear(sums)
			for dy := 0; dy < f; dy++ {
				row := g.pix[(y*f+dy)*g.w:][:w*f]
				for x := range sums {
					for _, v := range row[x*f : x*f+f] {
						sums[x] += uint32(v)
					}
				}
			}
			out := pix[y*w : y*w+w]
			for x, v := range sums {
				out[x] = byte((v + area/2) / area)
			}
		}
	})
	return gray{pix, w, h}
}

// boxBlur3 smooths g with a 3×3 mean into a pooled buffer.
func boxBlur3(g gray) gray {
	pix := getBuf(g.w * g.h)
	for y := 0; y < g.h; y++ {
		r0 := g.pix[clampInt(y-1, 0, g.h-1)*g.w:][:g.w]
		r1 := g.pix[y*g.w:][:g.w]
		r2 := g.pix[clampInt(y+1, 0, g.h-1)*g.w:][:g.w]
		out := pix[y*g.w:][:g.w]
		for x := range out {
			x0, x2 := max(x-1, 0), min(x+1, g.w-1)
			sum := uint32(r0[x0]) + uint32(r0[x]) + uint32(r0[x2]) +
				uint32(r1[x0]) + uint32(r1[x]) + uint32(r1[x2]) +
				uint32(r2[x0]) + uint32(r2[x]) + uint32(r2[x2])
			out[x] = byte((sum + 4) / 9)
		}
	}
	return gray{pix, g.w, g.h}
}

// otsu returns the threshold that best separates g's histogram into two
// classes (Otsu's method: the largest between-class variance).
func otsu(g gray) int {
	var hist [256]int
	for _, v := range g.pix {
		hist[v]++
	}
	total := len(g.pix)
	var sumAll float64
	for i, n := range hist {
		sumAll += float64(i * n)
	}
	var sumB float64
	wB, best, bestVar := 0, 128, -1.0
	for t := 0; t < 256; t++ {
		wB += hist[t]
		if wB == 0 {
			continue
		}
		wF := total - wB
		if wF == 0 {
			break
		}
		sumB += float64(t * hist[t])
		mB := sumB / float64(wB)
		mF := (sumAll - sumB) / float64(wF)
		v := float64(wB) * float64(wF) * (mB - mF) * (mB - mF)
		if v > bestVar {
			bestVar, best = v, t
		}
	}
	return best
}

// thresholdMatrix marks pixels at or below t black.
func thresholdMatrix(g gray, t int) *gozxing.BitMatrix {
	if g.w < 1 || g.h < 1 {
		return nil
	}
	m, _ := gozxing.NewBitMatrix(g.w, g.h)
	row := gozxing.NewBitArray(g.w)
	words := row.GetBitArray()
	for y := 0; y < g.h; y++ {
		clear(words)
		for x, v := range g.pix[y*g.w : y*g.w+g.w] {
			if int(v) <= t {
				words[x>>5] |= 1 << (x & 31)
			}
		}
		m.SetRow(y, row)
	}
	return m
}

// localMeanMatrix marks a pixel black when it is darker than the mean of
// the (2r+1)² window around it, by a margin that keeps flat areas white.
func localMeanMatrix(g gray, r int) *gozxing.BitMatrix {
	if g.w < 1 || g.h < 1 {
		return nil
	}
	// Summed-area table, one row and column of zeros in front. Its sums
	// wrap around past 2³² on a large plane, but a window's sum, a
	// difference of four of them, comes out right all the same: it is
	// less than 2³² itself.
	sw := g.w + 1
	sat := make([]uint32, sw*(g.h+1))
	for y := 0; y < g.h; y++ {
		var run uint32
		for x := 0; x < g.w; x++ {
			run += uint32(g.pix[y*g.w+x])
			sat[(y+1)*sw+x+1] = sat[y*sw+x+1] + run
		}
	}
	m, _ := gozxing.NewBitMatrix(g.w, g.h)
	inBands(g.h, 64, func(y0, y1 int) {
		row := gozxing.NewBitArray(g.w)
		words := row.GetBitArray()
		for y := y0; y < y1; y++ {
			clear(words)
			t, b := max(y-r, 0), min(y+r+1, g.h)
			for x := 0; x < g.w; x++ {
				l, rr := max(x-r, 0), min(x+r+1, g.w)
				sum := uint64(sat[b*sw+rr] - sat[t*sw+rr] - sat[b*sw+l] + sat[t*sw+l])
				n := uint64((b - t) * (rr - l))
				// v < mean - 2%: v*n*50 < sum*49
				if uint64(g.pix[y*g.w+x])*n*50 < sum*49 {
					words[x>>5] |= 1 << (x & 31)
				}
			}
			m.SetRow(y, row)
		}
	})
	return m
}

// sharpen is an unsharp mask into a pooled buffer: g plus its difference
// from sm, g smoothed, which steepens the edges that blur made shallow.
func sharpen(g, sm gray) gray {
	pix := getBuf(g.w * g.h)
	for i, v := range g.pix {
		pix[i] = byte(clampInt(2*int(v)-int(sm.pix[i]), 0, 255))
	}
	return gray{pix, g.w, g.h}
}
