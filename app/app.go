// Package app is DeskAuth's desktop user interface, built with Fyne. It holds
// widgets and callbacks only: every decision is a call into vault or capture.
package app

import (
	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/deskauth/deskauth/assets"
)

// AppID is the application identifier, shared with FyneApp.toml.
const AppID = "io.github.deskauth"

// Icon is the application icon as a Fyne resource.
var Icon = fyne.NewStaticResource("icon.png", assets.Icon)

// ui is the main window's state; its widgets are fields so tests can drive
// and inspect them.
type ui struct {
	win       fyne.Window
	vaultPath *widget.Label
	notice    *widget.Label
}

// Run opens the main window on the vault at vaultPath and blocks until the app
// quits.
func Run(vaultPath string) {
	a := fyneapp.NewWithID(AppID)
	a.SetIcon(Icon)
	newUI(a, vaultPath).win.ShowAndRun()
}

// newUI builds the main window. The translations are loaded here rather than
// in init so tests can choose the language first.
func newUI(a fyne.App, vaultPath string) *ui {
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		fyne.LogError("loading translations", err)
	}
	u := &ui{win: a.NewWindow(lang.L("DeskAuth"))}
	u.vaultPath = widget.NewLabel(lang.L("Vault: {{.Path}}", map[string]any{"Path": vaultPath}))
	u.vaultPath.Wrapping = fyne.TextWrapBreak
	u.notice = widget.NewLabel(lang.L("The full desktop window is on its way. Meanwhile deskauth-cli reads the same vault."))
	u.notice.Wrapping = fyne.TextWrapWord
	title := widget.NewLabelWithStyle(lang.L("DeskAuth"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	u.win.SetContent(container.NewVBox(title, u.vaultPath, u.notice))
	u.win.Resize(fyne.NewSize(420, 560))
	return u
}
