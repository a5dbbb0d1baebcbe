package app

import (
	"errors"
	"io/fs"
	"os"
	"runtime/debug"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/deskauth/deskauth/vault"
	"github.com/deskauth/deskauth/vault/keystore"
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
	// storeNote says that no OS key store works here, once the probe has
	// found so; noStore is that finding.
	storeNote *widget.Label
	noStore   bool
	help      *widget.Label // what the chosen protection means
}

func (u *ui) protectionOptions() []string {
	return []string{
		lang.L("This computer's key store"),
		lang.L("A password"),
		lang.L("Both"),
	}
}

// protectionHelp says what a choice means; the choices themselves stay
// short so they fit a narrow window.
func protectionHelp(choice int) string {
	switch choice {
	case protectPassword:
		return lang.L("You type the password each time you unlock the vault.")
	case protectBoth:
		return lang.L("Either one opens the vault, so it is only as strong as the weaker of the two.")
	}
	return lang.L("No password to type: the vault opens for you on this computer only.")
}

// protectionChoice is the index in protectionOptions of a radio's choice.
func (u *ui) protectionChoice(selected string) int {
	for i, o := range u.protectionOptions() {
		if o == selected {
			return i
		}
	}
	return protectOS
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
	s.storeNote = widget.NewLabel("")
	s.storeNote.Wrapping = fyne.TextWrapWord
	s.storeNote.Importance = widget.WarningImportance
	s.storeNote.Hide()
	s.help = widget.NewLabel("")
	s.help.Wrapping = fyne.TextWrapWord
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
		s.help.SetText(protectionHelp(u.protectionChoice(choice)))
		if choice != opts[protectPassword] && s.noStore {
			s.status.SetText(lang.L("This computer's key store is not available; choose a password instead."))
		}
	})
	s.protect.Required = true
	s.protect.SetSelected(opts[protectOS])
	s.create = widget.NewButton(lang.L("Create vault"), func() { u.createVault() })
	s.create.Importance = widget.HighImportance
	// Enter in either field creates the vault, and the mismatch message goes
	// as soon as the two fields agree.
	s.password.OnSubmitted = func(string) { u.createVault() }
	s.confirm.OnSubmitted = func(string) { u.createVault() }
	matched := func(string) {
		if s.status.Text == lang.L("The two passwords differ.") && s.password.Text == s.confirm.Text {
			s.status.SetText("")
		}
	}
	s.password.OnChanged, s.confirm.OnChanged = matched, matched

	intro := widget.NewLabel(lang.L("Your secrets are kept in one encrypted file. Choose what protects it."))
	intro.Wrapping = fyne.TextWrapWord
	path := widget.NewLabel(u.path)
	path.Wrapping = fyne.TextWrapBreak
	path.TextStyle = fyne.TextStyle{Italic: true}
	u.show(container.NewPadded(container.NewVScroll(container.NewVBox(
		widget.NewLabelWithStyle(lang.L("Create your vault"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		intro, path, s.storeNote, s.protect, s.help, s.password, s.confirm, s.create, s.status,
	))))
	u.probeKeyStore(s)
}

// probeKeyStore finds out, in the background, whether this computer's key
// store works. Where it does not, password protection is chosen with a short
// explanation, instead of the key store failing once Create is pressed.
func (u *ui) probeKeyStore(s *setupScreen) {
	u.offUI(func() func() {
		store, err := u.deps.store()
		if err == nil {
			err = keystore.Probe(store)
		}
		return func() {
			if u.setup != s || err == nil {
				return
			}
			s.noStore = true
			s.storeNote.SetText(lang.L("This computer has no key store DeskAuth can use, so a password protects the vault."))
			s.storeNote.Show()
			s.protect.SetSelected(u.protectionOptions()[protectPassword])
		}
	})
}

func (u *ui) createVault() {
	s := u.setup
	if s == nil || s.create.Disabled() {
		return
	}
	choice := u.protectionChoice(s.protect.Selected)
	var password []byte
	if choice != protectOS {
		if s.password.Text == "" {
			s.status.SetText(lang.L("Type a password."))
			return
		}
		if s.password.Text != s.confirm.Text {
			s.status.SetText(lang.L("The two passwords differ."))
			return
		}
		password = []byte(s.password.Text)
	}
	s.create.Disable()
	s.protect.Disable()
	s.status.SetText(lang.L("Creating the vault…"))
	u.offUI(func() func() {
		var v *vault.Vault
		p := vault.Protection{Password: password, Argon2: u.deps.argon2}
		var err error
		if choice != protectPassword {
			p.Store, err = u.deps.store()
		}
		if err == nil {
			v, err = vault.Create(u.path, p)
		}
		clear(password)
		// Argon2id took 64 MiB; give it back to the OS now rather than
		// keep it for the life of the window.
		debug.FreeOSMemory()
		return func() {
			if u.setup != s {
				if v != nil {
					v.Close()
				}
				return
			}
			s.create.Enable()
			s.protect.Enable()
			if err != nil {
				if errors.Is(err, keystore.ErrUnavailable) {
					s.status.SetText(lang.L("This computer's key store is not available; choose a password instead."))
				} else {
					s.status.SetText(describe(err))
				}
				return
			}
			s.password.SetText("")
			s.confirm.SetText("")
			u.opened(v)
			if choice == protectOS {
				u.offerRecoveryBackup()
			}
		}
	})
}

// offerRecoveryBackup says, right after an OS-only vault is made, that it
// opens only on this computer, and offers an encrypted backup under a
// password of its own: the way back after a reinstall or a new PC.
func (u *ui) offerRecoveryBackup() {
	msg := widget.NewLabel(lang.L("This vault opens only on this computer, for this user. If Windows is reinstalled or the PC replaced, the accounts are lost unless you keep an encrypted backup under a password of its own. Make one now, and again after adding accounts (Settings, Export)."))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(lang.L("Keep a recovery backup"), lang.L("Save a backup…"), lang.L("Later"),
		msg, func(ok bool) {
			if ok {
				u.exportEncrypted(exportDeskAuth)
			}
		}, u.win)
	d.Resize(fyne.NewSize(400, 300))
	d.Show()
}

// unlockScreen asks for exactly what opens the vault: a button for the OS key
// store, a password field for the password slot, or both.
type unlockScreen struct {
	password *widget.Entry // hidden when the vault has no password slot
	open     *widget.Button
	status   *widget.Label

	hasPassword, hasOS bool
}

// tryOpen starts the window on an existing vault: one the OS key store opens
// goes straight to the codes, any other shows the unlock screen. It reads
// which slots the file has first (vault.Slots), without unlocking it.
func (u *ui) tryOpen() {
	u.show(container.NewCenter(widget.NewLabel(lang.L("Unlocking…"))))
	u.offUI(func() func() {
		pw, osSlot, err := vault.Slots(u.path)
		return func() {
			switch {
			case err != nil:
				// Open says precisely what is wrong (and whether a backup
				// is intact); the screen then offers what it can.
				u.showUnlockFor(true, true, "")
				u.openWith("", false)
			case osSlot:
				u.showUnlockFor(pw, osSlot, "")
				u.openWith("", false)
			default:
				u.showUnlockFor(pw, osSlot, "")
			}
		}
	})
}

// showUnlock shows the unlock screen for the vault's slots with a message.
func (u *ui) showUnlock(message string) {
	u.show(container.NewCenter(widget.NewLabel(lang.L("Locked"))))
	u.offUI(func() func() {
		pw, osSlot, err := vault.Slots(u.path)
		if err != nil {
			pw, osSlot = true, true
		}
		return func() {
			if u.vault == nil {
				u.showUnlockFor(pw, osSlot, message)
			}
		}
	})
}

func (u *ui) showUnlockFor(hasPassword, hasOS bool, message string) {
	s := &unlockScreen{hasPassword: hasPassword, hasOS: hasOS}
	u.unlock = s
	s.password = widget.NewPasswordEntry()
	s.password.SetPlaceHolder(lang.L("Password"))
	s.status = widget.NewLabel(message)
	s.status.Wrapping = fyne.TextWrapWord
	s.open = widget.NewButton(lang.L("Unlock"), func() { u.unlockPressed() })
	s.open.Importance = widget.HighImportance
	s.password.OnSubmitted = func(string) { u.unlockPressed() }
	var intro string
	switch {
	case hasPassword && hasOS:
		intro = lang.L("Unlock with this computer's key store, or type the password. A typed password is checked.")
		// The button says what it will use: the key store while the field
		// is empty, the password once something is typed.
		s.open.SetText(lang.L("Unlock with this computer"))
		s.password.OnChanged = func(text string) {
			if text == "" {
				s.open.SetText(lang.L("Unlock with this computer"))
			} else {
				s.open.SetText(lang.L("Unlock with the password"))
			}
		}
	case hasOS:
		intro = lang.L("This vault is protected by this computer's key store.")
		s.password.Hide()
	default:
		intro = lang.L("Type the vault's password.")
	}
	introLabel := widget.NewLabel(intro)
	introLabel.Wrapping = fyne.TextWrapWord
	u.show(container.NewPadded(container.NewVBox(
		widget.NewLabelWithStyle(lang.L("Unlock your vault"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		introLabel, s.password, s.open, s.status,
	)))
	if hasPassword {
		u.win.Canvas().Focus(s.password)
	}
}

// unlockPressed opens the vault with what the screen holds: a typed password
// must open it by itself (Unlocker.PasswordOnly), so a mistyped one fails
// even where the key store could have opened the vault; an empty field uses
// the key store.
func (u *ui) unlockPressed() {
	s := u.unlock
	if s == nil || s.open.Disabled() {
		return
	}
	typed := s.password.Text
	s.password.SetText("")
	switch {
	case s.hasPassword && typed != "":
		u.openWith(typed, true)
	case s.hasOS:
		u.openWith("", false)
	default:
		s.status.SetText(lang.L("Type the vault's password."))
	}
}

// openWith opens the vault in the background, with the password alone when
// passwordOnly, else with the OS key store. Argon2id and the key store (which
// may wait for the user, up to two minutes) never block the window.
func (u *ui) openWith(password string, passwordOnly bool) {
	s := u.unlock
	s.open.Disable()
	s.status.SetText(lang.L("Unlocking…"))
	pw := []byte(password)
	closing := u.closing // the vault locked during a save still holds the file
	u.offUI(func() func() {
		if closing != nil {
			<-closing
		}
		unl := vault.Unlocker{PasswordOnly: passwordOnly, Password: func() ([]byte, error) {
			if len(pw) == 0 {
				return nil, vault.ErrPasswordRequired
			}
			return pw, nil
		}}
		// The store goes along even for a password: changing the protection
		// later needs it to delete a dropped OS slot's key.
		if store, err := u.deps.store(); err == nil {
			unl.Store = store
		}
		v, err := vault.Open(u.path, unl)
		clear(pw)
		debug.FreeOSMemory() // Argon2id's 64 MiB goes back to the OS
		return func() {
			if u.unlock != s {
				if v != nil {
					v.Close()
				}
				return
			}
			s.open.Enable()
			if err == nil {
				u.opened(v)
				return
			}
			u.openFailed(err)
		}
	})
}

func (u *ui) openFailed(err error) {
	s := u.unlock
	switch {
	case errors.Is(err, vault.ErrPasswordRequired) && s.hasOS:
		s.status.SetText(lang.L("This computer's key store did not open the vault. Type the password."))
	case errors.Is(err, vault.ErrPasswordRequired):
		s.status.SetText(lang.L("Type the vault's password."))
	case errors.Is(err, vault.ErrWrongPassword):
		s.status.SetText(lang.L("Wrong password."))
	case errors.Is(err, vault.ErrBackupAvailable):
		s.status.SetText(describe(err))
		u.offerBackup(err)
	default:
		s.status.SetText(describe(err))
	}
	if s.hasPassword {
		s.password.Show()
		u.win.Canvas().Focus(s.password)
	}
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
			if ok {
				u.restoreBackup()
			}
		}, u.win)
}

// restoreBackup puts the backup in place of the damaged vault, off the UI
// thread (it renames and copies files, perhaps in a slow or synced folder),
// then opens it.
func (u *ui) restoreBackup() {
	s := u.unlock
	s.open.Disable()
	s.status.SetText(lang.L("Restoring the backup…"))
	u.offUI(func() func() {
		err := vault.RestoreBackup(u.path)
		return func() {
			if u.unlock != s {
				return
			}
			s.open.Enable()
			if err != nil {
				s.status.SetText(describe(err))
				return
			}
			u.tryOpen()
		}
	})
}
