package app

import (
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/deskauth/deskauth/internal/version"
)

// showAbout shows the version, the licence and where the vault is.
func (u *ui) showAbout() {
	icon := canvas.NewImageFromResource(Icon)
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSize(64, 64))
	name := widget.NewLabelWithStyle("DeskAuth", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	u.dialogs.aboutVersion = widget.NewLabelWithStyle(lang.L("Version {{.Version}}", map[string]any{"Version": version.String()}),
		fyne.TextAlignCenter, fyne.TextStyle{})
	what := widget.NewLabelWithStyle(lang.L("One-time codes for the consoles you administer, kept in an encrypted file on this computer."),
		fyne.TextAlignCenter, fyne.TextStyle{})
	what.Wrapping = fyne.TextWrapWord
	vaultPath := widget.NewLabelWithStyle(lang.L("Vault: {{.Path}}", map[string]any{"Path": u.path}), fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	vaultPath.Wrapping = fyne.TextWrapBreak
	licence := widget.NewLabelWithStyle(lang.L("Licensed under the Apache License 2.0. Built with Go {{.Go}} and Fyne.",
		map[string]any{"Go": strings.TrimPrefix(runtime.Version(), "go")}), fyne.TextAlignCenter, fyne.TextStyle{})
	licence.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(lang.L("About DeskAuth"), lang.L("Close"),
		container.NewVBox(icon, name, u.dialogs.aboutVersion, what, vaultPath, licence), u.win)
	d.Resize(fyne.NewSize(380, 360))
	d.Show()
}
