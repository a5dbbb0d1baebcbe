package app

import (
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/deskauth/deskauth/vault"
)

// codeRow is one account in the code list: a letter avatar, the issuer in
// bold over the account, the live code, and a slim countdown ring. It is
// focusable, so the keyboard can walk the list, and it redraws only the
// parts that changed (tick): the code text when the code changes, the ring
// every second.
type codeRow struct {
	widget.BaseWidget
	u     *ui
	index int // into the vault's accounts

	background *canvas.Rectangle // shows focus and hover
	avatar     *canvas.Circle
	letter     *canvas.Text
	issuer     *canvas.Text
	account    *canvas.Text
	code       *canvas.Text
	next       *canvas.Text // the next code, in the period's last seconds
	track      *canvas.Arc  // the ring's full circle, faint
	ring       *canvas.Arc  // the time left
	menu       *widget.Button

	issuerText, accountText string // untruncated
	shown                   string // what code.Text was last set to
	used                    string // HOTP: the code last handed out (copied), shown until the next
	focused, hovered        bool
	revealed                bool // clicked or focused while codes are hidden
}

// hiddenCode stands for a code while "hide codes until clicked" is on.
const hiddenCode = "••• •••"

// unusedHOTP stands for an HOTP code not yet handed out: click to get one.
func unusedHOTP(digits int) string {
	return strings.ReplaceAll(groupDigits(strings.Repeat("0", digits)), "0", "-")
}

func newCodeRow(u *ui, index int) *codeRow {
	r := &codeRow{u: u, index: index}
	r.background = canvas.NewRectangle(color.Transparent)
	r.background.CornerRadius = theme.InputRadiusSize()
	r.background.Hide()
	r.avatar = canvas.NewCircle(color.Gray{Y: 0x80})
	r.letter = canvas.NewText("", color.White)
	r.letter.TextStyle = fyne.TextStyle{Bold: true}
	r.letter.TextSize = 17
	r.letter.Alignment = fyne.TextAlignCenter
	r.issuer = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	r.issuer.TextStyle = fyne.TextStyle{Bold: true}
	r.account = canvas.NewText("", theme.Color(theme.ColorNamePlaceHolder))
	r.account.TextSize = accountTextSize
	r.code = canvas.NewText("", theme.Color(theme.ColorNamePrimary))
	r.code.TextSize = codeTextSize
	r.code.TextStyle = fyne.TextStyle{Monospace: true}
	r.next = canvas.NewText("", theme.Color(theme.ColorNamePlaceHolder))
	r.next.TextSize = nextTextSize
	r.next.TextStyle = fyne.TextStyle{Monospace: true}
	r.next.Hide()
	r.track = canvas.NewArc(0, 360, ringCutout, theme.Color(theme.ColorNameInputBorder))
	r.ring = canvas.NewArc(0, 360, ringCutout, theme.Color(theme.ColorNamePrimary))
	r.menu = widget.NewButtonWithIcon("", theme.MoreVerticalIcon(), func() { u.showRowMenu(r, nil) })
	r.menu.Importance = widget.LowImportance
	r.ExtendBaseWidget(r)
	r.fill()
	return r
}

// ringCutout leaves a ring countdownWidth thick.
const ringCutout = 1 - 2*countdownWidth/float32(countdownSize)

func (r *codeRow) acct() (vault.Account, bool) {
	accts := r.u.accounts()
	if r.index < 0 || r.index >= len(accts) {
		return vault.Account{}, false
	}
	return accts[r.index], true
}

// fill sets the parts that change only with the account itself.
func (r *codeRow) fill() {
	a, ok := r.acct()
	if !ok {
		return
	}
	r.issuerText, r.accountText = a.Issuer, a.Name
	if r.issuerText == "" { // an account with a name only: it heads the row
		r.issuerText, r.accountText = a.Name, ""
	}
	r.avatar.FillColor = avatarColour(r.issuerText)
	r.letter.Text = avatarLetter(r.issuerText)
	r.shown = ""
	r.tick(r.u.clock.Now())
}

// tick brings the row up to time now, redrawing only what changed.
func (r *codeRow) tick(now time.Time) {
	a, ok := r.acct()
	if !ok {
		return
	}
	text, colour := r.codeText(a, now)
	// Only the countdown turns amber: amber text on a light theme is hard
	// to read, and the code must stay easy to type.
	soon := a.Kind != vault.HOTP && a.Remaining(now) <= soonSeconds*time.Second
	if text != r.shown || colour != r.code.Color {
		r.shown = text
		r.code.Text, r.code.Color = text, colour
		r.code.Refresh()
	}
	r.tickNext(a, now, soon)
	r.tickRing(a, now, soon)
}

