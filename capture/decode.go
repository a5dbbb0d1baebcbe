package capture

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"sort"
	"sync"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	multidetector "github.com/makiuchi-d/gozxing/multi/qrcode/detector"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// ErrNoQR means an image was searched and holds no readable QR code.
// Callers wrap it with what was looked at.
var ErrNoQR = errors.New("no QR code found")

// Code is one QR code found in an image.
type Code struct {
	// Text is the decoded payload, exactly as encoded (UTF-8; Shift_JIS
	// and other ECI character sets are converted).
	Text string
	// Bounds encloses the code, quiet zone excluded, in the image's
	// coordinates.
	Bounds image.Rectangle
}

// Decode finds every distinct QR code in img and returns them in reading
// order: top to bottom, and left to right along a row. Two codes with the
// same text count once. It returns ErrNoQR when there is none.
//
// On a large image (a screen) it stops at the cheapest pass that finds
// anything, so a code of under 3 pixels a module beside a larger one may
// be left out; pass a region to find it.
//
// Decode is safe for concurrent use. It is DecodeContext without a
// deadline; its work is bounded all the same (see DecodeContext).
func Decode(img image.Image) ([]Code, error) {
	return DecodeContext(context.Background(), img)
}

// DecodeContext is Decode, giving up when ctx is done: it then returns
// ctx's error (context.Canceled or context.DeadlineExceeded), checked
// between passes and inside the long loops.
//
// Its work is bounded whatever the image: images over MaxImagePixels are
// refused with ErrImageTooLarge before anything is allocated, a plane
// tiled with finder-pattern look-alikes is searched only for trios that a
// timing pattern joins, and at most maxAttempts candidate codes are
// sampled and decoded, so a hostile picture (a web page can show one)
// ends in about a second with ErrNoQR.
func DecodeContext(ctx context.Context, img image.Image) ([]Code, error) {
	b := img.Bounds()
	if b.Empty() {
		return nil, ErrNoQR
	}
	if err := checkSize(b.Dx(), b.Dy()); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s := &scan{ctx: ctx, img: img}
	if ctx.Done() == nil { // never cancelled: no need to watch it
		return s.run()
	}
	// Some steps (binarizing a 40-megapixel plane takes a tenth of a
	// second or more) do not look at ctx, so the search runs on its own
	// goroutine and a cancel returns at once. The search then stops at
	// its next check; it only reads img under imgMu, and never again once
	// DecodeContext has returned, so the caller may reuse img at once.
	type result struct {
		codes []Code
		err   error
	}
	done := make(chan result, 1)
	go func() {
		codes, err := s.run()
		done <- result{codes, err}
	}()
	select {
	case r := <-done:
		return r.codes, r.err
	case <-ctx.Done():
		s.imgMu.Lock()
		s.imgGone = true
		s.imgMu.Unlock()
		select {
		case r := <-done: // it finished meanwhile: keep what it found
			return r.codes, r.err
		default:
			return nil, ctx.Err()
		}
	}
}

// run searches s.img and words the outcome as DecodeContext does.
func (s *scan) run() (codes []Code, err error) {
	// gozxing is a port of Java code that signals some failures by index
	// errors; the fuzz tests aim at none being left, but a screen scanner
	// must not crash on one odd frame.
	defer func() {
		if p := recover(); p != nil {
			codes, err = nil, fmt.Errorf("capture: QR decoder failed: %v", p)
		}
	}()
	b := s.img.Bounds()
	codes = decodeImage(s)
	if len(codes) == 0 {
		if err := s.ctx.Err(); err != nil {
			return nil, err
		}
		return nil, ErrNoQR
	}
	for i := range codes {
		codes[i].Bounds = codes[i].Bounds.Add(b.Min).Intersect(b)
	}
	sortReading(codes)
	return codes, nil
}

// readImage runs f, which reads s.img, unless DecodeContext has already
// returned (after a cancel); false then.
func (s *scan) readImage(f func()) bool {
	s.imgMu.Lock()
	defer s.imgMu.Unlock()
	if s.imgGone {
		return false
	}
	f()
	return true
}

// maxAttempts bounds how many candidate codes (trios of finder patterns)
// one Decode samples and tries to decode, across all its passes: each
// costs up to a millisecond, and a page of look-alikes offers thousands.
const maxAttempts = 400

// halfResMin is the smallest image (both sides) that is searched at half
// resolution first: screens, not photos of a single code.
const halfResMin = 1000

