package capture

import (
	"context"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deskauth/deskauth/internal/testenv"
	"github.com/makiuchi-d/gozxing"
)

// steepCases are small codes photographed at a steep slant: the code's
// corners (top left, top right, bottom right, bottom left) land on quad.
// The first four are kites whose top left corner is near the camera (the
// two finders beside it look half its size, and the trio of finder
// centres is far from a right angle), as in zxing-cpp's sample 30a.
var steepCases = []struct {
	text    string
	version int
	quad    [4][2]int
	w, h    int
	// px is qrencode's pixels a module; blur and quality (a JPEG's, or
	// 0 for a PNG) finish the photo.
	px      int
	blur    string
	quality int
	// minCos is the least cosine of the finder trio's angle at the top
	// left that the case must have: a level view's trio is near 0.
	minCos float64
}{
	{"STEEP V1 A", 1, [4][2]int{{128, 109}, {302, 48}, {200, 198}, {51, 298}}, 320, 320, 6, "0x0.6", 0, 0.6},
	{"STEEP V2 KITE", 2, [4][2]int{{128, 109}, {302, 48}, {200, 198}, {51, 298}}, 320, 320, 6, "0x0.6", 0, 0.6},
	{"https://example.com/steep/v3", 3, [4][2]int{{128, 109}, {302, 48}, {200, 198}, {51, 298}}, 320, 320, 6, "0x0.6", 0, 0.6},
	{"otpauth://totp/S:k4@example.com?secret=JBSWY3DPEHPK3PXP", 4, [4][2]int{{128, 109}, {302, 48}, {200, 198}, {51, 298}}, 320, 320, 6, "0x0.6", 0, 0.6},
	// Tilted 60 degrees about a slanting axis, close up, blurred: the
	// perspective through the finders' twelve corners lands the far
	// corner modules off; the code's edges place it (edgeGrid).
	{"STEEP2 719S2689BQJD9G36K6QH56S1V8613N", 3, [4][2]int{{147, 20}, {223, 94}, {115, 119}, {20, 77}}, 243, 138, 1, "0x0.88", 90, 0},
}

// TestDecodeSteepSlant draws each steep case with the real qrencode and
// ImageMagick's perspective distortion and decodes it. The kites need
// this session's photo-pass finder search (each finder confirmed along
// four lines on its own scale) and trio choice (distances in each
// finder's own modules; a trio of unequal finders may stray from a right
// angle); the last needs edgeGrid.
func TestDecodeSteepSlant(t *testing.T) {
	testenv.Require(t, "qrencode")
	testenv.Require(t, "convert")
	dir := t.TempDir()
	for i, c := range steepCases {
		t.Run(fmt.Sprintf("%d-v%d", i, c.version), func(t *testing.T) {
			code := filepath.Join(dir, fmt.Sprintf("code%d.png", i))
			if out, err := exec.Command("qrencode", "-m", "0", "-s", fmt.Sprint(c.px), "-l", "M",
				"-v", fmt.Sprint(c.version), "-o", code, c.text).CombinedOutput(); err != nil {
				t.Fatalf("qrencode: %v: %s", err, out)
			}
			side := codeSide(code)
			src := [4][2]int{{0, 0}, {side, 0}, {side, side}, {0, side}}
			var pts []string
			for k := range 4 {
				pts = append(pts, fmt.Sprintf("%d,%d %d,%d", src[k][0], src[k][1], c.quad[k][0], c.quad[k][1]))
			}
			out := filepath.Join(dir, fmt.Sprintf("steep%d.png", i))
			args := []string{code, "-filter", "point", "-virtual-pixel", "white",
				"-define", fmt.Sprintf("distort:viewport=%dx%d+0+0", c.w, c.h),
				"-distort", "Perspective", strings.Join(pts, " "), "+repage",
				"-blur", c.blur, "-depth", "8"}
			if c.quality > 0 {
				out = strings.TrimSuffix(out, ".png") + ".jpg"
				args = append(args, "-quality", fmt.Sprint(c.quality))
			}
			args = append(args, out)
			if msg, err := exec.Command("convert", args...).CombinedOutput(); err != nil {
				t.Fatalf("convert %q: %v: %s", args, err, msg)
			}
			// The trio of finder centres, where the perspective puts
			// them, is as far from a square's corners as the case
			// means it to be.
			dim := 17 + 4*c.version
			f, ok := homography([][2]float64{{0, 0}, {float64(dim), 0}, {float64(dim), float64(dim)}, {0, float64(dim)}},
				[][2]float64{
					{float64(c.quad[0][0]), float64(c.quad[0][1])}, {float64(c.quad[1][0]), float64(c.quad[1][1])},
					{float64(c.quad[2][0]), float64(c.quad[2][1])}, {float64(c.quad[3][0]), float64(c.quad[3][1])}})
			if !ok {
				t.Fatal("no homography")
			}
			at := func(u, v float64) centre { x, y := f(u, v); return centre{x: x, y: y, size: 1} }
			far := float64(dim) - 3.5
			tl, tr, bl := at(3.5, 3.5), at(far, 3.5), at(3.5, far)
			ux, uy, vx, vy := tr.x-tl.x, tr.y-tl.y, bl.x-tl.x, bl.y-tl.y
			if cos := math.Abs(ux*vx+uy*vy) / (math.Hypot(ux, uy) * math.Hypot(vx, vy)); cos < c.minCos {
				t.Fatalf("the finder trio's angle has cosine %.2f: the case slants too little", cos)
			}
			codes, err := DecodeFile(out)
			if err != nil || len(codes) != 1 || codes[0].Text != c.text {
				t.Fatalf("DecodeFile: %v, %d codes %v", err, len(codes), codes)
			}
		})
	}
}

// TestConcentricSheared finds a finder pattern sheared to a parallelogram
// (its columns slid down by two pixels a pixel across, as a steep slant
// does), which the row-and-column checks of a level view reject, and
// places its centre in the pattern's core.
func TestConcentricSheared(t *testing.T) {
	const px, shear = 4, 2.0
	m, _ := gozxing.NewBitMatrix(80, 130)
	for y := range 130 {
		for x := range 80 {
			u := float64(x-10) / px
			v := (float64(y-10) - shear*float64(x-10)) / px
			if u < 0 || v < 0 || u >= 7 || v >= 7 {
				continue
			}
			r, c := int(v), int(u)
			if min(r, c, 6-r, 6-c) != 1 {
				m.Set(x, y)
			}
		}
	}
	if cs := findCentresIn(context.Background(), m, 1, false); len(cs.list) != 0 {
		t.Fatalf("strict search found %d centres", len(cs.list))
	}
	cs := findCentresIn(context.Background(), m, 1, true)
	if len(cs.list) == 0 {
		t.Fatal("slanted search found no centre")
	}
	if len(cs.list) != 1 {
		t.Errorf("slanted search found %d centres, want 1: %v", len(cs.list), cs.list)
	}
	// Sheared this far, rows and columns centre the pattern only
	// roughly (and a sighting or two may not merge): each centre must
	// lie in the pattern's dark core.
	for _, c := range cs.list {
		u := (c.x - 10) / px
		v := (c.y - 10 - shear*(c.x-10)) / px
		if u < 2 || u > 5 || v < 2 || v > 5 {
			t.Errorf("centre at %.1f,%.1f lies outside the core (module %.1f,%.1f)", c.x, c.y, u, v)
		}
	}
}
