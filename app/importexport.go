package app

import (
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"

	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/deskauth/deskauth/vault"
	"github.com/deskauth/deskauth/vault/transfer"
)

// Import: a file from the dialog, a file dropped on the window, or several
// pasted lines all end in the same preview. transfer reads the file, the
// vault plans what adding its accounts would do, and nothing is added until
// the admin confirms (vault.AddPlanned).

// importScreen previews an import.
type importScreen struct {
	root    fyne.CanvasObject
	plan    []vault.Planned
	choices map[int]*widget.RadioGroup // per re-enrolment, by plan index
	confirm *widget.Button
	status  *widget.Label
}

// parseFunc reads the import's source with the given options.
type parseFunc func(transfer.Options) (*transfer.Result, error)

// importFile asks for a file to import (the "Import…" command).
func (u *ui) importFile() {
	u.chooseOpen(lang.L("Choose a file to import"), nil, func(uri fyne.URI) { u.importURI(uri) })
}

// importURI imports a chosen or dropped file. An image goes to the add
// screen, which reads its QR codes; anything else to the import preview.
func (u *ui) importURI(uri fyne.URI) {
	if u.vault == nil {
		return
	}
	if isImageName(uri.Name()) {
		u.showAdd(nil)
		u.decodeInBackground(func() (image.Image, error) { return loadImageURI(uri) })
		return
	}
	u.say(lang.L("Reading {{.File}}…", map[string]any{"File": uri.Name()}))
	u.offUI(func() func() {
		data, err := readURI(uri)
		return func() {
			if err != nil {
				u.say(describe(err))
				return
			}
			u.runImport(func(opt transfer.Options) (*transfer.Result, error) { return transfer.Parse(data, opt) }, nil)
		}
	})
}

// importText imports pasted text: several otpauth lines, or an export's
// text.
func (u *ui) importText(text string) {
	u.runImport(func(opt transfer.Options) (*transfer.Result, error) { return transfer.ParseText(text, opt) }, nil)
}

// runImport parses in the background (an encrypted file runs a key
// derivation) and shows the preview. An encrypted file is parsed again
// once its password is typed.
func (u *ui) runImport(parse parseFunc, password []byte) {
	opt := transfer.Options{}
	if password != nil {
		opt.Password = func() ([]byte, error) { return password, nil }
	}
	u.offUI(func() func() {
		res, err := parse(opt)
		clear(password)
		debug.FreeOSMemory()
		return func() {
			if u.vault == nil {
				return // locked meanwhile
			}
			switch {
			case errors.Is(err, transfer.ErrPasswordRequired):
				u.askImportPassword(parse, "")
			case errors.Is(err, transfer.ErrWrongPassword):
				u.askImportPassword(parse, lang.L("Wrong password."))
			case err != nil:
				u.say(describe(err))
			default:
				u.showImportPreview(res)
			}
		}
	})
}

// askImportPassword asks for an encrypted file's password.
func (u *ui) askImportPassword(parse parseFunc, problem string) {
	pw := widget.NewPasswordEntry()
	pw.SetPlaceHolder(lang.L("The file's password"))
	items := []*widget.FormItem{widget.NewFormItem("", pw)}
	if problem != "" {
		msg := widget.NewLabel(problem)
		msg.Importance = widget.DangerImportance
		items = append(items, widget.NewFormItem("", msg))
	}
	d := dialog.NewForm(lang.L("This file is encrypted"), lang.L("Open"), lang.L("Cancel"), items, func(ok bool) {
		if ok && pw.Text != "" {
			u.runImport(parse, []byte(pw.Text))
		}
		pw.SetText("")
	}, u.win)
	pw.OnSubmitted = func(string) { d.Submit() }
	d.Resize(fyne.NewSize(360, 200))
	d.Show()
	u.win.Canvas().Focus(pw)
	u.dialogs.importPassword = pw
}

