package app

import (
	"context"
	"fmt"
	"image"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/deskauth/deskauth/capture"
	"github.com/deskauth/deskauth/vault"
	"github.com/deskauth/deskauth/vault/transfer"
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

	// reenrol is shown, with the label saying up front that Save replaces
	// an existing account, when the plan re-enrols one.
	reenrol *widget.RadioGroup
	pending []vault.Planned // what Save adds
	replan  []vault.Account // to plan once the save holding the vault ends
	filling bool            // the name fields are being filled in, not typed
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
	// Several links pasted at once (a WinAuth export, say) are an import:
	// they go to the import preview at once, so no secret stays on screen
	// and no line is read as part of another.
	// Typing goes rune by rune; a paste arrives at once.
	before := ""
	s.input.OnChanged = func(text string) {
		pasted := len(text)-len(before) > 1
		before = text
		switch {
		case pasted && manyLines(text):
			before = ""
			s.input.SetText("")
			u.importText(text)
		case pasted && vault.ClassifyPayload(text) != vault.PayloadOther:
			// A pasted link is checked at once, and leaves the box.
			before = ""
			u.checkInput()
		}
	}
	s.issuer = widget.NewEntry()
	s.issuer.SetPlaceHolder(lang.L("Service, e.g. Trend Micro"))
	s.name = widget.NewEntry()
	s.name.SetPlaceHolder(lang.L("Account, e.g. admin@example.com"))
	// The names apply to whatever is being verified, scanned or typed, so
	// the admin can name an account before it is saved.
	s.issuer.OnChanged = func(string) { u.renamePending() }
	s.name.OnChanged = func(string) { u.renamePending() }
	s.check = widget.NewButton(lang.L("Check"), func() { u.checkInput() })
	s.input.OnSubmitted = func(string) { u.checkInput() }
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
	// Short choices, so the row fits a narrow window; the label above says
	// what is replaced.
	s.reenrol = widget.NewRadioGroup([]string{lang.L("Replace"), lang.L("Keep both")}, nil)
	s.reenrol.Horizontal = true
	s.reenrol.Required = true
	s.reenrol.Hide()
	s.preview = container.NewVBox(widget.NewSeparator(), s.label, s.code, s.bar, hint, s.reenrol, s.save)
	s.preview.Hide()

	// Text only, so the two sit side by side in a narrow window.
	fromFile := widget.NewButton(lang.L("Image file…"), func() { u.pickImageFile() })
	fromClip := widget.NewButton(lang.L("Clipboard image"), func() { u.readClipboard() })
	back := widget.NewButtonWithIcon(lang.L("Back"), theme.NavigateBackIcon(), func() { u.showCodes() })

	u.show(container.NewPadded(container.NewVScroll(container.NewVBox(
		container.NewBorder(nil, nil, back, nil,
			widget.NewLabelWithStyle(lang.L("Add an account"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})),
		s.input, s.check,
		container.NewGridWithColumns(2, fromFile, fromClip),
		widget.NewForm(widget.NewFormItem(lang.L("Service"), s.issuer), widget.NewFormItem(lang.L("Account"), s.name)),
		s.preview, s.status,
	))))
	if len(found) > 0 {
		u.setPending(found)
	}
}

// manyLines reports whether text holds more than one non-empty line: an
// export pasted whole, never one account.
func manyLines(text string) bool {
	n := 0
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) != "" {
			n++
		}
	}
	return n > 1
}

// startSource clears what an earlier source left on the add screen: its
// message, its preview and the names, so nothing of it is saved by mistake.
func (u *ui) startSource() {
	s := u.add
	s.status.SetText("")
	s.preview.Hide()
	s.pending = nil
	s.filling = true
	s.issuer.SetText("")
	s.name.SetText("")
	s.filling = false
}

// checkInput turns what was pasted or typed into an account. Once read, the
// text leaves the box, so a pasted link's secret is not left on screen.
func (u *ui) checkInput() {
	s := u.add
	text := strings.TrimSpace(s.input.Text)
	s.status.SetText("")
	switch {
	case text == "":
		u.addFailed(lang.L("Paste a link or type a key first."))
	case manyLines(text):
		s.input.SetText("")
		u.importText(text)
	case vault.ClassifyPayload(text) != vault.PayloadOther:
		s.input.SetText("")
		u.startSource()
		u.handlePayloads([]string{text})
	case strings.TrimSpace(s.issuer.Text) == "" && strings.TrimSpace(s.name.Text) == "":
		u.addFailed(lang.L("Give the service or account name for a typed key."))
	default:
		a, err := vault.NewAccount(strings.TrimSpace(s.issuer.Text), strings.TrimSpace(s.name.Text), text)
		if err != nil {
			u.addFailed(describe(err))
			return
		}
		s.input.SetText("")
		u.setPending([]vault.Account{a})
	}
}

// addFailed says why nothing can be added, and hides any earlier preview.
func (u *ui) addFailed(msg string) {
	s := u.add
	s.preview.Hide()
	s.pending = nil
	s.status.SetText(msg)
}

