package app

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/deskauth/deskauth/vault"
)

// codesScreen lists the accounts with their live codes.
type codesScreen struct {
	search   *searchEntry
	rows     []*codeRow // the accounts shown, after the search filter
	list     *fyne.Container
	scroll   *container.Scroll
	notice   *widget.Label // clock correction, when there is one
	status   *widget.Label // what the last action did
	empty    *fyne.Container
	scan     *widget.Button // the toolbar's Scan screen
	add      *widget.Button
	lockB    *widget.Button
	more     *widget.Button // opens moreMenu: settings, import, export, about
	moreMenu *fyne.Menu

	shown []int // indexes into the vault's accounts, after the search filter
	// stale: the search changed while a job held the vault; the list is
	// filtered again when the job ends (endJob).
	stale bool
}

func (u *ui) showCodes() {
	s := &codesScreen{}
	u.codes, u.add = s, nil
	s.notice = widget.NewLabel("")
	s.notice.Wrapping = fyne.TextWrapWord
	s.notice.Importance = widget.WarningImportance
	s.notice.Hide()
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord

	// The empty state: one big way in.
	scanBig := widget.NewButtonWithIcon(lang.L("Scan the QR code on screen"), scanScreenIcon, func() { u.scanScreen() })
	scanBig.Importance = widget.HighImportance
	hint := widget.NewLabel(lang.L("Show the console's QR code on screen first. To paste a link or type a key, use Add."))
	hint.Wrapping = fyne.TextWrapWord
	hint.Alignment = fyne.TextAlignCenter
	tall := canvas.NewRectangle(color.Transparent)
	tall.SetMinSize(fyne.NewSize(0, 56))
	s.empty = container.NewVBox(layoutSpacer(), container.NewStack(tall, scanBig), hint)

	s.search = newSearchEntry(u)
	s.search.SetPlaceHolder(lang.L("Search (Ctrl+F)"))
	s.search.OnChanged = func(string) { u.filter() }
	s.search.OnSubmitted = func(string) { u.copyFirstMatch() }

	s.list = container.NewVBox()
	s.scroll = container.NewVScroll(s.list)

	s.scan = widget.NewButtonWithIcon(lang.L("Scan screen"), scanScreenIcon, func() { u.scanScreen() })
	s.scan.Importance = widget.HighImportance
	s.add = widget.NewButtonWithIcon(lang.L("Add"), theme.ContentAddIcon(), func() { u.showAdd(nil) })
	s.lockB = widget.NewButtonWithIcon(lang.L("Lock"), theme.LogoutIcon(), u.lockAndAsk)
	s.moreMenu = fyne.NewMenu("",
		fyne.NewMenuItem(lang.L("Settings"), u.showSettings),
		fyne.NewMenuItem(lang.L("Import…"), u.importFile),
		fyne.NewMenuItem(lang.L("Export…"), u.showExport),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(lang.L("About DeskAuth"), u.showAbout),
	)
	s.more = widget.NewButtonWithIcon("", theme.MoreVerticalIcon(), func() {
		c := u.win.Canvas()
		at := fyne.CurrentApp().Driver().AbsolutePositionForObject(s.more).Add(fyne.NewPos(0, s.more.Size().Height))
		widget.ShowPopUpMenuAtPosition(s.moreMenu, c, at)
	})
	toolbar := container.NewBorder(nil, nil, nil, container.NewHBox(s.add, s.lockB, s.more), s.scan)
	top := container.NewVBox(toolbar, s.search, s.notice)
	u.show(container.NewBorder(top, container.NewPadded(s.status), nil, nil, container.NewStack(container.NewPadded(s.empty), s.scroll)))
	u.filter()
}

// layoutSpacer pushes the empty state's button down from the search box.
func layoutSpacer() fyne.CanvasObject {
	gap := canvas.NewRectangle(color.Transparent)
	gap.SetMinSize(fyne.NewSize(1, 6*theme.Padding()))
	return gap
}

// filter applies the search box and rebuilds the rows. While a job holds
// the vault the rows stay as they are (all of them, on a new screen) and the
// search applies when the job ends.
func (u *ui) filter() {
	s := u.codes
	switch {
	case u.job == nil:
		s.shown, s.stale = u.vault.Match(s.search.Text), false
	case s.shown == nil || s.search.Text == "":
		s.shown = make([]int, len(u.accounts())) // an empty search matches all
		for i := range s.shown {
			s.shown[i] = i
		}
		s.stale = s.search.Text != ""
	default:
		s.stale = true
		return
	}
	s.rows = s.rows[:0]
	objs := make([]fyne.CanvasObject, 0, 2*len(s.shown))
	for n, i := range s.shown {
		r := newCodeRow(u, i)
		s.rows = append(s.rows, r)
		if n > 0 {
			objs = append(objs, widget.NewSeparator())
		}
		objs = append(objs, r)
	}
	s.list.Objects = objs
	s.list.Refresh()
	if len(u.accounts()) == 0 {
		s.empty.Show()
		s.scroll.Hide()
		s.search.Hide()
		s.scan.Hide() // the empty state's big button is the one way in
	} else {
		s.empty.Hide()
		s.scroll.Show()
		s.search.Show()
		s.scan.Show()
	}
	u.refreshNotice()
	u.trayChanged()
}