// maxTrios bounds how many finder pattern trios one multi-code search
// samples and decodes.
const maxTrios = 24

// maxCandidates bounds how many unreadable code-like regions one Decode
// looks at again, so a page full of false finder patterns stays cheap.
const maxCandidates = 8

// decodeImage runs the passes from the cheapest to the dearest and stops
// after the first one that finds anything. On a screen the first pass,
// at half resolution, finds a code of 4 or more pixels a module; the
// later passes are for small modules, white-on-dark codes, and codes the
// detector only finds on a second look.
func decodeImage(s *scan) []Code {
	b := s.img.Bounds()
	if b.Dx() >= halfResMin && b.Dy() >= halfResMin/2 {
		var half gray
		if !s.readImage(func() { half = halfGrayCtx(s.ctx, s.img) }) {
			return nil
		}
		s.mul, s.div = 2, 1
		bits := binarizeFunc(half)
		m := bits(false)
		s.search(m, false)
		if len(s.codes) == 0 {
			s.inverted = true
			m = bits(true)
			s.search(m, false)
		}
		if len(s.codes) > 0 && m != nil {
			// A second code on the same screen may hide among the page's
			// false finder patterns: weigh every trio that is left.
			s.multi(m, tryHarder)
		}
		putBuf(half.pix)
		if len(s.codes) > 0 {
			s.retryCandidates()
			return s.codes
		}
	}
	if s.stopped() {
		return s.codes
	}
	var full gray
	if !s.readImage(func() { full = toGrayCtx(s.ctx, s.img) }) {
		return s.codes
	}
	defer putBuf(full.pix)
	s.mul, s.div, s.inverted = 1, 1, false
	bits := binarizeFunc(full)
	s.search(bits(false), true)
	if len(s.codes) == 0 {
		s.inverted = true
		s.search(bits(true), true)
	}
	s.retryCandidates()
	if len(s.codes) == 0 && full.w*full.h <= maxRotatedPixels && !s.stopped() {
		// The finder pattern search runs along rows; turned a quarter, a
		// code damaged or skewed along one axis is read along the other.
		rot := rotate90(full)
		s.rotatedH = full.h
		bits := binarizeFunc(rot)
		for _, inverted := range []bool{false, true} {
			s.inverted = inverted
			s.search(bits(inverted), true)
			if len(s.codes) > 0 {
				break
			}
		}
		s.rotatedH = 0
		putBuf(rot.pix)
	}
	if s.flooded {
		// An image tiled with finder look-alikes is a page, not a photo:
		// its codes were looked for between the look-alikes, and a few
		// dozen more planes of them would only cost time.
		return s.codes
	}
	if len(s.codes) == 0 && !s.stopped() {
		s.photoPasses(full)
	}
	return s.codes
}

// maxRotatedPixels bounds the images that get the quarter-turn pass: photos
// and small crops, where it rescues codes; a screen is not worth the time.
const maxRotatedPixels = 2_000_000

// scan collects codes across passes, skipping texts it already has.
type scan struct {
	ctx context.Context
	// img is read only through readImage: once imgGone is set (under
	// imgMu), DecodeContext has returned and the caller owns img again.
	img     image.Image
	imgMu   sync.Mutex
	imgGone bool
	codes   []Code
	dec     *decoder.Decoder
	// mul/div and off map the plane being searched back to the image:
	// 2/1 for a half resolution plane, 1/2 for an enlarged one, and off
	// the corner of a crop.
	mul, div int
	off      image.Point
	// inverted is set while searching a negative plane.
	inverted bool
	// rotatedH is the image's height while searching it turned a quarter.
	rotatedH int
	// candidates are regions (relative to the image's corner, like codes
	// until Decode returns) where a code was detected but did not decode;
	// no more are added while retrying them.
	candidates []candidate
	retrying   bool
	// attempts counts candidate codes sampled, against maxAttempts.
	attempts int
	// m is the matrix being searched.
	m *gozxing.BitMatrix
	// photo is set during the photo passes.
	photo bool
	// flooded is set once a screen pass met a plane with more
	// finder-like centres than fewCentres.
	flooded bool
	// centres are the finder-like centres of the matrix cm.
	cm      *gozxing.BitMatrix
	centres *centres
	// slanted are the finder outlines last sampled at a slant.
	slanted [3][4][2]float64
	// grey is the luminance plane that the matrix greyOf was binarized
	// from (set by the photo passes), for decodeGrey.
	grey     gray
	greyOf   *gozxing.BitMatrix
	greyDone []greyGeometry
}