// showImportPreview lists what the import will do: accounts to add,
// duplicates to skip, re-enrolments to decide (replace, keep both or skip)
// and entries that could not be read. Secrets are never shown.
func (u *ui) showImportPreview(res *transfer.Result) {
	if u.busy() {
		// Planning reads the vault: the preview waits for the save that
		// holds it, and the window meanwhile says so.
		u.say(lang.L("Saving…"))
		u.afterJob(func() { u.showImportPreview(res) })
		return
	}
	s := &importScreen{choices: map[int]*widget.RadioGroup{}}
	s.plan = u.vault.Plan(res.Accounts)
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord

	var adds, dups []string
	reenrols := container.NewVBox()
	for i, p := range s.plan {
		switch p.Outcome {
		case vault.New:
			adds = append(adds, p.Account.Label())
		case vault.Duplicate:
			dups = append(dups, p.Account.Label())
		case vault.Reenrolment:
			r := widget.NewRadioGroup([]string{lang.L("Replace"), lang.L("Keep both"), lang.L("Skip")}, nil)
			r.Required = true
			r.SetSelected(r.Options[0])
			s.choices[i] = r
			reenrols.Add(wrapped(p.Account.Label(), fyne.TextStyle{Bold: true}))
			reenrols.Add(r)
		}
	}
	body := container.NewVBox()
	section := func(n int, title string, content fyne.CanvasObject) {
		if n == 0 {
			return
		}
		body.Add(wrapped(title, fyne.TextStyle{Bold: true}))
		body.Add(content)
	}
	count := func(n int) map[string]any { return map[string]any{"Count": fmt.Sprint(n)} }
	section(len(adds), lang.L("To add ({{.Count}})", count(len(adds))), bulletList(adds))
	section(len(s.choices), lang.L("Same account, new secret: choose ({{.Count}})", count(len(s.choices))), reenrols)
	section(len(dups), lang.L("Already in the vault, skipped ({{.Count}})", count(len(dups))), bulletList(dups))
	var probs []string
	for _, p := range res.Problems {
		probs = append(probs, describeProblem(p))
	}
	section(len(probs), lang.L("Could not be read ({{.Count}})", count(len(probs))), bulletList(probs))

	s.confirm = widget.NewButtonWithIcon(lang.L("Import"), theme.ConfirmIcon(), func() { u.confirmImport() })
	s.confirm.Importance = widget.HighImportance
	if len(adds) == 0 && len(s.choices) == 0 {
		s.confirm.Disable()
		s.status.SetText(lang.L("Nothing new to import."))
	}
	cancel := widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), func() { u.imp = nil; u.showCodes() })
	title := widget.NewLabelWithStyle(lang.L("Import preview"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	note := wrapped(lang.L("Nothing is added until you press Import."), fyne.TextStyle{})
	s.root = container.NewBorder(
		container.NewVBox(title, note, widget.NewSeparator()),
		container.NewVBox(s.status, container.NewGridWithColumns(2, cancel, s.confirm)),
		nil, nil, container.NewVScroll(body))
	u.codes, u.add, u.imp = nil, nil, s
	s.root = container.NewPadded(s.root)
	u.show(s.root)
}

// confirmImport adds what the preview showed, with the admin's choices.
func (u *ui) confirmImport() {
	s := u.imp
	for i, r := range s.choices {
		switch r.Selected {
		case r.Options[1]:
			s.plan[i].Choice = vault.KeepBoth
		case r.Options[2]:
			s.plan[i].Choice = vault.Skip
		default:
			s.plan[i].Choice = vault.Replace
		}
	}
	plan := slices.Clone(s.plan)
	err := u.withVault(func(v *vault.Vault) func() {
		r, err := v.AddPlanned(plan)
		return func() { u.added(s, s.status, s.confirm, r, err) }
	})
	if err != nil {
		s.status.SetText(describe(err))
		return
	}
	if u.busy() {
		s.confirm.Disable()
		s.status.SetText(lang.L("Saving…"))
	}
}

// describeProblem words one entry an import could not read.
func describeProblem(p transfer.Problem) string {
	data := map[string]any{"Entry": fmt.Sprint(p.Entry), "Label": p.Label, "Reason": describe(p.Err)}
	if p.Label != "" {
		return lang.L("Entry {{.Entry}} ({{.Label}}): {{.Reason}}", data)
	}
	return lang.L("Entry {{.Entry}}: {{.Reason}}", data)
}

func bulletList(items []string) fyne.CanvasObject {
	box := container.NewVBox()
	for _, it := range items {
		box.Add(wrapped("• "+it, fyne.TextStyle{}))
	}
	return box
}

func wrapped(text string, style fyne.TextStyle) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, style)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// say puts a message on the status line of the screen on show.
func (u *ui) say(msg string) {
	on := u.win.Content()
	switch {
	case u.imp != nil && on == u.imp.root:
		u.imp.status.SetText(msg)
	case u.add != nil:
		u.add.status.SetText(msg)
	case u.settings != nil && on == u.settings.root:
		u.settings.status.SetText(msg)
	case u.codes != nil:
		u.codes.status.SetText(msg)
	case msg != "":
		dialog.ShowInformation(lang.L("DeskAuth"), msg, u.win)
	}
}

// Export formats, as the export screen lists them.
const (
	exportDeskAuth = iota
	exportAegis
	exportOTPAuth
	exportQR
	exportGoogleQR
	exportAegisPlain
)

