package capture

import (
	"context"
	"image"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing/qrcode/detector"
	xdraw "golang.org/x/image/draw"

	"github.com/deskauth/deskauth/internal/testenv"
)

// TestKnownModules: every module knownModules fixes has that colour in
// real codes from qrencode, from version 1 to one with version
// information and six alignment patterns.
func TestKnownModules(t *testing.T) {
	for _, n := range []int{10, 60, 150, 400} {
		text := "otpauth://totp/" + strings.Repeat("x", n)
		mods := testenv.QREncode(t, []byte(text), "-l", "M")
		dim := mods.Bounds().Dx()
		known := knownModules(dim)
		count := 0
		for i, k := range known {
			if k == moduleData {
				continue
			}
			count++
			dark := mods.Pix[i] < 128
			if dark != (k == moduleDark) {
				t.Fatalf("dim %d: module (%d, %d) is dark=%v, known says %d", dim, i%dim, i/dim, dark, k)
			}
		}
		// Three finders with separators, the two timing patterns and
		// the dark module, at the least.
		if min := 3*64 + 2*(dim-16) + 1; count < min {
			t.Errorf("dim %d: %d known modules, want at least %d", dim, count, min)
		}
	}
}

// TestEqualizedUndoesModuleBlur: when every module's darkness mixes in
// its neighbours' (as blur does), a plain threshold misreads the lone
// modules, and the equaliser, fitting the mix from the code itself,
// reads every module right.
func TestEqualizedUndoesModuleBlur(t *testing.T) {
	mods := testenv.QREncode(t, []byte("otpauth://totp/Blur:alice@example.com?secret=JBSWY3DPEHPK3PXP"), "-l", "M")
	dim := mods.Bounds().Dx()
	truth := make([]bool, dim*dim)
	for i, v := range mods.Pix {
		truth[i] = v < 128
	}
	x := func(c, r int) float64 {
		if c < 0 || r < 0 || c >= dim || r >= dim || !truth[r*dim+c] {
			return 0
		}
		return 1
	}
	// Grey levels, light 200 and dark 40 without blur: each module keeps
	// half its own colour and takes the rest from its neighbours.
	v := make([]float64, dim*dim)
	for r := 0; r < dim; r++ {
		for c := 0; c < dim; c++ {
			n4 := x(c-1, r) + x(c+1, r) + x(c, r-1) + x(c, r+1)
			nd := x(c-1, r-1) + x(c+1, r-1) + x(c-1, r+1) + x(c+1, r+1)
			dark := 0.5*x(c, r) + 0.09*n4 + 0.035*nd
			v[r*dim+c] = 200 - 160*dark
		}
	}
	gc := newGreyCode(v, dim)
	if gc == nil {
		t.Fatal("newGreyCode refused a clean code")
	}
	wrong := func(d []bool) int {
		n := 0
		for i := range d {
			if d[i] != truth[i] {
				n++
			}
		}
		return n
	}
	if n := wrong(gc.threshold(gc.u, 0.5)); n == 0 {
		t.Fatal("the blur is too weak to test anything: a plain threshold reads every module")
	}
	eq := gc.equalized(3)
	if eq == nil {
		t.Fatal("equalized gave up")
	}
	if n := wrong(gc.threshold(eq, 0.5)); n != 0 {
		t.Errorf("equalized reading has %d wrong modules of %d", n, dim*dim)
	}
}

// gaussianBlur blurs g with a Gaussian of the given sigma (pixels), edges
// extended: what a lens out of focus does, near enough.
func gaussianBlur(g gray, sigma float64) gray {
	r := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*r+1)
	var sum float64
	for i := range k {
		d := float64(i - r)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	tmp := make([]float64, g.w*g.h)
	for y := 0; y < g.h; y++ {
		for x := 0; x < g.w; x++ {
			var s float64
			for i, w := range k {
				s += w * float64(g.pix[y*g.w+clampInt(x+i-r, 0, g.w-1)])
			}
			tmp[y*g.w+x] = s
		}
	}
	out := gray{make([]byte, g.w*g.h), g.w, g.h}
	for y := 0; y < g.h; y++ {
		for x := 0; x < g.w; x++ {
			var s float64
			for i, w := range k {
				s += w * tmp[clampInt(y+i-r, 0, g.h-1)*g.w+x]
			}
			out.pix[y*g.w+x] = byte(math.Round(s))
		}
	}
	return out
}

