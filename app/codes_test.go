package app

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/deskauth/deskauth/capture"
	"github.com/deskauth/deskauth/vault"
)

const (
	eightDigitURI = "otpauth://totp/%E7%AE%A1%E7%90%86%E3%82%B3%E3%83%B3%E3%82%BD%E3%83%BC%E3%83%AB:yamada?secret=GEZDGNBVGY3TQOJQ&digits=8&period=60"
	longNameURI   = "otpauth://totp/Very%20Long%20Cloud%20Console%20Name%20Inc:administrator.with.a.long.name@example.co.jp?secret=JBSWY3DPEHPK3PXP&issuer=Very%20Long%20Cloud%20Console%20Name%20Inc"
)

// At 300 px wide every row's code, avatar, ring and menu lie inside the row,
// and the row inside the window, for 6- and 8-digit codes and long names.
func TestRowsFitAt300px(t *testing.T) {
	for _, language := range []string{"en", "ja"} {
		t.Run(language, func(t *testing.T) {
			h := newHarness(t, language)
			now := fixedNow.Add(17 * time.Second) // 3 s left: the next code shows too
			h.u.deps.now = func() time.Time { return now }
			h.withAccounts(exampleURI, eightDigitURI, longNameURI)
			h.u.win.Resize(fyne.NewSize(300, 600))
			h.u.win.Show()
			win := h.u.win.Canvas().Size()
			if win.Width > 300 {
				t.Fatalf("the window grew to %v wide: something needs more than 300 px", win.Width)
			}
			for n, r := range h.u.codes.rows {
				rp, rs := absolute(r), r.Size()
				if rp.X < 0 || rp.X+rs.Width > win.Width {
					t.Errorf("row %d spans x %v..%v, window %v", n, rp.X, rp.X+rs.Width, win.Width)
				}
				for name, o := range map[string]fyne.CanvasObject{
					"code": r.code, "next": r.next, "avatar": r.avatar, "ring": r.ring, "menu": r.menu,
					"issuer": r.issuer, "account": r.account,
				} {
					if !o.Visible() {
						continue
					}
					p, s := o.Position(), o.Size()
					if name == "code" || name == "next" { // the text's own width, not the box it was given
						s = o.MinSize()
					}
					if p.X < 0 || p.Y < 0 || p.X+s.Width > rs.Width || p.Y+s.Height > rs.Height {
						t.Errorf("row %d: %s at %v size %v leaves the row %v", n, name, p, s, rs)
					}
				}
				if a, _ := r.acct(); a.Period == 30 && !r.next.Visible() {
					t.Errorf("row %d: no next code in the last 5 s", n)
				}
			}
			saveShot(t, h.u.win, "codes-300px-"+language)
		})
	}
}

// The tick redraws in place: the same rows, their ring moving every second,
// the code text changing only when the code does, the next code and amber in
// the last 5 seconds.
func TestTickRedrawsOnlyWhatChanged(t *testing.T) {
	h := newHarness(t, "")
	now := fixedNow // 10 s into the period
	h.u.deps.now = func() time.Time { return now }
	h.withAccounts(exampleURI)
	r := h.u.codes.rows[0]
	code, angle := r.code.Text, r.ring.EndAngle

	now = now.Add(time.Second)
	h.u.refresh()
	if h.u.codes.rows[0] != r {
		t.Fatal("the tick rebuilt the rows")
	}
	if r.code.Text != code {
		t.Errorf("code changed within a period: %q -> %q", code, r.code.Text)
	}
	if r.ring.EndAngle >= angle {
		t.Errorf("ring did not move: %v -> %v", angle, r.ring.EndAngle)
	}
	if r.next.Visible() || r.ring.FillColor == amber {
		t.Error("next code or amber with 19 s left")
	}

	now = fixedNow.Add(16 * time.Second) // 4 s left
	h.u.refresh()
	a, _ := vault.ParseURI(exampleURI)
	next, _ := a.Next(now)
	if !r.next.Visible() || r.next.Text != "→ "+groupDigits(next) {
		t.Errorf("next = %q (visible %v), want → %s", r.next.Text, r.next.Visible(), groupDigits(next))
	}
	if r.ring.FillColor != amber {
		t.Error("the countdown is not amber in the last 5 s")
	}

	now = fixedNow.Add(21 * time.Second) // the next period
	h.u.refresh()
	if r.code.Text != groupDigits(next) || r.next.Visible() || r.ring.FillColor == amber {
		t.Errorf("new period: code %q next visible %v", r.code.Text, r.next.Visible())
	}
}