// showExport offers every way out: an encrypted backup, Aegis JSON for a
// phone, plain otpauth links, and QR codes to scan with a phone.
func (u *ui) showExport() {
	if u.vault == nil {
		return
	}
	opts := []string{
		lang.L("Encrypted DeskAuth backup (recommended)"),
		lang.L("Aegis file, encrypted (phones can import it)"),
		lang.L("otpauth:// links as plain text"),
		lang.L("QR codes on screen, one per account"),
		lang.L("Google Authenticator QR codes (up to 10 accounts each)"),
		lang.L("Aegis file, not encrypted"),
	}
	choice := widget.NewRadioGroup(opts, nil)
	choice.Required = true
	choice.SetSelected(opts[0])
	d := dialog.NewCustomConfirm(lang.L("Export"), lang.L("Next"), lang.L("Cancel"), choice, func(ok bool) {
		if !ok {
			return
		}
		for i, o := range opts {
			if o == choice.Selected {
				u.export(i)
			}
		}
	}, u.win)
	d.Show()
	u.dialogs.exportChoice, u.dialogs.export = choice, d
}

func (u *ui) export(kind int) {
	if len(u.accounts()) == 0 {
		u.say(lang.L("There are no accounts to export."))
		return
	}
	switch kind {
	case exportDeskAuth, exportAegis:
		u.exportEncrypted(kind)
	case exportOTPAuth, exportAegisPlain:
		dialog.ShowConfirm(lang.L("Export as plain text?"),
			lang.L("The file holds every secret key in the clear: anyone who reads it can make your codes. Delete it once it is imported."),
			func(ok bool) {
				if !ok {
					return
				}
				accts, err := u.snapshot()
				if err != nil {
					u.say(describe(err))
					return
				}
				defer vault.Wipe(accts)
				if kind == exportOTPAuth {
					u.saveExport("otpauth.txt", transfer.ExportOTPAuth(accts))
					return
				}
				data, err := transfer.ExportAegis(accts, nil)
				if err != nil {
					u.say(describe(err))
					return
				}
				u.saveExport("aegis-export-plain.json", data)
			}, u.win)
	case exportQR, exportGoogleQR:
		u.exportQR(kind)
	}
}

// exportQR draws the accounts as QR codes off the UI thread (each is
// encoded and compressed as a PNG) and shows them.
func (u *ui) exportQR(kind int) {
	accts, err := u.snapshot()
	if err != nil {
		u.say(describe(err))
		return
	}
	v := u.vault
	u.say(lang.L("Drawing the QR codes…"))
	u.offUI(func() func() {
		defer vault.Wipe(accts)
		var imgs []transfer.Image
		var probs []transfer.Problem
		var err error
		if kind == exportQR {
			imgs, err = transfer.ExportQR(accts)
		} else {
			imgs, probs, err = transfer.ExportMigrationQR(accts)
		}
		return func() {
			switch {
			case u.vault != v: // locked meanwhile: the secrets stay off the screen
			case err != nil:
				u.say(describe(err))
			default:
				u.say("")
				u.showQRCodes(imgs, probs)
			}
		}
	})
}

