package capture

import (
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/deskauth/deskauth/internal/testenv"
)

// referenceMatrix binarizes g with gozxing's HybridBinarizer, the
// algorithm ours reimplements.
func referenceMatrix(t *testing.T, g gray, inverted bool) *gozxing.BitMatrix {
	t.Helper()
	var src gozxing.LuminanceSource
	src, err := gozxing.NewPlanarYUVLuminanceSource(g.pix, g.w, g.h, 0, 0, g.w, g.h, false)
	if err != nil {
		t.Fatal(err)
	}
	if inverted {
		neg := make([]byte, len(g.pix))
		for i, v := range g.pix {
			neg[i] = 255 - v
		}
		src, _ = gozxing.NewPlanarYUVLuminanceSource(neg, g.w, g.h, 0, 0, g.w, g.h, false)
	}
	m, err := gozxing.NewHybridBinarizer(src).GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestBinarizerMatchesHybrid: on pages, codes and noise of sizes that are
// and are not multiples of the block size, our matrix is gozxing's, bit
// for bit, both for the plane and for its negative (which gozxing needs a
// negated copy of the plane for, and we derive from the same statistics).
func TestBinarizerMatchesHybrid(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var planes []gray
	for _, size := range [][2]int{{40, 40}, {41, 57}, {333, 200}, {1280, 721}} {
		page := busyPage(size[0], size[1], uint64(size[0]), lightTheme)
		if size[0] >= 300 {
			testenv.PaintQR(page, testenv.QRModules(t, benchURI, "L"), 20, 20, 3, black, white)
		}
		planes = append(planes, toGray(page))
		noise := gray{make([]byte, size[0]*size[1]), size[0], size[1]}
		for i := range noise.pix {
			noise.pix[i] = byte(rng.IntN(256))
		}
		planes = append(planes, noise)
	}
	for _, g := range planes {
		bits := binarizeFunc(g)
		for _, inverted := range []bool{false, true} {
			got, want := bits(inverted), referenceMatrix(t, g, inverted)
			diff := 0
			for y := 0; y < g.h; y++ {
				for x := 0; x < g.w; x++ {
					if got.Get(x, y) != want.Get(x, y) {
						diff++
					}
				}
			}
			if diff > 0 {
				t.Errorf("%dx%d inverted=%v: %d pixels differ from gozxing's HybridBinarizer", g.w, g.h, inverted, diff)
			}
		}
	}
}
