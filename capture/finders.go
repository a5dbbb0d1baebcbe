package capture

import (
	"context"
	"math"
	"sort"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// Finder patterns are the three nested squares in a QR code's corners.
// gozxing finds them well, but weighs every trio of them, which costs the
// cube of their number: a page tiled with look-alikes (issue 13: 1590 of
// them on a 1080p page) took minutes. So each plane is first scanned here
// for finder-like centres, with a cap on how many are kept. With few of
// them gozxing's own search runs as before; with many, trios are formed
// only from pairs of centres joined by a timing pattern (the alternating
// row of modules that runs between two finders of every real code),
// which look-alikes in a grid, in text or in icons do not have.

const (
	// fewCentres is the most centres a plane may hold for gozxing's
	// finders, which weigh every trio, to run on it.
	fewCentres = 40
	// maxCentres caps the distinct centres collected from one plane; a
	// plane with more is a pattern, not a page with a few codes.
	maxCentres = 4096
	// maxLinks caps the timing-linked pairs kept from one plane.
	maxLinks = 512
	// centreCell is the side of the grid cells centres are filed in.
	centreCell = 32
)

// centre is a finder-like pattern: its centre, module size, and how many
// scan lines crossed it.
type centre struct {
	x, y, size float64
	count      int
}

// centres holds a plane's finder-like patterns, filed by grid cell so
// neighbours are found without comparing every pair.
type centres struct {
	list       []centre
	cells      [][]int32
	cols, rows int
	// loose[i] is set while only concentric has confirmed list[i], not
	// gozxing's stricter checks; strict counts the others.
	loose  []bool
	strict int
}

func newCentres(w, h int) *centres {
	cols, rows := w/centreCell+1, h/centreCell+1
	return &centres{cells: make([][]int32, cols*rows), cols: cols, rows: rows}
}

func (c *centres) cell(x, y float64) (int, int) {
	cx := clampInt(int(x)/centreCell, 0, c.cols-1)
	cy := clampInt(int(y)/centreCell, 0, c.rows-1)
	return cx, cy
}

// near calls f for every centre filed within r pixels (by cell) of (x, y);
// f returns false to stop.
func (c *centres) near(x, y, r float64, f func(i int) bool) {
	x0, y0 := c.cell(x-r, y-r)
	x1, y1 := c.cell(x+r, y+r)
	for cy := y0; cy <= y1; cy++ {
		for cx := x0; cx <= x1; cx++ {
			for _, i := range c.cells[cy*c.cols+cx] {
				if !f(int(i)) {
					return
				}
			}
		}
	}
}

// add merges a sighting into the centre it repeats (within a module, of a
// similar module size, as ZXing merges them), or files a new one while
// there is room.
func (c *centres) add(x, y, size float64) {
	c.addSighting(x, y, size, false)
}

// addSighting is add, for a sighting only concentric confirmed when loose
// is set.
func (c *centres) addSighting(x, y, size float64, loose bool) {
	merged := false
	c.near(x, y, size, func(i int) bool {
		p := &c.list[i]
		if math.Abs(p.x-x) <= size && math.Abs(p.y-y) <= size {
			if d := math.Abs(size - p.size); d <= 1 || d <= p.size {
				n := float64(p.count)
				p.x = (n*p.x + x) / (n + 1)
				p.y = (n*p.y + y) / (n + 1)
				p.size = (n*p.size + size) / (n + 1)
				p.count++
				if c.loose[i] && !loose {
					c.loose[i] = false
					c.strict++
				}
				merged = true
				return false
			}
		}
		return true
	})
	if merged || len(c.list) >= maxCentres {
		return
	}
	cx, cy := c.cell(x, y)
	c.cells[cy*c.cols+cx] = append(c.cells[cy*c.cols+cx], int32(len(c.list)))
	c.list = append(c.list, centre{x, y, size, 1})
	c.loose = append(c.loose, loose)
	if !loose {
		c.strict++
	}
}

// dropLoose keeps only the centres gozxing's checks confirmed.
func (c *centres) dropLoose() {
	list, loose := c.list, c.loose
	c.list, c.loose, c.strict = nil, nil, 0
	for i := range c.cells {
		c.cells[i] = c.cells[i][:0]
	}
	for i, p := range list {
		if !loose[i] {
			cx, cy := c.cell(p.x, p.y)
			c.cells[cy*c.cols+cx] = append(c.cells[cy*c.cols+cx], int32(len(c.list)))
			c.list = append(c.list, p)
			c.loose = append(c.loose, false)
			c.strict++
		}
	}
}

// findCentres scans every step-th row of m for the 1:1:3:1:1 runs of a
// finder pattern, confirms each across (gozxing's cross checks) and
// collects the centres. It gives up early when ctx is done.
func findCentres(ctx context.Context, m *gozxing.BitMatrix, step int) *centres {
	return findCentresIn(ctx, m, step, false)
}

// findCentresIn is findCentres, and with tilted set (the photo passes) it
// also keeps finder patterns a slant has squeezed or sheared, which
// gozxing's checks (the column within 40% of the row) reject: those
// concentric confirms, found along rows and columns.
func findCentresIn(ctx context.Context, m *gozxing.BitMatrix, step int, tilted bool) *centres {
	w, h := m.GetWidth(), m.GetHeight()
	if tilted && w*h <= fineScan {
		// A small photo holds small patterns: a slanted one may cross
		// only a line or two cleanly.
		step = 1
	}
	cs := newCentres(w, h)
	fpf := detector.NewFinderPatternFinder(m, nil)
	row := gozxing.NewBitArray(w)
	hit := func(i int, runs [5]int, j int) {
		st := runs[:]
		total := st[0] + st[1] + st[2] + st[3] + st[4]
		cj := detector.FinderPatternFinder_centerFromEnd(st, j)
		ci := math.NaN()
		if detector.FinderPatternFinder_foundPatternCross(st) {
			ci = fpf.CrossCheckVertical(i, int(cj), st[2], total)
		}
		if !math.IsNaN(ci) {
			cj = fpf.CrossCheckHorizontal(int(cj), int(ci), st[2], total)
		}
		if !math.IsNaN(ci) && !math.IsNaN(cj) {
			cs.add(cj, ci, float64(total)/7)
			return
		}
		if tilted {
			x := int(detector.FinderPatternFinder_centerFromEnd(st, j))
			if x, y, size, ok := concentric(m, x, i, float64(total)/7); ok {
				cs.addSighting(x, y, size, true)
			}
		}
	}
	for i := step - 1; i < h; i += step {
		if i%64 == step-1 && ctx.Err() != nil {
			return cs
		}
		if tilted && cs.strict > fewCentres {
			// The photo passes leave a plane with this many alone.
			break
		}
		row = m.GetRow(i, row)
		finderRuns(row.GetBitArray(), w, tilted, i, hit)
	}
	if tilted {
		if cs.strict <= fewCentres {
			scanColumns(ctx, m, step, cs)
		}
		if len(cs.list) > fewCentres {
			// Too many for the photo passes to weigh: judge the plane
			// by the strict centres alone, as the screen passes do
			// (the loose checks pass a grainy photo's specks).
			cs.dropLoose()
		}
	}
	return cs
}

// runsLikeFinder says whether five runs along a scan line could cross a
// finder pattern: gozxing's test (each run within half a module of its
// share), or with tilted set finderRatios, which also allows half a pixel
// more, for patterns of a few pixels a module cut at a slant by the pixel
// grid.
func runsLikeFinder(st [5]int, tilted bool) bool {
	return detector.FinderPatternFinder_foundPatternCross(st[:]) || (tilted && finderRatios(st, 0.5))
}

// scanColumns scans every step-th column of m for a finder pattern's runs
// and adds the patterns concentric confirms to cs: a pattern squeezed
// sideways by a slant shows its rings more clearly down a column than
// along a row.
func scanColumns(ctx context.Context, m *gozxing.BitMatrix, step int, cs *centres) {
	w, h := m.GetWidth(), m.GetHeight()
	hit := func(x int, runs [5]int, end int) {
		st := runs[:]
		total := st[0] + st[1] + st[2] + st[3] + st[4]
		y := int(detector.FinderPatternFinder_centerFromEnd(st, end))
		if cx, cy, size, ok := concentric(m, x, y, float64(total)/7); ok {
			cs.addSighting(cx, cy, size, true)
		}
	}
	col := make([]uint32, (h+31)/32)
	for x := step - 1; x < w; x += step {
		if (x%64 == step-1 && ctx.Err() != nil) || len(cs.list) > 2*fewCentres {
			return
		}
		clear(col)
		for y := 0; y < h; y++ {
			if m.Get(x, y) {
				col[y>>5] |= 1 << (y & 31)
			}
		}
		finderRuns(col, h, true, x, hit)
	}
}

// finderRuns scans one line of n pixels, packed 32 to a word (a set bit is
// dark), for five runs, dark, light, dark, light, dark, that look like a
// finder pattern crossed (runsLikeFinder), and calls hit with the line's
// index, the runs and where the last run ends.
func finderRuns(words []uint32, n int, tilted bool, line int, hit func(line int, st [5]int, end int)) {
	var st [5]int
	state := 0
	for j := 0; j < n; j++ {
		if words[j>>5]>>(j&31)&1 != 0 { // dark
			if state&1 == 1 {
				state++
			}
			st[state]++
			continue
		}
		if state&1 == 1 {
			st[state]++
			continue
		}
		if state < 4 {
			state++
			st[state]++
			continue
		}
		if runsLikeFinder(st, tilted) {
			hit(line, st, j)
		}
		st = [5]int{st[2], st[3], st[4], 1, 0}
		state = 3
	}
	if state == 4 && runsLikeFinder(st, tilted) {
		hit(line, st, n)
	}
}

// link is a pair of centres joined by a timing pattern; side (+1 or -1)
// says on which side of the line from a to b the code lies.
type link struct {
	a, b int
	side float64
}

// linkedTrios returns the trios of centres that could be a code's corners
// because timing patterns join the top left one to the other two, each
// on the side where the third lies, ordered squarest first.
func linkedTrios(ctx context.Context, m *gozxing.BitMatrix, cs *centres) []*detector.FinderPatternInfo {
	var links []link
	for a := range cs.list {
		if a%64 == 0 && ctx.Err() != nil {
			return nil
		}
		pa := cs.list[a]
		// The largest code, version 40, has its finders 170 modules apart.
		cs.near(pa.x, pa.y, 180*pa.size, func(b int) bool {
			if b <= a {
				return true
			}
			pb := cs.list[b]
			if pb.size > 1.4*pa.size || pa.size > 1.4*pb.size {
				return true
			}
			for _, side := range []float64{1, -1} {
				if timingBetween(m, pa, pb, side) {
					links = append(links, link{a, b, side}, link{b, a, -side})
				}
			}
			return len(links) < maxLinks
		})
		if len(links) >= maxLinks {
			break
		}
	}
	// Group the links by their first centre, the candidate top left.
	sort.Slice(links, func(i, j int) bool { return links[i].a < links[j].a })
	type scored struct {
		info *detector.FinderPatternInfo
		skew float64
	}
	var out []scored
	for i := 0; i < len(links); {
		j := i
		for j < len(links) && links[j].a == links[i].a {
			j++
		}
		for p := i; p < j; p++ {
			for q := i; q < j; q++ {
				if p == q {
					continue
				}
				tl, tr, bl := cs.list[links[p].a], cs.list[links[p].b], cs.list[links[q].b]
				// The code lies to the timing side of each leg: for
				// top left → top right that is where bottom left is,
				// and in image coordinates (y down) that makes the
				// turn from one leg to the other clockwise.
				if cross(tl, tr, bl) <= 0 || side(tl, tr, bl) != links[p].side || side(tl, bl, tr) != links[q].side {
					continue
				}
				info := detector.NewFinderPatternInfo(pattern(bl), pattern(tl), pattern(tr))
				if k := skew(info); k < 0.5 {
					out = append(out, scored{info, k})
				}
			}
		}
		i = j
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].skew < out[j].skew })
	infos := make([]*detector.FinderPatternInfo, len(out))
	for i, o := range out {
		infos[i] = o.info
	}
	return infos
}

