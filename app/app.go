// Package app is DeskAuth's desktop user interface, built with Fyne. It holds
// widgets and callbacks only: every decision is a call into vault or capture.
package app

import (
	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// AppID is the application identifier, shared with FyneApp.toml.
const AppID = "io.github.deskauth"

// Run opens the main window on the vault at vaultPath and blocks until the app
// quits.
func Run(vaultPath string) {
	a := fyneapp.NewWithID(AppID)
	w := a.NewWindow("DeskAuth")
	w.SetContent(container.NewVBox(
		widget.NewLabel("DeskAuth"),
		widget.NewLabel("Vault: "+vaultPath),
	))
	w.Resize(fyne.NewSize(420, 560))
	w.ShowAndRun()
}
