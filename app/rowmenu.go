package app

import (
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/deskauth/deskauth/vault"
)

// rowMenu is what the ⋮ button and a right-click offer for one account.
func (u *ui) rowMenu(i int) *fyne.Menu {
	last := len(u.accounts()) - 1
	up := fyne.NewMenuItemWithIcon(lang.L("Move up"), theme.MoveUpIcon(), func() { u.move(i, -1) })
	up.Disabled = i == 0
	down := fyne.NewMenuItemWithIcon(lang.L("Move down"), theme.MoveDownIcon(), func() { u.move(i, 1) })
	down.Disabled = i == last
	return fyne.NewMenu("",
		fyne.NewMenuItemWithIcon(lang.L("Copy code"), theme.ContentCopyIcon(), func() { u.copyCode(i) }),
		fyne.NewMenuItemWithIcon(lang.L("Rename…"), theme.DocumentCreateIcon(), func() { u.askRename(i) }),
		up, down,
		fyne.NewMenuItemWithIcon(lang.L("Show QR code…"), theme.VisibilityIcon(), func() { u.showQR(i) }),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItemWithIcon(lang.L("Delete…"), theme.DeleteIcon(), func() { u.askRemove(i) }),
	)
}

// showRowMenu opens the row's menu at the mouse (right-click) or under its
// ⋮ button.
func (u *ui) showRowMenu(r *codeRow, e *fyne.PointEvent) {
	if u.vault == nil {
		return
	}
	var pos fyne.Position
	if e != nil {
		pos = e.AbsolutePosition
	} else {
		drv := fyne.CurrentApp().Driver()
		pos = drv.AbsolutePositionForObject(r.menu).AddXY(0, r.menu.Size().Height)
	}
	widget.ShowPopUpMenuAtPosition(u.rowMenu(r.index), u.win.Canvas(), pos)
}

// move moves account i up or down and keeps the keyboard on it. The list
// changes once the new order is saved.
func (u *ui) move(i, delta int) {
	err := u.withVault(func(v *vault.Vault) func() {
		err := v.Move(i, delta)
		return func() {
			if err != nil {
				u.say(describe(err))
				return
			}
			u.say("")
			if u.codes == nil {
				return
			}
			u.filter()
			j := min(max(i+delta, 0), len(u.vault.Accounts())-1)
			for n, r := range u.codes.rows {
				if r.index == j {
					u.focusRow(n)
				}
			}
		}
	})
	if err != nil {
		u.say(describe(err))
		return
	}
	if u.busy() {
		u.say(lang.L("Saving…"))
	}
}

// renameDialog is the open rename dialog; tests fill and submit it.
type renameDialog struct {
	dialog  *dialog.CustomDialog
	issuer  *widget.Entry
	name    *widget.Entry
	save    *widget.Button
	problem *widget.Label
}

// askRename asks for account i's new issuer and name. A refused name (a
// duplicate, an empty one) is said in the dialog, which stays open.
func (u *ui) askRename(i int) {
	if u.vault == nil || i < 0 || i >= len(u.accounts()) {
		return
	}
	a := u.accounts()[i]
	d := &renameDialog{issuer: widget.NewEntry(), name: widget.NewEntry(), problem: widget.NewLabel("")}
	d.issuer.SetText(a.Issuer)
	d.name.SetText(a.Name)
	d.problem.Wrapping = fyne.TextWrapWord
	d.problem.Importance = widget.DangerImportance
	d.problem.Hide()
	cancel := widget.NewButton(lang.L("Cancel"), func() { d.dialog.Hide(); u.renaming = nil })
	d.save = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), func() { u.rename(d, i) })
	d.save.Importance = widget.HighImportance
	d.issuer.OnSubmitted = func(string) { u.win.Canvas().Focus(d.name) }
	d.name.OnSubmitted = func(string) { d.save.OnTapped() }
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Service"), d.issuer),
		widget.NewFormItem(lang.L("Account"), d.name),
	)
	content := container.NewVBox(form, d.problem)
	d.dialog = dialog.NewCustomWithoutButtons(lang.L("Rename"), content, u.win)
	d.dialog.SetButtons([]fyne.CanvasObject{cancel, d.save})
	d.dialog.Resize(fyne.NewSize(min(u.win.Canvas().Size().Width-2*theme.Padding(), 380), 0))
	u.renaming = d
	d.dialog.Show()
	u.win.Canvas().Focus(d.issuer)
}