// TestDecodeGreyReadsBlurredCode: a code blurred until the binarized
// matrix reads too many modules wrong to correct is found by the
// detector, and read from the grey plane; Decode returns it.
func TestDecodeGreyReadsBlurredCode(t *testing.T) {
	const text = "otpauth://totp/Grey:bob@example.co.jp?secret=JBSWY3DPJBSWY3DPJBSWY3DP&issuer=Grey"
	g := blurredCode(t, text, 5, 0.6)
	m := binarizeFunc(g)(false)
	det, err := detector.NewDetector(m).Detect(tryHarder)
	if err != nil {
		t.Fatalf("the detector does not find the blurred code: %v", err)
	}
	s := &scan{ctx: context.Background(), m: m, grey: g, greyOf: m}
	if _, err := s.decoder().Decode(det.GetBits(), tryHarder); err == nil {
		t.Fatal("the binarized matrix reads: the blur is too weak to test anything")
	}
	res, err := s.decodeGrey(det.GetPoints(), det.GetBits().GetWidth(), tryHarder)
	if err != nil {
		t.Fatalf("decodeGrey: %v", err)
	}
	if res.GetText() != text {
		t.Fatalf("decodeGrey read %q", res.GetText())
	}
	if s.attempts == 0 {
		t.Error("decodeGrey spent no attempts")
	}

	img := image.NewGray(image.Rect(0, 0, g.w, g.h))
	copy(img.Pix, g.pix)
	codes, err := Decode(img)
	if err != nil || len(codes) != 1 || codes[0].Text != text {
		t.Fatalf("Decode = %v, %v", codes, err)
	}
}

// TestDecodeGreyNeedsItsPlane: without the grey plane of the matrix being
// searched, decodeGrey reads nothing and spends nothing.
func TestDecodeGreyNeedsItsPlane(t *testing.T) {
	img, _ := codeImage(t, "otpauth://totp/x?secret=JBSWY3DP", 4)
	g := toGray(img)
	m := thresholdMatrix(g, otsu(g))
	det, err := detector.NewDetector(m).Detect(nil)
	if err != nil {
		t.Fatal(err)
	}
	other := thresholdMatrix(g, otsu(g))
	s := &scan{ctx: context.Background(), m: m, grey: g, greyOf: other}
	if _, err := s.decodeGrey(det.GetPoints(), det.GetBits().GetWidth(), nil); err == nil || s.attempts != 0 {
		t.Errorf("decodeGrey on another matrix's plane: err %v, %d attempts", err, s.attempts)
	}
}

// TestSharpenSteepensEdges: the unsharp mask leaves flat areas as they
// are, and makes a blurred edge steeper (darker on the dark side, lighter
// on the light side), within 0…255.
func TestSharpenSteepensEdges(t *testing.T) {
	g := gray{make([]byte, 16*16), 16, 16}
	for y := range 16 {
		for x := range 16 {
			g.pix[y*16+x] = 200
			if x < 8 {
				g.pix[y*16+x] = 60
			}
		}
	}
	g = gaussianBlur(g, 1.2)
	sm := boxBlur3(g)
	sh := sharpen(g, sm)
	row := func(p gray, x int) int { return int(p.pix[8*16+x]) }
	if row(sh, 0) != row(g, 0) || row(sh, 15) != row(g, 15) {
		t.Errorf("flat ends moved: %d→%d, %d→%d", row(g, 0), row(sh, 0), row(g, 15), row(sh, 15))
	}
	if row(sh, 7) >= row(g, 7) || row(sh, 8) <= row(g, 8) {
		t.Errorf("edge not steeper: %d,%d → %d,%d", row(g, 7), row(g, 8), row(sh, 7), row(sh, 8))
	}
	hard := gray{[]byte{0, 255, 0, 255, 0, 255, 0, 255, 0}, 3, 3}
	hs := boxBlur3(hard)
	for i, v := range sharpen(hard, hs).pix {
		if (hard.pix[i] == 0) != (v == 0) {
			t.Errorf("pixel %d: %d sharpened to %d", i, hard.pix[i], v)
		}
	}
}

