package capture

import (
	"math"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// The detector reads each module as one pixel of the binarized matrix, at
// the module's centre: black or white by a threshold that knew nothing of
// the code. In a blurred photo a lone light module among dark ones is grey
// at its centre, and in a small, recompressed code a module is a pixel or
// two smeared into its neighbours, so that threshold gets many modules
// wrong. Once the finder patterns give the grid, a careful reader looks at
// the grey level of each module instead, and judges it against what the
// code itself shows: the finder, timing and alignment patterns are modules
// whose colour is known, so they tell how dark a dark module and how light
// a light one look in each part of the code, and how much of its
// neighbours' colour blur lends a module.

// Module classes in a code's map of known modules.
const (
	moduleData  = -1
	moduleLight = 0
	moduleDark  = 1
)

// knownModules maps a dim×dim code's modules (row major) to their colour
// where the symbol fixes it: finder patterns with their separators, timing
// patterns, alignment patterns and the dark module beside the lower left
// finder; moduleData elsewhere.
func knownModules(dim int) []int8 {
	k := make([]int8, dim*dim)
	for i := range k {
		k[i] = moduleData
	}
	set := func(c, r int, dark bool) {
		if c < 0 || r < 0 || c >= dim || r >= dim {
			return
		}
		if dark {
			k[r*dim+c] = moduleDark
		} else {
			k[r*dim+c] = moduleLight
		}
	}
	// Finder patterns, and the separator ring (one module) around each.
	for _, o := range [][2]int{{0, 0}, {dim - 7, 0}, {0, dim - 7}} {
		for r := -1; r <= 7; r++ {
			for c := -1; c <= 7; c++ {
				ring := max(abs(c-3), abs(r-3)) // 0 centre … 4 separator
				set(o[0]+c, o[1]+r, ring != 2 && ring != 4)
			}
		}
	}
	for i := 8; i < dim-8; i++ {
		set(i, 6, i%2 == 0)
		set(6, i, i%2 == 0)
	}
	if v := (dim - 17) / 4; v >= 2 {
		if ver, err := decoder.Version_GetVersionForNumber(v); err == nil {
			cs := ver.GetAlignmentPatternCenters()
			last := len(cs) - 1
			for i, y := range cs {
				for j, x := range cs {
					if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) {
						continue // under a finder pattern
					}
					for r := -2; r <= 2; r++ {
						for c := -2; c <= 2; c++ {
							set(x+c, y+r, max(abs(c), abs(r)) != 1)
						}
					}
				}
			}
		}
	}
	set(8, dim-8, true)
	return k
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// sampleModules reads the grey level of each module of a dim-module code
// whose module coordinates grid maps into g: the mean of 3×3 bilinear
// samples spread over the middle two fifths of the module, less noisy
// than one pixel and still inside the module when the grid is a little
// off. It returns nil when the code runs off the plane.
func sampleModules(g gray, grid func(xy []float64), dim int) []float64 {
	const spread = 0.2 // of a module, each way from the centre
	pts := make([]float64, 0, 2*9*dim)
	out := make([]float64, dim*dim)
	// Samples may fall up to a module off the plane (and take its edge's
	// value): a grid may be that far off at the edge of a code cut close.
	span := []float64{3.5, 3.5, float64(dim) - 3.5, 3.5}
	grid(span)
	slack := math.Hypot(span[2]-span[0], span[3]-span[1]) / float64(dim-7)
	if !(slack > 0) {
		return nil
	}
	for r := 0; r < dim; r++ {
		pts = pts[:0]
		for c := 0; c < dim; c++ {
			for _, dy := range [3]float64{-spread, 0, spread} {
				for _, dx := range [3]float64{-spread, 0, spread} {
					pts = append(pts, float64(c)+0.5+dx, float64(r)+0.5+dy)
				}
			}
		}
		grid(pts)
		for c := 0; c < dim; c++ {
			var sum float64
			for i := 0; i < 9; i++ {
				x, y := pts[18*c+2*i], pts[18*c+2*i+1]
				if !(x > -slack && y > -slack && x < float64(g.w)+slack && y < float64(g.h)+slack) {
					return nil // also NaN
				}
				sum += bilinear(g, x, y)
			}
			out[r*dim+c] = sum / 9
		}
	}
	return out
}

// bilinear interpolates g at (x, y), pixel centres lying at half-integer
// coordinates; points off the plane take the nearest edge pixel.
func bilinear(g gray, x, y float64) float64 {
	x -= 0.5
	y -= 0.5
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := x-x0, y-y0
	ix, iy := int(x0), int(y0)
	ix0, ix1 := clampInt(ix, 0, g.w-1), clampInt(ix+1, 0, g.w-1)
	iy0, iy1 := clampInt(iy, 0, g.h-1), clampInt(iy+1, 0, g.h-1)
	r0, r1 := g.pix[iy0*g.w:], g.pix[iy1*g.w:]
	top := float64(r0[ix0])*(1-fx) + float64(r0[ix1])*fx
	bot := float64(r1[ix0])*(1-fx) + float64(r1[ix1])*fx
	return top*(1-fy) + bot*fy
}

// greyCode is one code's module samples, turned into darkness: 0 where the
// code's own light modules would be, 1 where its dark ones would be, by
// levels fitted across the code from its known modules.
type greyCode struct {
	dim   int
	known []int8
	u     []float64 // darkness per module, row major
}

// minLevelGap is the least difference, in grey levels, between the fitted
// dark and light levels for a code to be read from its samples.
const minLevelGap = 8

// newGreyCode fits the dark and light levels of the code sampled in v and
// normalises v to darkness; nil when the known modules do not look like a
// code (too little contrast, or light not lighter than dark).
func newGreyCode(v []float64, dim int) *greyCode {
	known := knownModules(dim)
	dark, okD := fitPlane(v, known, dim, moduleDark)
	light, okL := fitPlane(v, known, dim, moduleLight)
	if !okD || !okL {
		return nil
	}
	gc := &greyCode{dim: dim, known: known, u: make([]float64, len(v))}
	// Where the fitted levels come close (a shadow, or the fit carried far
	// from the finders), keep the gap at a quarter of its mean at least.
	var mean float64
	gap := make([]float64, len(v))
	for i := range v {
		x, y := float64(i%dim), float64(i/dim)
		gap[i] = (light[0] + light[1]*x + light[2]*y) - (dark[0] + dark[1]*x + dark[2]*y)
		mean += gap[i]
	}
	mean /= float64(len(v))
	if mean < minLevelGap {
		return nil
	}
	for i := range v {
		x, y := float64(i%dim), float64(i/dim)
		hi := light[0] + light[1]*x + light[2]*y
		gc.u[i] = (hi - v[i]) / max(gap[i], mean/4, minLevelGap)
	}
	return gc
}

// fitPlane fits level = a + b·column + c·row, by least squares, to the
// samples of the known modules of one class.
func fitPlane(v []float64, known []int8, dim int, class int8) ([3]float64, bool) {
	a := make([][]float64, 3)
	for p := range a {
		a[p] = make([]float64, 4)
	}
	for i, k := range known {
		if k != class {
			continue
		}
		f := [3]float64{1, float64(i % dim), float64(i / dim)}
		for p := range 3 {
			for q := range 3 {
				a[p][q] += f[p] * f[q]
			}
			a[p][3] += f[p] * v[i]
		}
	}
	var out [3]float64
	x, ok := solve(a)
	copy(out[:], x)
	return out, ok
}

// solve solves the linear system whose augmented rows are a (n rows of
// n+1), by Gaussian elimination with partial pivoting; false when it is
// singular.
func solve(a [][]float64) ([]float64, bool) {
	n := len(a)
	for col := range n {
		p := col
		for r := col + 1; r < n; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[p][col]) {
				p = r
			}
		}
		if math.Abs(a[p][col]) < 1e-9 {
			return nil, false
		}
		a[col], a[p] = a[p], a[col]
		for r := col + 1; r < n; r++ {
			f := a[r][col] / a[col][col]
			for c := col; c <= n; c++ {
				a[r][c] -= f * a[col][c]
			}
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		s := a[r][n]
		for c := r + 1; c < n; c++ {
			s -= a[r][c] * x[c]
		}
		x[r] = s / a[r][r]
	}
	return x, true
}

