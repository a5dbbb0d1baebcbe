package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/deskauth/deskauth/capture"
	"github.com/deskauth/deskauth/vault"
)

// addScreen takes a new account from a pasted URI, a typed secret, an image
// or a scan, shows its live code so the admin can confirm it in the console,
// and only then saves it.
type addScreen struct {
	input  *widget.Entry // an otpauth URI, or a Base32 secret
	issuer *widget.Entry
	name   *widget.Entry
	check  *widget.Button

	preview *fyne.Container
	label   *widget.Label
	code    *canvas.Text
	bar     *widget.ProgressBar
	save    *widget.Button
	status  *widget.Label

	pending []vault.Account // what Save adds
}

// showAdd opens the add screen, with accounts already found (by a scan) or
// empty for typing.
func (u *ui) showAdd(found []vault.Account) {
	s := &addScreen{}
	u.add = s
	s.input = widget.NewMultiLineEntry()
	s.input.Wrapping = fyne.TextWrapBreak
	s.input.SetPlaceHolder(lang.L("Paste the otpauth:// link, or type the secret key"))
	s.input.SetMinRowsVisible(2)
	s.issuer = widget.NewEntry()
	s.issuer.SetPlaceHolder(lang.L("Service (for a typed key), e.g. Trend Micro"))
	s.name = widget.NewEntry()
	s.name.SetPlaceHolder(lang.L("Account (for a typed key), e.g. admin@example.com"))
	s.check = widget.NewButton(lang.L("Check"), func() { u.checkInput() })
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord

	s.label = widget.NewLabel("")
	s.label.Wrapping = fyne.TextWrapWord
	s.code = canvas.NewText("", theme.Color(theme.ColorNamePrimary))
	s.code.TextSize = 34
	s.code.TextStyle = fyne.TextStyle{Monospace: true}
	s.code.Alignment = fyne.TextAlignCenter
	s.bar = widget.NewProgressBar()
	s.bar.TextFormatter = func() string { return "" }
	s.save = widget.NewButtonWithIcon(lang.L("The console accepted it: save"), theme.DocumentSaveIcon(), func() { u.savePending() })
	s.save.Importance = widget.HighImportance
	hint := widget.NewLabel(lang.L("Type this code into the console. Save once the console accepts it."))
	hint.Wrapping = fyne.TextWrapWord
	s.preview = container.NewVBox(widget.NewSeparator(), s.label, s.code, s.bar, hint, s.save)
	s.preview.Hide()

	fromFile := widget.NewButtonWithIcon(lang.L("Image file…"), theme.FileImageIcon(), func() { u.pickImageFile() })
	fromClip := widget.NewButtonWithIcon(lang.L("Clipboard image"), theme.ContentPasteIcon(), func() { u.readClipboard() })
	back := widget.NewButtonWithIcon(lang.L("Back"), theme.NavigateBackIcon(), func() { u.showCodes() })

	u.show(container.NewPadded(container.NewVScroll(container.NewVBox(
		container.NewBorder(nil, nil, back, nil,
			widget.NewLabelWithStyle(lang.L("Add an account"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})),
		s.input, s.issuer, s.name, s.check,
		container.NewGridWithColumns(2, fromFile, fromClip),
		s.preview, s.status,
	))))
	if len(found) > 0 {
		u.setPending(found)
	}
}

// checkInput turns what was pasted or typed into an account.
func (u *ui) checkInput() {
	s := u.add
	text := strings.TrimSpace(s.input.Text)
	var a vault.Account
	var err error
	switch {
	case text == "":
		err = errors.New(lang.L("Paste a link or type a key first."))
	case capture.Classify(text) == capture.OTPAuthMigration:
		u.handlePayloads([]string{text})
		return
	case capture.Classify(text) == capture.OTPAuth:
		a, err = vault.ParseURI(text)
	default:
		if s.issuer.Text == "" && s.name.Text == "" {
			err = errors.New(lang.L("Give the service or account name for a typed key."))
			break
		}
		a, err = vault.NewAccount(s.issuer.Text, s.name.Text, text)
	}
	if err != nil {
		s.preview.Hide()
		s.pending = nil
		s.status.SetText(err.Error())
		return
	}
	u.setPending([]vault.Account{a})
}

// setPending shows the live code of the first account to add (and how many
// more come with it).
func (u *ui) setPending(accts []vault.Account) {
	s := u.add
	s.pending = accts
	s.status.SetText("")
	label := accts[0].Label()
	if len(accts) > 1 {
		label = lang.L("{{.Count}} accounts, first: {{.Account}}", map[string]any{"Count": fmt.Sprint(len(accts)), "Account": label})
	}
	s.label.SetText(label)
	s.preview.Show()
	u.refreshPreview()
}

func (u *ui) refreshPreview() {
	s := u.add
	if len(s.pending) == 0 {
		return
	}
	a := s.pending[0]
	now := u.clock.Now()
	code, err := a.Code(now)
	if err != nil {
		s.status.SetText(err.Error())
		return
	}
	s.code.Text = groupDigits(code)
	s.code.Refresh()
	if a.Kind == vault.HOTP {
		s.bar.Hide()
		return
	}
	s.bar.Max = float64(a.Period)
	s.bar.SetValue(a.Remaining(now).Seconds())
	s.bar.Show()
}

