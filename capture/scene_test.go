package capture

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deskauth/deskauth/internal/testenv"
)

// The scene set: photos of whole scenes, not of a code alone. A code from
// qrencode is printed on a sheet (or shown on a screen) among text, rules,
// boxes and a finder-like logo; the sheet lies on a cluttered desk and is
// "photographed": perspective, rotation, uneven light and vignetting, a
// tint, lens blur, sensor noise and JPEG, in frames from 640×480 to 12 MP.
// Categories add what phone photos of setup sheets hold besides: light codes
// on dark screens, mirrored pictures, round-dot modules, tiny version 1
// codes, remote desktops scaled and recompressed, two codes in one picture,
// moiré from photographing a monitor, faded print, focus blur, damage, steep
// angles, photos sent again through a messenger (scaled down, recompressed),
// and dense codes (versions 11-15) at small modules.
//
// It is built independently of TestPhotoSet (which the decoder is tuned
// on) to check the decoder in general. Parameters come from a fixed seed,
// so the set is the same on every run. DESKAUTH_KEEP_SCENESET=DIR copies
// the images to DIR with DIR/list.tsv (category, file, expected text; one
// line per code), which bench/photo-vs-zbar.sh reads.

// sceneCase is one generated image and every text it holds.
type sceneCase struct {
	category, name string
	wants          []string
	recipe         string                 // the parameters, for a reader of a miss
	build          func(dir string) error // writes dir/name
}

// sceneFloor is how many images of each category Decode must read (all of
// an image's codes): what it read when the floor was set. The set was made
// while other changes were tuned on TestPhotoSet and ZXing's photos, to
// check them on pictures they were not tuned on: main before them (ce399bb)
// read 94 of 108 (blur 5, clutter 5, dense 4, dots 7, inverted 6, remote 6,
// steep 5, two 4), with them 104; zbarimg reads 77. A misread anywhere fails the
// test.
var sceneFloor = map[string]int{
	"blur": 6, "chat": 7, "clutter": 6, "damaged": 6, "dense": 6, "dots": 8, "faded": 7, "inverted": 8,
	"large": 3, "mirrored": 6, "paper": 10, "remote": 7, "screen": 6, "steep": 7, "tiny": 7, "two": 4,
}

// sceneCategories: name, image count, and the recipe of image i.
var sceneCategories = []struct {
	name  string
	count int
	make  func(g *sceneGen, i int) sceneRecipe
}{
	{"paper", 10, func(g *sceneGen, i int) sceneRecipe {
		return g.photo(g.frame(), g.between(3, 8), 1, "")
	}},
	{"clutter", 6, func(g *sceneGen, i int) sceneRecipe {
		r := g.photo(g.frame(), g.between(3, 6), 1, "")
		r.occ = g.between(0.3, 0.5)
		r.codes[0].quiet = 2 + g.rng.IntN(3)
		r.clutter = 3
		return r
	}},
	{"large", 3, func(g *sceneGen, i int) sceneRecipe {
		fw, fh := 3024, 4032
		if i%2 == 1 {
			fw, fh = 4000, 3000
		}
		// Drawn at half size and scaled up (a 12 MP phone photo is soft
		// anyway), to keep the test fast.
		r := g.photo([2]int{fw / 2, fh / 2}, g.between(3.5, 11), 1, "")
		r.upscale = 2
		return r
	}},
	{"inverted", 8, func(g *sceneGen, i int) sceneRecipe {
		r := g.photo(g.frame(), g.between(3, 8), 1, "")
		r.paper, r.ink = "#1b1f27", "#e8eaed"
		r.codes[0].fg, r.codes[0].bg = color.Gray{0xe6}, color.Gray{0x1e}
		r.bezel = true
		r.glare = g.between(0.1, 0.35)
		return r
	}},
	{"mirrored", 6, func(g *sceneGen, i int) sceneRecipe {
		r := g.photo(g.frame(), g.between(3, 8), 1, "")
		r.flop = true
		return r
	}},
	{"dots", 8, func(g *sceneGen, i int) sceneRecipe {
		r := g.photo(g.frame(), g.between(4, 9), 1, "")
		r.codes[0].dots = g.between(0.35, 0.46)
		r.codes[0].roundFinder = g.rng.IntN(2) == 0
		return r
	}},
	{"tiny", 7, func(g *sceneGen, i int) sceneRecipe {
		fr := [2]int{640, 480}
		if i%3 == 2 {
			fr = [2]int{800, 600}
		}
		r := g.photo(fr, g.between(2, 3.2), 1, "")
		r.codes[0] = g.code(1, "LM"[g.rng.IntN(2):][:1])
		r.tilt, r.rot = g.between(0, 0.05), g.between(-10, 10)
		r.blur = g.between(0.15, 0.35)
		return r
	}},
	{"remote", 8, func(g *sceneGen, i int) sceneRecipe {
		return g.remote()
	}},
	{"two", 6, func(g *sceneGen, i int) sceneRecipe {
		return g.photo(g.frame(), g.between(3, 7), 2, "")
	}},
	{"screen", 6, func(g *sceneGen, i int) sceneRecipe {
		r := g.photo(g.frame(), g.between(3.5, 8), 1, "")
		r.paper, r.ink = "#fbfbfd", "#202124"
		r.bezel = true
		r.grid = 3 + g.rng.IntN(2)
		r.glare = g.between(0.05, 0.2)
		r.blur = g.between(0.15, 0.3)
		return r
	}},
	{"faded", 7, func(g *sceneGen, i int) sceneRecipe {
		r := g.photo(g.frame(), g.between(3, 8), 1, "")
		ink := 0x60 + g.rng.IntN(0x40)
		paper := 0xc8 + g.rng.IntN(0x30)
		r.codes[0].fg, r.codes[0].bg = color.Gray{uint8(ink)}, color.Gray{uint8(paper)}
		r.paper = fmt.Sprintf("#%02x%02x%02x", paper, paper, paper-8)
		r.ink = fmt.Sprintf("#%02x%02x%02x", ink, ink, ink)
		r.light = g.between(0.5, 0.8)
		return r
	}},
	{"blur", 7, func(g *sceneGen, i int) sceneRecipe {
		r := g.photo(g.frame(), g.between(4, 9), 1, "")
		r.blur = g.between(0.35, 0.6)
		if i%2 == 1 {
			r.blur = g.between(0.2, 0.35)
			r.motion = g.between(0.6, 1.2) // module sizes of shake
		}
		return r
	}},
	{"damaged", 6, func(g *sceneGen, i int) sceneRecipe {
		r := g.photo(g.frame(), g.between(4, 8), 1, "")
		r.codes[0] = g.code(2+g.rng.IntN(7), "QH"[g.rng.IntN(2):][:1])
		r.damage = 1 + i%4
		return r
	}},
	{"steep", 7, func(g *sceneGen, i int) sceneRecipe {
		// Taken at an angle: strong perspective, any turn.
		r := g.photo(g.frame(), g.between(3.5, 7), 1, "")
		r.tilt, r.rot = g.between(0.18, 0.28), g.between(-45, 45)
		return r
	}},
	{"chat", 7, func(g *sceneGen, i int) sceneRecipe {
		// Sent through a messenger: scaled down and compressed again.
		r := g.photo(g.frame(), g.between(4, 8), 1, "")
		r.resend = g.between(0.5, 0.8)
		r.requality = 30 + g.rng.IntN(30)
		return r
	}},
	{"dense", 6, func(g *sceneGen, i int) sceneRecipe {
		// Versions 11-15 at small modules.
		r := g.photo(g.frame(), g.between(2.5, 4), 1, "")
		r.codes[0] = g.code(11+g.rng.IntN(5), "LM"[g.rng.IntN(2):][:1])
		r.tilt = g.between(0.02, 0.08)
		return r
	}},
}

