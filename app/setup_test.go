package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/deskauth/deskauth/vault"
)

// deferBackground makes the harness hold background work until run is
// called, so a test sees what the window shows meanwhile.
func (h *harness) deferBackground() (run func()) {
	var queue []func()
	h.u.deps.background = func(f func()) { queue = append(queue, f) }
	return func() {
		for len(queue) > 0 {
			f := queue[0]
			queue = queue[1:]
			f()
		}
	}
}

func enter(e *widget.Entry) { e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) }

func TestSetupEnterSubmits(t *testing.T) {
	h := newHarness(t, "")
	h.u.start()
	s := h.u.setup
	s.protect.SetSelected(h.u.protectionOptions()[protectPassword])
	test.Type(s.password, "pw")
	test.Type(s.confirm, "pw")
	enter(s.confirm)
	if h.u.vault == nil {
		t.Fatalf("Enter did not create the vault: %q", s.status.Text)
	}
	h.reopen("pw")
}

func TestSetupMismatchClearsOnceTheyMatch(t *testing.T) {
	h := newHarness(t, "")
	h.u.start()
	s := h.u.setup
	s.protect.SetSelected(h.u.protectionOptions()[protectPassword])
	test.Type(s.password, "abc")
	test.Type(s.confirm, "ab")
	test.Tap(s.create)
	if s.status.Text != "The two passwords differ." {
		t.Fatalf("status = %q", s.status.Text)
	}
	test.Type(s.confirm, "c")
	if s.status.Text != "" {
		t.Errorf("the mismatch message stays after the passwords match: %q", s.status.Text)
	}
}

// Where no key store works, the setup screen says so briefly and chooses a
// password before the admin presses anything.
func TestSetupWithoutKeyStoreChoosesPassword(t *testing.T) {
	h := newHarness(t, "")
	h.store.SetUnavailable(true)
	h.u.start()
	s := h.u.setup
	if got := h.u.protectionChoice(s.protect.Selected); got != protectPassword {
		t.Errorf("choice = %d, want password", got)
	}
	if !s.storeNote.Visible() || !strings.Contains(s.storeNote.Text, "no key store") {
		t.Errorf("note: visible %v, %q", s.storeNote.Visible(), s.storeNote.Text)
	}
	s.protect.SetSelected(h.u.protectionOptions()[protectOS])
	if s.status.Text != "This computer's key store is not available; choose a password instead." {
		t.Errorf("choosing the key store anyway: %q", s.status.Text)
	}
	test.Tap(s.create)
	if h.u.vault != nil || vaultExists(h.path) {
		t.Error("a vault was made without a key store")
	}
}

// Creating runs in the background; the button shows progress at once.
func TestSetupCreatesInTheBackground(t *testing.T) {
	h := newHarness(t, "")
	h.u.start()
	run := h.deferBackground()
	s := h.u.setup
	s.protect.SetSelected(h.u.protectionOptions()[protectPassword])
	test.Type(s.password, "pw")
	test.Type(s.confirm, "pw")
	test.Tap(s.create)
	if s.status.Text != "Creating the vault…" || !s.create.Disabled() || h.u.vault != nil {
		t.Fatalf("while creating: status %q, button disabled %v, vault %v", s.status.Text, s.create.Disabled(), h.u.vault != nil)
	}
	test.Tap(s.create) // a second press does nothing
	run()
	if h.u.vault == nil || h.u.codes == nil {
		t.Fatalf("not created: %q", s.status.Text)
	}
}

// After an OS-only vault is made, a recovery backup is offered at once, and
// it opens with its own password.
func TestSetupOffersRecoveryBackup(t *testing.T) {
	h := newHarness(t, "")
	backup := h.saveTo(t, "recovery.vault")
	h.u.start()
	test.Tap(h.u.setup.create)
	if h.u.vault == nil {
		t.Fatal("not created")
	}
	top := h.u.win.Canvas().Overlays().Top()
	if top == nil || !hasText(top, "Keep a recovery backup") {
		t.Fatal("no recovery backup offered")
	}
	test.Tap(findIn(t, top, "Save a backup…"))
	test.Type(h.u.dialogs.exportPassword, "recovery pw")
	test.Type(h.u.dialogs.exportAgain, "recovery pw")
	test.Tap(h.u.dialogs.exportSave)
	v, err := vault.Read(*backup, vault.Unlocker{Password: func() ([]byte, error) { return []byte("recovery pw"), nil }})
	if err != nil {
		t.Fatalf("the backup does not open with its password: %v", err)
	}
	v.Close()
}