func pattern(c centre) *detector.FinderPattern {
	return detector.NewFinderPattern(c.x, c.y, c.size, c.count)
}

// cross is the z component of (b-a)×(c-a).
func cross(a, b, c centre) float64 {
	return (b.x-a.x)*(c.y-a.y) - (b.y-a.y)*(c.x-a.x)
}

// side says on which side of the line from a to b the point c lies, in the
// sign convention of timingBetween: +1 along (-uy, ux).
func side(a, b, c centre) float64 {
	if cross(a, b, c) > 0 {
		return 1
	}
	return -1
}

// timingBetween says whether the row of modules three modules to one side
// of the line between finder centres a and b alternates dark and light as
// a timing pattern does: in a code, the modules between two finders'
// separators on row (or column) 6, dark first.
func timingBetween(m *gozxing.BitMatrix, a, b centre, side float64) bool {
	dx, dy := b.x-a.x, b.y-a.y
	dist := math.Hypot(dx, dy)
	size := (a.size + b.size) / 2
	// Finder centres are dimension-7 modules apart, and the dimension is
	// 17+4×version: so 14, 18, 22, … modules.
	n := int(math.Round((dist/size-14)/4))*4 + 14
	if n < 14 || n > 170 {
		return false
	}
	step := dist / float64(n)
	ux, uy := dx/dist, dy/dist
	vx, vy := -uy*side, ux*side
	w, h := m.GetWidth(), m.GetHeight()
	// Modules 5 … n-5 from a's centre along the line lie between the two
	// separators; the first is dark.
	// Allow one module in five to be misread, but judge early: most
	// pairs of look-alikes fail at the first few modules.
	bad := 0
	for d := 5; d <= n-5; d++ {
		t := float64(d) * step
		x := int(a.x + ux*t + vx*3*step)
		y := int(a.y + uy*t + vy*3*step)
		if x < 0 || y < 0 || x >= w || y >= h {
			return false
		}
		if m.Get(x, y) != (d%2 == 1) {
			bad++
			if bad > 1+(d-5)/5 {
				return false
			}
		}
	}
	return true
}