// setPending plans adding accts and shows the live code of the first (and
// how many more come with it). A single account's names fill the name
// fields, where the admin may change them before saving.
func (u *ui) setPending(accts []vault.Account) {
	s := u.add
	s.status.SetText("")
	s.filling = true
	if len(accts) == 1 {
		s.issuer.SetText(accts[0].Issuer)
		s.name.SetText(accts[0].Name)
		s.issuer.Enable()
		s.name.Enable()
	} else {
		s.issuer.SetText("")
		s.name.SetText("")
		s.issuer.Disable()
		s.name.Disable()
	}
	s.filling = false
	u.planPending(accts)
	s.preview.Show()
	u.refreshPreview()
}

// planPending asks the vault what adding accts would do and says it up
// front: a re-enrolment replaces an existing account unless the admin
// chooses to keep both.
func (u *ui) planPending(accts []vault.Account) {
	s := u.add
	if u.busy() {
		// Planning reads the vault: it waits for the save that holds it
		// (endJob plans again), and the preview keeps the plan it has.
		s.replan = accts
		return
	}
	s.replan = nil
	s.pending = u.vault.Plan(accts)
	s.pending[0].CodeShown = true // its code is on screen: for HOTP it counts as used
	label := accts[0].Label()
	if len(accts) > 1 {
		label = lang.L("{{.Count}} accounts, first: {{.Account}}", map[string]any{"Count": fmt.Sprint(len(accts)), "Account": label})
	}
	var reenrols []string
	for _, p := range s.pending {
		if p.Outcome == vault.Reenrolment {
			reenrols = append(reenrols, u.vault.Accounts()[p.Existing].Label())
		}
	}
	if len(reenrols) == 0 {
		s.label.SetText(label)
		s.reenrol.Hide()
		return
	}
	label += "\n" + lang.L("This replaces an account already in the vault: {{.Accounts}}", map[string]any{"Accounts": strings.Join(reenrols, ", ")})
	s.label.SetText(label)
	if s.reenrol.Selected == "" {
		s.reenrol.SetSelected(s.reenrol.Options[0]) // Replace: the new secret is the one the console expects
	}
	s.reenrol.Show()
}

// renamePending applies the name fields to the single account being
// verified, and plans again: a new name may make or unmake a re-enrolment.
func (u *ui) renamePending() {
	s := u.add
	if s == nil || s.filling || len(s.pending) != 1 {
		return
	}
	a := s.pending[0].Account
	a.Issuer, a.Name = strings.TrimSpace(s.issuer.Text), strings.TrimSpace(s.name.Text)
	u.planPending([]vault.Account{a})
}