// threshold marks the modules whose darkness exceeds t.
func (gc *greyCode) threshold(u []float64, t float64) []bool {
	dark := make([]bool, len(u))
	for i, x := range u {
		dark[i] = x > t
	}
	return dark
}

// localMean marks the modules darker than the mean of the (2k+1)² modules
// around them: for light that the levels fitted across the code do not
// follow (a spot, a fold's shadow).
func (gc *greyCode) localMean(k int) []bool {
	dim := gc.dim
	dark := make([]bool, len(gc.u))
	for r := 0; r < dim; r++ {
		for c := 0; c < dim; c++ {
			var sum float64
			n := 0
			for y := max(0, r-k); y <= min(dim-1, r+k); y++ {
				for x := max(0, c-k); x <= min(dim-1, c+k); x++ {
					sum += gc.u[y*dim+x]
					n++
				}
			}
			dark[r*dim+c] = gc.u[r*dim+c] > sum/float64(n)
		}
	}
	return dark
}

// equalized undoes blur between modules. Blur makes each module's
// darkness a mix of its own colour and its neighbours': modelled as
// a + b·own + c·(sum of the 4 edge neighbours) + d·(sum of the 4 corner
// neighbours), with colours 0 or 1 and the quiet zone light. It fits the
// model to the current reading by least squares, takes each neighbour's
// share back out, and reads again, a few rounds (decision feedback, as a
// modem's equaliser does). It returns the corrected darkness, or nil when
// the fit says a module's own colour hardly shows.
func (gc *greyCode) equalized(rounds int) []float64 {
	dim := gc.dim
	x := make([]float64, len(gc.u))
	for i, u := range gc.u {
		switch gc.known[i] {
		case moduleDark:
			x[i] = 1
		case moduleLight:
			x[i] = 0
		default:
			if u > 0.5 {
				x[i] = 1
			}
		}
	}
	at := func(c, r int) float64 {
		if c < 0 || r < 0 || c >= dim || r >= dim {
			return 0
		}
		return x[r*dim+c]
	}
	n4 := make([]float64, len(x))
	nd := make([]float64, len(x))
	out := make([]float64, len(x))
	for range rounds {
		a := make([][]float64, 4)
		for p := range a {
			a[p] = make([]float64, 5)
		}
		for r := 0; r < dim; r++ {
			for c := 0; c < dim; c++ {
				i := r*dim + c
				n4[i] = at(c-1, r) + at(c+1, r) + at(c, r-1) + at(c, r+1)
				nd[i] = at(c-1, r-1) + at(c+1, r-1) + at(c-1, r+1) + at(c+1, r+1)
				f := [4]float64{1, x[i], n4[i], nd[i]}
				for p := range 4 {
					for q := range 4 {
						a[p][q] += f[p] * f[q]
					}
					a[p][4] += f[p] * gc.u[i]
				}
			}
		}
		k, ok := solve(a)
		if !ok || k[1] < 0.15 {
			return nil
		}
		for i := range x {
			out[i] = (gc.u[i] - k[0] - k[2]*n4[i] - k[3]*nd[i]) / k[1]
			if gc.known[i] == moduleData {
				x[i] = 0
				if out[i] > 0.5 {
					x[i] = 1
				}
			}
		}
	}
	return out
}