// A finder pattern photographed at a slant is no longer a square: a steep
// angle squeezes it to a narrow parallelogram or a kite, and one near the
// camera looks larger than the others. But locally a slant is an affine
// map, and an affine map keeps the ratios along any straight line: every
// line through the centre of the three nested squares crosses them
// 1:1:3:1:1, each line at its own scale. So a pattern is confirmed by
// counting its runs along four lines through the candidate centre (the
// row, the column and both diagonals), each judged on its own module
// size, with the lengths of the four allowed to differ as much as a steep
// slant makes them. The row scan that finds candidates misses a pattern
// squeezed sideways to a pixel or two a module, so the photo passes scan
// the columns too.

// maxSquash is how much longer the longest of a slanted pattern's four
// crossings may be than the shortest.
const maxSquash = 5

// maxCoreFill bounds (in pixels) the longest crossing of a pattern whose
// core coreCentre fills.
const maxCoreFill = 160

// fineScan is the largest plane (in pixels) whose every row and column
// the photo passes scan for finder patterns.
const fineScan = 1 << 18

// runsThrough counts the runs of a finder pattern along the line through
// (x, y) in steps of (dx, dy): the dark run holding (x, y), the light and
// dark runs each way. Each outer run stops at limit steps. It returns the
// five runs and the middle run's centre as an offset in steps from (x, y);
// ok is false when a run is missing or over limit.
func runsThrough(m *gozxing.BitMatrix, x, y, dx, dy, limit int) (st [5]int, mid float64, ok bool) {
	w, h := m.GetWidth(), m.GetHeight()
	in := func(k int) bool {
		px, py := x+k*dx, y+k*dy
		return px >= 0 && py >= 0 && px < w && py < h
	}
	dark := func(k int) bool { return m.Get(x+k*dx, y+k*dy) }
	if !in(0) || !dark(0) {
		return st, 0, false
	}
	// Back: the middle run, light, dark.
	k := 0
	for ; in(k) && dark(k); k-- {
		st[2]++
		if st[2] > 3*limit {
			return st, 0, false
		}
	}
	for ; in(k) && !dark(k) && st[1] <= limit; k-- {
		st[1]++
	}
	for ; in(k) && dark(k) && st[0] <= limit; k-- {
		st[0]++
	}
	back := st[2]
	// Forward.
	k = 1
	for ; in(k) && dark(k); k++ {
		st[2]++
		if st[2] > 3*limit {
			return st, 0, false
		}
	}
	fwd := st[2] - back
	for ; in(k) && !dark(k) && st[3] <= limit; k++ {
		st[3]++
	}
	for ; in(k) && dark(k) && st[4] <= limit; k++ {
		st[4]++
	}
	for i, n := range st {
		if n == 0 || (i != 2 && n > limit) {
			return st, 0, false
		}
	}
	// The middle run spans steps -back+1 … fwd.
	return st, float64(fwd-back+1) / 2, true
}

