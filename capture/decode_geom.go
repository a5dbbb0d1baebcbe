package capture

import (
	"errors"
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
	// The moves are measured on a lattice of every step-th row and
	// column (and the last), and interpolated between: a bend is smooth,
	// and that costs a fraction of measuring every point. Paper bends
	// with the code's size, not its modules', so a large code's lattice
	// is coarser, which also bounds the work.
	step := max(latticeStep, (dim+10)/20)
	var at []int // lattice index → module row or column
	for i := 0; i < dim-1; i += step {
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
		k := min(v/step, n-2)
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

// latticeStep is the least spacing, in modules, of the points whose moves
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
// pattern, when pts has four points) are pts, sampled at the points
// meshGrid lays out; then, while that fails and the budget lasts (one
// attempt each):
//
//   - the plain transform placed by the alignment patterns (version 7 and
//     up, see align);
//   - that refined to m's edges (the timing pattern offsets, right along
//     the patterns, can move a whole row or column of a bent code the
//     wrong way; the edges correct a smooth bend better alone);
//   - the perspective the finders' outlines fix (slantGrid), refined.
func (s *scan) decodeGrid(m *gozxing.BitMatrix, pts []gozxing.ResultPoint, dim int, hints map[gozxing.DecodeHintType]interface{}) (*common.DecoderResult, error) {
	g := meshGrid(m, pts, dim, true)
	if g == nil {
		return nil, ErrNoQR
	}
	var res *common.DecoderResult
	err := error(ErrNoQR)
	if bits := g.sample(m); bits != nil {
		res, err = s.decodeBits(bits, hints)
	}
	if err == nil || !s.attempt() {
		return res, err
	}
	g = meshGrid(m, pts, dim, false)
	if g.align(m) {
		// Placed by its alignment patterns, a large code may read
		// as it is.
		if bits := g.sample(m); bits != nil {
			if res, err = s.decodeBits(bits, hints); err == nil || !s.attempt() {
				return res, err
			}
		}
	}
	g.refine(m, g.seeds)
	if bits := g.sample(m); bits != nil {
		if res, err = s.decodeBits(bits, hints); err == nil {
			return res, err
		}
	}
	// At a slant: the perspective the finders' outlines fix, refined,
	// with the size their timing patterns count (finder distances
	// mislead there), once for each trio.
	quads, ok := finderQuads(m, pts)
	if !ok {
		return nil, ErrNoQR
	}
	if d := slantDim(m, quads); d > 0 {
		if quads == s.slanted {
			return nil, ErrNoQR
		}
		s.slanted, dim = quads, d
	}
	if g = slantGrid(quads, dim); g != nil && s.attempt() {
		g.refine(m, g.seeds)
		if bits := g.sample(m); bits != nil {
			if res, err = s.decodeBits(bits, hints); err == nil {
				return res, err
			}
		}
	}
	// The far corner from the code's outer edges.
	if g = edgeGrid(quads, dim); g == nil || !s.attempt() {
		return nil, ErrNoQR
	}
	g.refine(m, g.seeds)
	bits := g.sample(m)
	if bits == nil {
		return nil, ErrNoQR
	}
	return s.decodeBits(bits, hints)
}

// edgeGrid lays out the grid of a dim×dim code through its four outer
// corners: three are the finders' outer corners (see finderQuads), and
// the fourth, which no finder marks, is where the code's right edge (the
// top right finder's right side, carried on) meets its bottom edge (the
// bottom left finder's bottom side). Fitted to twelve finder corners, a
// perspective carried twice a code's width beyond them may swing the far
// corner off by modules at a steep slant; two straight edges do not.
func edgeGrid(quads [3][4][2]float64, dim int) *grid {
	br, ok := crossLines(quads[1][1], quads[1][2], quads[2][3], quads[2][2])
	if !ok {
		return nil
	}
	d := float64(dim)
	f, ok := homography([][2]float64{{0, 0}, {d, 0}, {d, d}, {0, d}},
		[][2]float64{quads[0][0], quads[1][1], br, quads[2][3]})
	if !ok {
		return nil
	}
	g := newGrid(dim, f)
	g.seeds = finderSeeds(dim, false)
	return g
}

// crossLines is where the line through a and b meets the line through c
// and d; ok is false when they are (near) parallel.
func crossLines(a, b, c, d [2]float64) ([2]float64, bool) {
	ux, uy := b[0]-a[0], b[1]-a[1]
	vx, vy := d[0]-c[0], d[1]-c[1]
	den := ux*vy - uy*vx
	if math.Abs(den) < 1e-9 || math.Abs(den) < 0.05*math.Hypot(ux, uy)*math.Hypot(vx, vy) {
		return [2]float64{}, false
	}
	t := ((c[0]-a[0])*vy - (c[1]-a[1])*vx) / den
	return [2]float64{a[0] + t*ux, a[1] + t*uy}, true
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

// A code photographed at a slant is a perspective image of a square, and
// three finder centres fix only an affine one: the far corner drifts off by
// modules. But each finder pattern is a square too, seven modules a side,
// and its outline shows how the slant shrinks and shears the code where it
// lies. finderQuad traces the outline of each finder, fits a line to each
// of its sides and takes their crossings as its corners; the twelve
// corners of the three finders, each at a known module of the code, then
// fix the perspective (a homography fitted by least squares).

// finderRays is how many directions a finder's outline is traced along.
const finderRays = 64

// finderQuad returns the outer corners of the finder pattern centred at
// (cx, cy) with modules of about size pixels, ordered as the code's axes
// u (left to right) and v (top to bottom) see them: top left, top right,
// bottom right, bottom left. ok is false when the outline is not a clean
// quadrilateral.
func finderQuad(m *gozxing.BitMatrix, cx, cy, size, ux, uy, vx, vy float64) (quad [4][2]float64, ok bool) {
	w, h := m.GetWidth(), m.GetHeight()
	dark := func(x, y float64) (bool, bool) {
		ix, iy := int(x), int(y)
		if !(x >= 0 && y >= 0) || ix < 0 || iy < 0 || ix >= w || iy >= h {
			return false, false
		}
		return m.Get(ix, iy), true
	}
	if d, in := dark(cx, cy); !d || !in {
		return quad, false
	}
	// Along each ray from the centre: the dark core, the light ring, the
	// dark ring, and out: the outline is at the third change.
	var px, py [finderRays]float64
	var have [finderRays]bool
	limit := 10 * size // the outline is 3.5 modules out, 5 at a corner, more at a slant
	step := math.Max(0.25, size/8)
	for k := range finderRays {
		a := 2 * math.Pi * float64(k) / finderRays
		dx, dy := math.Cos(a), math.Sin(a)
		changes, prev := 0, true
		for t := step; t < limit; t += step {
			v, in := dark(cx+dx*t, cy+dy*t)
			if !in {
				break
			}
			if v != prev {
				changes++
				prev = v
				if changes == 3 {
					t -= step / 2
					px[k], py[k], have[k] = cx+dx*t, cy+dy*t, true
					break
				}
			}
		}
	}
	// The corners, roughly: the outline's points furthest along the
	// diagonals of the code's axes.
	diag := [4][2]float64{{-ux - vx, -uy - vy}, {ux - vx, uy - vy}, {ux + vx, uy + vy}, {-ux + vx, -uy + vy}}
	var ck [4]int
	for j, d := range diag {
		best := math.Inf(-1)
		ck[j] = -1
		for k := range finderRays {
			if have[k] {
				if p := (px[k]-cx)*d[0] + (py[k]-cy)*d[1]; p > best {
					best, ck[j] = p, k
				}
			}
		}
		if ck[j] < 0 {
			return quad, false
		}
	}
	// A line through each side's points (those between its corners, a
	// few rays clear of them, where blur rounds the outline), then the
	// corners where the lines cross.
	var lines [4][3]float64 // a·x + b·y = c, (a, b) a unit normal
	for j := range 4 {
		from, to := ck[j], ck[(j+1)%4]
		n := (to - from + finderRays) % finderRays
		if n < 6 {
			return quad, false
		}
		var xs, ys []float64
		for i := 2; i <= n-2; i++ {
			k := (from + i) % finderRays
			if have[k] {
				xs, ys = append(xs, px[k]), append(ys, py[k])
			}
		}
		if len(xs) < 3 {
			return quad, false
		}
		var mx, my float64
		for i := range xs {
			mx, my = mx+xs[i], my+ys[i]
		}
		mx, my = mx/float64(len(xs)), my/float64(len(xs))
		var sxx, sxy, syy float64
		for i := range xs {
			dx, dy := xs[i]-mx, ys[i]-my
			sxx, sxy, syy = sxx+dx*dx, sxy+dx*dy, syy+dy*dy
		}
		// The line's direction is the principal axis of its points.
		theta := 0.5 * math.Atan2(2*sxy, sxx-syy)
		a, b := -math.Sin(theta), math.Cos(theta)
		lines[j] = [3]float64{a, b, a*mx + b*my}
	}
	for j := range 4 {
		// Corner j is where the side before it meets the side after.
		l1, l2 := lines[(j+3)%4], lines[j]
		det := l1[0]*l2[1] - l1[1]*l2[0]
		if math.Abs(det) < 0.2 { // sides near parallel: not a square's
			return quad, false
		}
		x := (l1[2]*l2[1] - l1[1]*l2[2]) / det
		y := (l1[0]*l2[2] - l1[2]*l2[0]) / det
		if math.Hypot(x-cx, y-cy) > limit {
			return quad, false
		}
		quad[j] = [2]float64{x, y}
	}
	return quad, true
}

// homography fits the perspective transform taking each from[i] (module
// coordinates) to to[i] (pixels) by least squares; ok is false when the
// points do not fix one.
func homography(from, to [][2]float64) (f func(x, y float64) (float64, float64), ok bool) {
	if len(from) < 4 || len(from) != len(to) {
		return nil, false
	}
	// Pixels centred and scaled, for a well-conditioned system.
	var mx, my, sc float64
	for _, p := range to {
		mx, my = mx+p[0], my+p[1]
	}
	mx, my = mx/float64(len(to)), my/float64(len(to))
	for _, p := range to {
		sc += math.Hypot(p[0]-mx, p[1]-my)
	}
	sc /= float64(len(to))
	if sc == 0 || math.IsNaN(sc) {
		return nil, false
	}
	// Normal equations A'A h = A'b of x = (h0 X + h1 Y + h2)/(h6 X + h7 Y + 1)
	// and y likewise with h3 h4 h5.
	var ata [8][9]float64
	add := func(row [8]float64, b float64) {
		for i := range 8 {
			for j := range 8 {
				ata[i][j] += row[i] * row[j]
			}
			ata[i][8] += row[i] * b
		}
	}
	for i := range from {
		X, Y := from[i][0], from[i][1]
		x, y := (to[i][0]-mx)/sc, (to[i][1]-my)/sc
		add([8]float64{X, Y, 1, 0, 0, 0, -x * X, -x * Y}, x)
		add([8]float64{0, 0, 0, X, Y, 1, -y * X, -y * Y}, y)
	}
	// Gaussian elimination with partial pivoting.
	for c := range 8 {
		p := c
		for r := c + 1; r < 8; r++ {
			if math.Abs(ata[r][c]) > math.Abs(ata[p][c]) {
				p = r
			}
		}
		if math.Abs(ata[p][c]) < 1e-12 {
			return nil, false
		}
		ata[c], ata[p] = ata[p], ata[c]
		for r := range 8 {
			if r == c {
				continue
			}
			k := ata[r][c] / ata[c][c]
			for j := c; j < 9; j++ {
				ata[r][j] -= k * ata[c][j]
			}
		}
	}
	var hm [8]float64
	for i := range 8 {
		hm[i] = ata[i][8] / ata[i][i]
	}
	return func(X, Y float64) (float64, float64) {
		d := hm[6]*X + hm[7]*Y + 1
		return mx + sc*(hm[0]*X+hm[1]*Y+hm[2])/d, my + sc*(hm[3]*X+hm[4]*Y+hm[5])/d
	}, true
}

// finderQuads traces the outlines of the three finders whose centres are
// pts (bottom left, top left, top right): top left, top right, bottom
// left, each's corners as finderQuad orders them.
func finderQuads(m *gozxing.BitMatrix, pts []gozxing.ResultPoint) (quads [3][4][2]float64, ok bool) {
	if len(pts) < 3 {
		return quads, false
	}
	bl, tl, tr := pts[0], pts[1], pts[2]
	ux, uy := tr.GetX()-tl.GetX(), tr.GetY()-tl.GetY()
	vx, vy := bl.GetX()-tl.GetX(), bl.GetY()-tl.GetY()
	lu, lv := math.Hypot(ux, uy), math.Hypot(vx, vy)
	if !(lu > 0 && lv > 0) {
		return quads, false
	}
	ux, uy, vx, vy = ux/lu, uy/lu, vx/lv, vy/lv
	for i, p := range []gozxing.ResultPoint{tl, tr, bl} {
		size := 0.0
		if ms, ok := p.(moduleSizer); ok {
			size = ms.GetEstimatedModuleSize()
		}
		if !(size > 0) {
			return quads, false
		}
		if quads[i], ok = finderQuad(m, p.GetX(), p.GetY(), size, ux, uy, vx, vy); !ok {
			return quads, false
		}
	}
	return quads, true
}

// finderMap maps a finder's own module coordinates (0 to 7 across its
// outline) to pixels.
func finderMap(q [4][2]float64) (func(x, y float64) (float64, float64), bool) {
	return homography([][2]float64{{0, 0}, {7, 0}, {7, 7}, {0, 7}}, q[:])
}

// slantDim counts the modules of the timing patterns between the finders
// outlined by quads, along the straight lines (a perspective keeps them
// straight) from the top left finder's edge to the others', and returns
// the code size they make, or 0.
func slantDim(m *gozxing.BitMatrix, quads [3][4][2]float64) int {
	ftl, ok1 := finderMap(quads[0])
	ftr, ok2 := finderMap(quads[1])
	fbl, ok3 := finderMap(quads[2])
	if !ok1 || !ok2 || !ok3 {
		return 0
	}
	count := func(x0, y0, x1, y1 float64) int {
		// Between the two finders' outer edges along row (or column)
		// 6 lie dim-14 single modules: the separators' light ones and
		// the timing pattern's between them.
		dist := math.Hypot(x1-x0, y1-y0)
		if !(dist > 0) || dist > 1e5 {
			return 0
		}
		n := int(dist / 0.25)
		runs, runLen := 0, 0
		prev := true // the finder's edge is dark
		w, h := m.GetWidth(), m.GetHeight()
		for k := 1; k < n; k++ {
			t := float64(k) / float64(n)
			x, y := x0+(x1-x0)*t, y0+(y1-y0)*t
			ix, iy := int(x), int(y)
			if ix < 0 || iy < 0 || ix >= w || iy >= h {
				return 0
			}
			v := m.Get(ix, iy)
			if v == prev {
				runLen++
				continue
			}
			if runLen < 2 && runs > 0 {
				// A flicker of under half a pixel: noise.
				runs--
				prev = v
				runLen = 3
				continue
			}
			runs++
			prev, runLen = v, 1
		}
		return runs + 14
	}
	x0, y0 := ftl(7, 6.5)
	x1, y1 := ftr(0, 6.5)
	top := count(x0, y0, x1, y1)
	x0, y0 = ftl(6.5, 7)
	x1, y1 = fbl(6.5, 0)
	left := count(x0, y0, x1, y1)
	for _, d := range []int{top, left} {
		if d >= 21 && d <= 177 && d%4 == 1 {
			return d
		}
	}
	return 0
}

// slantGrid lays out the grid of a dim×dim code through the perspective
// its finders' outlines quads (see finderQuads) fix.
func slantGrid(quads [3][4][2]float64, dim int) *grid {
	d := float64(dim)
	var from, to [][2]float64
	for i, q := range quads {
		ox, oy := 0.0, 0.0
		switch i {
		case 1:
			ox = d - 7
		case 2:
			oy = d - 7
		}
		for j, mc := range [4][2]float64{{0, 0}, {7, 0}, {7, 7}, {0, 7}} {
			from = append(from, [2]float64{ox + mc[0], oy + mc[1]})
			to = append(to, q[j])
		}
	}
	f, ok := homography(from, to)
	if !ok {
		return nil
	}
	g := newGrid(dim, f)
	g.seeds = finderSeeds(dim, false)
	return g
}

// errEmpty is a grid that decoded to no text at all.
var errEmpty = errors.New("capture: code holds no text")

// decodeBits decodes a grid sampled from a guess at a code's geometry.
// A guess may land on part of another code, or on the wrong size, and
// error correction, given enough tries, now and then accepts such a
// grid: its data then parses as garbage, often ending at once (an empty
// text). A real code with no text is useless here, so that counts as a
// miss.
func (s *scan) decodeBits(bits *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]interface{}) (*common.DecoderResult, error) {
	res, err := s.decoder().Decode(bits, hints)
	if err == nil && res.GetText() == "" {
		return nil, errEmpty
	}
	return res, err
}
