// Package filedialog shows the operating system's own file dialog, in the
// system's language: comdlg32's GetOpenFileNameW and GetSaveFileNameW on
// Windows, AppleScript's choose file on macOS, and on Linux the desktop
// portal's FileChooser, then zenity or kdialog. It does not import Fyne.
//
// Open and Save block until the user answers, so call them off the UI
// thread. They return the chosen path, "" when the user cancelled, or an
// error wrapping errors.ErrUnsupported where no system dialog exists (the
// caller then shows its own).
package filedialog
