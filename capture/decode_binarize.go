package capture

import (
	"github.com/makiuchi-d/gozxing"
)

// The binarizer turns a luminance plane into the black/white matrix the QR
// detector reads. It thresholds locally, as ZXing's hybrid binarizer does:
// the plane is cut into 8×8 blocks, each block gets a "black point" from its
// own pixels, and a pixel is black when it is no lighter than the mean black
// point of the 5×5 blocks around its own. That copes with shadows and with
// pages that mix light and dark panels.
//
// It is our own implementation rather than gozxing's because on a screen
// frame binarizing is most of the work: this one reads each pixel once for
// the statistics and once to threshold, packs bits a word at a time, and
// derives the inverted matrix (for white-on-dark codes) from the same block
// statistics instead of converting and binarizing a negative plane.

const (
	blockShift = 3
	blockSize  = 1 << blockShift
	// minContrast is the spread (max-min) under which a block is taken
	// as flat: background, not part of a code.
	minContrast = 24
)

// binarizer holds a plane's block statistics; matrix thresholds it.
type binarizer struct {
	g          gray
	subW, subH int
	// thr and thrInv are each block's threshold for the plane and for its
	// negative.
	thr, thrInv []int32
}

// newBinarizer computes the block statistics of g, which must be at least
// 5 blocks (40 px) on each side; smaller planes use the global binarizer.
func newBinarizer(g gray) *binarizer {
	subW := (g.w + blockSize - 1) >> blockShift
	subH := (g.h + blockSize - 1) >> blockShift
	b := &binarizer{g: g, subW: subW, subH: subH}
	// Gather each block's sum, minimum and maximum (in parallel: this
	// reads every pixel), then derive black points in order, since a flat
	// block looks at its upper and left neighbours.
	type stats struct{ sum, lo, hi int32 }
	st := make([]stats, subW*subH)
	inBands(subH, 32, func(by0, by1 int) {
		for by := by0; by < by1; by++ {
			y0 := min(by<<blockShift, g.h-blockSize)
			for bx := 0; bx < subW; bx++ {
				x0 := min(bx<<blockShift, g.w-blockSize)
				var sum, lo, hi int32 = 0, 255, 0
				for y := y0; y < y0+blockSize; y++ {
					row := g.pix[y*g.w+x0 : y*g.w+x0+blockSize : y*g.w+x0+blockSize]
					for _, v := range row {
						p := int32(v)
						sum += p
						lo = min(lo, p)
						hi = max(hi, p)
					}
				}
				st[by*subW+bx] = stats{sum, lo, hi}
			}
		}
	})
	black := make([]int32, subW*subH)
	blackInv := make([]int32, subW*subH)
	for by := 0; by < subH; by++ {
		for bx := 0; bx < subW; bx++ {
			i := by*subW + bx
			s := st[i]
			black[i] = blackPoint(black, subW, bx, by, s.sum, s.lo, s.hi)
			// The negative has the same spread, mirrored.
			blackInv[i] = blackPoint(blackInv, subW, bx, by, 255*blockSize*blockSize-s.sum, 255-s.hi, 255-s.lo)
		}
	}
	b.thr = neighbourMeans(black, subW, subH)
	b.thrInv = neighbourMeans(blackInv, subW, subH)
	return b
}

// blackPoint is one block's black point: the block mean when it has
// contrast; for a flat block, half its minimum (so it reads as
// background), unless its upper and left neighbours say the block sits in
// a dark area, when their black point carries over.
func blackPoint(black []int32, subW, bx, by int, sum, lo, hi int32) int32 {
	if hi-lo > minContrast {
		return sum >> (2 * blockShift)
	}
	avg := lo / 2
	if bx > 0 && by > 0 {
		up := black[(by-1)*subW+bx]
		left := black[by*subW+bx-1]
		diag := black[(by-1)*subW+bx-1]
		if nb := (up + 2*left + diag) / 4; lo < nb {
			avg = nb
		}
	}
	return avg
}

// neighbourMeans averages black points over the 5×5 blocks around each
// block (the window slides inward at the edges), with a summed-area table.
func neighbourMeans(black []int32, subW, subH int) []int32 {
	sat := make([]int32, (subW+1)*(subH+1))
	for y := 0; y < subH; y++ {
		var run int32
		for x := 0; x < subW; x++ {
			run += black[y*subW+x]
			sat[(y+1)*(subW+1)+x+1] = sat[y*(subW+1)+x+1] + run
		}
	}
	out := make([]int32, subW*subH)
	for by := 0; by < subH; by++ {
		top := clampInt(by, 2, subH-3) - 2
		for bx := 0; bx < subW; bx++ {
			left := clampInt(bx, 2, subW-3) - 2
			s := sat[(top+5)*(subW+1)+left+5] - sat[top*(subW+1)+left+5] -
				sat[(top+5)*(subW+1)+left] + sat[top*(subW+1)+left]
			out[by*subW+bx] = s / 25
		}
	}
	return out
}

// matrix thresholds the plane (or its negative) into a BitMatrix.
func (b *binarizer) matrix(inverted bool) *gozxing.BitMatrix {
	g := b.g
	m, _ := gozxing.NewBitMatrix(g.w, g.h)
	thr := b.thr
	if inverted {
		thr = b.thrInv
	}
	inBands(g.h, 256, func(y0, y1 int) {
		row := gozxing.NewBitArray(g.w)
		words := row.GetBitArray()
		for y := y0; y < y1; y++ {
			clear(words)
			line := g.pix[y*g.w : y*g.w+g.w]
			blocks := thr[(y>>blockShift)*b.subW : (y>>blockShift+1)*b.subW]
			for x, v := range line {
				t := blocks[x>>blockShift]
				var black uint32
				if inverted {
					// Black in the negative: 255-v <= t.
					black = uint32(t-255+int32(v))>>31 ^ 1
				} else {
					black = uint32(t-int32(v))>>31 ^ 1
				}
				words[x>>5] |= black << (x & 31)
			}
			m.SetRow(y, row)
		}
	})
	return m
}

// binarizeFunc returns a function that binarizes g, or its negative, from
// block statistics gathered once. Planes too small for blocks use one
// global threshold. It returns nil matrices for planes it cannot binarize.
func binarizeFunc(g gray) func(inverted bool) *gozxing.BitMatrix {
	if g.w < 5*blockSize || g.h < 5*blockSize {
		return func(inverted bool) *gozxing.BitMatrix {
			m, err := globalBinarize(g, inverted)
			if err != nil {
				return nil
			}
			return m
		}
	}
	return newBinarizer(g).matrix
}

// globalBinarize uses one threshold for the whole plane: the fallback for
// planes too small for blocks.
func globalBinarize(g gray, inverted bool) (*gozxing.BitMatrix, error) {
	src, err := gozxing.NewPlanarYUVLuminanceSource(g.pix, g.w, g.h, 0, 0, g.w, g.h, false)
	if err != nil {
		return nil, err
	}
	if inverted {
		src = src.Invert()
	}
	return gozxing.NewGlobalHistgramBinarizer(src).GetBlackMatrix()
}