// codeText is what the code line shows: the grouped code, dots while codes
// are hidden, or a dash when the account cannot make one. An HOTP account
// shows only a code already handed out (vault.UseCode, on copy): showing
// the next one would let it be typed from the screen and then copied again.
func (r *codeRow) codeText(a vault.Account, now time.Time) (string, color.Color) {
	c, err := a.Code(now)
	if a.Kind == vault.HOTP && err == nil {
		if c = r.used; c == "" {
			return unusedHOTP(a.Digits), theme.Color(theme.ColorNamePlaceHolder)
		}
	}
	switch {
	case err != nil:
		return "—", theme.Color(theme.ColorNameError)
	case r.u.prefs.HideCodes() && !r.revealed:
		return hiddenCode, theme.Color(theme.ColorNamePlaceHolder)
	}
	return groupDigits(c), theme.Color(theme.ColorNamePrimary)
}

func (r *codeRow) tickNext(a vault.Account, now time.Time, soon bool) {
	show := soon && !(r.u.prefs.HideCodes() && !r.revealed)
	if !show {
		if r.next.Visible() {
			r.next.Hide()
		}
		return
	}
	n, err := a.Next(now)
	if err != nil {
		return
	}
	if text := "→ " + groupDigits(n); r.next.Text != text || !r.next.Visible() {
		r.next.Text = text
		r.next.Show()
		r.next.Refresh()
		r.Refresh() // the next code's place depends on the code's width
	}
}

func (r *codeRow) tickRing(a vault.Account, now time.Time, soon bool) {
	if a.Kind == vault.HOTP || a.Period <= 0 {
		if r.ring.Visible() {
			r.ring.Hide()
			r.track.Hide()
		}
		return
	}
	left := float32(a.Remaining(now).Seconds() / float64(a.Period))
	end := 360 * min(max(left, 0), 1)
	var colour color.Color = theme.Color(theme.ColorNamePrimary)
	if soon {
		colour = amber
	}
	if r.ring.EndAngle != end || r.ring.FillColor != colour || !r.ring.Visible() {
		r.ring.EndAngle, r.ring.FillColor = end, colour
		r.ring.Show()
		r.track.Show()
		r.ring.Refresh()
	}
}

// reveal shows a hidden code (on click or focus) or hides it again.
func (r *codeRow) reveal(on bool) {
	if r.revealed == on {
		return
	}
	r.revealed = on
	r.shown = ""
	if r.u.clock != nil {
		r.tick(r.u.clock.Now())
	}
}

func (r *codeRow) setBackground() {
	var c color.Color = color.Transparent
	switch {
	case r.focused:
		c = theme.Color(theme.ColorNameFocus)
	case r.hovered:
		c = theme.Color(theme.ColorNameHover)
	}
	if r.background.FillColor != c {
		r.background.FillColor = c
		// A transparent rectangle is still drawn every frame; hide it.
		if c == color.Transparent {
			r.background.Hide()
		} else {
			r.background.Show()
		}
		r.background.Refresh()
	}
}

// Tapped copies the code; it also reveals a hidden code.
func (r *codeRow) Tapped(*fyne.PointEvent) {
	r.reveal(true)
	r.u.copyCode(r.index)
}

// TappedSecondary (right-click) opens the row menu where the mouse is.
func (r *codeRow) TappedSecondary(e *fyne.PointEvent) {
	r.u.showRowMenu(r, e)
}

func (r *codeRow) FocusGained() {
	r.focused = true
	r.setBackground()
	r.reveal(true)
	r.u.scrollTo(r)
}

func (r *codeRow) FocusLost() {
	r.focused = false
	r.setBackground()
	r.reveal(false)
}

func (r *codeRow) TypedRune(rune) {}

// TypedKey walks the list and acts on the focused account.
func (r *codeRow) TypedKey(e *fyne.KeyEvent) {
	switch e.Name {
	case fyne.KeyUp:
		r.u.focusRow(r.position() - 1)
	case fyne.KeyDown:
		r.u.focusRow(r.position() + 1)
	case fyne.KeyHome:
		r.u.focusRow(0)
	case fyne.KeyEnd:
		if r.u.codes != nil {
			r.u.focusRow(len(r.u.codes.rows) - 1)
		}
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeySpace:
		r.u.copyCode(r.index)
	case fyne.KeyF2:
		r.u.askRename(r.index)
	case fyne.KeyDelete, fyne.KeyBackspace:
		r.u.askRemove(r.index)
	}
}

// TypedShortcut lets the window's shortcuts work while a row has focus.
func (r *codeRow) TypedShortcut(s fyne.Shortcut) { r.u.shortcut(s) }

func (r *codeRow) MouseIn(*desktop.MouseEvent)    { r.hovered = true; r.setBackground() }
func (r *codeRow) MouseMoved(*desktop.MouseEvent) {}
func (r *codeRow) MouseOut()                      { r.hovered = false; r.setBackground() }