// savePending adds the checked accounts and writes the vault. On a failed
// write nothing is kept in memory either, so the list matches the file.
func (u *ui) savePending() {
	s := u.add
	before := len(u.vault.Accounts)
	var added, dup []string
	for _, a := range s.pending {
		if err := u.vault.Add(a); err != nil {
			if errors.Is(err, vault.ErrDuplicate) {
				dup = append(dup, a.Label())
				continue
			}
			u.vault.Accounts = u.vault.Accounts[:before]
			s.status.SetText(err.Error())
			return
		}
		added = append(added, a.Label())
	}
	if len(added) > 0 {
		if err := u.vault.Save(); err != nil {
			u.vault.Accounts = u.vault.Accounts[:before]
			s.status.SetText(err.Error())
			return
		}
	}
	u.showCodes()
	msg := lang.L("Saved: {{.Accounts}}", map[string]any{"Accounts": strings.Join(added, ", ")})
	if len(dup) > 0 {
		msg += " " + lang.L("Already in the vault: {{.Accounts}}", map[string]any{"Accounts": strings.Join(dup, ", ")})
	}
	u.codes.status.SetText(msg)
}

// handlePayloads turns decoded QR texts into accounts to check, or explains
// why there is nothing to add.
func (u *ui) handlePayloads(texts []string) {
	var accts []vault.Account
	var notes []string
	for _, t := range texts {
		switch capture.Classify(t) {
		case capture.OTPAuth:
			a, err := vault.ParseURI(t)
			if err != nil {
				notes = append(notes, err.Error())
				continue
			}
			accts = append(accts, a)
		case capture.OTPAuthMigration:
			m, err := vault.ParseMigration(t)
			if err != nil {
				notes = append(notes, err.Error())
				continue
			}
			accts = append(accts, m.Accounts...)
			notes = append(notes, m.Skipped...)
			if m.Size > 1 {
				notes = append(notes, lang.L("This is code {{.Index}} of {{.Size}} of the export; scan the others too.",
					map[string]any{"Index": fmt.Sprint(m.Index + 1), "Size": fmt.Sprint(m.Size)}))
			}
		case capture.PhoneFactor:
			notes = append(notes, lang.L("This is a Microsoft Authenticator code, not a TOTP code. On Microsoft's setup page choose \"I want to use a different authenticator app\" and scan the code it shows then."))
		default:
			notes = append(notes, lang.L("Found a QR code that is not for an authenticator: {{.Text}}", map[string]any{"Text": clip(t)}))
		}
	}
	if u.add == nil {
		u.showAdd(nil)
	}
	if len(accts) > 0 {
		u.setPending(accts)
	}
	u.add.status.SetText(strings.Join(notes, "\n"))
}

// scanScreen hides the window, reads every display, and shows what it found.
func (u *ui) scanScreen() {
	u.currentStatus().SetText(lang.L("Scanning the screen…"))
	u.win.Hide()
	u.deps.background(func() {
		time.Sleep(u.deps.hideForScan)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		found, err := u.deps.scan(ctx)
		fyne.Do(func() {
			u.win.Show()
			u.handleScan(found, err)
		})
	})
}

// handleScan shows a scan's result: the accounts found, or why there are none.
func (u *ui) handleScan(found []capture.Found, err error) {
	if u.vault == nil {
		return // locked while scanning
	}
	if err != nil {
		u.currentStatus().SetText(err.Error())
		return
	}
	var texts []string
	for _, f := range found {
		texts = append(texts, f.Text)
	}
	u.handlePayloads(texts)
}

// currentStatus is the status line of the screen on show.
func (u *ui) currentStatus() *widget.Label {
	if u.add != nil {
		return u.add.status
	}
	return u.codes.status
}

func (u *ui) pickImageFile() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		img, err := capture.LoadImage(r)
		if err != nil {
			u.add.status.SetText(err.Error())
			return
		}
		u.decodeImage(img)
	}, u.win)
	d.Show()
}

// readClipboard decodes the clipboard's image. It reads from a goroutine:
// when DeskAuth itself owns the clipboard (after copying a code), the answer
// comes from Fyne's own event loop, which must not be blocked waiting for it.
func (u *ui) readClipboard() {
	s := u.add
	u.deps.background(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		img, err := u.deps.clipboard(ctx)
		fyne.Do(func() {
			if u.add != s {
				return // the screen was left meanwhile
			}
			if err != nil {
				s.status.SetText(err.Error())
				return
			}
			u.decodeImage(img)
		})
	})
}

func (u *ui) decodeImage(img image.Image) {
	codes, err := capture.Decode(img)
	if err != nil {
		u.add.status.SetText(err.Error())
		return
	}
	var texts []string
	for _, c := range codes {
		texts = append(texts, c.Text)
	}
	u.handlePayloads(texts)
}

// clip shortens a payload shown in a message.
func clip(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}
