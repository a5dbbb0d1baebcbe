package app

import (
	"fyne.io/fyne/v2"

	"github.com/deskauth/deskauth/internal/winclip"
)

// writeClipboard marks the code private, so it stays out of clipboard
// history (Win+V) and cloud sync. Should the Win32 calls fail (the clipboard
// held by another program), the clipboard is emptied rather than left with
// an unmarked code, and the caller says so.
func writeClipboard(a fyne.App, text string) error {
	if err := winclip.SetText(text); err != nil {
		fyne.LogError("private clipboard", err)
		winclip.Clear()
		return errClipboardBusy
	}
	return nil
}

func clearClipboard(a fyne.App) {
	if err := winclip.Clear(); err != nil {
		a.Clipboard().SetContent("")
	}
}
