package app

import (
	"errors"
	"io/fs"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/deskauth/deskauth/vault"
)

func vaultExists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

// Protection choices, in the order the setup screen lists them.
const (
	protectOS = iota
	protectPassword
	protectBoth
)

// setupScreen creates a new vault.
type setupScreen struct {
	protect  *widget.RadioGroup
	password *widget.Entry
	confirm  *widget.Entry
	create   *widget.Button
	status   *widget.Label
}

func (u *ui) protectionOptions() []string {
	return []string{
		lang.L("This computer's key store (no password to type)"),
		lang.L("A password"),
		lang.L("Both: either one opens the vault"),
	}
}

func (u *ui) showSetup() {
	s := &setupScreen{}
	u.setup = s
	opts := u.protectionOptions()
	s.password = widget.NewPasswordEntry()
	s.password.SetPlaceHolder(lang.L("Password"))
	s.confirm = widget.NewPasswordEntry()
	s.confirm.SetPlaceHolder(lang.L("Password again"))
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.protect = widget.NewRadioGroup(opts, func(choice string) {
		needPw := choice != opts[protectOS]
		for _, e := range []*widget.Entry{s.password, s.confirm} {
			if needPw {
				e.Enable()
			} else {
				e.Disable()
			}
		}
		s.status.SetText("")
		if choice == opts[protectBoth] {
			s.status.SetText(lang.L("With both, the vault is only as strong as the weaker of the two."))
		}
	})
	s.protect.Required = true
	s.protect.SetSelected(opts[protectOS])
	s.create = widget.NewButton(lang.L("Create vault"), func() { u.createVault() })
	s.create.Importance = widget.HighImportance

	intro := widget.NewLabel(lang.L("Your secrets are kept in one encrypted file. Choose what protects it."))
	intro.Wrapping = fyne.TextWrapWord
	path := widget.NewLabel(u.path)
	path.Wrapping = fyne.TextWrapBreak
	path.TextStyle = fyne.TextStyle{Italic: true}
	u.show(container.NewPadded(container.NewVBox(
		widget.NewLabelWithStyle(lang.L("Create your vault"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		intro, path, s.protect, s.password, s.confirm, s.create, s.status,
	)))
}

func (u *ui) createVault() {
	s := u.setup
	opts := u.protectionOptions()
	var p vault.Protection
	if s.protect.Selected != opts[protectOS] {
		if s.password.Text == "" {
			s.status.SetText(lang.L("Type a password."))
			return
		}
		if s.password.Text != s.confirm.Text {
			s.status.SetText(lang.L("The two passwords differ."))
			return
		}
		p.Password = []byte(s.password.Text)
	}
	if s.protect.Selected != opts[protectPassword] {
		store, err := u.deps.store()
		if err != nil {
			s.status.SetText(lang.L("This computer's key store is not available; choose a password instead."))
			return
		}
		p.Store = store
	}
	s.create.Disable()
	s.status.SetText(lang.L("Creating the vault…"))
	v, err := vault.Create(u.path, p)
	s.create.Enable()
	if err != nil {
		s.status.SetText(describe(err))
		return
	}
	s.password.SetText("")
	s.confirm.SetText("")
	u.opened(v)
}

// unlockScreen asks for the vault's password.
type unlockScreen struct {
	password *widget.Entry
	open     *widget.Button
	status   *widget.Label
}

// tryOpen opens the vault, with the OS key store first and then password if
// given. Without a password and without an OS slot it shows the unlock screen.
func (u *ui) tryOpen(password []byte) {
	store, storeErr := u.deps.store()
	unl := vault.Unlocker{Password: func() ([]byte, error) {
		if password == nil {
			return nil, vault.ErrPasswordRequired
		}
		return password, nil
	}}
	if storeErr == nil {
		unl.Store = store
	}
	v, err := vault.Open(u.path, unl)
	switch {
	case err == nil:
		u.opened(v)
	case errors.Is(err, vault.ErrPasswordRequired):
		msg := "" // first asked: the screen itself says what to do
		if u.unlock != nil {
			msg = lang.L("Type the vault's password.")
		}
		u.showUnlock(msg)
	case errors.Is(err, vault.ErrWrongPassword):
		u.showUnlock(lang.L("Wrong password."))
	case errors.Is(err, vault.ErrBackupAvailable):
		u.showUnlock(describe(err))
		u.offerBackup(err)
	default:
		u.showUnlock(describe(err))
	}
}

func (u *ui) showUnlock(message string) {
	s := &unlockScreen{}
	u.unlock = s
	s.password = widget.NewPasswordEntry()
	s.password.SetPlaceHolder(lang.L("Password"))
	s.status = widget.NewLabel(message)
	s.status.Wrapping = fyne.TextWrapWord
	s.open = widget.NewButton(lang.L("Unlock"), func() {
		var pw []byte // nil: try the OS key store alone
		if s.password.Text != "" {
			pw = []byte(s.password.Text)
		}
		s.password.SetText("")
		u.tryOpen(pw)
	})
	s.open.Importance = widget.HighImportance
	s.password.OnSubmitted = func(string) { s.open.OnTapped() }
	u.show(container.NewPadded(container.NewVBox(
		widget.NewLabelWithStyle(lang.L("Unlock your vault"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		s.password, s.open, s.status,
	)))
	u.win.Canvas().Focus(s.password)
}

// offerBackup asks whether to replace a damaged vault with its backup. The
// damaged file is kept beside it; nothing is deleted.
func (u *ui) offerBackup(err error) {
	var be *vault.BackupError
	if !errors.As(err, &be) {
		return
	}
	dialog.ShowConfirm(lang.L("The vault file is damaged"),
		lang.L("An intact backup exists. Restore it? The damaged file is kept beside it."),
		func(ok bool) {
			if !ok {
				return
			}
			if err := vault.RestoreBackup(u.path); err != nil {
				u.unlock.status.SetText(describe(err))
				return
			}
			u.tryOpen(nil)
		}, u.win)
}