// readings lists the ways of reading gc, most trusted first; each is
// computed only when the ones before it failed.
func (gc *greyCode) readings() []func() []bool {
	return []func() []bool{
		func() []bool {
			eq := gc.equalized(3)
			if eq == nil {
				return nil
			}
			return gc.threshold(eq, 0.5)
		},
		func() []bool { return gc.threshold(gc.u, 0.5) },
		func() []bool { return gc.localMean(2) },
	}
}

// toMatrix lays out a reading as the dim×dim matrix the decoder takes.
func toMatrix(dark []bool, dim int) *gozxing.BitMatrix {
	m, _ := gozxing.NewBitMatrix(dim, dim)
	for i, d := range dark {
		if d {
			m.Set(i%dim, i/dim)
		}
	}
	return m
}

// decodeGrey reads the code whose finder centres (bottom left, top left,
// top right, and maybe an alignment pattern) are pts, dim modules a side,
// from the grey plane behind the matrix being searched: its module grid
// through the alignment pattern and through the finders alone, each read
// by readGrey.
func (s *scan) decodeGrey(pts []gozxing.ResultPoint, dim int, hints map[gozxing.DecodeHintType]interface{}) (*common.DecoderResult, error) {
	if s.greyOf == nil || s.greyOf != s.m || len(pts) < 3 || dim < 21 || s.greyTried(pts, dim) {
		return nil, ErrNoQR
	}
	aps := []*detector.AlignmentPattern{nil}
	if len(pts) > 3 {
		aps = []*detector.AlignmentPattern{detector.NewAlignmentPattern(pts[3].GetX(), pts[3].GetY(), 1), nil}
	}
	var tried [][]bool
	for _, ap := range aps {
		t := detector.Detector_createTransform(pts[1], pts[2], pts[0], ap, dim)
		if res, err := s.readGrey(t.TransformPoints, dim, hints, &tried); err == nil {
			return res, nil
		}
	}
	return nil, ErrNoQR
}