// sceneGen draws the parameters of the set from one seeded source.
type sceneGen struct {
	rng  *rand.Rand
	seq  int // numbers texts, so every code of the set is different
	seed int
}

func (g *sceneGen) between(lo, hi float64) float64 { return lo + (hi-lo)*g.rng.Float64() }

// frame picks a phone-photo frame size, small ones the most often.
func (g *sceneGen) frame() [2]int {
	sizes := [][2]int{{640, 480}, {800, 600}, {1024, 768}, {1280, 960}, {1280, 720}}
	weights := []int{5, 6, 4, 3, 2}
	n := g.rng.IntN(20)
	for i, w := range weights {
		if n < w {
			s := sizes[i]
			if g.rng.IntN(3) == 0 {
				s[0], s[1] = s[1], s[0] // portrait
			}
			return s
		}
		n -= w
	}
	return sizes[0]
}

// sceneCode is one code to print: its text and how it looks.
type sceneCode struct {
	text, level string
	version     int     // qrencode's minimum version; the text fits it
	quiet       int     // quiet zone, modules
	dots        float64 // >0: data modules are dots of this radius (modules)
	roundFinder bool    // finder rings with rounded corners
	fg, bg      color.Gray
}

// byteCap is how many bytes a version 1-10 code holds at each level.
var byteCap = map[string][10]int{
	"L": {17, 32, 53, 78, 106, 134, 154, 192, 230, 271},
	"M": {14, 26, 42, 62, 84, 106, 122, 152, 180, 213},
	"Q": {11, 20, 32, 46, 60, 74, 86, 108, 130, 151},
	"H": {7, 14, 24, 34, 44, 58, 64, 84, 98, 119},
}

