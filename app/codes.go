package app

import (
	"fmt"
	"strings"
	"time"

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
	search *widget.Entry
	list   *widget.List
	notice *widget.Label // clock correction, when there is one
	status *widget.Label // what the last action did
	empty  *widget.Label

	shown []int // indexes into the vault's accounts, after the search filter
}

func (u *ui) showCodes() {
	s := &codesScreen{}
	u.codes, u.add = s, nil
	s.notice = widget.NewLabel("")
	s.notice.Wrapping = fyne.TextWrapWord
	s.notice.Importance = widget.WarningImportance
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.empty = widget.NewLabel(lang.L("No accounts yet. Show the console's QR code on screen and press Scan screen."))
	s.empty.Wrapping = fyne.TextWrapWord
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(lang.L("Search"))
	s.search.OnChanged = func(string) { u.filter() }

	s.list = widget.NewList(
		func() int { return len(s.shown) },
		newCodeRow,
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(s.shown) {
				u.fillRow(o.(*fyne.Container), u.vault.Accounts()[s.shown[id]])
			}
		},
	)
	s.list.OnSelected = func(id widget.ListItemID) {
		s.list.UnselectAll()
		if id < len(s.shown) {
			u.copyCode(s.shown[id])
		}
	}

	toolbar := container.NewGridWithColumns(3,
		widget.NewButtonWithIcon(lang.L("Scan screen"), theme.SearchIcon(), func() { u.scanScreen() }),
		widget.NewButtonWithIcon(lang.L("Add"), theme.ContentAddIcon(), func() { u.showAdd(nil) }),
		widget.NewButtonWithIcon(lang.L("Lock"), theme.LogoutIcon(), u.lockAndAsk),
	)
	top := container.NewVBox(toolbar, s.search, s.notice)
	u.show(container.NewBorder(top, s.status, nil, nil, container.NewStack(s.empty, s.list)))
	u.filter()
}

// filter applies the search box and redraws.
func (u *ui) filter() {
	s := u.codes
	s.shown = u.vault.Match(s.search.Text)
	if len(u.vault.Accounts()) == 0 {
		s.empty.Show()
	} else {
		s.empty.Hide()
	}
	u.refreshCodes()
}

func (u *ui) refreshCodes() {
	s := u.codes
	s.notice.SetText(u.clock.notice())
	if s.notice.Text == "" {
		s.notice.Hide()
	} else {
		s.notice.Show()
	}
	s.list.Refresh()
}

// A row: the account's label and countdown on the left, its code on the right.
func newCodeRow() fyne.CanvasObject {
	label := widget.NewLabel("")
	label.Truncation = fyne.TextTruncateEllipsis
	bar := widget.NewProgressBar()
	// The template's text reserves the width of an 8-digit code, so the
	// column does not jump as codes change.
	code := canvas.NewText("0000 0000", theme.Color(theme.ColorNamePrimary))
	code.TextSize = 26
	code.TextStyle = fyne.TextStyle{Monospace: true}
	return container.NewBorder(nil, nil, nil, code, container.NewVBox(label, bar))
}

func (u *ui) fillRow(row *fyne.Container, a vault.Account) {
	left := row.Objects[0].(*fyne.Container)
	label := left.Objects[0].(*widget.Label)
	bar := left.Objects[1].(*widget.ProgressBar)
	code := row.Objects[1].(*canvas.Text)
	label.SetText(a.Label())
	now := u.clock.Now()
	c, err := a.Code(now)
	if err != nil {
		code.Text = "—"
		code.Color = theme.Color(theme.ColorNameError)
	} else {
		code.Text = groupDigits(c)
		code.Color = theme.Color(theme.ColorNamePrimary)
	}
	defer row.Refresh() // lay the row out again for the new code's width
	if a.Kind == vault.HOTP {
		bar.Hide()
		return
	}
	remaining := a.Remaining(now)
	bar.Max = float64(a.Period)
	bar.SetValue(remaining.Seconds())
	bar.TextFormatter = func() string {
		return lang.L("{{.Seconds}} s left", map[string]any{"Seconds": fmt.Sprint(int(remaining.Round(time.Second) / time.Second))})
	}
	bar.Show()
	bar.Refresh()
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

// copyCode puts an account's current code on the clipboard. For HOTP
// accounts the counter moves on and is saved first (vault.UseCode), so a
// code is never handed out twice.
func (u *ui) copyCode(i int) {
	s := u.codes
	code, err := u.vault.UseCode(i, u.clock.Now())
	if err != nil {
		s.status.SetText(describe(err))
		return
	}
	u.app.Clipboard().SetContent(code)
	s.status.SetText(lang.L("Copied the code for {{.Account}}", map[string]any{"Account": u.vault.Accounts()[i].Label()}))
	u.refreshCodes()
}