// readGrey samples a dim-module code from the grey plane of the matrix
// being searched, grid mapping module coordinates (pairs x, y, in place)
// to the plane's, and decodes it each way in readings. Each decode spends
// an attempt; a reading the same as one in tried (which it adds to) is
// skipped.
func (s *scan) readGrey(grid func(xy []float64), dim int, hints map[gozxing.DecodeHintType]interface{}, tried *[][]bool) (*common.DecoderResult, error) {
	if s.greyOf == nil || s.greyOf != s.m {
		return nil, ErrNoQR
	}
	v := sampleModules(s.grey, grid, dim)
	if v == nil {
		return nil, ErrNoQR
	}
	gc := newGreyCode(v, dim)
	if gc == nil {
		return nil, ErrNoQR
	}
next:
	for _, read := range gc.readings() {
		if s.stopped() {
			return nil, ErrNoQR
		}
		dark := read()
		if dark == nil {
			continue
		}
		for _, d := range *tried {
			if equalBools(d, dark) {
				continue next
			}
		}
		*tried = append(*tried, dark)
		if !s.attempt() {
			return nil, ErrNoQR
		}
		if res, err := s.decoder().Decode(toMatrix(dark, dim), hints); err == nil {
			return res, nil
		}
	}
	return nil, ErrNoQR
}

// greyTried says whether decodeGrey already read a code of dim modules
// at about the place of pts (each finder centre within a quarter module,
// in the image's coordinates), as the photo passes find the same code in
// plane after plane; if not, it notes this one.
func (s *scan) greyTried(pts []gozxing.ResultPoint, dim int) bool {
	var g greyGeometry
	g.dim = dim
	for i := range 3 {
		g.pts[2*i] = (pts[i].GetX()*float64(s.mul))/float64(s.div) + float64(s.off.X)
		g.pts[2*i+1] = (pts[i].GetY()*float64(s.mul))/float64(s.div) + float64(s.off.Y)
	}
	module := math.Hypot(g.pts[4]-g.pts[2], g.pts[5]-g.pts[3]) / float64(dim-7)
	for _, t := range s.greyDone {
		if t.dim != dim {
			continue
		}
		near := true
		for i := range 3 {
			if math.Hypot(t.pts[2*i]-g.pts[2*i], t.pts[2*i+1]-g.pts[2*i+1]) > module/4 {
				near = false
			}
		}
		if near {
			return true
		}
	}
	s.greyDone = append(s.greyDone, g)
	return false
}

// greyGeometry is where decodeGrey read a code: finder centres (bottom
// left, top left, top right) in the image's coordinates, and its size.
type greyGeometry struct {
	pts [6]float64
	dim int
}

func equalBools(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