// code makes a code of the given version and level whose text fills 60-100 %
// of it: an otpauth URI when it fits, else a URL, Japanese or a short word.
func (g *sceneGen) code(version int, level string) sceneCode {
	g.seq++
	n := g.seq
	most := byteCap[level][min(version, 10)-1] // a larger version holds this too
	lo := most * 6 / 10
	size := lo + g.rng.IntN(most-lo+1)
	b32 := "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	pad := func(s string, alphabet string, to int) string {
		var b strings.Builder
		b.WriteString(s)
		for b.Len() < to {
			b.WriteByte(alphabet[g.rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	var text string
	issuers := []string{"Contoso", "Example%20Corp", "%E6%9D%B1%E4%BA%AC%E9%8A%80%E8%A1%8C", "VPN", "AWS", "Okta"}
	switch kind := g.rng.IntN(10); {
	case kind < 6 && size >= 60:
		iss := issuers[g.rng.IntN(len(issuers))]
		head := fmt.Sprintf("otpauth://totp/%s:user%d@example.co.jp?", iss, n)
		tail := "&issuer=" + iss
		if size-len(head)-len(tail) > 60 && g.rng.IntN(2) == 0 {
			tail += "&algorithm=SHA256&digits=8&period=60"
		}
		if rest := size - len(head) - len(tail) - len("secret="); rest >= 16 {
			text = head + pad("secret=", b32, len("secret=")+rest) + tail
			break
		}
		fallthrough
	case kind < 9 && size >= 24:
		text = pad(fmt.Sprintf("https://sso%d.example.jp/mfa?t=", n), "abcdefghijklmnopqrstuvwxyz0123456789", size)
	case size >= 12:
		words := []string{"二要素認証", "設定", "東京本社", "総務部", "ワンタイム", "パスワード", "登録用", "コード", "大阪", "管理者"}
		var b strings.Builder
		fmt.Fprintf(&b, "%d番", n)
		for range 8 { // words that fit, in 8 tries
			if w := words[g.rng.IntN(len(words))]; b.Len()+len(w) <= size {
				b.WriteString(w)
			}
		}
		text = b.String()
	default:
		text = fmt.Sprintf("DA%d", n)
		if len(text) < size-2 {
			text = pad(text+" ", "0123456789", size-1)
		}
	}
	return sceneCode{text: text, level: level, version: version, quiet: 4, fg: color.Gray{0x10}, bg: color.Gray{0xff}}
}

// anyCode is a code of version 1-10 at any level.
func (g *sceneGen) anyCode() sceneCode {
	return g.code(1+g.rng.IntN(10), "LMQH"[g.rng.IntN(4):][:1])
}

// sceneRecipe says how to build one picture.
type sceneRecipe struct {
	fw, fh      int
	module      float64 // module size in the frame, px
	codes       []sceneCode
	paper, ink  string
	occ         float64 // sheet width over the frame's smaller side
	tilt, rot   float64 // corner jitter (fraction of the sheet), degrees
	light       float64 // darkest multiplier of the uneven light
	vignette    float64 // darkening at the corners
	tint        string
	blur        float64 // sigma, modules
	motion      float64 // motion blur length, modules
	noise       float64 // attenuate of Gaussian noise (σ = 20 grey levels × noise)
	quality     int     // JPEG quality; 0 writes PNG
	flop, bezel bool
	grid        int     // >0: a screen's pixel grid of this pitch on the sheet
	glare       float64 // a bright patch on a screen
	clutter     int     // desk objects
	damage      int     // 1 stain, 2 scribble, 3 covered corner, 4 fold
	remote      bool    // a scaled remote-desktop screenshot, not a photo
	scale       float64 // remote: resize factor
	upscale     int     // >1: drawn at 1/upscale of the final size
	resend      float64 // >0: scaled by this and saved again...
	requality   int     // ... at this JPEG quality
}

// photo is the common recipe: n codes on a paper sheet photographed on a
// desk, with the frame fr and a module of about m frame pixels.
func (g *sceneGen) photo(fr [2]int, m float64, n int, _ string) sceneRecipe {
	r := sceneRecipe{
		fw: fr[0], fh: fr[1], module: m, paper: "#f7f5f0", ink: "#222222",
		occ: g.between(0.55, 0.95), tilt: g.between(0.02, 0.12), rot: g.between(-25, 25),
		light: g.between(0.55, 1), vignette: g.between(0, 0.35),
		tint: []string{"#ffffff", "#fff1dc", "#e8f0ff", "#fff8e8"}[g.rng.IntN(4)],
		blur: g.between(0.12, 0.35), noise: g.between(0.1, 0.45),
		quality: 60 + g.rng.IntN(33), clutter: g.rng.IntN(3),
	}
	for range n {
		r.codes = append(r.codes, g.anyCode())
	}
	return r
}

// remote is a console page with a code, scaled to 60-80 % and JPEG'd, as a
// remote desktop client shows it.
func (g *sceneGen) remote() sceneRecipe {
	sizes := [][2]int{{1920, 1080}, {2560, 1440}, {1680, 1050}, {1366, 768}}
	s := sizes[g.rng.IntN(len(sizes))]
	r := sceneRecipe{fw: s[0], fh: s[1], module: float64(3 + g.rng.IntN(3)), remote: true,
		paper: "#ffffff", ink: "#1f2937", scale: g.between(0.6, 0.8), quality: 35 + g.rng.IntN(50)}
	if g.rng.IntN(3) == 0 {
		r.paper, r.ink = "#1f2937", "#e5e7eb"
	}
	r.codes = []sceneCode{g.anyCode()}
	return r
}

// String says what the recipe makes, in a line: the codes (version, level,
// quiet zone, dots), the module size in the frame, and the distortions.
func (r sceneRecipe) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%dx%d", r.fw*max(1, r.upscale), r.fh*max(1, r.upscale))
	for _, c := range r.codes {
		fmt.Fprintf(&b, " v%d-%s q%d", c.version, c.level, c.quiet)
		if c.dots > 0 {
			fmt.Fprintf(&b, " dots%.2f", c.dots)
		}
		if c.fg.Y > c.bg.Y {
			b.WriteString(" light-on-dark")
		} else if int(c.bg.Y)-int(c.fg.Y) < 0xc0 {
			fmt.Fprintf(&b, " ink%d/paper%d", c.fg.Y, c.bg.Y)
		}
	}
	// The module is capped by the frame in build; this is the asked size.
	fmt.Fprintf(&b, " module<=%.1fpx", r.module*float64(max(1, r.upscale)))
	if r.remote {
		fmt.Fprintf(&b, " remote scale%.2f", r.scale)
	} else {
		fmt.Fprintf(&b, " rot%.0f tilt%.2f light%.2f vignette%.2f blur%.2fmod noise%.2f", r.rot, r.tilt, r.light, r.vignette, r.blur, r.noise)
	}
	if r.motion > 0 {
		fmt.Fprintf(&b, " motion%.2fmod", r.motion)
	}
	for _, f := range []struct {
		on   bool
		name string
	}{{r.flop, "flop"}, {r.bezel, "bezel"}, {r.grid > 0, "grid"}, {r.glare > 0, "glare"}, {r.damage > 0, "damage"}} {
		if f.on {
			b.WriteString(" " + f.name)
		}
	}
	if r.damage > 0 {
		fmt.Fprintf(&b, "%d", r.damage)
	}
	fmt.Fprintf(&b, " q%d", r.quality)
	if r.resend > 0 {
		fmt.Fprintf(&b, " resent%.2f q%d", r.resend, r.requality)
	}
	return b.String()
}

// sceneSet makes the cases (without building them).
func sceneSet() []sceneCase {
	g := &sceneGen{rng: rand.New(rand.NewPCG(137, 2026))}
	var cases []sceneCase
	for _, cat := range sceneCategories {
		for i := range cat.count {
			r := cat.make(g, i)
			g.seed++
			seed := g.seed
			// The rest of the randomness of this image comes from its own
			// source, so changing one recipe leaves the others alone.
			rs := rand.New(rand.NewPCG(uint64(seed), 13))
			ext := ".jpg"
			if r.quality == 0 {
				ext = ".png"
			}
			name := fmt.Sprintf("%s-%02d%s", cat.name, i, ext)
			var wants []string
			for _, c := range r.codes {
				wants = append(wants, c.text)
			}
			cases = append(cases, sceneCase{cat.name, name, wants, r.String(), func(dir string) error {
				return r.build(dir, name, rs, seed)
			}})
		}
	}
	return cases
}

// modules runs qrencode for c at one pixel a module without margin and
// returns the module grid (true is dark).
func (c sceneCode) modules(tmp string) ([][]bool, error) {
	out := tmp + "-grid.png"
	cmd := exec.Command("qrencode", "-o", out, "-s", "1", "-m", "0", "-l", c.level, "-v", fmt.Sprint(c.version), c.text)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("qrencode: %v: %s", err, msg)
	}
	f, err := os.Open(out)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, err
	}
	b := img.Bounds()
	grid := make([][]bool, b.Dy())
	for y := range grid {
		grid[y] = make([]bool, b.Dx())
		for x := range grid[y] {
			l := color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray)
			grid[y][x] = l.Y < 128
		}
	}
	return grid, nil
}