// stopped says whether the scan must end: its context is done or its
// budget spent.
func (s *scan) stopped() bool {
	return s.attempts >= maxAttempts || s.ctx.Err() != nil
}

// centresOf returns the finder-like centres of m, found once per matrix.
func (s *scan) centresOf(m *gozxing.BitMatrix) *centres {
	if s.cm != m {
		s.cm, s.centres = m, findCentresIn(s.ctx, m, 3, s.photo)
	}
	return s.centres
}

// attempt spends one unit of the budget; false when none is left.
func (s *scan) attempt() bool {
	if s.stopped() {
		return false
	}
	s.attempts++
	return true
}

// candidate is a region worth a closer look, and the polarity it was seen in.
type candidate struct {
	r        image.Rectangle
	inverted bool
}

func (s *scan) toImage(r image.Rectangle) image.Rectangle {
	if s.rotatedH > 0 {
		// The plane is the image turned a quarter clockwise: its x runs
		// down the image's rows from the bottom, its y along them.
		r = image.Rect(r.Min.Y, s.rotatedH-r.Max.X, r.Max.Y, s.rotatedH-r.Min.X)
	}
	return image.Rectangle{r.Min.Mul(s.mul).Div(s.div), r.Max.Mul(s.mul).Div(s.div)}.Add(s.off)
}

func (s *scan) add(text string, r image.Rectangle) bool {
	for _, c := range s.codes {
		if c.Text == text {
			return false
		}
	}
	s.codes = append(s.codes, Code{text, s.toImage(r)})
	return true
}

func (s *scan) addCandidate(r image.Rectangle) {
	if s.retrying || r.Empty() || len(s.candidates) >= maxCandidates {
		return
	}
	r = s.toImage(r)
	for _, c := range s.candidates {
		if c.inverted == s.inverted && c.r.Overlaps(r) {
			return
		}
	}
	s.candidates = append(s.candidates, candidate{r, s.inverted})
}

// retryCandidates decodes each region where a code was detected but not
// read, cut out of the full-resolution image: without the rest of the page
// the detector is not misled by false finder patterns, and the crop can
// be enlarged when the modules are small.
func (s *scan) retryCandidates() {
	s.retrying = true
	defer func() { s.retrying = false }()
	sub, ok := s.img.(interface {
		SubImage(image.Rectangle) image.Image
	})
	if !ok {
		return
	}
	bounds := s.img.Bounds()
	for _, c := range s.candidates {
		if s.stopped() {
			break
		}
		if s.covered(c.r) {
			continue
		}
		// Keep a generous margin: the finder centres may be off, and the
		// binarizer needs some background around the code. Candidates
		// are relative to the image's corner; SubImage wants absolute.
		r := c.r.Add(bounds.Min).Inset(-max(c.r.Dx(), c.r.Dy())/3 - 8).Intersect(bounds)
		var crop gray
		if !s.readImage(func() { crop = toGrayCtx(s.ctx, sub.SubImage(r)) }) {
			break
		}
		s.mul, s.div, s.off, s.inverted = 1, 1, r.Min.Sub(bounds.Min), c.inverted
		n := len(s.codes)
		s.search(binarizeFunc(crop)(c.inverted), true)
		if len(s.codes) == n {
			// Modules of two pixels or less, or smeared by scaling,
			// read better enlarged.
			big := upscale2(crop)
			s.div = 2
			s.search(binarizeFunc(big)(c.inverted), true)
			putBuf(big.pix)
		}
		putBuf(crop.pix)
	}
	s.off = image.Point{}
}

// covered says whether r mostly lies inside a code already found.
func (s *scan) covered(r image.Rectangle) bool {
	for _, c := range s.codes {
		in := c.Bounds.Intersect(r)
		if in.Dx()*in.Dy()*2 > r.Dx()*r.Dy() {
			return true
		}
	}
	return false
}

func (s *scan) decoder() *decoder.Decoder {
	if s.dec == nil {
		s.dec = decoder.NewDecoder()
	}
	return s.dec
}

var tryHarder = map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}