// blurredCode draws text as a code of px pixels a module, dark 25 on light
// 235, blurred by a Gaussian of sigma modules.
func blurredCode(t *testing.T, text string, px int, sigma float64) gray {
	t.Helper()
	mods := testenv.QREncode(t, []byte(text), "-l", "M")
	dim := mods.Bounds().Dx()
	side := (dim + 8) * px
	sharp := gray{make([]byte, side*side), side, side}
	for y := range side {
		for x := range side {
			c, r := x/px-4, y/px-4
			sharp.pix[y*side+x] = 235
			if c >= 0 && r >= 0 && c < dim && r < dim && mods.Pix[r*dim+c] < 128 {
				sharp.pix[y*side+x] = 25
			}
		}
	}
	return gaussianBlur(sharp, sigma*float64(px))
}

// TestDecodeTinyCode: a version 1 code shrunk (with smoothing, as a
// camera or a thumbnail does) to a little over a pixel a module is read:
// the photo passes enlarge so small a plane four times.
func TestDecodeTinyCode(t *testing.T) {
	const text = "otpauth://totp/T?secret=JBSWY3DP"
	mods := testenv.QREncode(t, []byte(text), "-l", "L")
	dim := mods.Bounds().Dx()
	big := image.NewRGBA(image.Rect(0, 0, (dim+8)*10, (dim+8)*10))
	testenv.PaintQR(big, mods, 40, 40, 10, black, white)
	for _, side := range []int{33, 34, 35, 41, 42} { // 1.14 to 1.45 px a module
		small := image.NewRGBA(image.Rect(0, 0, side, side))
		// Catmull-Rom averages over its support when it shrinks: each
		// pixel mixes the modules it covers, as a camera's does.
		xdraw.CatmullRom.Scale(small, small.Bounds(), big, big.Bounds(), xdraw.Src, nil)
		codes, err := Decode(small)
		if err != nil || len(codes) != 1 || codes[0].Text != text {
			t.Errorf("%d px: Decode = %v, %v", side, codes, err)
		}
	}
}

// TestDecodeSmallCodeInLargePhoto: a code of 5 px modules, blurred and
// grainy (ImageMagick's Gaussian noise, then JPEG), in a 9-megapixel
// photo is read, though the photo passes reduce such an image three
// times (to under 2 px modules): they read the full plane too, smoothed.
func TestDecodeSmallCodeInLargePhoto(t *testing.T) {
	testenv.Require(t, "qrencode", "convert")
	const text = "otpauth://totp/Large:dave@example.co.jp?secret=JBSWY3DPJBSWY3DPJBSWY3DP&issuer=Large"
	dir := t.TempDir()
	code, photo := filepath.Join(dir, "code.png"), filepath.Join(dir, "photo.jpg")
	if out, err := exec.Command("qrencode", "-l", "M", "-s", "5", "-m", "4", "-o", code, text).CombinedOutput(); err != nil {
		t.Fatalf("qrencode: %v: %s", err, out)
	}
	if out, err := exec.Command("convert", "-size", "3000x3000", "gradient:grey45-grey85", code,
		"-geometry", "+1700+900", "-composite", "-blur", "0x2", "-seed", "7", "-attenuate", "1.5",
		"+noise", "Gaussian", "-quality", "60", photo).CombinedOutput(); err != nil {
		t.Fatalf("convert: %v: %s", err, out)
	}
	codes, err := DecodeFile(photo)
	if err != nil || len(codes) != 1 || codes[0].Text != text {
		t.Fatalf("DecodeFile = %v, %v", codes, err)
	}
}

// TestLocalMeanLargePlane: on a plane whose pixel sum overflows 32 bits,
// the local mean threshold still marks exactly the dark spots, at the
// start and at the end of the plane.
func TestLocalMeanLargePlane(t *testing.T) {
	const w, h = 4200, 4200 // 255·w·h > 2³²
	g := gray{make([]byte, w*h), w, h}
	for i := range g.pix {
		g.pix[i] = 250
	}
	spots := [][2]int{{10, 10}, {w - 20, h - 20}, {w / 2, h - 5}}
	for _, p := range spots {
		g.pix[p[1]*w+p[0]] = 30
	}
	m := localMeanMatrix(g, 16)
	black := 0
	for y := 0; y < h; y++ {
		row := m.GetRow(y, nil).GetBitArray()
		for _, word := range row {
			for ; word != 0; word &= word - 1 {
				black++
			}
		}
	}
	if black != len(spots) {
		t.Errorf("%d black pixels, want %d", black, len(spots))
	}
	for _, p := range spots {
		if !m.Get(p[0], p[1]) {
			t.Errorf("spot %v not black", p)
		}
	}
}