// render draws the grid at px pixels a module with c's quiet zone, square
// modules or dots (finders stay rings, square or rounded), 4×4 supersampled.
func (c sceneCode) render(grid [][]bool, px int) *image.Gray {
	n := len(grid)
	side := (n + 2*c.quiet) * px
	img := image.NewGray(image.Rect(0, 0, side, side))
	finder := func(i, j int) (bool, float64, float64) {
		for _, o := range [][2]int{{0, 0}, {0, n - 7}, {n - 7, 0}} {
			if i >= o[0] && i < o[0]+7 && j >= o[1] && j < o[1]+7 {
				return true, float64(i - o[0]), float64(j - o[1])
			}
		}
		return false, 0, 0
	}
	ss := 1 // whole pixels a module: one sample in the middle is exact
	if c.dots > 0 || c.roundFinder {
		ss = 4
	}
	for y := range side {
		for x := range side {
			dark := 0
			for sy := range ss {
				for sx := range ss {
					fy := (float64(y)+(float64(sy)+0.5)/float64(ss))/float64(px) - float64(c.quiet)
					fx := (float64(x)+(float64(sx)+0.5)/float64(ss))/float64(px) - float64(c.quiet)
					i, j := int(math.Floor(fy)), int(math.Floor(fx))
					if i < 0 || j < 0 || i >= n || j >= n || !grid[i][j] {
						continue
					}
					if in, fi, fj := finder(i, j); in {
						if c.roundFinder && !roundedIn(fy-float64(i)+fi, fx-float64(j)+fj) {
							continue
						}
						dark++
						continue
					}
					if c.dots > 0 {
						u, v := fy-float64(i)-0.5, fx-float64(j)-0.5
						if u*u+v*v > c.dots*c.dots {
							continue
						}
					}
					dark++
				}
			}
			a := float64(dark) / float64(ss*ss)
			img.Pix[y*img.Stride+x] = uint8(float64(c.fg.Y)*a + float64(c.bg.Y)*(1-a) + 0.5)
		}
	}
	return img
}

// roundedIn: whether (y, x) in a 7×7 finder lies on its ring (rounded by one
// module at the outer corners, half at the inner) or its rounded centre.
func roundedIn(y, x float64) bool {
	box := func(lo, hi, r float64) bool { // inside a rounded square
		if y < lo || y > hi || x < lo || x > hi {
			return false
		}
		cy := math.Min(math.Max(y, lo+r), hi-r)
		cx := math.Min(math.Max(x, lo+r), hi-r)
		return (y-cy)*(y-cy)+(x-cx)*(x-cx) <= r*r
	}
	if box(2, 5, 0.6) {
		return true
	}
	return box(0, 7, 1.2) && !box(1, 6, 0.6)
}

func writeGray(path string, img *image.Gray) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// sceneWords are what a setup sheet or a console page says.
var sceneWords = strings.Fields("Two-factor authentication setup Scan the code with your authenticator app " +
	"account user tenant VPN access key backup codes store securely expires 2026-12-01 Contact IT helpdesk " +
	"二要素認証 設定 手順 認証アプリ でコードを読み取ってください 管理者 東京本社 総務部 パスワード 有効期限 " +
	"Step 1 2 3 ID: 48213 Ref. page of confidential 社外秘")

