package testenv_test

import (
	"fmt"
	"image"
	"image/color"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/deskauth/deskauth/internal/testenv"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/encoder"
	"github.com/rogpeppe/go-internal/testscript"
)

// exitWith is a tiny CLI: it prints its arguments to stdout, the
// environment variable NAME (if any) to stderr, and exits with the status in
// its first argument.
func exitWith(args []string, stdio testenv.Stdio) int {
	fmt.Fprintln(stdio.Stdout, args)
	if v := stdio.Getenv("NAME"); v != "" {
		fmt.Fprintln(stdio.Stderr, "NAME="+v)
	}
	if len(args) == 0 {
		return 2
	}
	n, err := strconv.Atoi(args[0])
	if err != nil {
		return 2
	}
	return n
}

func TestMain(m *testing.M) { testenv.ScriptMain(m, "exitwith", exitWith) }

// TestStatusCommand: status N passes exactly when the command exits with N,
// and leaves its output to stdout and stderr (testdata/status.txt).
func TestStatusCommand(t *testing.T) {
	testenv.RunScripts(t, testscript.Params{Dir: "testdata"})
}

func TestRunCLI(t *testing.T) {
	t.Setenv("NAME", "from the real environment")
	code, stdout, stderr := testenv.RunCLI(exitWith, map[string]string{"NAME": "given"}, "3", "x")
	if code != 3 || stdout != "[3 x]\n" || stderr != "NAME=given\n" {
		t.Errorf("RunCLI = %d, %q, %q", code, stdout, stderr)
	}
	if code, _, stderr := testenv.RunCLI(exitWith, nil, "0"); code != 0 || stderr != "" {
		t.Errorf("RunCLI with no environment = %d, stderr %q; the real environment leaked", code, stderr)
	}
}

// TestRequire: a missing tool skips the test, or fails it under
// DESKAUTH_REQUIRE_TOOLS=1; tools that are there do neither. The cases run in
// a child process, where a failure is the expected outcome.
func TestRequire(t *testing.T) {
	if os.Getenv("TESTENV_REQUIRE_CHILD") == "1" {
		testenv.Require(t, "sh")
		t.Log("sh found")
		testenv.Require(t, "sh", "deskauth-no-such-tool")
		t.Log("Require returned for a missing tool")
		return
	}
	for strict, want := range map[string]string{"1": "--- FAIL: TestRequire", "0": "--- SKIP: TestRequire", "": "--- SKIP: TestRequire"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestRequire$", "-test.v")
		cmd.Env = append(os.Environ(), "TESTENV_REQUIRE_CHILD=1", testenv.RequireToolsEnv+"="+strict)
		out, _ := cmd.CombinedOutput()
		log := string(out)
		if !strings.Contains(log, want) || !strings.Contains(log, "sh found") || strings.Contains(log, "Require returned") ||
			!strings.Contains(log, "deskauth-no-such-tool") {
			t.Errorf("%s=%q: want %q after sh was found, naming the missing tool; got:\n%s", testenv.RequireToolsEnv, strict, want, log)
		}
	}
}

// TestQRModulesIsTheEncoder: QRModules draws exactly the matrix of gozxing's
// encoder at the level asked for.
func TestQRModulesIsTheEncoder(t *testing.T) {
	const text = "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example"
	for _, level := range []decoder.ErrorCorrectionLevel{decoder.ErrorCorrectionLevel_L, decoder.ErrorCorrectionLevel_M, decoder.ErrorCorrectionLevel_H} {
		qr, err := encoder.Encoder_encodeWithoutHint(text, level)
		if err != nil {
			t.Fatal(err)
		}
		m := qr.GetMatrix()
		mods := testenv.QRModules(t, text, level.String())
		if mods.Bounds() != image.Rect(0, 0, m.GetWidth(), m.GetWidth()) {
			t.Fatalf("level %s: %v, want %d modules a side", level, mods.Bounds(), m.GetWidth())
		}
		for y := 0; y < m.GetWidth(); y++ {
			for x := 0; x < m.GetWidth(); x++ {
				if dark := mods.GrayAt(x, y).Y == 0; dark != (m.Get(x, y) == 1) {
					t.Fatalf("level %s: module %d,%d differs", level, x, y)
				}
			}
		}
	}
}

// TestQREncodeModules: qrencode's modules come at one pixel each with no
// margin (the same size as gozxing's for the same text and level), each
// dark or light.
func TestQREncodeModules(t *testing.T) {
	const text = "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example"
	a := testenv.QREncode(t, []byte(text), "-l", "M")
	b := testenv.QRModules(t, text, "M")
	if a.Bounds() != b.Bounds() {
		t.Errorf("qrencode drew %v, gozxing %v", a.Bounds(), b.Bounds())
	}
	for _, v := range a.Pix {
		if v != 0 && v != 255 {
			t.Fatalf("qrencode module value %d, want 0 or 255", v)
		}
	}
}

// TestPaintQR: each module becomes a px×px square in fg or bg, inside a
// quiet zone of 4 modules in bg; nothing outside that is touched.
func TestPaintQR(t *testing.T) {
	mods := testenv.QRModules(t, "hello", "L")
	n := mods.Bounds().Dx()
	dst := image.NewRGBA(image.Rect(0, 0, 300, 300))
	fg, bg, outside := color.RGBA{10, 20, 30, 255}, color.RGBA{200, 210, 220, 255}, color.RGBA{1, 2, 3, 255}
	for i := 0; i < len(dst.Pix); i += 4 {
		copy(dst.Pix[i:], []byte{outside.R, outside.G, outside.B, outside.A})
	}
	const px, x0, y0 = 3, 40, 50
	r := testenv.PaintQR(dst, mods, x0, y0, px, fg, bg)
	if want := image.Rect(x0, y0, x0+n*px, y0+n*px); r != want {
		t.Fatalf("PaintQR = %v, want %v", r, want)
	}
	quiet := r.Inset(-4 * px)
	for y := 0; y < 300; y++ {
		for x := 0; x < 300; x++ {
			want := outside
			switch p := image.Pt(x, y); {
			case p.In(r):
				want = bg
				if mods.GrayAt((x-x0)/px, (y-y0)/px).Y == 0 {
					want = fg
				}
			case p.In(quiet):
				want = bg
			}
			if got := dst.RGBAAt(x, y); got != want {
				t.Fatalf("pixel %d,%d = %v, want %v", x, y, got, want)
			}
		}
	}
}
