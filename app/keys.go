package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// keyBinding is one window-wide shortcut.
type keyBinding struct {
	shortcut *desktop.CustomShortcut
	run      func()
}

// keyBindings are the window's shortcuts. They work whatever has the focus:
// the search box and the rows pass them on (shortcut).
func (u *ui) keyBindings() []keyBinding {
	ctrl := fyne.KeyModifierShortcutDefault
	return []keyBinding{
		{&desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: ctrl | fyne.KeyModifierShift}, u.whenUnlocked(u.scanScreen)},
		{&desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: ctrl}, u.whenUnlocked(func() { u.showAdd(nil) })},
		{&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: ctrl}, u.focusSearch},
		{&desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: ctrl}, u.whenUnlocked(u.lockAndAsk)},
		{&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: ctrl}, u.quit},
	}
}

// setUpKeys registers the shortcuts and the keys typed with nothing focused.
func (u *ui) setUpKeys() {
	c := u.win.Canvas()
	for _, b := range u.keyBindings() {
		run := b.run
		c.AddShortcut(b.shortcut, func(fyne.Shortcut) { run() })
	}
	c.SetOnTypedKey(u.typedKey)
}

// shortcut runs the window shortcut s, if it is one, for widgets that have
// the focus and would otherwise swallow it.
func (u *ui) shortcut(s fyne.Shortcut) bool {
	for _, b := range u.keyBindings() {
		if b.shortcut.ShortcutName() == s.ShortcutName() {
			b.run()
			return true
		}
	}
	return false
}

func (u *ui) whenUnlocked(f func()) func() {
	return func() {
		if u.vault != nil {
			f()
		}
	}
}

// focusSearch is Ctrl+F: from the add screen it goes back to the list.
func (u *ui) focusSearch() {
	if u.vault == nil {
		return
	}
	if u.codes == nil || u.add != nil {
		u.showCodes()
	}
	if u.codes.search.Visible() {
		u.win.Canvas().Focus(u.codes.search)
	}
}

// typedKey handles keys typed while no widget has the focus: Enter saves on
// the verify screen, and the arrows enter the list.
func (u *ui) typedKey(e *fyne.KeyEvent) {
	switch e.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		u.submitAdd()
	case fyne.KeyDown, fyne.KeyHome:
		u.focusRow(0)
	case fyne.KeyUp, fyne.KeyEnd:
		if u.codes != nil {
			u.focusRow(len(u.codes.rows) - 1)
		}
	}
}

// submitAdd presses the add screen's save button when it is on show and
// enabled: after a scan, Enter saves what the verify screen shows.
func (u *ui) submitAdd() {
	s := u.add
	if s == nil || s.save == nil || s.save.Disabled() || !s.save.Visible() || !s.preview.Visible() {
		return
	}
	s.save.OnTapped()
}
