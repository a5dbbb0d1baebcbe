package app

import (
	"time"

	"fyne.io/fyne/v2"
)

// A copied code leaves the clipboard after prefs.ClipboardClear, on lock and
// on quit, but only while the clipboard still holds that code: whatever the
// admin copied since is theirs and stays.

// copySecret puts code on the clipboard (kept out of Windows clipboard
// history and cloud sync, see clipboard_windows.go) and starts its clear
// timer.
func (u *ui) copySecret(code string) error {
	u.stopClipboardTimer()
	if err := writeClipboard(u.app, code); err != nil {
		return err
	}
	u.clipHeld = code
	if after := u.prefs.ClipboardClear(); after > 0 {
		u.clipTimer = u.after(after, func() { fyne.Do(u.clearClipboard) })
	}
	return nil
}

// clearClipboard empties the clipboard if it still holds our code.
func (u *ui) clearClipboard() {
	u.stopClipboardTimer()
	if u.clipHeld == "" {
		return
	}
	if u.app.Clipboard().Content() == u.clipHeld {
		clearClipboard(u.app)
	}
	u.clipHeld = ""
}

func (u *ui) stopClipboardTimer() {
	if u.clipTimer != nil {
		u.clipTimer()
		u.clipTimer = nil
	}
}

// after runs f once d has passed, on the deps' clock, and returns a function
// that cancels it.
func (u *ui) after(d time.Duration, f func()) (cancel func()) {
	if u.deps.after != nil {
		return u.deps.after(d, f)
	}
	t := time.AfterFunc(d, f)
	return func() { t.Stop() }
}