// search looks for codes in m: first with the single-code detector
// stepping over rows; when that finds nothing and harder is set, on every
// third row, then weighing every trio of finder patterns.
func (s *scan) search(m *gozxing.BitMatrix, harder bool) {
	if m == nil || s.stopped() {
		return
	}
	s.m = m
	n := len(s.codes)
	cs := s.centresOf(m)
	if len(cs.list) < 3 {
		// gozxing's finders, which scan no more finely and confirm no
		// less strictly, would find no trio either.
		return
	}
	if len(cs.list) > fewCentres {
		// Too many finder-like shapes for gozxing's finders, which weigh
		// every trio: only trios joined by timing patterns. The photo
		// passes skip such a plane: the screen passes searched it.
		if !s.photo {
			// A tiled page's look-alikes are crossed by several scan
			// lines each; a grainy photo's chance specks by one.
			seen := 0
			for _, c := range cs.list {
				if c.count >= 2 {
					seen++
				}
			}
			if seen > fewCentres {
				s.flooded = true
			}
			s.linked(m, cs)
		}
		return
	}
	s.detectLoop(m, nil)
	if harder && len(s.codes) == n {
		s.detectLoop(m, tryHarder)
		s.multi(m, tryHarder)
	}
}

// detectLoop finds one code at a time with the single-code detector, then
// blanks it out of m so the next round can find the next one.
func (s *scan) detectLoop(m *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]interface{}) {
	for range 16 {
		if !s.attempt() {
			return
		}
		det, err := detector.NewDetector(m).Detect(hints)
		if err != nil {
			return
		}
		r, ok := s.decodeDetected(det, hints)
		if !ok {
			return
		}
		blank(m, r)
	}
}

// multi weighs every trio of finder patterns with gozxing's multi-code
// finder; slower, but it separates codes the single detector mixes up. A
// page full of finder-like shapes (a sheet of codes, checkbox grids) can
// yield hundreds of trios, so only the first maxTrios are sampled.
func (s *scan) multi(m *gozxing.BitMatrix, hints map[gozxing.DecodeHintType]interface{}) {
	if s.stopped() {
		return
	}
	s.m = m
	cs := s.centresOf(m)
	if len(cs.list) < 3 {
		return
	}
	if len(cs.list) > fewCentres {
		if !s.photo {
			s.linked(m, cs)
		}
		return
	}
	infos, err := multidetector.NewMultiFinderPatternFinder(m, nil).FindMulti(hints)
	if err != nil {
		return
	}
	if len(infos) > maxTrios {
		// Real codes make right isosceles triangles; random shapes do not.
		sort.SliceStable(infos, func(i, j int) bool { return skew(infos[i]) < skew(infos[j]) })
	}
	det := detector.NewDetector(m)
	for i, info := range infos {
		if i == maxTrios || !s.attempt() {
			break
		}
		res, err := det.ProcessFinderPatternInfo(info)
		if err != nil {
			continue
		}
		s.decodeDetected(res, hints)
	}
}

// linked decodes the trios of cs that timing patterns join (see
// linkedTrios), squarest first, blanking each code found.
func (s *scan) linked(m *gozxing.BitMatrix, cs *centres) {
	det := detector.NewDetector(m)
	for _, info := range linkedTrios(s.ctx, m, cs) {
		if !s.attempt() {
			return
		}
		res, err := det.ProcessFinderPatternInfo(info)
		if err != nil {
			continue
		}
		s.decodeDetected(res, tryHarder)
	}
}

// skew says how far a trio of finder patterns is from the corners of a
// square: 0 for a perfect one (equal legs at a right angle).
func skew(info *detector.FinderPatternInfo) float64 {
	tl, tr, bl := info.GetTopLeft(), info.GetTopRight(), info.GetBottomLeft()
	ux, uy := tr.GetX()-tl.GetX(), tr.GetY()-tl.GetY()
	vx, vy := bl.GetX()-tl.GetX(), bl.GetY()-tl.GetY()
	a, b := math.Hypot(ux, uy), math.Hypot(vx, vy)
	if a == 0 || b == 0 {
		return math.Inf(1)
	}
	return math.Abs(a-b)/math.Max(a, b) + math.Abs(ux*vx+uy*vy)/(a*b)
}

