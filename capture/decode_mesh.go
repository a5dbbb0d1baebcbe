package capture

import (
	"math"
	"sort"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// A code printed on cloth or on curling paper is bent: one perspective
// through its finder and alignment patterns lands modules in the middle
// of the code half a module or more off, and error correction gives up.
// Every code carries its own ruler, though: the timing patterns, a row and
// a column of alternating modules between the finders. meshSample measures
// where each timing module really is along its row (for the columns) and
// its column (for the rows), and moves every sampling point by its
// column's and its row's measured offset.

// meshSample samples the dim×dim grid of the code whose finder centres
// (and alignment pattern, when pts has four points) are pts, corrected by
// its timing patterns. It returns nil when the code runs off the matrix.
func meshSample(m *gozxing.BitMatrix, pts []gozxing.ResultPoint, dim int) *gozxing.BitMatrix {
	g := meshGrid(m, pts, dim, true)
	if g == nil {
		return nil
	}
	return g.sample(m)
}

// meshGrid lays out the module centres of the dim×dim code whose finder
// centres (and alignment pattern, when pts has four points) are pts, each
// moved by its column's and its row's timing pattern offsets when timed is
// set; nil when pts cannot be a code.
func meshGrid(m *gozxing.BitMatrix, pts []gozxing.ResultPoint, dim int, timed bool) *grid {
	if len(pts) < 3 || dim < 21 {
		return nil
	}
	var ap *detector.AlignmentPattern
	if len(pts) > 3 {
		ap = detector.NewAlignmentPattern(pts[3].GetX(), pts[3].GetY(), 1)
	}
	t := detector.Detector_createTransform(pts[1], pts[2], pts[0], ap, dim)
	at := func(x, y float64) (float64, float64) {
		p := []float64{x, y}
		t.TransformPoints(p)
		return p[0], p[1]
	}
	// Offsets, in pixels, of each column along the top timing row and of
	// each row along the left timing column.
	colDX, colDY := timingOffsets(m, dim, func(i float64) (float64, float64) { return at(i, 6.5) },
		func(i float64) (float64, float64) { return at(i+1, 6.5) })
	rowDX, rowDY := timingOffsets(m, dim, func(i float64) (float64, float64) { return at(6.5, i) },
		func(i float64) (float64, float64) { return at(6.5, i+1) })
	g := newGrid(dim, func(x, y float64) (float64, float64) {
		c, r := int(x), int(y)
		px, py := at(x, y)
		if !timed {
			return px, py
		}
		return px + colDX[c] + rowDX[r], py + colDY[c] + rowDY[r]
	})
	g.seeds = finderSeeds(dim, ap != nil)
	return g
}

// timingOffsets measures, for each module i of a timing pattern (whose
// centre is at(i+0.5) and whose next module's at next(i+0.5)), how far its
// dark or light run really is from where the grid puts it, along the
// pattern. Modules outside the pattern (the finders, 0-7 and dim-8 on)
// get offsets eased from zero at the finder centres; the offsets are
// smoothed so one misread module does not move its neighbours.
func timingOffsets(m *gozxing.BitMatrix, dim int, at, next func(float64) (float64, float64)) ([]float64, []float64) {
	n := dim
	off := make([]float64, n) // in modules, along the pattern
	ok := make([]bool, n)
	w, h := m.GetWidth(), m.GetHeight()
	for i := 8; i <= dim-9; i++ {
		x0, y0 := at(float64(i) + 0.5)
		x1, y1 := next(float64(i) + 0.5)
		ux, uy := x1-x0, y1-y0
		dark := i%2 == 0
		sample := func(s float64) (bool, bool) {
			x, y := int(x0+ux*s), int(y0+uy*s)
			if x < 0 || y < 0 || x >= w || y >= h {
				return false, false
			}
			return m.Get(x, y) == dark, true
		}
		// Find the run of the expected colour nearest the predicted
		// centre, within a module each way, in eighths of a module.
		start := math.NaN()
		for k := 0; k <= 8; k++ {
			for _, s := range []float64{float64(k) / 8, -float64(k) / 8} {
				if match, in := sample(s); in && match {
					start = s
					break
				}
			}
			if !math.IsNaN(start) {
				break
			}
		}
		if math.IsNaN(start) {
			continue
		}
		lo, hi := start, start
		for lo > start-1.5 {
			if match, in := sample(lo - 0.125); !in || !match {
				break
			}
			lo -= 0.125
		}
		for hi < start+1.5 {
			if match, in := sample(hi + 0.125); !in || !match {
				break
			}
			hi += 0.125
		}
		off[i] = math.Max(-1, math.Min(1, (lo+hi)/2))
		ok[i] = true
	}
	// Fill unmeasured timing modules from their neighbours.
	for i := 8; i <= dim-9; i++ {
		if !ok[i] {
			l, r := i-1, i+1
			for l >= 8 && !ok[l] {
				l--
			}
			for r <= dim-9 && !ok[r] {
				r++
			}
			switch {
			case l >= 8 && r <= dim-9:
				off[i] = (off[l] + off[r]) / 2
			case l >= 8:
				off[i] = off[l]
			case r <= dim-9:
				off[i] = off[r]
			}
		}
	}
	// Median of three against single misreads.
	sm := make([]float64, n)
	copy(sm, off)
	for i := 9; i <= dim-10; i++ {
		a, b, c := off[i-1], off[i], off[i+1]
		sm[i] = math.Max(math.Min(a, b), math.Min(math.Max(a, b), c))
	}
	// Ease from zero at the finder centres (3.5, dim-3.5) to the ends of
	// the pattern.
	for i := 0; i < 8; i++ {
		sm[i] = sm[8] * math.Max(0, float64(i)-3) / 5
	}
	for i := dim - 8; i < dim; i++ {
		sm[i] = sm[dim-9] * math.Max(0, float64(dim-4-i)) / 5
	}
	// Modules to pixels: along the pattern at each module.
	dx, dy := make([]float64, n), make([]float64, n)
	for i := range n {
		x0, y0 := at(float64(i) + 0.5)
		x1, y1 := next(float64(i) + 0.5)
		dx[i], dy[i] = sm[i]*(x1-x0), sm[i]*(y1-y0)
	}
	return dx, dy
}

// decodeMeshed decodes det's code sampled by meshSample.
func (s *scan) decodeMeshed(det *common.DetectorResult, dim int, hints map[gozxing.DecodeHintType]interface{}) (*common.DecoderResult, error) {
	if s.m == nil || !s.attempt() {
		return nil, ErrNoQR
	}
	return s.decodeGrid(s.m, det.GetPoints(), dim, hints)
}

// meshTrios is the last resort of the photo passes on a plane where
// gozxing's detector found no code: it takes the squarest trios of the
// plane's finder-like centres itself, reads the code's size from its
// timing patterns (gozxing gives up when finder distances put the size
// between two versions, as blur and perspective do), and decodes each
// with meshSample.
func (s *scan) meshTrios(m *gozxing.BitMatrix) {
	cs := s.centresOf(m)
	if len(cs.list) < 3 || len(cs.list) > fewCentres {
		return
	}
	type trio struct {
		bl, tl, tr centre
		skew       float64
	}
	var trios []trio
	l := cs.list
	for i := range l {
		for j := i + 1; j < len(l); j++ {
			for k := j + 1; k < len(l); k++ {
				a, b, c := l[i], l[j], l[k]
				lo := math.Min(a.size, math.Min(b.size, c.size))
				hi := math.Max(a.size, math.Max(b.size, c.size))
				if hi > 3*lo { // perspective: the near finder looks larger
					continue
				}
				// The top left is opposite the longest side, measured
				// in modules: at a slant the finder nearer the camera
				// looks larger, and so do the sides beside it.
				ab, bc, ca := modules(a, b), modules(b, c), modules(c, a)
				tl, p, q := a, b, c
				switch {
				case ab >= bc && ab >= ca:
					tl, p, q = c, a, b
				case ca >= ab && ca >= bc:
					tl, p, q = b, a, c
				}
				if cross(tl, p, q) < 0 {
					p, q = q, p
				}
				info := detector.NewFinderPatternInfo(pattern(q), pattern(tl), pattern(p))
				// A steep slant, which shows in finders of unequal
				// size, takes the trio further from a square's corners.
				limit := 0.6
				if hi > 1.25*lo {
					limit = 0.9
				}
				if k := skew(info); k < limit {
					trios = append(trios, trio{q, tl, p, k})
				}
			}
		}
	}
	sort.Slice(trios, func(i, j int) bool { return trios[i].skew < trios[j].skew })
	for i, t := range trios {
		if i == 4 {
			break
		}
		for _, dim := range trioDimensions(m, t.tl, t.tr, t.bl) {
			if !s.attempt() {
				return
			}
			pts := []gozxing.ResultPoint{pattern(t.bl), pattern(t.tl), pattern(t.tr)}
			if ap := findAlignment(m, t.tl, t.tr, t.bl, dim); ap != nil {
				pts = append(pts, ap)
			}
			res, err := s.decodeGrid(m, pts, dim, tryHarder)
			if err != nil {
				continue
			}
			if md, ok := res.GetOther().(*decoder.QRCodeDecoderMetaData); ok {
				md.ApplyMirroredCorrection(pts)
			}
			s.add(res.GetText(), codeBounds(pts, dim))
			return
		}
	}
}

// modules is the distance between the centres of finders a and b in
// modules, each finder's own module size weighing the half next to it.
func modules(a, b centre) float64 {
	return math.Hypot(a.x-b.x, a.y-b.y) * 2 / (a.size + b.size)
}

// trioDimensions lists the code sizes worth trying for a trio: what its
// timing patterns count, then the valid sizes nearest the finder distance.
func trioDimensions(m *gozxing.BitMatrix, tl, tr, bl centre) []int {
	var dims []int
	addDim := func(d int) {
		if d < 21 || d > 177 || d%4 != 1 {
			return
		}
		for _, x := range dims {
			if x == d {
				return
			}
		}
		dims = append(dims, d)
	}
	size := (tl.size + tr.size + bl.size) / 3
	if d := countTiming(m, tl, tr, bl, size); d > 0 {
		addDim(d)
	}
	if d := countTiming(m, tl, bl, tr, size); d > 0 {
		addDim(d)
	}
	est := (math.Hypot(tr.x-tl.x, tr.y-tl.y)+math.Hypot(bl.x-tl.x, bl.y-tl.y))/(2*size) + 7
	base := int(math.Round((est-21)/4))*4 + 21
	addDim(base)
	if est > float64(base) {
		addDim(base + 4)
	} else {
		addDim(base - 4)
	}
	return dims
}

// countTiming counts the dark and light runs along the timing pattern
// from finder a to finder b (the code lying towards c) and returns the
// code size it implies, or 0. Along row 6 from one finder centre to the
// other there are dim-12 runs: the two finders' edges and the dim-14
// single modules between them.
func countTiming(m *gozxing.BitMatrix, a, b, c centre, size float64) int {
	dx, dy := b.x-a.x, b.y-a.y
	dist := math.Hypot(dx, dy)
	if dist < 10*size {
		return 0
	}
	ux, uy := dx/dist, dy/dist
	vx, vy := -uy, ux
	if cross(a, b, c) < 0 {
		vx, vy = uy, -ux
	}
	ox, oy := a.x+vx*3*size, a.y+vy*3*size
	w, h := m.GetWidth(), m.GetHeight()
	step := size / 5
	runs, runLen, minRun := 0, 0, 2 // runs shorter than 2/5 module are noise
	cur, have := false, false
	for t := 0.0; t <= dist; t += step {
		x, y := int(ox+ux*t), int(oy+uy*t)
		if x < 0 || y < 0 || x >= w || y >= h {
			return 0
		}
		v := m.Get(x, y)
		if !have {
			cur, have, runs, runLen = v, true, 1, 1
			continue
		}
		if v == cur {
			runLen++
			continue
		}
		if runLen < minRun && runs > 1 {
			// Noise: merge back into the run before it.
			runs--
			cur, runLen = v, runLen+minRun
			continue
		}
		cur, runLen = v, 1
		runs++
	}
	return runs + 12
}

// findAlignment looks for the alignment pattern of a dim-module code
// around where the finders put it; nil for version 1 or when none is
// found.
func findAlignment(m *gozxing.BitMatrix, tl, tr, bl centre, dim int) *detector.AlignmentPattern {
	if dim < 25 {
		return nil
	}
	module := (math.Hypot(tr.x-tl.x, tr.y-tl.y) + math.Hypot(bl.x-tl.x, bl.y-tl.y)) / (2 * float64(dim-7))
	k := 1 - 3/float64(dim-7)
	ex := tl.x + k*(tr.x-tl.x+bl.x-tl.x)
	ey := tl.y + k*(tr.y-tl.y+bl.y-tl.y)
	r := 6 * module
	x0, y0 := max(0, int(ex-r)), max(0, int(ey-r))
	x1, y1 := min(m.GetWidth()-1, int(ex+r)), min(m.GetHeight()-1, int(ey+r))
	if float64(x1-x0) < 3*module || float64(y1-y0) < 3*module {
		return nil
	}
	ap, err := detector.NewAlignmentPatternFinder(m, x0, y0, x1-x0, y1-y0, module, nil).Find()
	if err != nil {
		return nil
	}
	return ap
}