// finderRatios says whether runs st are 1:1:3:1:1 on their own scale,
// each run within tol modules (and half a pixel, for runs of a pixel or
// two) of its share.
func finderRatios(st [5]int, tol float64) bool {
	total := st[0] + st[1] + st[2] + st[3] + st[4]
	if total < 7 {
		return false
	}
	module := float64(total) / 7
	slack := tol*module + 0.5
	for i, n := range st {
		want := module
		if i == 2 {
			want = 3 * module
			if math.Abs(float64(n)-want) > 3*tol*module+0.5 {
				return false
			}
			continue
		}
		if math.Abs(float64(n)-want) > slack {
			return false
		}
	}
	return true
}

// concentric confirms a finder pattern around (x, y), a pixel of its dark
// core, with modules of about size pixels along the line it was found
// on: its runs along the row and the column (which also centre it) and
// along both diagonals. It returns the centre and a module size (the mean
// of the shortest and longest crossing, over seven).
func concentric(m *gozxing.BitMatrix, x, y int, size float64) (cx, cy, module float64, ok bool) {
	limit := int(math.Ceil(maxSquash*size*1.5)) + 2
	// along counts the runs along (dx, dy) through (x, y), or failing
	// that through the pixel to either side: in a pattern of a pixel or
	// two a module, one bad pixel breaks a ring on one line only.
	along := func(x, y, dx, dy int, tol float64) (st [5]int, mid float64, off int, ok bool) {
		for _, off = range [3]int{0, 1, -1} {
			st, mid, ok = runsThrough(m, x-off*dy, y+off*dx, dx, dy, limit)
			if ok && finderRatios(st, tol) {
				return st, mid, off, true
			}
		}
		return st, 0, 0, false
	}
	fx, fy := float64(x), float64(y)
	// Centre along the row, then the column, then the row again.
	_, mid, _, ok := along(x, y, 1, 0, 0.5)
	if !ok {
		return 0, 0, 0, false
	}
	fx += mid
	_, mid, _, ok = along(int(fx), y, 0, 1, 0.5)
	if !ok {
		return 0, 0, 0, false
	}
	fy += mid
	st, mid, off, ok := along(int(fx), int(fy), 1, 0, 0.5)
	if !ok {
		return 0, 0, 0, false
	}
	fx = math.Floor(fx) + mid + 0.5
	lo, hi := math.Inf(1), 0.0
	note := func(st [5]int, step float64) {
		l := float64(st[0]+st[1]+st[2]+st[3]+st[4]) * step
		lo, hi = math.Min(lo, l), math.Max(hi, l)
	}
	note(st, 1)
	st, mid, off2, ok := along(int(fx), int(fy), 0, 1, 0.5)
	if !ok || (off != 0 && off2 != 0) {
		return 0, 0, 0, false
	}
	fy = math.Floor(fy) + mid + 0.5
	note(st, 1)
	// The diagonals, a little more loosely: their runs are cut at a
	// slant by the pixel grid.
	for _, d := range [2][2]int{{1, 1}, {1, -1}} {
		st, _, _, ok := along(int(fx), int(fy), d[0], d[1], 0.75)
		if !ok {
			return 0, 0, 0, false
		}
		note(st, math.Sqrt2)
	}
	if hi > maxSquash*lo {
		return 0, 0, 0, false
	}
	// Rows and columns centre a pattern about as square as it is long
	// well; a sheared one (whose crossings differ) at its core's centroid.
	if hi > 1.5*lo && hi < maxCoreFill {
		if x, y, ok := coreCentre(m, int(fx), int(fy), int(math.Ceil(hi))); ok &&
			math.Abs(x-fx) < hi/3.5 && math.Abs(y-fy) < hi/3.5 {
			fx, fy = x, y
		}
	}
	return fx, fy, (lo + hi) / 14, true
}

