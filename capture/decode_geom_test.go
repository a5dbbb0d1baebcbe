package capture

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// warpedModules draws a random dim×dim module pattern, px pixels a module
// and a quiet zone of 4 modules, through warp (module coordinates to
// pixels), and returns the matrix and the pattern.
func warpedModules(dim, px int, seed uint64, warp func(c, r float64) (float64, float64)) (*gozxing.BitMatrix, [][]bool) {
	rng := rand.New(rand.NewPCG(seed, 1))
	mods := make([][]bool, dim)
	for r := range mods {
		mods[r] = make([]bool, dim)
		for c := range mods[r] {
			mods[r][c] = rng.IntN(2) == 0
		}
	}
	side := (dim + 8) * px
	m, _ := gozxing.NewBitMatrix(side, side)
	// Invert the warp by sampling: for each pixel, search nothing; instead
	// splat each module's sub-pixels forward, finely enough to cover.
	const sub = 4
	for r := 0; r < dim*px*sub; r++ {
		for c := 0; c < dim*px*sub; c++ {
			mc, mr := float64(c)/float64(px*sub), float64(r)/float64(px*sub)
			if !mods[int(mr)][int(mc)] {
				continue
			}
			x, y := warp(mc, mr)
			ix, iy := int(x), int(y)
			if ix >= 0 && iy >= 0 && ix < side && iy < side {
				m.Set(ix, iy)
			}
		}
	}
	return m, mods
}

func TestGridRefineFollowsBend(t *testing.T) {
	const dim, px = 41, 8
	q := float64(4 * px)
	bend := func(c, r float64) (float64, float64) {
		// Paper bowed between the finders, 1.2 modules in the middle.
		return q + c*px, q + r*px + 1.2*px*math.Sin(math.Pi*(c-3.5)/(dim-7))
	}
	m, mods := warpedModules(dim, px, 7, bend)
	flat := func(c, r float64) (float64, float64) { return q + c*px, q + r*px }
	wrong := func(g *grid) int {
		bits := g.sample(m)
		n := 0
		for r := range dim {
			for c := range dim {
				if bits.Get(c, r) != mods[r][c] {
					n++
				}
			}
		}
		return n
	}
	g := newGrid(dim, flat)
	before := wrong(g)
	g.refine(m, finderSeeds(dim))
	after := wrong(g)
	t.Logf("wrong modules: %d before, %d after", before, after)
	if after > dim*dim/100 {
		t.Errorf("%d of %d modules wrong after refining (%d before)", after, dim*dim, before)
	}
}