// refreshCodes brings the list up to the clock. Each row redraws only what
// changed: its ring every second, its code text when the code changes.
func (u *ui) refreshCodes() {
	s := u.codes
	u.refreshNotice()
	now := u.clock.Now()
	for _, r := range s.rows {
		r.tick(now)
	}
}

func (u *ui) refreshNotice() {
	s := u.codes
	text := u.clock.notice()
	if text == s.notice.Text {
		return
	}
	s.notice.SetText(text)
	if text == "" {
		s.notice.Hide()
	} else {
		s.notice.Show()
	}
}

// groupDigits splits a code for reading and typing: 123 456, 1234 5678,
// 123 456 789. Steam codes are letters and stay as they are.
func groupDigits(code string) string {
	if strings.Trim(code, "0123456789") != "" {
		return code
	}
	switch len(code) {
	case 6:
		return code[:3] + " " + code[3:]
	case 9:
		return code[:3] + " " + code[3:6] + " " + code[6:]
	}
	half := len(code) / 2
	return code[:half] + " " + code[half:]
}

// copyCode puts an account's current code on the clipboard, to be cleared
// after the preference's delay. A time-based code changes nothing in the
// vault: it is copied at once, from the account its row shows, even while a
// save holds the vault. For HOTP accounts the counter moves on and is saved
// first (vault.UseCode, off the UI thread), and the code reaches the
// clipboard only once that save is done, so a code is never handed out
// twice, even after a crash.
func (u *ui) copyCode(i int) {
	if u.vault == nil {
		return
	}
	at := u.clock.Now()
	accts := u.accounts()
	if i < 0 || i >= len(accts) {
		u.say(describe(vault.ErrNoAccount))
		return
	}
	if a := accts[i]; a.Kind != vault.HOTP {
		code, err := a.Code(at)
		u.codeUsed(i, code, a.Label(), err)
		return
	}
	if !u.busy() {
		u.say(lang.L("Saving…"))
	}
	err := u.withVault(func(v *vault.Vault) func() {
		code, err := v.UseCode(i, at)
		var label string
		if err == nil {
			label = v.Accounts()[i].Label()
		}
		return func() { u.codeUsed(i, code, label, err) }
	})
	if err != nil {
		u.say(describe(err))
	}
}

// codeUsed shows the outcome of copyCode: the code on the clipboard and in
// its row, or why there is none.
func (u *ui) codeUsed(i int, code, label string, err error) {
	if err == nil {
		err = u.copySecret(code)
	}
	if err != nil {
		u.say(describe(err))
		return
	}
	u.say(lang.L("Copied the code for {{.Account}}", map[string]any{"Account": label}))
	if u.codes != nil {
		for _, r := range u.codes.rows {
			if r.index == i {
				r.used = code // for HOTP, the code now on the clipboard
				r.shown = ""
				r.tick(u.clock.Now())
			}
		}
	}
}

// copyFirstMatch is Enter in the search box.
func (u *ui) copyFirstMatch() {
	if s := u.codes; s != nil && len(s.shown) > 0 {
		u.copyCode(s.shown[0])
	}
}

// focusRow moves the keyboard focus to the n-th row shown, staying in range.
func (u *ui) focusRow(n int) {
	s := u.codes
	if s == nil || len(s.rows) == 0 {
		return
	}
	n = min(max(n, 0), len(s.rows)-1)
	u.win.Canvas().Focus(s.rows[n])
}

// scrollTo scrolls the list so row r is in view.
func (u *ui) scrollTo(r *codeRow) {
	s := u.codes
	if s == nil {
		return
	}
	top, bottom := r.Position().Y, r.Position().Y+r.Size().Height
	view := s.scroll.Size().Height
	switch {
	case top < s.scroll.Offset.Y:
		s.scroll.ScrollToOffset(fyne.NewPos(0, top))
	case bottom > s.scroll.Offset.Y+view:
		s.scroll.ScrollToOffset(fyne.NewPos(0, bottom-view))
	}
}

// searchEntry is the search box: the window's shortcuts still work while it
// has focus, and Down moves into the list.
type searchEntry struct {
	widget.Entry
	u *ui
}

func newSearchEntry(u *ui) *searchEntry {
	e := &searchEntry{u: u}
	e.ExtendBaseWidget(e)
	return e
}

func (e *searchEntry) TypedShortcut(s fyne.Shortcut) {
	if !e.u.shortcut(s) {
		e.Entry.TypedShortcut(s)
	}
}

func (e *searchEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyDown {
		e.u.focusRow(0)
		return
	}
	e.Entry.TypedKey(k)
}
