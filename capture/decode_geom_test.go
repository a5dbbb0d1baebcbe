package capture

import (
	"context"
	"image"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/deskauth/deskauth/internal/testenv"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
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
	g.refine(m, finderSeeds(dim, false))
	after := wrong(g)
	t.Logf("wrong modules: %d before, %d after", before, after)
	if after > dim*dim/100 {
		t.Errorf("%d of %d modules wrong after refining (%d before)", after, dim*dim, before)
	}
}

// bentCode draws text as a code of px pixels a module (level M, 4-module
// quiet zone) on paper bent by bend, which maps a module coordinate of the
// flat code (column u, row v) to how far, in modules, the paper moves it
// down and right. Each pixel takes the module the paper brought there.
func bentCode(t *testing.T, text string, px int, bend func(u, v float64) (du, dv float64)) (*image.Gray, int) {
	t.Helper()
	mods := testenv.QRModules(t, text, "M")
	n := mods.Bounds().Dx()
	side := (n + 8) * px
	img := image.NewGray(image.Rect(0, 0, side, side))
	for y := range side {
		for x := range side {
			// Undo the bend: it is small and smooth, so a few steps
			// of fixed-point iteration find the module under (x, y).
			u, v := float64(x)/float64(px)-4, float64(y)/float64(px)-4
			fu, fv := u, v
			for range 8 {
				du, dv := bend(fu, fv)
				fu, fv = u-du, v-dv
			}
			c, r := int(math.Floor(fu)), int(math.Floor(fv))
			img.Pix[y*img.Stride+x] = 255
			if c >= 0 && r >= 0 && c < n && r < n && mods.Pix[r*mods.Stride+c] == 0 {
				img.Pix[y*img.Stride+x] = 0
			}
		}
	}
	return img, n
}