// coreCentre places the centre of the finder pattern whose dark core
// holds pixel (x, y) more exactly than rows and columns in turn do,
// which for a strongly sheared pattern crawl along it: at the centroid
// of the core, which a slant (an affine map, locally) keeps at the
// centre. The core is filled from (x, y) within r pixels; ok is false
// when it reaches that far (it is not cut off by the light ring).
func coreCentre(m *gozxing.BitMatrix, x, y, r int) (cx, cy float64, ok bool) {
	w, h := m.GetWidth(), m.GetHeight()
	side := 2*r + 1
	seen := make([]bool, side*side)
	stack := [][2]int{{x, y}}
	seen[r*side+r] = true
	var sx, sy float64
	n := 0
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		sx, sy, n = sx+float64(p[0]), sy+float64(p[1]), n+1
		for _, d := range [4][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
			qx, qy := p[0]+d[0], p[1]+d[1]
			bx, by := qx-x+r, qy-y+r
			if bx < 0 || by < 0 || bx >= side || by >= side {
				return 0, 0, false
			}
			if seen[by*side+bx] || qx < 0 || qy < 0 || qx >= w || qy >= h || !m.Get(qx, qy) {
				continue
			}
			seen[by*side+bx] = true
			stack = append(stack, [2]int{qx, qy})
		}
	}
	return sx/float64(n) + 0.5, sy/float64(n) + 0.5, true
}