func (u *ui) refreshPreview() {
	s := u.add
	if len(s.pending) == 0 {
		return
	}
	a := s.pending[0].Account
	now := u.clock.Now()
	code, err := a.Code(now)
	if err != nil {
		s.status.SetText(describe(err))
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
	if u.busy() {
		s.status.SetText(describe(errBusy))
		return
	}
	if len(s.pending) == 0 {
		return
	}
	choice := vault.Replace
	if s.reenrol.Selected == s.reenrol.Options[1] {
		choice = vault.KeepBoth
	}
	for i := range s.pending {
		s.pending[i].Choice = choice
	}
	plan := slices.Clone(s.pending) // the name fields may change s.pending meanwhile
	err := u.withVault(func(v *vault.Vault) func() {
		r, err := v.AddPlanned(plan)
		return func() { u.added(s, s.status, s.save, r, err) }
	})
	if err != nil {
		s.status.SetText(describe(err))
		return
	}
	if u.busy() {
		s.save.Disable()
		s.status.SetText(lang.L("Saving…"))
	}
}

// added shows the outcome of saving new accounts from the add screen or the
// import preview (screen, with its status line and button): the codes with
// what was saved, or the screen again with why nothing was. When the admin
// left the screen meanwhile, the outcome is said wherever they are.
func (u *ui) added(screen any, status *widget.Label, button *widget.Button, r vault.AddReport, err error) {
	here := (u.add != nil && screen == u.add) || (u.imp != nil && screen == u.imp)
	switch {
	case err != nil && here:
		button.Enable()
		status.SetText(describe(err))
	case err != nil:
		u.say(describe(err))
	case here:
		u.imp = nil
		u.showCodes()
		u.codes.status.SetText(addedMessage(r))
	default:
		if u.codes != nil {
			u.filter()
		}
		u.say(addedMessage(r))
	}
}

// addedMessage words an AddReport: "Saved:" only for what was saved.
func addedMessage(r vault.AddReport) string {
	var msg []string
	if saved := append(append(labels(r.Added), labels(r.Replaced)...), labels(r.Renamed)...); len(saved) > 0 {
		msg = append(msg, lang.L("Saved: {{.Accounts}}", map[string]any{"Accounts": strings.Join(saved, ", ")}))
	}
	if len(r.Skipped) > 0 {
		msg = append(msg, lang.L("Already in the vault: {{.Accounts}}", map[string]any{"Accounts": strings.Join(labels(r.Skipped), ", ")}))
	}
	return strings.Join(msg, " ")
}

func labels(accts []vault.Account) []string {
	var out []string
	for _, a := range accts {
		out = append(out, a.Label())
	}
	return out
}

// handlePayloads turns decoded QR texts into accounts to check, or explains
// why there is nothing to add. What an earlier source left on the add
// screen is cleared first. The codes of a Google Authenticator export are
// collected across scans (transfer.Batches) and imported once all are in.
func (u *ui) handlePayloads(texts []string) {
	var rest, notes []string
	for _, t := range texts {
		if vault.ClassifyPayload(t) != vault.PayloadMigration {
			rest = append(rest, t)
			continue
		}
		if u.batches == nil {
			u.batches = transfer.NewBatches()
		}
		if _, err := u.batches.Add(t); err != nil {
			notes = append(notes, describe(err))
		}
	}
	if res := u.batchesDone(); res != nil {
		u.showImportPreview(res)
		return
	}
	p := vault.ReadPayloads(rest...)
	for _, n := range p.Notes {
		notes = append(notes, describeNote(n))
	}
	if u.batches != nil {
		for _, b := range u.batches.Pending() {
			notes = append(notes, lang.L("Scanned {{.Scanned}} of {{.Size}} codes of a Google Authenticator export. Show the next one and scan again.",
				map[string]any{"Scanned": fmt.Sprint(b.Scanned), "Size": fmt.Sprint(b.Size)}))
		}
	}
	if u.add == nil {
		u.showAdd(nil)
	} else {
		u.startSource()
	}
	if len(p.Accounts) > 0 {
		u.setPending(p.Accounts)
	}
	u.add.status.SetText(strings.Join(notes, "\n"))
}

// batchesDone takes the accounts of every export whose codes are all
// scanned, or nil.
func (u *ui) batchesDone() *transfer.Result {
	if u.batches == nil {
		return nil
	}
	res := u.batches.Take()
	if res == nil || len(res.Accounts)+len(res.Problems) == 0 {
		return nil
	}
	if len(u.batches.Pending()) == 0 {
		u.batches = nil
	}
	return res
}

// scanScreen hides the window, reads every display, and shows what it found.
func (u *ui) scanScreen() {
	u.currentStatus().SetText(lang.L("Scanning the screen…"))
	u.win.Hide()
	u.offUI(func() func() {
		time.Sleep(u.deps.hideForScan)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		found, err := u.deps.scan(ctx)
		return func() {
			u.win.Show()
			u.handleScan(found, err)
		}
	})
}

// handleScan shows a scan's result: the accounts found, or why there are none.
func (u *ui) handleScan(found []capture.Found, err error) {
	if u.vault == nil {
		return // locked while scanning
	}
	if err != nil {
		u.currentStatus().SetText(describe(err))
		return
	}
	var texts []string
	for _, f := range found {
		texts = append(texts, f.Text)
	}
	u.handlePayloads(texts)
}

// currentStatus is the status line of the screen on show; a detached label
// on a screen that has none, so a message never crashes the window.
func (u *ui) currentStatus() *widget.Label {
	switch {
	case u.add != nil:
		return u.add.status
	case u.codes != nil:
		return u.codes.status
	case u.settings != nil && u.win.Content() == u.settings.root:
		return u.settings.status
	case u.imp != nil && u.win.Content() == u.imp.root:
		return u.imp.status
	}
	return widget.NewLabel("")
}

// pickImageFile reads a QR code from an image file chosen in the system's
// file dialog (see chooseOpen).
func (u *ui) pickImageFile() {
	s := u.add
	u.chooseOpen(lang.L("Choose an image with a QR code"), imageExtensions, func(uri fyne.URI) {
		if u.add != s {
			return
		}
		u.decodeInBackground(func() (image.Image, error) { return loadImageURI(uri) })
	})
}

// readClipboard decodes the clipboard's image. It reads from a goroutine:
// when DeskAuth itself owns the clipboard (after copying a code), the answer
// comes from Fyne's own event loop, which must not be blocked waiting for it.
func (u *ui) readClipboard() {
	u.decodeInBackground(func() (image.Image, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return u.deps.clipboard(ctx)
	})
}

// decodeTimeout bounds the decoding of one image file or clipboard image.
const decodeTimeout = 20 * time.Second

// decodeInBackground loads an image and finds its QR codes off the UI
// thread (a large photo takes a while), then shows what they hold.
func (u *ui) decodeInBackground(load func() (image.Image, error)) {
	s := u.add
	u.startSource()
	s.status.SetText(lang.L("Reading the image…"))
	u.offUI(func() func() {
		var texts []string
		img, err := load()
		if err == nil {
			var codes []capture.Code
			ctx, cancel := context.WithTimeout(context.Background(), decodeTimeout)
			codes, err = capture.DecodeContext(ctx, img)
			cancel()
			for _, c := range codes {
				texts = append(texts, c.Text)
			}
		}
		return func() {
			if u.add != s {
				return // the screen was left meanwhile
			}
			if err != nil {
				u.addFailed(describe(err))
				return
			}
			u.handlePayloads(texts)
		}
	})
}
