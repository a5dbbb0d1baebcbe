package app

import (
	"time"

	"fyne.io/fyne/v2"
)

// prefs are the window's own settings, kept in Fyne's preferences store
// (per user, outside the vault) because some are needed before the vault is
// unlocked: the language, the theme, whether to start minimised. The vault's
// time source is a vault setting instead (vault.Settings), shared with the
// CLI.
type prefs struct{ p fyne.Preferences }

// Preference keys and defaults.
const (
	prefAutoLock       = "autoLockMinutes"
	prefClipboardClear = "clipboardClearSeconds"
	prefLanguage       = "language" // "" (the system's), "ja" or "en"
	prefTheme          = "theme"    // "" (the system's), "light" or "dark"
	prefStartMinimised = "startMinimised"
	prefHideCodes      = "hideCodesUntilClicked"
	prefCloseNoticed   = "closeQuitsNoticeShown"

	defaultAutoLockMinutes       = 5
	defaultClipboardClearSeconds = 30
)

// AutoLock is how long the app may sit in the background before it locks;
// zero means never.
func (p prefs) AutoLock() time.Duration {
	return time.Duration(p.p.IntWithFallback(prefAutoLock, defaultAutoLockMinutes)) * time.Minute
}

func (p prefs) SetAutoLockMinutes(m int) { p.p.SetInt(prefAutoLock, max(m, 0)) }

// ClipboardClear is how long a copied code stays on the clipboard; zero means
// until something else replaces it.
func (p prefs) ClipboardClear() time.Duration {
	return time.Duration(p.p.IntWithFallback(prefClipboardClear, defaultClipboardClearSeconds)) * time.Second
}

func (p prefs) SetClipboardClearSeconds(s int) { p.p.SetInt(prefClipboardClear, max(s, 0)) }

func (p prefs) Language() string     { return p.p.String(prefLanguage) }
func (p prefs) SetLanguage(l string) { p.p.SetString(prefLanguage, l) }
func (p prefs) Theme() string        { return p.p.String(prefTheme) }
func (p prefs) SetTheme(t string)    { p.p.SetString(prefTheme, t) }

func (p prefs) StartMinimised() bool     { return p.p.Bool(prefStartMinimised) }
func (p prefs) SetStartMinimised(b bool) { p.p.SetBool(prefStartMinimised, b) }
func (p prefs) HideCodes() bool          { return p.p.Bool(prefHideCodes) }
func (p prefs) SetHideCodes(b bool)      { p.p.SetBool(prefHideCodes, b) }

// CloseNoticeShown reports whether the app already said that closing the
// window quits (where there is no tray to minimise to).
func (p prefs) CloseNoticeShown() bool { return p.p.Bool(prefCloseNoticed) }
func (p prefs) SetCloseNoticeShown()   { p.p.SetBool(prefCloseNoticed, true) }
