package capture

import (
	"math"
	"sort"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// Where the sampling grid lands. A transform through the finder (and
// alignment) patterns is exact only for a flat code; printed on paper that
// curls, or photographed through a lens that bends straight lines, the
// modules drift off it by a module or more in the middle of the code, too
// far for error correction. But a code shows where its modules are all
// over: wherever two neighbouring modules differ in colour, the edge
// between them lies midway between their centres. grid.refine measures
// the edges around each point against where the grid puts them, averages
// the errors over a few modules (one misread edge does not move it), and
// moves the point; going out from where the grid was right (the finder
// centres it was laid through) and carrying each move on to the next
// points, it follows the code as far as the paper bends.

// grid holds the pixel position of each module centre of a dim×dim code,
// row by row.
type grid struct {
	dim  int
	x, y []float64
	// seeds are modules (row, column) where the grid is right: the
	// points it was laid through.
	seeds [][2]int
}

// newGrid lays out a dim×dim grid through at, which maps module
// coordinates (column, row; the code's corner at 0, 0) to pixels.
func newGrid(dim int, at func(c, r float64) (float64, float64)) *grid {
	g := &grid{dim: dim, x: make([]float64, dim*dim), y: make([]float64, dim*dim)}
	for r := range dim {
		for c := range dim {
			g.x[r*dim+c], g.y[r*dim+c] = at(float64(c)+0.5, float64(r)+0.5)
		}
	}
	return g
}

// sample reads each module at its point; nil when a point is off m.
func (g *grid) sample(m *gozxing.BitMatrix) *gozxing.BitMatrix {
	w, h := m.GetWidth(), m.GetHeight()
	bits, _ := gozxing.NewBitMatrix(g.dim, g.dim)
	for i := range g.x {
		ix, iy := int(g.x[i]), int(g.y[i])
		// Not NaN either (a degenerate transform).
		if !(g.x[i] >= 0 && g.y[i] >= 0) || ix < 0 || iy < 0 || ix >= w || iy >= h {
			return nil
		}
		if m.Get(ix, iy) {
			bits.Set(i%g.dim, i/g.dim)
		}
	}
	return bits
}

// refineRadius is how far (in modules) around a point the edge errors
// that move it are averaged: far enough to hold several edges whatever
// the data, near enough to follow a bend.
const refineRadius = 2

// edgeSteps is how finely the stretch between two module centres is
// searched for the edge between them.
const edgeSteps = 10

// minEdges is the fewest edges a point's move is averaged from.
const minEdges = 3

// refine moves the grid's points to where m's edges put them (see the
// comment at the top of this file). An edge only says where the nearest
// module boundary is, so a point more than half a module off would lock
// onto the wrong module; the points are therefore taken in order of
// distance from seeds, points where the grid is right (the finder
// centres, which it was laid through), each starting from the moves of
// its neighbours already placed and correcting only what is left.
func (g *grid) refine(m *gozxing.BitMatrix, seeds [][2]int) {
	dim := g.dim
	w, h := m.GetWidth(), m.GetHeight()
	dark := func(x, y float64) (bool, bool) {
		ix, iy := int(x), int(y)
		if !(x >= 0 && y >= 0) || ix < 0 || iy < 0 || ix >= w || iy >= h {
			return false, false
		}
		return m.Get(ix, iy), true
	}
	// edge finds the one change of colour on the way from (x0, y0) to
	// (x1, y1) and returns how far it lies past the midpoint, as a vector
	// in pixels; ok is false when there is none, or more than one.
	edge := func(x0, y0, x1, y1 float64) (ex, ey float64, ok bool) {
		a, in := dark(x0, y0)
		if b, inB := dark(x1, y1); !in || !inB || a == b {
			// No edge, or two: nothing to measure.
			return 0, 0, false
		}
		at := -1
		for k := 1; k <= edgeSteps; k++ {
			t := float64(k) / edgeSteps
			v, in := dark(x0+(x1-x0)*t, y0+(y1-y0)*t)
			if !in {
				return 0, 0, false
			}
			if v != a {
				if at >= 0 {
					return 0, 0, false
				}
				at, a = k, v
			}
		}
		if at < 0 {
			return 0, 0, false
		}
		f := (float64(at)-0.5)/edgeSteps - 0.5
		return f * (x1 - x0), f * (y1 - y0), true
	}
	bx, by := g.x, g.y // the grid as laid
	// pos is where point (r, c) is when the grid around it is moved by
	// (mx, my); beyond the code it is extrapolated into the quiet zone.
	var mx, my float64
	pos := func(r, c int) (float64, float64) {
		rr, cc := clampInt(r, 0, dim-1), clampInt(c, 0, dim-1)
		i := rr*dim + cc
		x, y := bx[i], by[i]
		if cc != c {
			j := i + 1
			if c > cc {
				j = i - 1
			}
			x, y = 2*x-bx[j], 2*y-by[j]
		}
		if rr != r {
			j := i + dim
			if r > rr {
				j = i - dim
			}
			x, y = 2*x-bx[j], 2*y-by[j]
		}
		return x + mx, y + my
	}
	// correction measures the edges around (r, c) and returns the mean
	// error of those across the rows plus that of those across the
	// columns.
	correction := func(r, c int) (float64, float64) {
		var hx, hy, vx, vy float64
		var kh, kv int
		for a := -refineRadius; a <= refineRadius; a++ {
			for b := -refineRadius; b <= refineRadius+1; b++ {
				x0, y0 := pos(r+a, c+b-1)
				x1, y1 := pos(r+a, c+b)
				if ex, ey, ok := edge(x0, y0, x1, y1); ok {
					hx, hy, kh = hx+ex, hy+ey, kh+1
				}
				x0, y0 = pos(r+b-1, c+a)
				x1, y1 = pos(r+b, c+a)
				if ex, ey, ok := edge(x0, y0, x1, y1); ok {
					vx, vy, kv = vx+ex, vy+ey, kv+1
				}
			}
		}
		var cx, cy float64
		if kh >= minEdges {
			cx, cy = hx/float64(kh), hy/float64(kh)
		}
		if kv >= minEdges {
			cx, cy = cx+vx/float64(kv), cy+vy/float64(kv)
		}
		return cx, cy
	}
	// The moves are measured on a lattice of every latticeStep-th row
	// and column (and the last), and interpolated between: a bend is
	// smooth, and that costs a fraction of measuring every point.
	var at []int // lattice index → module row or column
	for i := 0; i < dim-1; i += latticeStep {
		at = append(at, i)
	}
	at = append(at, dim-1)
	n := len(at)
	near := func(v int) int { // the lattice line nearest module v
		k := sort.SearchInts(at, v)
		if k > 0 && (k == n || at[k]-v > v-at[k-1]) {
			k--
		}
		return k
	}
	dx, dy := make([]float64, n*n), make([]float64, n*n)
	state := make([]byte, n*n) // 0 new, 1 queued, 2 placed
	queue := make([]int, 0, n*n)
	for _, sd := range seeds {
		if sd[0] < 0 || sd[0] >= dim || sd[1] < 0 || sd[1] >= dim {
			continue
		}
		if i := near(sd[0])*n + near(sd[1]); state[i] == 0 {
			state[i] = 1
			queue = append(queue, i)
		}
	}
	for qi := 0; qi < len(queue); qi++ {
		i := queue[qi]
		r, c := i/n, i%n
		// Start from the moves of the neighbours placed, carried on
		// along each line where the one beyond is placed too (a bend
		// keeps bending), then correct what is left.
		mx, my = 0, 0
		k := 0
		placed := func(r, c int) bool { return r >= 0 && r < n && c >= 0 && c < n && state[r*n+c] == 2 }
		for a := -1; a <= 1; a++ {
			for b := -1; b <= 1; b++ {
				if (a == 0 && b == 0) || !placed(r+a, c+b) {
					continue
				}
				j := (r+a)*n + c + b
				ex, ey := dx[j], dy[j]
				if placed(r+2*a, c+2*b) {
					j2 := (r+2*a)*n + c + 2*b
					ex, ey = 2*ex-dx[j2], 2*ey-dy[j2]
				}
				mx, my, k = mx+ex, my+ey, k+1
			}
		}
		if k > 0 {
			mx, my = mx/float64(k), my/float64(k)
		}
		cx, cy := correction(at[r], at[c])
		mx, my = mx+cx, my+cy
		dx[i], dy[i] = mx, my
		state[i] = 2
		for _, nb := range [4][2]int{{r - 1, c}, {r + 1, c}, {r, c - 1}, {r, c + 1}} {
			if nb[0] >= 0 && nb[0] < n && nb[1] >= 0 && nb[1] < n && state[nb[0]*n+nb[1]] == 0 {
				state[nb[0]*n+nb[1]] = 1
				queue = append(queue, nb[0]*n+nb[1])
			}
		}
	}
	// Interpolate bilinearly between the lattice's moves.
	x, y := make([]float64, dim*dim), make([]float64, dim*dim)
	span := func(v int) (int, float64) { // lattice cell holding v, and how far along
		k := min(v/latticeStep, n-2)
		return k, float64(v-at[k]) / float64(at[k+1]-at[k])
	}
	for r := range dim {
		kr, fr := span(r)
		for c := range dim {
			kc, fc := span(c)
			i00, i01 := kr*n+kc, kr*n+kc+1
			i10, i11 := i00+n, i01+n
			mxv := (1-fr)*((1-fc)*dx[i00]+fc*dx[i01]) + fr*((1-fc)*dx[i10]+fc*dx[i11])
			myv := (1-fr)*((1-fc)*dy[i00]+fc*dy[i01]) + fr*((1-fc)*dy[i10]+fc*dy[i11])
			x[r*dim+c], y[r*dim+c] = bx[r*dim+c]+mxv, by[r*dim+c]+myv
		}
	}
	g.x, g.y = x, y
}

// latticeStep is the spacing, in modules, of the points whose moves
// refine measures.
const latticeStep = 3

// finderSeeds are the finder centres of a dim-module code, and its
// bottom right alignment pattern when it has one and aligned is set.
func finderSeeds(dim int, aligned bool) [][2]int {
	seeds := [][2]int{{3, 3}, {3, dim - 4}, {dim - 4, 3}}
	if aligned && dim > 21 {
		seeds = append(seeds, [2]int{dim - 7, dim - 7})
	}
	return seeds
}

// decodeGrid decodes the dim×dim code whose finder centres (and alignment
// pattern, when pts has four points) are pts: sampled at the points
// meshGrid lays out, then, when that fails and the budget lasts, at those
// of the plain transform refined to m's edges. (The timing pattern
// offsets, right along the patterns, can move a whole row or column of a
// bent code the wrong way; the edges correct a smooth bend better alone.)
func (s *scan) decodeGrid(m *gozxing.BitMatrix, pts []gozxing.ResultPoint, dim int, hints map[gozxing.DecodeHintType]interface{}) (*common.DecoderResult, error) {
	g := meshGrid(m, pts, dim, true)
	if g == nil {
		return nil, ErrNoQR
	}
	var res *common.DecoderResult
	err := error(ErrNoQR)
	if bits := g.sample(m); bits != nil {
		res, err = s.decoder().Decode(bits, hints)
	}
	if err == nil || !s.attempt() {
		return res, err
	}
	g = meshGrid(m, pts, dim, false)
	if g.align(m) {
		// Placed by its alignment patterns, a large code may read
		// as it is.
		if bits := g.sample(m); bits != nil {
			if res, err = s.decoder().Decode(bits, hints); err == nil || !s.attempt() {
				return res, err
			}
		}
	}
	g.refine(m, g.seeds)
	bits := g.sample(m)
	if bits == nil {
		return nil, ErrNoQR
	}
	return s.decoder().Decode(bits, hints)
}

// align moves the grid of a code of version 7 or more, which has
// alignment patterns all over, by where they really are: each is looked
// for within a few modules of where the grid puts it, and the grid between
// them moved by their offsets, interpolated. The patterns found become
// seeds. It returns false when the code has no such patterns or none was
// found.
func (g *grid) align(m *gozxing.BitMatrix) bool {
	dim := g.dim
	if dim < 45 || (dim-17)%4 != 0 {
		return false
	}
	v, err := decoder.Version_GetVersionForNumber((dim - 17) / 4)
	if err != nil {
		return false
	}
	at := v.GetAlignmentPatternCenters()
	n := len(at)
	// Offsets at the lattice of pattern centres; the three corners
	// next to the finders stay put.
	ox, oy := make([]float64, n*n), make([]float64, n*n)
	found := make([]bool, n*n)
	corner := func(i, j int) bool {
		return (i == 0 && j == 0) || (i == 0 && j == n-1) || (i == n-1 && j == 0)
	}
	any := false
	for i := range n {
		for j := range n {
			if corner(i, j) {
				found[i*n+j] = true
				continue
			}
			r, c := at[i], at[j]
			k := r*dim + c
			px, py := g.x[k], g.y[k]
			module := (math.Hypot(g.x[k+1]-g.x[k-1], g.y[k+1]-g.y[k-1]) +
				math.Hypot(g.x[k+dim]-g.x[k-dim], g.y[k+dim]-g.y[k-dim])) / 4
			rad := 4 * module
			x0, y0 := max(0, int(px-rad)), max(0, int(py-rad))
			x1, y1 := min(m.GetWidth()-1, int(px+rad)), min(m.GetHeight()-1, int(py+rad))
			if math.IsNaN(module) || float64(x1-x0) < 3*module || float64(y1-y0) < 3*module {
				continue
			}
			ap, err := detector.NewAlignmentPatternFinder(m, x0, y0, x1-x0, y1-y0, module, nil).Find()
			if err != nil {
				continue
			}
			dx, dy := ap.GetX()-px, ap.GetY()-py
			if math.Hypot(dx, dy) > 2.5*module {
				continue
			}
			ox[i*n+j], oy[i*n+j], found[i*n+j] = dx, dy, true
			g.seeds = append(g.seeds, [2]int{r, c})
			any = true
		}
	}
	if !any {
		return false
	}
	// A pattern not found takes the mean offset of its neighbours found.
	for i := range n {
		for j := range n {
			if found[i*n+j] {
				continue
			}
			var sx, sy float64
			k := 0
			for _, d := range [4][2]int{{-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
				a, b := i+d[0], j+d[1]
				if a >= 0 && a < n && b >= 0 && b < n && found[a*n+b] {
					sx, sy, k = sx+ox[a*n+b], sy+oy[a*n+b], k+1
				}
			}
			if k > 0 {
				ox[i*n+j], oy[i*n+j] = sx/float64(k), sy/float64(k)
			}
		}
	}
	// Interpolate bilinearly within each cell of the lattice, and carry
	// the edge cells' offsets on to the code's edges.
	cell := func(v int) (int, float64) {
		k := 0
		for k < n-2 && v > at[k+1] {
			k++
		}
		f := float64(v-at[k]) / float64(at[k+1]-at[k])
		return k, math.Max(0, math.Min(1, f))
	}
	for r := range dim {
		i, fr := cell(r)
		for c := range dim {
			j, fc := cell(c)
			a, b, e, d := i*n+j, i*n+j+1, (i+1)*n+j, (i+1)*n+j+1
			g.x[r*dim+c] += (1-fr)*((1-fc)*ox[a]+fc*ox[b]) + fr*((1-fc)*ox[e]+fc*ox[d])
			g.y[r*dim+c] += (1-fr)*((1-fc)*oy[a]+fc*oy[b]) + fr*((1-fc)*oy[e]+fc*oy[d])
		}
	}
	return true
}
