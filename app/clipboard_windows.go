package app

import (
	"fyne.io/fyne/v2"

	"github.com/deskauth/deskauth/internal/winclip"
)

// writeClipboard marks the code private, so it stays out of clipboard
// history (Win+V) and cloud sync. Should the Win32 calls fail (the clipboard
// held by another program), the toolkit's clipboard still gets the code.
func writeClipboard(a fyne.App, text string) {
	if err := winclip.SetText(text); err != nil {
		fyne.LogError("private clipboard", err)
		a.Clipboard().SetContent(text)
	}
}

func clearClipboard(a fyne.App) {
	if err := winclip.Clear(); err != nil {
		a.Clipboard().SetContent("")
	}
}