// TestDecodeBentCode decodes codes printed on bent paper, which the finder
// and alignment patterns with the timing pattern offsets (meshSample) do
// not read, and checks it is grid.refine that reads them.
func TestDecodeBentCode(t *testing.T) {
	text := "otpauth://totp/Bent:alice@example.co.jp?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Bent"
	for _, tc := range []struct {
		name string
		bend func(n float64) func(u, v float64) (float64, float64)
	}{
		{"bowed down", func(n float64) func(u, v float64) (float64, float64) {
			// Paper curling along its columns, a module in the middle.
			return func(u, v float64) (float64, float64) {
				return 0, 1.0 * math.Sin(math.Pi*(u-3.5)/(n-7))
			}
		}},
		{"wave sideways", func(n float64) func(u, v float64) (float64, float64) {
			// A whole wave down the code, half a module each way.
			return func(u, v float64) (float64, float64) {
				return 0.5 * math.Sin(2*math.Pi*(v-3.5)/(n-7)), 0
			}
		}},
		{"bowed both ways", func(n float64) func(u, v float64) (float64, float64) {
			return func(u, v float64) (float64, float64) {
				return 0.9 * math.Sin(math.Pi*(v-3.5)/(n-7)), 0.9 * math.Sin(math.Pi*(u-3.5)/(n-7))
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const px = 6
			n := float64(testenv.QRModules(t, text, "M").Bounds().Dx())
			img, dim := bentCode(t, text, px, tc.bend(n))
			m := thresholdMatrix(toGray(img), 128)
			// The finder centres stay where a flat code has them.
			at := func(u, v float64) gozxing.ResultPoint {
				return gozxing.NewResultPoint(float64(px)*(u+4), float64(px)*(v+4))
			}
			far := float64(dim) - 3.5
			pts := []gozxing.ResultPoint{at(3.5, far), at(3.5, 3.5), at(far, 3.5)}
			if _, err := decoder.NewDecoder().Decode(meshSample(m, pts, dim), nil); err == nil {
				t.Fatal("meshSample reads the bent code: the test bends too little")
			}
			s := &scan{ctx: context.Background(), img: img}
			res, err := s.decodeGrid(m, pts, dim, nil)
			if err != nil || res.GetText() != text {
				t.Fatalf("decodeGrid: %v", err)
			}
			codes, err := Decode(img)
			if err != nil || len(codes) != 1 || codes[0].Text != text {
				t.Fatalf("Decode: %v, %d codes", err, len(codes))
			}
		})
	}
}

// TestFindCentresTilted finds a finder pattern seen at a slant, its rings
// two thirds taller than wide, only when asked to (the photo passes).
func TestFindCentresTilted(t *testing.T) {
	const wx, wy = 3, 5 // pixels a module across and down
	m, _ := gozxing.NewBitMatrix(60, 80)
	for y := range 7 * wy {
		for x := range 7 * wx {
			r, c := y/wy, x/wx
			ring := min(r, c, 6-r, 6-c)
			if ring != 1 {
				m.Set(10+x, 10+y)
			}
		}
	}
	if cs := findCentresIn(context.Background(), m, 1, false); len(cs.list) != 0 {
		t.Fatalf("strict search found %d centres", len(cs.list))
	}
	cs := findCentresIn(context.Background(), m, 1, true)
	if len(cs.list) != 1 {
		t.Fatalf("tilted search found %d centres, want 1", len(cs.list))
	}
	c := cs.list[0]
	if math.Abs(c.x-(10+3.5*wx)) > 1 || math.Abs(c.y-(10+3.5*wy)) > 1 {
		t.Errorf("centre at %.1f,%.1f, want %.1f,%.1f", c.x, c.y, 10+3.5*wx, 10+3.5*wy)
	}
}

// TestGridOffMatrix: a grid with points off the matrix, or not numbers at
// all, samples to nil and refines without a panic.
func TestGridOffMatrix(t *testing.T) {
	m, _ := gozxing.NewBitMatrix(50, 50)
	for _, bad := range []float64{-3, 1e6, math.NaN(), math.Inf(1)} {
		g := newGrid(21, func(c, r float64) (float64, float64) {
			if c > 10 && r > 10 {
				return bad, bad
			}
			return 2 * c, 2 * r
		})
		g.refine(m, finderSeeds(21, false))
		if g.sample(m) != nil {
			t.Errorf("point at %v: sampled", bad)
		}
	}
}

// TestDecodeBentLargeCode decodes a version 9 code on paper waving across
// it, which the edges alone do not follow out from the finders, but do
// from the alignment patterns found where the wave put them.
func TestDecodeBentLargeCode(t *testing.T) {
	text := "otpauth://totp/Large:bob@example.co.jp?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Large&algorithm=SHA256&digits=8&period=60"
	const px = 5
	n := float64(testenv.QRModules(t, text, "M").Bounds().Dx())
	// A wave as ImageMagick's -wave draws it: down by a sine of the
	// distance across the image, two modules high, its length one and a
	// half times the image's side. It moves the finders too.
	bend := func(u, v float64) (float64, float64) {
		return 0, 2 * math.Sin(2*math.Pi*(u+4)/(1.5*(n+8)))
	}
	img, dim := bentCode(t, text, px, bend)
	if dim < 45 {
		t.Fatalf("the code has %d modules a side, want version 7 or more", dim)
	}
	m := thresholdMatrix(toGray(img), 128)
	at := func(u, v float64) gozxing.ResultPoint {
		du, dv := bend(u, v)
		return gozxing.NewResultPoint(float64(px)*(u+du+4), float64(px)*(v+dv+4))
	}
	far := float64(dim) - 3.5
	pts := []gozxing.ResultPoint{at(3.5, far), at(3.5, 3.5), at(far, 3.5)}
	reads := func(g *grid) bool {
		bits := g.sample(m)
		if bits == nil {
			return false
		}
		_, err := decoder.NewDecoder().Decode(bits, nil)
		return err == nil
	}
	if reads(meshGrid(m, pts, dim, true)) {
		t.Fatal("meshGrid reads the bent code: the test bends too little")
	}
	g := meshGrid(m, pts, dim, false)
	g.refine(m, g.seeds)
	if reads(g) {
		t.Fatal("refined from the finders alone, the grid reads the code: the test bends too little")
	}
	s := &scan{ctx: context.Background(), img: img}
	if res, err := s.decodeGrid(m, pts, dim, nil); err != nil || res.GetText() != text {
		t.Fatalf("decodeGrid: %v", err)
	}
	codes, err := Decode(img)
	if err != nil || len(codes) != 1 || codes[0].Text != text {
		t.Fatalf("Decode: %v, %d codes", err, len(codes))
	}
}

// slantedCode draws text as a code (level M) seen at a slant: the code's
// corners, in module units with a 4-module quiet zone around, land on
// corners (top left, top right, bottom right, bottom left) of a side×side
// image.
func slantedCode(t *testing.T, text string, side int, corners [4][2]float64) (*image.Gray, int, func(u, v float64) (float64, float64)) {
	t.Helper()
	mods := testenv.QRModules(t, text, "M")
	n := mods.Bounds().Dx()
	d := float64(n)
	square := [][2]float64{{0, 0}, {d, 0}, {d, d}, {0, d}}
	fwd, ok := homography(square, corners[:])
	inv, ok2 := homography(corners[:], square)
	if !ok || !ok2 {
		t.Fatal("no homography through the corners")
	}
	img := image.NewGray(image.Rect(0, 0, side, side))
	for y := range side {
		for x := range side {
			u, v := inv(float64(x)+0.5, float64(y)+0.5)
			c, r := int(math.Floor(u)), int(math.Floor(v))
			img.Pix[y*img.Stride+x] = 255
			if u >= 0 && v >= 0 && c < n && r < n && mods.Pix[r*mods.Stride+c] == 0 {
				img.Pix[y*img.Stride+x] = 0
			}
		}
	}
	return img, n, fwd
}

// TestDecodeSlantedCode decodes a code photographed at a steep slant (its
// far side half the height of the near one), which a grid through the
// finder centres does not read, through the perspective the finders'
// outlines fix.
func TestDecodeSlantedCode(t *testing.T) {
	text := "otpauth://totp/Slant:carol@example.co.jp?secret=JBSWY3DPEHPK3PXP&issuer=Slant"
	const side = 400
	img, dim, fwd := slantedCode(t, text, side, [4][2]float64{{40, 30}, {340, 95}, {340, 295}, {40, 370}})
	m := thresholdMatrix(toGray(img), 128)
	finder := func(u, v float64) gozxing.ResultPoint {
		x, y := fwd(u, v)
		x1, _ := fwd(u+1, v)
		_, y1 := fwd(u, v+1)
		return detector.NewFinderPattern(x, y, (math.Abs(x1-x)+math.Abs(y1-y))/2, 3)
	}
	far := float64(dim) - 3.5
	pts := []gozxing.ResultPoint{finder(3.5, far), finder(3.5, 3.5), finder(far, 3.5)}
	quads, ok := finderQuads(m, pts)
	if !ok {
		t.Fatal("finderQuads found no outlines")
	}
	if d := slantDim(m, quads); d != dim {
		t.Errorf("slantDim = %d, want %d", d, dim)
	}
	if bits := meshGrid(m, pts, dim, true).sample(m); bits != nil {
		if _, err := decoder.NewDecoder().Decode(bits, nil); err == nil {
			t.Fatal("meshGrid reads the slanted code: the test slants too little")
		}
	}
	s := &scan{ctx: context.Background(), img: img}
	if res, err := s.decodeGrid(m, pts, dim, nil); err != nil || res.GetText() != text {
		t.Fatalf("decodeGrid: %v", err)
	}
	codes, err := Decode(img)
	if err != nil || len(codes) != 1 || codes[0].Text != text {
		t.Fatalf("Decode: %v, %d codes", err, len(codes))
	}
}

// TestHomography checks the fitted perspective against points it was fitted
// through, and refuses points on one line.
func TestHomography(t *testing.T) {
	from := [][2]float64{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {5, 5}}
	to := [][2]float64{{3, 4}, {50, 20}, {48, 60}, {1, 70}}
	f, ok := homography(from[:4], to)
	if !ok {
		t.Fatal("no homography")
	}
	for i, p := range to {
		if x, y := f(from[i][0], from[i][1]); math.Hypot(x-p[0], y-p[1]) > 1e-6 {
			t.Errorf("point %v maps to %.3f,%.3f, want %v", from[i], x, y, p)
		}
	}
	if _, ok := homography([][2]float64{{0, 0}, {1, 1}, {2, 2}, {3, 3}}, to); ok {
		t.Error("a homography through four points on a line")
	}
}

// FuzzGrid runs the grid sampler with every correction (refined to the
// edges, placed by alignment patterns, traced at a slant) on arbitrary
// planes with arbitrary finder positions, sizes and code sizes: it
// measures distances from the picture and must stay inside it.
func FuzzGrid(f *testing.F) {
	img, _ := codeImage(f, "otpauth://totp/a?secret=AB", 3)
	seed := matrixSeed(binarizeFunc(toGray(img))(false))
	f.Add(seed, 22.5, 22.5, 82.5, 22.5, 22.5, 82.5, 3.0, 21)
	f.Add(seed, 22.5, 22.5, 82.5, 22.5, 22.5, 82.5, 3.0, 49)
	f.Add([]byte{100, 100, 0xf0, 0x0f}, 0.0, 0.0, 1e9, -1e9, 50.0, 50.0, 0.5, 177)
	f.Add([]byte{1, 2, 3}, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, math.NaN(), 25)
	f.Fuzz(func(t *testing.T, data []byte, x0, y0, x1, y1, x2, y2, size float64, dim int) {
		m := fuzzMatrix(data)
		if m == nil || dim < 21 || dim > 177 || (dim-17)%4 != 0 {
			return
		}
		pts := []gozxing.ResultPoint{
			detector.NewFinderPattern(x2, y2, size, 2),
			detector.NewFinderPattern(x0, y0, size, 2),
			detector.NewFinderPattern(x1, y1, size, 2),
		}
		s := &scan{ctx: context.Background(), img: image.NewGray(image.Rect(0, 0, m.GetWidth(), m.GetHeight()))}
		s.decodeGrid(m, pts, dim, nil)
	})
}