// build writes the picture of r to dir/name. rng and seed are the image's own.
func (r sceneRecipe) build(dir, name string, rng *rand.Rand, seed int) error {
	between := func(lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }
	tmp := filepath.Join(dir, strings.TrimSuffix(name, filepath.Ext(name)))
	defer func() {
		for _, suffix := range []string{"-grid.png", "-code0.png", "-code1.png"} {
			os.Remove(tmp + suffix)
		}
	}()
	// The codes, at a whole number of sheet pixels a module, a bit larger
	// than in the frame so the camera scales the sheet down.
	// Codes fit in the frame: at most 70 % of its smaller side.
	span := 0
	for _, c := range r.codes {
		span += 17 + 4*c.version + 2*c.quiet
	}
	r.module = math.Min(r.module, 0.7*float64(min(r.fw, r.fh))/float64(span))
	px := int(math.Ceil(r.module * between(1.0, 1.2)))
	if r.remote {
		px = int(r.module)
	}
	scale := r.module / float64(px) // sheet px to frame px
	var sides []int
	for k, c := range r.codes {
		grid, err := c.modules(tmp)
		if err != nil {
			return err
		}
		img := c.render(grid, px)
		if err := writeGray(fmt.Sprintf("%s-code%d.png", tmp, k), img); err != nil {
			return err
		}
		sides = append(sides, img.Bounds().Dx())
	}
	codeW := 0
	for _, s := range sides {
		codeW += s
	}
	// The sheet: portrait paper, or a 16:10 screen.
	var sw, sh int
	if r.remote {
		sw, sh = r.fw, r.fh
	} else {
		minSide := float64(min(r.fw, r.fh))
		sw = int(r.occ * minSide / scale)
		sw = max(sw, codeW*13/10+len(r.codes)*4*px)
		sh = sw * 141 / 100
		if r.bezel {
			sh = sw * 10 / 16
			sw = max(sw, codeW*12/10)
			sh = max(sh, slices.Max(sides)*11/10)
		}
	}
	// Place the codes: left to right in their own columns, anywhere in height.
	type placed struct{ x, y int }
	var at []placed
	x0 := (sw - codeW) / (len(r.codes) + 1)
	x := 0
	for k, s := range sides {
		gap := x0
		if k == 0 {
			gap = int(float64(x0) * between(0.3, 1.7))
		}
		x += gap
		x = min(x, sw-s)
		y := int(float64(sh-s) * between(0.15, 0.85))
		at = append(at, placed{x, y})
		x += s
	}
	// Text, rules, boxes and a finder-like logo on the sheet.
	var mvg strings.Builder
	font := math.Max(float64(px)*between(2.5, 4.5), float64(sw)/100)
	fmt.Fprintf(&mvg, "fill %s stroke none font-size %.1f\n", r.ink, font*1.8)
	fmt.Fprintf(&mvg, "text %d,%d '%s'\n", int(font*2), int(font*3), sceneWords[rng.IntN(len(sceneWords))]+" "+sceneWords[rng.IntN(len(sceneWords))])
	logo := int(font * 2)
	fmt.Fprintf(&mvg, "rectangle %d,%d %d,%d\n", sw-logo*2, int(font), sw-logo, int(font)+logo)
	fmt.Fprintf(&mvg, "fill %s rectangle %d,%d %d,%d\n", r.paper, sw-logo*2+logo/7, int(font)+logo/7, sw-logo-logo/7, int(font)+logo-logo/7)
	fmt.Fprintf(&mvg, "fill %s rectangle %d,%d %d,%d\n", r.ink, sw-logo*2+2*logo/7, int(font)+2*logo/7, sw-logo-2*logo/7, int(font)+logo-2*logo/7)
	fmt.Fprintf(&mvg, "font-size %.1f\n", font)
	for y := font * 5; y < float64(sh)-font; y += font * between(1.5, 2.2) {
		switch k := rng.IntN(12); {
		case k == 0:
			fmt.Fprintf(&mvg, "stroke %s stroke-width %.1f line %d,%.0f %d,%.0f stroke none\n", r.ink, math.Max(1, font/10), int(font*2), y, sw-int(font*2), y)
		case k == 1:
			fmt.Fprintf(&mvg, "fill none stroke %s stroke-width %.1f rectangle %d,%.0f %d,%.0f fill %s stroke none\n",
				r.ink, math.Max(1, font/12), int(font*2), y-font, int(font*2)+int(between(0.2, 0.6)*float64(sw)), y+font*2, r.ink)
			y += font * 2
		case k == 2:
			fmt.Fprintf(&mvg, "rectangle %d,%.0f %d,%.0f\n", int(font*2), y-font*0.8, int(font*2.8), y)
			fallthrough
		default:
			var line strings.Builder
			for line.Len() < int(float64(sw)/font*1.6) {
				line.WriteString(sceneWords[rng.IntN(len(sceneWords))] + " ")
			}
			fmt.Fprintf(&mvg, "text %d,%.0f '%s'\n", int(font*3), y, line.String())
		}
	}
	args := []string{}
	sheet := []string{"-size", fmt.Sprintf("%dx%d", sw, sh), "xc:" + r.paper, "-font", "Noto-Sans-CJK-JP", "-draw", mvg.String()}
	for k, p := range at {
		sheet = append(sheet, fmt.Sprintf("%s-code%d.png", tmp, k), "-geometry", fmt.Sprintf("+%d+%d", p.x, p.y), "-compose", "over", "-composite")
	}
	if r.damage > 0 {
		sheet = append(sheet, damageOps(rng, r.damage, at[0].x, at[0].y, sides[0], px*r.codes[0].quiet)...)
	}
	if r.grid > 0 {
		p := r.grid
		sheet = append(sheet, "(", "-size", fmt.Sprintf("%dx%d", p, p), "xc:white", "-fill", "gray(70%)",
			"-draw", fmt.Sprintf("rectangle %d,0 %d,%d", p-1, p-1, p-1), "-draw", fmt.Sprintf("rectangle 0,%d %d,%d", p-1, p-1, p-1),
			"-write", "mpr:cell", "+delete", ")",
			"(", "-size", fmt.Sprintf("%dx%d", sw, sh), "tile:mpr:cell", ")", "-compose", "multiply", "-composite")
	}
	if r.bezel {
		b := max(4, sw/40)
		sheet = append(sheet, "-compose", "over", "-bordercolor", "#0b0b0c", "-border", fmt.Sprint(b))
		sw, sh = sw+2*b, sh+2*b
		for k := range at {
			at[k].x += b
			at[k].y += b
		}
	}
	if r.remote {
		args = append(args, sheet...)
		args = append(args, "-filter", "Triangle", "-resize", fmt.Sprintf("%.1f%%", 100*r.scale))
	} else {
		last := len(at) - 1
		quad, ok := r.place(rng, sw, sh, scale, at[0].x, at[0].y, sides[0], at[last].x, at[last].y, sides[last])
		if !ok {
			return fmt.Errorf("%s: no placement keeps the code in the frame", name)
		}
		args = append(args, r.desk(rng, seed)...)
		args = append(args, "(")
		args = append(args, sheet...)
		args = append(args, "-alpha", "set", "-virtual-pixel", "transparent", "-filter", "point", "-interpolate", "bilinear",
			"-define", fmt.Sprintf("distort:viewport=%dx%d+0+0", r.fw, r.fh),
			"-distort", "Perspective", fmt.Sprintf("0,0 %.1f,%.1f %d,0 %.1f,%.1f %d,%d %.1f,%.1f 0,%d %.1f,%.1f",
				quad[0][0], quad[0][1], sw, quad[1][0], quad[1][1], sw, sh, quad[2][0], quad[2][1], sh, quad[3][0], quad[3][1]),
			")", "+filter", "-geometry", "+0+0", "-compose", "over", "-composite", "-alpha", "off")
		// Light: a gradient from a dim corner, a vignette, a tint, all
		// drawn small and scaled up.
		lw, lh := max(8, r.fw/16), max(8, r.fh/16)
		d := int(100 * r.light)
		args = append(args, "(", "-size", fmt.Sprintf("%dx%d", lw, lh), "xc:white", "-sparse-color", "Barycentric",
			fmt.Sprintf("%d,%d gray(%d%%) %d,%d white", rng.IntN(lw), rng.IntN(lh), d, rng.IntN(lw), rng.IntN(lh)),
			"-evaluate", "max", fmt.Sprintf("%d%%", d), // the gradient goes on past its points: no darker than d
			"(", "-size", fmt.Sprintf("%dx%d", lw, lh), fmt.Sprintf("radial-gradient:white-gray(%d%%)", int(100*(1-r.vignette))), ")",
			"-compose", "multiply", "-composite",
			"(", "-size", fmt.Sprintf("%dx%d", lw, lh), "xc:"+r.tint, ")", "-compose", "multiply", "-composite",
			"-resize", fmt.Sprintf("%dx%d!", r.fw, r.fh), ")", "-compose", "multiply", "-composite")
		if r.glare > 0 {
			gx, gy := rng.IntN(r.fw), rng.IntN(r.fh)
			rad := min(r.fw, r.fh) / 3
			args = append(args, "(", "-size", fmt.Sprintf("%dx%d", rad*2, rad*2), fmt.Sprintf("radial-gradient:gray(%d%%)-black", int(100*r.glare)), ")",
				"-geometry", fmt.Sprintf("%+d%+d", gx-rad, gy-rad), "-compose", "screen", "-composite")
		}
		if r.motion > 0 {
			args = append(args, "-motion-blur", fmt.Sprintf("0x%.2f+%d", r.motion*r.module/2, rng.IntN(180)))
		}
		args = append(args, "-blur", fmt.Sprintf("0x%.2f", r.blur*r.module))
		// Sensor noise as a phone's JPEG keeps it after its own denoising:
		// σ 2-9 grey levels (attenuate 1 is σ 20). A large frame gets it
		// before the scaling up, so it is grainier, as at 12 MP.
		args = append(args, "-seed", fmt.Sprint(seed), "-attenuate", fmt.Sprintf("%.2f", r.noise), "+noise", "Gaussian")
		if r.upscale > 1 {
			args = append(args, "-resize", fmt.Sprintf("%d%%", 100*r.upscale))
		}
		if r.flop {
			args = append(args, "-flop")
		}
	}
	if r.quality > 0 {
		args = append(args, "-quality", fmt.Sprint(r.quality))
	}
	args = append(args, "-depth", "8", filepath.Join(dir, name))
	cmd := exec.Command("convert", args...)
	// One thread: the noise is then the same on every run (and the
	// workers already use every CPU).
	cmd.Env = append(os.Environ(), "MAGICK_THREAD_LIMIT=1")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("convert %s: %v: %s", name, err, msg)
	}
	if r.resend > 0 {
		out := filepath.Join(dir, name)
		cmd := exec.Command("convert", out, "-filter", "Triangle", "-resize", fmt.Sprintf("%.1f%%", 100*r.resend), "-quality", fmt.Sprint(r.requality), out)
		cmd.Env = append(os.Environ(), "MAGICK_THREAD_LIMIT=1")
		if msg, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("convert %s: %v: %s", name, err, msg)
		}
	}
	return nil
}