// createBoth makes a vault with both a password and the OS key store.
func (h *harness) createBoth(pw string) {
	h.t.Helper()
	h.u.start()
	s := h.u.setup
	s.protect.SetSelected(h.u.protectionOptions()[protectBoth])
	test.Type(s.password, pw)
	test.Type(s.confirm, pw)
	test.Tap(s.create)
	if h.u.vault == nil {
		h.t.Fatalf("not created: %q", s.status.Text)
	}
}

func TestUnlockOSOnlyHasNoPasswordField(t *testing.T) {
	h := newHarness(t, "")
	h.u.start()
	test.Tap(h.u.setup.create)
	h.u.lockAndAsk()
	s := h.u.unlock
	if s == nil || s.password.Visible() || s.open.Text != "Unlock" {
		t.Fatalf("OS-only unlock screen: password visible %v, button %q", s.password.Visible(), s.open.Text)
	}
	test.Tap(s.open)
	if h.u.vault == nil {
		t.Fatalf("the key store did not open it: %q", s.status.Text)
	}
}

// With both slots, the empty field means the key store, and a typed
// password must be right: a wrong one fails although the key store could
// have opened the vault.
func TestUnlockBothChecksATypedPassword(t *testing.T) {
	h := newHarness(t, "")
	h.createBoth("right")
	h.u.lockAndAsk()
	s := h.u.unlock
	if !s.password.Visible() || s.open.Text != "Unlock with this computer" {
		t.Fatalf("both: password visible %v, button %q", s.password.Visible(), s.open.Text)
	}
	test.Type(s.password, "wrong")
	if s.open.Text != "Unlock with the password" {
		t.Errorf("with a typed password the button says %q", s.open.Text)
	}
	test.Tap(s.open)
	if h.u.vault != nil || s.status.Text != "Wrong password." {
		t.Fatalf("wrong password: vault %v, status %q", h.u.vault != nil, s.status.Text)
	}
	test.Type(s.password, "right")
	enter(s.password)
	if h.u.vault == nil {
		t.Fatalf("right password: %q", s.status.Text)
	}
	h.u.lockAndAsk()
	test.Tap(h.u.unlock.open) // empty field: the key store
	if h.u.vault == nil {
		t.Fatalf("key store: %q", h.u.unlock.status.Text)
	}
}

// A password typed on a both-slot vault whose key store lost its key still
// opens it; the empty field explains what happened.
func TestUnlockBothWhenTheKeyStoreFails(t *testing.T) {
	h := newHarness(t, "")
	h.createBoth("right")
	h.u.lockAndAsk()
	h.store.SetUnavailable(true)
	test.Tap(h.u.unlock.open)
	if h.u.vault != nil || h.u.unlock.status.Text != "This computer's key store did not open the vault. Type the password." {
		t.Fatalf("status = %q", h.u.unlock.status.Text)
	}
	test.Type(h.u.unlock.password, "right")
	test.Tap(h.u.unlock.open)
	if h.u.vault == nil {
		t.Fatalf("password: %q", h.u.unlock.status.Text)
	}
}

func TestUnlockPasswordOnlyInTheBackground(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	h.u.lockAndAsk()
	s := h.u.unlock
	if !s.password.Visible() || s.open.Text != "Unlock" {
		t.Fatalf("password-only: field visible %v, button %q", s.password.Visible(), s.open.Text)
	}
	run := h.deferBackground()
	test.Type(s.password, "pw")
	test.Tap(s.open)
	if s.status.Text != "Unlocking…" || !s.open.Disabled() {
		t.Errorf("while unlocking: %q, disabled %v", s.status.Text, s.open.Disabled())
	}
	if s.password.Text != "" {
		t.Error("the password stays in the field")
	}
	run()
	if h.u.vault == nil {
		t.Fatalf("not opened: %q", s.status.Text)
	}
}
