//go:build !windows

package app

import "fyne.io/fyne/v2"

// writeClipboard uses the toolkit's clipboard: only Windows has history and
// cloud sync flags to set.
func writeClipboard(a fyne.App, text string) error {
	a.Clipboard().SetContent(text)
	return nil
}

func clearClipboard(a fyne.App) { a.Clipboard().SetContent("") }