// place picks where the sheet's corners go in the frame: turned by rot,
// each corner moved by up to tilt of the sheet, at random in the frame,
// with both given code squares (top-left corner and side in sheet pixels)
// inside it by two modules.
func (r sceneRecipe) place(rng *rand.Rand, sw, sh int, scale float64, ax, ay, as, bx, by, bs int) ([4][2]float64, bool) {
	var q [4][2]float64
	fw, fh := float64(r.fw), float64(r.fh)
	for try := range 200 {
		s := scale
		if try > 100 {
			s *= 0.9 // never happens for sane recipes; shrink rather than fail
		}
		W, H := float64(sw)*s, float64(sh)*s
		th := r.rot * math.Pi / 180
		cx := fw/2 + (rng.Float64()-0.5)*fw*0.6
		cy := fh/2 + (rng.Float64()-0.5)*fh*0.6
		for k, c := range [4][2]float64{{-W / 2, -H / 2}, {W / 2, -H / 2}, {W / 2, H / 2}, {-W / 2, H / 2}} {
			j := r.tilt * W
			x := c[0] + (rng.Float64()*2-1)*j
			y := c[1] + (rng.Float64()*2-1)*j
			q[k] = [2]float64{cx + x*math.Cos(th) - y*math.Sin(th), cy + x*math.Sin(th) + y*math.Cos(th)}
		}
		// Bilinear stand-in for the projective map: close enough for a
		// check with a two-module margin.
		at := func(x, y float64) (float64, float64) {
			u, v := x/float64(sw), y/float64(sh)
			px := (1-u)*(1-v)*q[0][0] + u*(1-v)*q[1][0] + u*v*q[2][0] + (1-u)*v*q[3][0]
			py := (1-u)*(1-v)*q[0][1] + u*(1-v)*q[1][1] + u*v*q[2][1] + (1-u)*v*q[3][1]
			return px, py
		}
		m := 2 * r.module
		ok := true
		for _, sq := range [][3]int{{ax, ay, as}, {bx, by, bs}} {
			for _, c := range [][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
				x, y := at(float64(sq[0]+c[0]*sq[2]), float64(sq[1]+c[1]*sq[2]))
				if x < m || y < m || x > fw-m || y > fh-m {
					ok = false
				}
			}
		}
		if ok {
			return q, true
		}
	}
	return q, false
}