// position is the row's place in the list on screen.
func (r *codeRow) position() int {
	if r.u.codes == nil {
		return -1
	}
	for i, o := range r.u.codes.rows {
		if o == r {
			return i
		}
	}
	return -1
}

func (r *codeRow) CreateRenderer() fyne.WidgetRenderer {
	return &codeRowRenderer{r: r, objects: []fyne.CanvasObject{
		r.background, r.avatar, r.letter, r.issuer, r.account, r.code, r.next, r.track, r.ring, r.menu,
	}}
}

type codeRowRenderer struct {
	r       *codeRow
	objects []fyne.CanvasObject
}

func (c *codeRowRenderer) Objects() []fyne.CanvasObject { return c.objects }
func (c *codeRowRenderer) Destroy()                     {}

// rowGap is the space around and between a row's parts.
func rowGap() float32 { return theme.Padding() * 2 }

// MinSize reserves an 8-digit code's width whatever the code, so 6- and
// 8-digit rows line up and nothing moves as codes change.
func (c *codeRowRenderer) MinSize() fyne.Size {
	r, g := c.r, rowGap()
	code := fyne.MeasureText("0000 0000", codeTextSize, r.code.TextStyle)
	issuer := fyne.MeasureText("M", theme.TextSize(), r.issuer.TextStyle)
	account := fyne.MeasureText("M", accountTextSize, fyne.TextStyle{})
	w := g + avatarSize + g + code.Width + g + countdownSize + g + r.menu.MinSize().Width
	h := g + issuer.Height + account.Height + code.Height + g
	return fyne.NewSize(w, max(h, avatarSize+2*g))
}

func (c *codeRowRenderer) Layout(size fyne.Size) {
	r, g := c.r, rowGap()
	r.background.Resize(size)
	r.background.Move(fyne.NewPos(0, 0))

	r.avatar.Resize(fyne.NewSquareSize(avatarSize))
	r.avatar.Move(fyne.NewPos(g, (size.Height-avatarSize)/2))
	letter := r.letter.MinSize()
	r.letter.Resize(fyne.NewSize(avatarSize, letter.Height))
	r.letter.Move(fyne.NewPos(g, (size.Height-letter.Height)/2))

	menu := r.menu.MinSize()
	r.menu.Resize(menu)
	r.menu.Move(fyne.NewPos(size.Width-menu.Width-theme.Padding(), theme.Padding()))
	ringX := size.Width - menu.Width - theme.Padding() - countdownSize - theme.Padding()
	ringY := (size.Height - countdownSize) / 2
	for _, a := range []*canvas.Arc{r.track, r.ring} {
		a.Resize(fyne.NewSquareSize(countdownSize))
		a.Move(fyne.NewPos(ringX, ringY))
	}

	left := g + avatarSize + g
	textRight := ringX - g // the names stop before the ring
	y := g
	r.issuer.Text = fitText(r.issuerText, textRight-left, theme.TextSize(), r.issuer.TextStyle)
	is := r.issuer.MinSize()
	r.issuer.Move(fyne.NewPos(left, y))
	r.issuer.Resize(is)
	y += is.Height
	r.account.Text = fitText(r.accountText, textRight-left, accountTextSize, r.account.TextStyle)
	as := r.account.MinSize()
	r.account.Move(fyne.NewPos(left, y))
	r.account.Resize(as)
	y += as.Height

	cs := fyne.MeasureText(r.code.Text, codeTextSize, r.code.TextStyle)
	r.code.Move(fyne.NewPos(left, y))
	r.code.Resize(cs)
	ns := fyne.MeasureText(r.next.Text, nextTextSize, r.next.TextStyle)
	// Beside the code when it fits, else under the ring.
	nx := left + cs.Width + g
	if nx+ns.Width > size.Width-g {
		nx = size.Width - g - ns.Width
	}
	r.next.Move(fyne.NewPos(nx, y+cs.Height-ns.Height-theme.Padding()))
	r.next.Resize(ns)
}

func (c *codeRowRenderer) Refresh() {
	r := c.r
	r.issuer.Color = theme.Color(theme.ColorNameForeground)
	r.account.Color = theme.Color(theme.ColorNamePlaceHolder)
	r.next.Color = theme.Color(theme.ColorNamePlaceHolder)
	r.track.FillColor = theme.Color(theme.ColorNameInputBorder)
	c.Layout(r.Size())
	for _, o := range c.objects {
		o.Refresh()
	}
}

// fitText shortens s with an ellipsis until it fits width.
func fitText(s string, width, size float32, style fyne.TextStyle) string {
	if s == "" || fyne.MeasureText(s, size, style).Width <= width {
		return s
	}
	runes := []rune(s)
	for n := len(runes) - 1; n > 0; n-- {
		t := strings.TrimSpace(string(runes[:n])) + "…"
		if fyne.MeasureText(t, size, style).Width <= width {
			return t
		}
	}
	return "…"
}