// decodeDetected decodes one detector result and records it. It returns
// where the code is in the plane searched, and false when it does not
// decode.
func (s *scan) decodeDetected(det *common.DetectorResult, hints map[gozxing.DecodeHintType]interface{}) (image.Rectangle, bool) {
	res, err := s.decoder().Decode(det.GetBits(), hints)
	dim := det.GetBits().GetWidth()
	if err != nil && len(det.GetPoints()) > 3 {
		// The detector sampled the grid through what it took for the
		// alignment pattern; in a photo that may be a smudge or a
		// cover. Sample again from the three finder patterns alone.
		res, err = s.decodeAffine(det, dim, hints)
	}
	if err != nil && s.photo {
		res, err = s.decodeMeshed(det, dim, hints)
	}
	if err != nil && s.photo {
		res, err = s.decodeGrey(det.GetPoints(), dim, hints)
	}
	if err != nil {
		s.addCandidate(codeBounds(det.GetPoints(), det.GetBits().GetWidth()))
		return image.Rectangle{}, false
	}
	if md, ok := res.GetOther().(*decoder.QRCodeDecoderMetaData); ok {
		md.ApplyMirroredCorrection(det.GetPoints())
	}
	r := codeBounds(det.GetPoints(), dim)
	s.add(res.GetText(), r)
	return r, true
}

// decodeAffine samples det's code again, dim modules a side, with an
// affine grid through its three finder patterns, ignoring any alignment
// pattern.
func (s *scan) decodeAffine(det *common.DetectorResult, dim int, hints map[gozxing.DecodeHintType]interface{}) (*common.DecoderResult, error) {
	if s.m == nil {
		return nil, ErrNoQR
	}
	pts := det.GetPoints()
	t := detector.Detector_createTransform(pts[1], pts[2], pts[0], nil, dim)
	bits, err := detector.Detector_sampleGrid(s.m, t, dim)
	if err != nil {
		return nil, err
	}
	return s.decoder().Decode(bits, hints)
}

type moduleSizer interface {
	GetEstimatedModuleSize() float64
}

// codeBounds turns the detector's points (finder pattern centres: bottom
// left, top left, top right) into the rectangle enclosing the whole code,
// of dim modules a side.
func codeBounds(pts []gozxing.ResultPoint, dim int) image.Rectangle {
	if len(pts) < 3 {
		return image.Rectangle{}
	}
	bl, tl, tr := pts[0], pts[1], pts[2]
	// The finder centres sit 3.5 modules in from the edges, and dim-7
	// modules apart: extend each side by 3.5/(dim-7) of the span.
	k := 3.5 / float64(dim-7)
	ux, uy := (tr.GetX()-tl.GetX())*k, (tr.GetY()-tl.GetY())*k
	vx, vy := (bl.GetX()-tl.GetX())*k, (bl.GetY()-tl.GetY())*k
	brx := tr.GetX() + bl.GetX() - tl.GetX()
	bry := tr.GetY() + bl.GetY() - tl.GetY()
	xs := []float64{tl.GetX() - ux - vx, tr.GetX() + ux - vx, bl.GetX() - ux + vx, brx + ux + vx}
	ys := []float64{tl.GetY() - uy - vy, tr.GetY() + uy - vy, bl.GetY() - uy + vy, bry + uy + vy}
	minX, maxX := math.Inf(1), math.Inf(-1)
	minY, maxY := math.Inf(1), math.Inf(-1)
	for i := range xs {
		minX, maxX = math.Min(minX, xs[i]), math.Max(maxX, xs[i])
		minY, maxY = math.Min(minY, ys[i]), math.Max(maxY, ys[i])
	}
	return image.Rect(int(math.Floor(minX)), int(math.Floor(minY)), int(math.Ceil(maxX)), int(math.Ceil(maxY)))
}

// blank clears r (grown by a module's worth of slack) in m, so a detector
// run on m no longer sees the code there.
func blank(m *gozxing.BitMatrix, r image.Rectangle) {
	grow := r.Dx() / 20
	r = r.Inset(-grow).Intersect(image.Rect(0, 0, m.GetWidth(), m.GetHeight()))
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			m.Unset(x, y)
		}
	}
}

// sortReading orders codes top to bottom, and left to right among codes
// that share a row (whose vertical extents overlap the row's first code's
// centre line).
func sortReading(codes []Code) {
	sort.SliceStable(codes, func(i, j int) bool { return codes[i].Bounds.Min.Y < codes[j].Bounds.Min.Y })
	for start := 0; start < len(codes); {
		mid := (codes[start].Bounds.Min.Y + codes[start].Bounds.Max.Y) / 2
		end := start + 1
		for end < len(codes) && codes[end].Bounds.Min.Y <= mid {
			end++
		}
		row := codes[start:end]
		sort.SliceStable(row, func(i, j int) bool { return row[i].Bounds.Min.X < row[j].Bounds.Min.X })
		start = end
	}
}