// desk is the background: a coloured, grainy surface, scaled up from a
// small noise picture, with objects on it (a keyboard's keys, a pen, a
// sticky note, a phone) that the sheet may cover.
func (r sceneRecipe) desk(rng *rand.Rand, seed int) []string {
	colours := []string{"#8b6b4a", "#a88c6c", "#6e6e70", "#cfcac2", "#3a3532", "#b9b3a8"}
	bg := colours[rng.IntN(len(colours))]
	var mvg strings.Builder
	unit := float64(min(r.fw, r.fh)) / 40
	for range r.clutter + 1 {
		x, y := rng.Float64()*float64(r.fw), rng.Float64()*float64(r.fh)
		switch rng.IntN(4) {
		case 0: // keys
			k := unit * between(rng, 1.2, 2)
			for i := range 3 {
				for j := range 8 {
					kx, ky := x+float64(j)*k*1.15, y+float64(i)*k*1.15
					fmt.Fprintf(&mvg, "fill #2a2a2e stroke #111 roundrectangle %.0f,%.0f %.0f,%.0f %.0f,%.0f\n", kx, ky, kx+k, ky+k, k/6, k/6)
					fmt.Fprintf(&mvg, "fill #ddd stroke none font-size %.0f text %.0f,%.0f '%c'\n", k/2, kx+k/4, ky+k*0.65, "QWERTYUIASDFGHJKZXCVBNM,"[i*8+j])
				}
			}
		case 1: // pen
			fmt.Fprintf(&mvg, "stroke #1d3b8f stroke-width %.0f line %.0f,%.0f %.0f,%.0f stroke none\n", unit/2, x, y, x+unit*12*between(rng, -1, 1), y+unit*12*between(rng, -1, 1))
		case 2: // sticky note
			s := unit * 6
			fmt.Fprintf(&mvg, "fill #f5e663 rectangle %.0f,%.0f %.0f,%.0f\n", x, y, x+s, y+s)
			fmt.Fprintf(&mvg, "fill #333 font-size %.0f text %.0f,%.0f 'PIN 4821'\n", unit, x+unit, y+unit*2)
			fmt.Fprintf(&mvg, "text %.0f,%.0f 'Mon 10:00'\n", x+unit, y+unit*4)
		default: // phone
			fmt.Fprintf(&mvg, "fill #151518 roundrectangle %.0f,%.0f %.0f,%.0f %.0f,%.0f\n", x, y, x+unit*7, y+unit*14, unit, unit)
			fmt.Fprintf(&mvg, "fill #29405e rectangle %.0f,%.0f %.0f,%.0f\n", x+unit*0.5, y+unit, x+unit*6.5, y+unit*13)
		}
	}
	sw, sh := max(8, r.fw/8), max(8, r.fh/8)
	return []string{"-size", fmt.Sprintf("%dx%d", sw, sh), "xc:" + bg, "-seed", fmt.Sprint(seed + 1000),
		"-attenuate", "0.5", "+noise", "Gaussian", "-blur", "0x0.7", "-resize", fmt.Sprintf("%dx%d!", r.fw, r.fh),
		"-draw", mvg.String()}
}

