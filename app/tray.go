package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
)

// The tray menu copies any account's code without opening the window, and
// holds Show, Lock and Quit. Fyne adds an English "Quit" to a tray menu that
// has none, so the menu carries its own, translated, marked IsQuit.

// setUpTray puts DeskAuth in the system tray when the desktop has a tray
// host, and reports whether it did.
func (u *ui) setUpTray() bool {
	desk, ok := u.app.(desktop.App)
	if !ok || u.deps.trayHost == nil || !u.deps.trayHost() {
		return false
	}
	u.tray = desk
	desk.SetSystemTrayIcon(Icon)
	desk.SetSystemTrayMenu(u.trayMenu())
	u.trayKey = "locked"
	return true
}

// trayChanged rebuilds the tray menu after the accounts or the lock state
// changed.
func (u *ui) trayChanged() {
	if u.tray == nil {
		return
	}
	// Searching rebuilds the list many times; the tray only cares about
	// the accounts' labels and the lock.
	key := "locked"
	if u.vault != nil {
		key = strings.Join(labels(u.accounts()), "\n")
	}
	if key == u.trayKey {
		return
	}
	u.trayKey = key
	u.tray.SetSystemTrayMenu(u.trayMenu())
}

func (u *ui) trayMenu() *fyne.Menu {
	var items []*fyne.MenuItem
	if u.vault != nil {
		for i, a := range u.accounts() {
			items = append(items, fyne.NewMenuItem(
				// A native menu never wraps: no line-break hints.
				strings.ReplaceAll(lang.L("Copy code: {{.Account}}", map[string]any{"Account": a.Label()}), "\u200a", ""),
				func() { u.copyCode(i) }))
		}
		if len(items) > 0 {
			items = append(items, fyne.NewMenuItemSeparator())
		}
	}
	lock := fyne.NewMenuItem(lang.L("Lock"), u.whenUnlocked(u.lockAndAsk))
	lock.Disabled = u.vault == nil
	quit := fyne.NewMenuItem(lang.L("Quit"), u.quit)
	quit.IsQuit = true
	items = append(items, fyne.NewMenuItem(lang.L("Show DeskAuth"), u.showWindow), lock, quit)
	return fyne.NewMenu(lang.L("DeskAuth"), items...)
}

func (u *ui) showWindow() {
	u.win.Show()
	u.win.RequestFocus()
}

// closeWindow is the window's close button: to the tray when there is one.
// Without a tray, closing quits, and the first time the app says so.
func (u *ui) closeWindow() {
	if u.tray != nil {
		u.win.Hide()
		return
	}
	if u.prefs.CloseNoticeShown() {
		u.quit()
		return
	}
	d := dialog.NewConfirm(lang.L("Quit DeskAuth?"),
		lang.L("This desktop has no system tray, so closing the window quits DeskAuth. Codes copied to the clipboard are cleared."),
		func(ok bool) {
			u.closeNotice = nil
			u.prefs.SetCloseNoticeShown()
			if ok {
				u.quit()
			}
		}, u.win)
	d.SetConfirmText(lang.L("Quit"))
	d.SetDismissText(lang.L("Cancel"))
	u.closeNotice = d
	d.Show()
}

// quit locks (which clears a code we left on the clipboard) and ends the app,
// once a save still running has ended.
func (u *ui) quit() {
	u.win.Hide()
	u.lock()
	u.waitClosed()
	u.app.Quit()
}