// rename saves the names typed in the rename dialog, off the UI thread. The
// dialog stays open, its Save button off, until the save is done: then the
// row shows the new name, or the dialog says why the old one stays.
func (u *ui) rename(d *renameDialog, i int) {
	if d.save.Disabled() {
		return // Enter while saving
	}
	issuer, name := d.issuer.Text, d.name.Text
	failed := func(err error) {
		d.save.Enable()
		d.problem.SetText(describe(err))
		d.problem.Show()
	}
	err := u.withVault(func(v *vault.Vault) func() {
		err := v.Rename(i, issuer, name)
		var label string
		if err == nil {
			label = v.Accounts()[i].Label()
		}
		return func() {
			open := u.renaming == d // else it was cancelled meanwhile
			switch {
			case err != nil && open:
				failed(err)
				return
			case err != nil:
				u.say(describe(err))
				return
			case open:
				d.dialog.Hide()
				u.renaming = nil
			}
			if u.codes != nil {
				u.filter()
			}
			u.say(lang.L("Renamed to {{.Account}}", map[string]any{"Account": label}))
		}
	})
	if err != nil {
		failed(err)
		return
	}
	if u.busy() {
		d.save.Disable()
		d.problem.SetText(lang.L("Saving…"))
		d.problem.Show()
	}
}

// askRemove deletes account i once the admin confirms.
func (u *ui) askRemove(i int) {
	if u.vault == nil || i < 0 || i >= len(u.accounts()) {
		return
	}
	label := u.accounts()[i].Label()
	d := dialog.NewConfirm(lang.L("Delete this account?"),
		lang.L("{{.Account}} will be removed from the vault. Turn off two-step sign-in in its console first, or keep another way in.", map[string]any{"Account": label}),
		func(ok bool) {
			u.removing = nil
			if ok {
				u.remove(i, label)
			}
		}, u.win)
	d.SetConfirmText(lang.L("Delete"))
	d.SetDismissText(lang.L("Cancel"))
	d.SetConfirmImportance(widget.DangerImportance)
	u.removing = d
	d.Show()
}

// remove deletes account i (labelled label) off the UI thread; the row
// goes once the removal is saved, and stays, with the reason said, if the
// save fails.
func (u *ui) remove(i int, label string) {
	err := u.withVault(func(v *vault.Vault) func() {
		err := v.Remove(i)
		return func() {
			if err != nil {
				u.say(describe(err))
				return
			}
			if u.codes != nil {
				u.filter()
			}
			u.say(lang.L("Deleted {{.Account}}", map[string]any{"Account": label}))
		}
	})
	if err != nil {
		u.say(describe(err))
		return
	}
	if u.busy() {
		u.say(lang.L("Saving…"))
	}
}

// showQR shows account i as a QR code, to move it to a phone. The code holds
// the secret, and the dialog says so.
func (u *ui) showQR(i int) {
	// u.accounts, not the vault's: a save may hold the vault meanwhile.
	if u.vault == nil || i < 0 || i >= len(u.accounts()) {
		return
	}
	a := u.accounts()[i]
	uri, label, v := a.URI(), a.Label(), u.vault
	u.offUI(func() func() {
		img, err := qrImage(uri)
		return func() {
			if u.vault != v {
				return // locked meanwhile: the secret stays off the screen
			}
			if err != nil {
				u.say(lang.L("Could not draw the QR code."))
				return
			}
			u.showQRImage(label, img)
		}
	})
}

// showQRImage shows the QR code of the account labelled label.
func (u *ui) showQRImage(label string, img image.Image) {
	pic := canvas.NewImageFromImage(img)
	pic.FillMode = canvas.ImageFillContain
	pic.ScaleMode = canvas.ImageScalePixels
	pic.SetMinSize(fyne.NewSquareSize(220))
	warn := widget.NewLabel(lang.L("This QR code holds the account's secret: anyone who sees it can make its codes. Scan it with your phone, then close it."))
	warn.Wrapping = fyne.TextWrapWord
	warn.Importance = widget.WarningImportance
	title := widget.NewLabelWithStyle(label, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(lang.L("QR code for a phone"), lang.L("Close"), container.NewVBox(title, pic, warn), u.win)
	d.Resize(fyne.NewSize(min(u.win.Canvas().Size().Width-2*theme.Padding(), 360), 0))
	u.showingQR = d
	d.Show()
}

// qrImage draws text as a QR code, black on white with a quiet zone.
func qrImage(text string) (image.Image, error) {
	m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0,
		map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_MARGIN: 4})
	if err != nil {
		return nil, err
	}
	w, h := m.GetWidth(), m.GetHeight()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.Gray{Y: 0xFF}
			if m.Get(x, y) {
				c.Y = 0
			}
			img.SetGray(x, y, c)
		}
	}
	return img, nil
}