func between(rng *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }

// damageOps spoils the code at (x, y) of side s (quiet zone q, all sheet
// pixels) within what levels Q and H correct: a coffee stain, a pen stroke,
// a covered corner away from the finders, or a fold across the sheet.
func damageOps(rng *rand.Rand, kind, x, y, s, q int) []string {
	in := s - 2*q
	switch kind {
	case 1:
		r := float64(in) * between(rng, 0.1, 0.16)
		cx, cy := float64(x+q)+float64(in)*between(rng, 0.4, 0.75), float64(y+q)+float64(in)*between(rng, 0.4, 0.75)
		return []string{"-fill", "rgba(140,90,40,0.45)", "-stroke", "rgba(110,60,20,0.7)", "-strokewidth", fmt.Sprint(max(1, in/80)),
			"-draw", fmt.Sprintf("ellipse %.0f,%.0f %.0f,%.0f 0,360", cx, cy, r, r*0.8), "-stroke", "none"}
	case 2:
		y0 := float64(y+q) + float64(in)*between(rng, 0.3, 0.7)
		return []string{"-fill", "none", "-stroke", "#1d3b8f", "-strokewidth", fmt.Sprint(max(2, in/60)),
			"-draw", fmt.Sprintf("bezier %d,%.0f %.0f,%.0f %.0f,%.0f %d,%.0f", x, y0, float64(x)+float64(s)*0.3, y0-float64(in)*0.2,
				float64(x)+float64(s)*0.6, y0+float64(in)*0.2, x+s, y0+float64(in)*between(rng, -0.1, 0.1)), "-stroke", "none"}
	case 3:
		c := int(float64(in) * between(rng, 0.15, 0.22))
		return []string{"-fill", []string{"#f7f5f0", "#fdfd96", "#888888"}[rng.IntN(3)],
			"-draw", fmt.Sprintf("rectangle %d,%d %d,%d", x+s-q-c, y+s-q-c, x+s, y+s)}
	default:
		y0 := y + q + int(float64(in)*between(rng, 0.3, 0.7))
		return []string{"-fill", "rgba(0,0,0,0.18)", "-draw", fmt.Sprintf("rectangle 0,%d 100000,%d", y0, y0+max(2, in/50)),
			"-fill", "rgba(255,255,255,0.25)", "-draw", fmt.Sprintf("rectangle 0,%d 100000,%d", y0+max(2, in/50), y0+max(4, in/25))}
	}
}

// buildScenes builds every case into dir, on as many workers as CPUs.
func buildScenes(t testing.TB, dir string, cases []sceneCase) {
	t.Helper()
	work := make(chan sceneCase)
	var mu sync.Mutex
	var errs []string
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range work {
				if err := c.build(dir); err != nil {
					mu.Lock()
					errs = append(errs, err.Error())
					mu.Unlock()
				}
			}
		}()
	}
	for _, c := range cases {
		work <- c
	}
	close(work)
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("building the scene set: %s", strings.Join(errs, "\n"))
	}
}

// keepScenes copies the set to DESKAUTH_KEEP_SCENESET, if set.
func keepScenes(t testing.TB, dir string, cases []sceneCase) {
	dst := os.Getenv("DESKAUTH_KEEP_SCENESET")
	if dst == "" {
		return
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	var list, recipes strings.Builder
	for _, c := range cases {
		fmt.Fprintf(&recipes, "%s\t%s\n", c.name, c.recipe)
		if err := copyFile(filepath.Join(dir, c.name), filepath.Join(dst, c.name)); err != nil {
			t.Fatal(err)
		}
		for _, w := range c.wants {
			fmt.Fprintf(&list, "%s\t%s\t%s\n", c.category, c.name, w)
		}
	}
	if err := os.WriteFile(filepath.Join(dst, "list.tsv"), []byte(list.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dst, "recipes.tsv"), []byte(recipes.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("kept the set in %s", dst)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// TestSceneSet builds the scene set, decodes it, and holds each category to
// its floor with zero misreads.
func TestSceneSet(t *testing.T) {
	testenv.Require(t, "qrencode")
	testenv.Require(t, "convert")
	dir := t.TempDir()
	cases := sceneSet()
	start := time.Now()
	buildScenes(t, dir, cases)
	built := time.Since(start)
	keepScenes(t, dir, cases)
	start = time.Now()

	type result struct {
		ok      bool
		misread []string
	}
	results := make([]result, len(cases))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				c := cases[i]
				codes, _ := DecodeFile(filepath.Join(dir, c.name)) // a miss is counted, not fatal
				found := 0
				for _, code := range codes {
					if slices.Contains(c.wants, code.Text) {
						found++
					} else {
						results[i].misread = append(results[i].misread, code.Text)
					}
				}
				results[i].ok = found == len(c.wants)
			}
		}()
	}
	for i := range cases {
		next <- i
	}
	close(next)
	wg.Wait()
	decoded := time.Since(start)

	got, total := map[string]int{}, map[string]int{}
	var missed []string
	for i, c := range cases {
		total[c.category]++
		for _, m := range results[i].misread {
			t.Errorf("misread %s: %q", c.name, m)
		}
		if results[i].ok {
			got[c.category]++
		} else {
			missed = append(missed, c.name)
			t.Logf("missed %s: %s", c.name, c.recipe)
		}
	}
	holdFloors(t, got, total, sceneFloor, missed)
	t.Logf("built in %v, decoded in %v", built.Round(time.Millisecond), decoded.Round(time.Millisecond))
}