// Six- and eight-digit rows have the same height, and their codes start at
// the same x.
func TestSixAndEightDigitRowsLineUp(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(exampleURI, eightDigitURI)
	h.u.win.Show()
	a, b := h.u.codes.rows[0], h.u.codes.rows[1]
	if a.Size() != b.Size() || a.code.Position().X != b.code.Position().X {
		t.Errorf("6-digit row %v code x %v; 8-digit row %v code x %v", a.Size(), a.code.Position().X, b.Size(), b.code.Position().X)
	}
	if len(strings.ReplaceAll(b.code.Text, " ", "")) != 8 {
		t.Errorf("8-digit code shows %q", b.code.Text)
	}
}

func TestAvatar(t *testing.T) {
	if avatarColour("GitHub") != avatarColour("github ") {
		t.Error("the avatar colour depends on case or spaces")
	}
	if avatarColour("GitHub") == avatarColour("Example") && avatarColour("GitHub") == avatarColour("AWS") {
		t.Error("three issuers share a colour: the hash is not spreading")
	}
	for in, want := range map[string]string{"github": "G", "  管理": "管", "@corp": "C", "": "?", "-": "?"} {
		if got := avatarLetter(in); got != want {
			t.Errorf("avatarLetter(%q) = %q, want %q", in, got, want)
		}
	}
	h := newHarness(t, "")
	h.withAccounts(exampleURI)
	r := h.u.codes.rows[0]
	if r.letter.Text != "E" || r.avatar.FillColor != avatarColour("Example") || r.issuer.Text != "Example" || r.account.Text != "alice@example.com" {
		t.Errorf("row: letter %q issuer %q account %q", r.letter.Text, r.issuer.Text, r.account.Text)
	}
}

// An empty vault shows one big Scan button, which scans.
func TestEmptyStateScans(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	s := h.u.codes
	if !s.empty.Visible() || s.scroll.Visible() {
		t.Fatal("an empty vault does not show the empty state")
	}
	saveShot(t, h.u.win, "codes-empty")
	b := findButton(t, h.u.win, "Scan the QR code on screen")
	if s.scan.Visible() {
		t.Error("two Scan buttons in the empty state")
	}
	if b.Icon != scanScreenIcon || s.scan.Icon != scanScreenIcon {
		t.Error("Scan uses another icon than the scan-screen one")
	}
	h.found = []capture.Found{{Text: exampleURI}}
	test.Tap(b)
	if h.u.add == nil || len(h.u.add.pending) != 1 {
		t.Fatal("the big button did not scan")
	}
	saveShot(t, h.u.win, "verify-after-scan")
}

// With "hide codes until clicked" the code is dots until the row is clicked
// or focused, and dots again when it loses focus.
func TestHideCodesUntilClicked(t *testing.T) {
	h := newHarness(t, "")
	h.u.prefs.SetHideCodes(true)
	h.withAccounts(exampleURI)
	r := h.u.codes.rows[0]
	if r.code.Text != hiddenCode {
		t.Fatalf("code shows %q, want dots", r.code.Text)
	}
	h.u.win.Canvas().Focus(r)
	if r.code.Text != wantCode(t, exampleURI) {
		t.Errorf("focused row shows %q", r.code.Text)
	}
	h.u.win.Canvas().Unfocus()
	if r.code.Text != hiddenCode {
		t.Errorf("after focus left: %q", r.code.Text)
	}
	test.Tap(r)
	if r.code.Text != wantCode(t, exampleURI) {
		t.Errorf("clicked row shows %q", r.code.Text)
	}
}

// An account whose code cannot be made shows a dash, not a panic.
func TestRowWithoutAccount(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(exampleURI)
	r := newCodeRow(h.u, 5) // no such account
	r.tick(fixedNow)
	if r.code.Text != "" {
		t.Errorf("a row past the end shows %q", r.code.Text)
	}
}

// The look of a row in its period's last seconds (amber, next code) and of
// a focused row, as markup.
func TestRowSoonAndFocusedMarkup(t *testing.T) {
	h := newHarness(t, "")
	now := fixedNow.Add(17 * time.Second)
	h.u.deps.now = func() time.Time { return now }
	h.withAccounts(exampleURI, eightDigitURI)
	h.u.win.Show()
	h.u.win.Canvas().Focus(h.u.codes.rows[1])
	test.AssertRendersToMarkup(t, "codes_soon_focused.xml", h.u.win.Canvas())
	saveShot(t, h.u.win, "codes-soon-focused")
}