// exportEncrypted asks for the export's own password (twice), encrypts in
// the background and asks where to save the file.
func (u *ui) exportEncrypted(kind int) {
	pw := widget.NewPasswordEntry()
	pw.SetPlaceHolder(lang.L("Password for the file"))
	again := widget.NewPasswordEntry()
	again.SetPlaceHolder(lang.L("Password again"))
	problem := widget.NewLabel("")
	problem.Importance = widget.DangerImportance
	problem.Wrapping = fyne.TextWrapWord
	note := wrapped(lang.L("The file gets a password of its own. Keep it somewhere other than this computer."), fyne.TextStyle{})
	content := container.NewVBox(note, pw, again, problem)
	var d *dialog.CustomDialog
	start := func() {
		switch {
		case pw.Text == "":
			problem.SetText(lang.L("Type a password."))
			return
		case pw.Text != again.Text:
			problem.SetText(lang.L("The two passwords differ."))
			return
		case u.busy():
			// The dialog stays, with what was typed, for another press.
			problem.SetText(describe(errBusy))
			return
		}
		password := []byte(pw.Text)
		pw.SetText("")
		again.SetText("")
		d.Hide()
		u.say(lang.L("Encrypting…"))
		// Copies of the secrets: the vault wipes its own on lock, which may
		// come while this runs.
		accts, err := u.snapshot()
		if err != nil {
			clear(password)
			u.say(describe(err))
			return
		}
		settings := u.vault.Settings // the backup replaces a lost vault as is
		u.offUI(func() func() {
			defer vault.Wipe(accts)
			var data []byte
			var err error
			name := "deskauth-backup.vault"
			if kind == exportAegis {
				name = "aegis-export.json"
				data, err = transfer.ExportAegis(accts, password)
			} else {
				data, err = transfer.ExportDeskAuth(accts, settings, password)
			}
			clear(password)
			debug.FreeOSMemory()
			return func() {
				if err != nil {
					u.say(describe(err))
					return
				}
				u.say("")
				u.saveExport(name, data)
			}
		})
	}
	pw.OnSubmitted = func(string) { u.win.Canvas().Focus(again) }
	again.OnSubmitted = func(string) { start() }
	save := widget.NewButton(lang.L("Save…"), start)
	save.Importance = widget.HighImportance
	cancel := widget.NewButton(lang.L("Cancel"), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(lang.L("Encrypted export"), container.NewVBox(content, container.NewGridWithColumns(2, cancel, save)), u.win)
	d.Resize(fyne.NewSize(380, 300))
	d.Show()
	u.win.Canvas().Focus(pw)
	u.dialogs.exportPassword, u.dialogs.exportAgain, u.dialogs.exportSave = pw, again, save
}

// saveExport asks where to write data and writes it in the background.
// data (for a plain export, every secret in the clear) is wiped once
// written, or at once when the admin cancels.
func (u *ui) saveExport(name string, data []byte) {
	u.chooseSave(lang.L("Save the export"), name, func(uri fyne.URI) {
		if uri == nil {
			clear(data)
			return
		}
		u.offUI(func() func() {
			err := writeURI(uri, data)
			clear(data)
			return func() {
				if err != nil {
					u.say(describe(err))
					return
				}
				u.say(lang.L("Exported to {{.File}}", map[string]any{"File": uri.Path()}))
			}
		})
	})
}

// qrScreen shows exported QR codes one at a time, for a phone to scan.
type qrScreen struct {
	imgs  []transfer.Image
	at    int
	image *canvas.Image
	label *widget.Label
	prev  *widget.Button
	next  *widget.Button
}

func (u *ui) showQRCodes(imgs []transfer.Image, probs []transfer.Problem) {
	s := &qrScreen{imgs: imgs}
	s.image = canvas.NewImageFromResource(nil)
	s.image.FillMode = canvas.ImageFillContain
	s.image.ScaleMode = canvas.ImageScalePixels
	s.image.SetMinSize(fyne.NewSize(280, 280))
	s.label = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	s.label.Wrapping = fyne.TextWrapWord
	s.prev = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { u.qrStep(s, -1) })
	s.next = widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { u.qrStep(s, 1) })
	warn := wrapped(lang.L("Anyone who sees these codes can make your one-time codes. Show them only to your phone."), fyne.TextStyle{})
	warn.Importance = widget.WarningImportance
	var notes []string
	for _, p := range probs {
		notes = append(notes, describeProblem(p))
	}
	left := wrapped(strings.Join(notes, "\n"), fyne.TextStyle{})
	if len(notes) == 0 {
		left.Hide()
	}
	done := widget.NewButtonWithIcon(lang.L("Done"), theme.ConfirmIcon(), func() { u.qr = nil; u.showCodes() })
	u.codes, u.add, u.qr = nil, nil, s
	u.show(container.NewPadded(container.NewBorder(
		container.NewVBox(warn, s.label),
		container.NewVBox(left, container.NewGridWithColumns(3, s.prev, s.next, done)),
		nil, nil, s.image)))
	u.qrStep(s, 0)
}

func (u *ui) qrStep(s *qrScreen, delta int) {
	s.at = min(max(s.at+delta, 0), len(s.imgs)-1)
	img := s.imgs[s.at]
	s.image.Resource = fyne.NewStaticResource(img.Name+".png", img.PNG)
	s.image.Refresh()
	s.label.SetText(lang.L("{{.Index}} of {{.Count}}: {{.Name}}", map[string]any{
		"Index": fmt.Sprint(s.at + 1), "Count": fmt.Sprint(len(s.imgs)), "Name": qrCaption(img)}))
	if s.at == 0 {
		s.prev.Disable()
	} else {
		s.prev.Enable()
	}
	if s.at == len(s.imgs)-1 {
		s.next.Disable()
	} else {
		s.next.Enable()
	}
}

// qrCaption names an exported code by the accounts it holds, never by its
// text (which carries the secret).
func qrCaption(img transfer.Image) string {
	if len(img.Labels) > 0 {
		return strings.Join(img.Labels, ", ")
	}
	return img.Name
}

// dropped imports files dropped on the window.
func (u *ui) dropped(_ fyne.Position, uris []fyne.URI) {
	if u.vault == nil || len(uris) == 0 {
		return
	}
	u.importURI(uris[0])
}

// openDialogs are the widgets of the dialog on show, for tests to drive.
type openDialogs struct {
	importPassword *widget.Entry
	exportChoice   *widget.RadioGroup
	export         *dialog.ConfirmDialog
	exportPassword *widget.Entry
	exportAgain    *widget.Entry
	exportSave     *widget.Button
	aboutVersion   *widget.Label
}
