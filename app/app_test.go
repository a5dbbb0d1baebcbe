package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/deskauth/deskauth/capture"
	"github.com/deskauth/deskauth/internal/testenv"
	"github.com/deskauth/deskauth/vault"
	"github.com/deskauth/deskauth/vault/keystore"
)

// fixedNow is 10 s into a 30 s period, so codes and countdowns are stable.
var fixedNow = time.Date(2026, 11, 24, 9, 0, 10, 0, time.UTC)

const exampleURI = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example"

type harness struct {
	t     *testing.T
	u     *ui
	path  string
	store *keystore.Memory
	found []capture.Found
}

// newHarness builds the UI on a fresh vault path with a fake clock, an
// in-memory OS key store and a fake screen, in English unless lang is given.
func newHarness(t *testing.T, language string) *harness {
	t.Helper()
	if language == "" {
		language = "en"
	}
	t.Setenv("LANG", language+".UTF-8")
	t.Setenv("LANGUAGE", language)
	h := &harness{t: t, path: filepath.Join(t.TempDir(), "deskauth.vault"), store: keystore.NewMemory()}
	a := test.NewTempApp(t)
	h.u = newUI(a, h.path, deps{
		now:   func() time.Time { return fixedNow },
		store: func() (keystore.Store, error) { return h.store, nil },
		scan: func(context.Context) ([]capture.Found, error) {
			if h.found == nil {
				return nil, fmt.Errorf("%w on 1 display, 1920×1080 px", capture.ErrNoQR)
			}
			return h.found, nil
		},
		clipboard:  func(context.Context) (image.Image, error) { return nil, capture.ErrNoImage },
		background: func(f func()) { f() },
		argon2:     vault.Argon2Cost{Time: 1, Memory: 64, Threads: 1},
	})
	h.u.win.Resize(fyne.NewSize(440, 600))
	t.Cleanup(h.u.lock)
	return h
}

// createWithPassword goes through the setup screen with a password.
func (h *harness) createWithPassword(pw string) {
	h.t.Helper()
	h.u.start()
	s := h.u.setup
	if s == nil {
		h.t.Fatal("setup screen not shown for a missing vault")
	}
	s.protect.SetSelected(h.u.protectionOptions()[protectPassword])
	test.Type(s.password, pw)
	test.Type(s.confirm, pw)
	test.Tap(s.create)
	if h.u.vault == nil {
		h.t.Fatalf("vault not created: %q", s.status.Text)
	}
}

func (h *harness) reopen(pw string) *vault.Vault {
	h.t.Helper()
	v, err := vault.Read(h.path, vault.Unlocker{Store: h.store, Password: func() ([]byte, error) { return []byte(pw), nil }})
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { v.Close() })
	return v
}

func wantCode(t *testing.T, uri string) string {
	t.Helper()
	a, err := vault.ParseURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	c, err := a.Code(fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	return groupDigits(c)
}

func TestSetupRefusesMismatchedPasswords(t *testing.T) {
	h := newHarness(t, "")
	h.u.start()
	s := h.u.setup
	s.protect.SetSelected(h.u.protectionOptions()[protectPassword])
	test.Type(s.password, "correct horse")
	test.Type(s.confirm, "correct hose")
	test.Tap(s.create)
	if s.status.Text != "The two passwords differ." {
		t.Errorf("status = %q", s.status.Text)
	}
	if _, err := os.Stat(h.path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a vault file was written: %v", err)
	}
}

func TestSetupWithOSKeyStoreOpensWithoutPassword(t *testing.T) {
	h := newHarness(t, "")
	h.u.start()
	test.Tap(h.u.setup.create) // the OS key store is the default choice
	if h.u.vault == nil {
		t.Fatalf("not created: %q", h.u.setup.status.Text)
	}
	h.u.lock()
	h.u.start()
	if h.u.vault == nil || h.u.codes == nil {
		t.Fatal("an OS-protected vault should open straight to the codes")
	}
	if pw, os := h.u.vault.Protection(); pw || !os {
		t.Errorf("protection = password %v, os %v; want os only", pw, os)
	}

	// Lock hides the codes until Unlock is pressed, even with no password.
	test.Tap(findButton(t, h.u.win, "Lock"))
	if h.u.vault != nil || h.u.unlock == nil {
		t.Fatal("Lock left the vault open")
	}
	test.Tap(h.u.unlock.open)
	if h.u.vault == nil || h.u.codes == nil {
		t.Fatalf("Unlock did not reopen the OS-protected vault: %q", h.u.unlock.status.Text)
	}
}

// TestAddShowsCodeBeforeSaving is the verify-then-save flow: the live code
// appears, the vault file is untouched until Save, then holds the account.
func TestAddShowsCodeBeforeSaving(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	test.Tap(findButton(t, h.u.win, "Add"))
	s := h.u.add
	test.Type(s.input, exampleURI)
	test.Tap(s.check)
	if !s.preview.Visible() {
		t.Fatalf("no preview: %q", s.status.Text)
	}
	if got, want := s.code.Text, wantCode(t, exampleURI); got != want {
		t.Errorf("preview code = %q, want %q", got, want)
	}
	if s.bar.Value != 20 || s.bar.Max != 30 {
		t.Errorf("countdown = %v of %v, want 20 of 30", s.bar.Value, s.bar.Max)
	}
	if n := len(h.reopen("pw").Accounts()); n != 0 {
		t.Fatalf("the vault has %d accounts before Save", n)
	}
	test.Tap(s.save)
	v := h.reopen("pw")
	if len(v.Accounts()) != 1 || v.Accounts()[0].Issuer != "Example" || v.Accounts()[0].Name != "alice@example.com" {
		t.Fatalf("saved accounts = %+v", v.Accounts())
	}
	if h.u.codes == nil || !strings.Contains(h.u.codes.status.Text, "Saved: Example (alice@example.com)") {
		t.Errorf("after saving: codes screen %v, status %q", h.u.codes != nil, h.u.codes.status.Text)
	}
}

func TestAddTypedSecret(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	h.u.showAdd(nil)
	s := h.u.add
	test.Type(s.input, "jbsw y3dp ehpk 3pxp")
	test.Tap(s.check)
	if s.status.Text != "Give the service or account name for a typed key." {
		t.Errorf("status without names = %q", s.status.Text)
	}
	test.Type(s.issuer, "Example")
	test.Type(s.name, "alice@example.com")
	test.Tap(s.check)
	if got, want := s.code.Text, wantCode(t, exampleURI); got != want {
		t.Errorf("code = %q, want %q", got, want)
	}
	s.input.SetText("jbsw 0000")
	test.Tap(s.check)
	if s.preview.Visible() || !strings.Contains(s.status.Text, "not Base32") {
		t.Errorf("bad key: preview %v, status %q", s.preview.Visible(), s.status.Text)
	}
	if strings.Contains(s.status.Text, "jbsw") {
		t.Errorf("the error quotes the key: %q", s.status.Text)
	}
}

func TestCopyOnClick(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	a, _ := vault.ParseURI(exampleURI)
	h.u.showAdd([]vault.Account{a})
	test.Tap(h.u.add.save)
	test.Tap(h.u.codes.rows[0])
	want := strings.ReplaceAll(wantCode(t, exampleURI), " ", "")
	if got := h.u.app.Clipboard().Content(); got != want {
		t.Errorf("clipboard = %q, want %q", got, want)
	}
	if !strings.HasPrefix(h.u.codes.status.Text, "Copied the code for Example") {
		t.Errorf("status = %q", h.u.codes.status.Text)
	}
}

// The verify screen shows counter 0's code (755224), which the admin types
// into the console: it counts as used, so the first copy after saving gives
// counter 1's code, never counter 0's again.
func TestHOTPCopyAdvancesAndSaves(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	a, _ := vault.ParseURI("otpauth://hotp/Lab:rack?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0")
	h.u.showAdd([]vault.Account{a})
	if got := h.u.add.code.Text; got != "755 224" { // RFC 4226, counter 0
		t.Fatalf("verify screen shows %q, want 755 224", got)
	}
	test.Tap(h.u.add.save)
	test.Tap(h.u.codes.rows[0])
	if got := h.u.app.Clipboard().Content(); got != "287082" { // RFC 4226, counter 1
		t.Errorf("first HOTP code after saving = %q, want 287082 (counter 1)", got)
	}
	if c := h.reopen("pw").Accounts()[0].Counter; c != 2 {
		t.Errorf("saved counter = %d, want 2", c)
	}
}

func TestUnlock(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("right")
	h.u.lock()
	h.u.start()
	if h.u.unlock == nil || h.u.vault != nil {
		t.Fatal("a password vault should ask for its password")
	}
	test.Tap(h.u.unlock.open)
	if h.u.vault != nil || h.u.unlock.status.Text == "" {
		t.Fatalf("an empty password: vault %v, status %q", h.u.vault != nil, h.u.unlock.status.Text)
	}
	test.Type(h.u.unlock.password, "wrong")
	test.Tap(h.u.unlock.open)
	if h.u.vault != nil || h.u.unlock.status.Text != "Wrong password." {
		t.Fatalf("wrong password: vault %v, status %q", h.u.vault != nil, h.u.unlock.status.Text)
	}
	test.Type(h.u.unlock.password, "right")
	test.Tap(h.u.unlock.open)
	if h.u.vault == nil || h.u.codes == nil {
		t.Fatal("the right password did not open the vault")
	}
}

func TestScanResults(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	h.found = []capture.Found{
		{Text: exampleURI},
		{Text: "phonefactor://activate_account?code=123"},
	}
	test.Tap(findButton(t, h.u.win, "Scan screen"))
	s := h.u.add
	if s == nil || !s.preview.Visible() {
		t.Fatal("a found otpauth code should open the add screen with its code")
	}
	if got, want := s.code.Text, wantCode(t, exampleURI); got != want {
		t.Errorf("code = %q, want %q", got, want)
	}
	if !strings.Contains(s.status.Text, "different authenticator app") {
		t.Errorf("no Microsoft explanation: %q", s.status.Text)
	}

	h.u.showCodes()
	h.u.handleScan(nil, fmt.Errorf("%w on 1 display, 1920×1080 px", capture.ErrNoQR))
	if h.u.add != nil || h.u.codes.status.Text != "No QR code found. Show the console's QR code on screen and try again." {
		t.Errorf("no-QR result: add %v, status %q", h.u.add != nil, h.u.codes.status.Text)
	}
}

func TestCodesScreenMarkup(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	for _, uri := range []string{exampleURI,
		"otpauth://totp/%E7%AE%A1%E7%90%86%E3%82%B3%E3%83%B3%E3%82%BD%E3%83%BC%E3%83%AB:yamada?secret=GEZDGNBVGY3TQOJQ&digits=8&period=60"} {
		a, _ := vault.ParseURI(uri)
		if _, err := h.u.vault.Add(a); err != nil {
			t.Fatal(err)
		}
	}
	h.u.showCodes()
	h.u.win.Show()
	test.AssertRendersToMarkup(t, "codes.xml", h.u.win.Canvas())
}

func TestJapanese(t *testing.T) {
	h := newHarness(t, "ja")
	h.u.path = "/home/yamada/.config/DeskAuth/deskauth.vault" // shown on screen; keep the markup stable
	h.u.start()
	test.AssertRendersToMarkup(t, "setup_ja.xml", h.u.win.Canvas())
	if got := findButton(t, h.u.win, "保管庫を作成"); got == nil {
		t.Error("no Japanese create button")
	}
}

func TestGroupDigits(t *testing.T) {
	for in, want := range map[string]string{"123456": "123 456", "12345678": "1234 5678", "1234567": "123 4567",
		"123456789": "123 456 789", "2BCDF": "2BCDF", "1234567890": "12345 67890"} {
		if got := groupDigits(in); got != want {
			t.Errorf("groupDigits(%q) = %q, want %q", in, got, want)
		}
	}
}

// findButton finds a button by its text anywhere in the window.
func findButton(t *testing.T, w fyne.Window, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = b
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, child := range c.Objects {
				walk(child)
			}
		}
		if s, ok := o.(*container.Scroll); ok {
			walk(s.Content)
		}
	}
	walk(w.Content())
	if found == nil {
		t.Fatalf("no button %q", text)
	}
	return found
}

func TestClipboardImage(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	h.u.showAdd(nil)
	test.Tap(findButton(t, h.u.win, "Clipboard image"))
	if got := h.u.add.status.Text; got != "The clipboard holds no image." {
		t.Errorf("status = %q", got)
	}
}

// TestClipboardQRCode hands the add screen a real qrencode image as the
// clipboard content: it must decode it and show the account's live code.
func TestClipboardQRCode(t *testing.T) {
	testenv.Require(t, "qrencode")
	png := filepath.Join(t.TempDir(), "qr.png")
	if out, err := exec.Command("qrencode", "-s", "4", "-o", png, exampleURI).CombinedOutput(); err != nil {
		t.Fatalf("qrencode: %v %s", err, out)
	}
	h := newHarness(t, "")
	h.u.deps.clipboard = func(context.Context) (image.Image, error) {
		f, err := os.Open(png)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return capture.LoadImage(f)
	}
	h.createWithPassword("pw")
	h.u.showAdd(nil)
	test.Tap(findButton(t, h.u.win, "Clipboard image"))
	if got, want := h.u.add.code.Text, wantCode(t, exampleURI); got != want {
		t.Errorf("code = %q, want %q (status %q)", got, want, h.u.add.status.Text)
	}
	if got := h.u.add.label.Text; got != "Example (alice@example.com)" {
		t.Errorf("label = %q", got)
	}
}

// A console that reset its 2FA shows a new QR code for the same account. The
// verify screen says up front that it replaces the old one; Save (the
// default choice) puts the new secret in the vault, and "Keep both" adds it
// under a free name instead.
func TestAddReenrolment(t *testing.T) {
	const newURI = "otpauth://totp/Example:alice@example.com?secret=GEZDGNBVGY3TQOJQ&issuer=Example"
	for _, keepBoth := range []bool{false, true} {
		h := newHarness(t, "")
		h.createWithPassword("pw")
		old, _ := vault.ParseURI(exampleURI)
		if _, err := h.u.vault.Add(old); err != nil {
			t.Fatal(err)
		}
		h.u.showAdd(nil)
		test.Type(h.u.add.input, newURI)
		test.Tap(h.u.add.check)
		s := h.u.add
		if !s.reenrol.Visible() || !strings.Contains(s.label.Text, "This replaces an account already in the vault: Example (alice@example.com)") {
			t.Fatalf("no re-enrolment warning: %q", s.label.Text)
		}
		if got, want := s.code.Text, wantCode(t, newURI); got != want {
			t.Fatalf("preview shows %q, want the new secret's %q", got, want)
		}
		if keepBoth {
			s.reenrol.SetSelected(s.reenrol.Options[1])
		}
		test.Tap(s.save)
		accts := h.reopen("pw").Accounts()
		newAcct, _ := vault.ParseURI(newURI)
		switch {
		case !keepBoth && (len(accts) != 1 || string(accts[0].Secret) != string(newAcct.Secret)):
			t.Errorf("replace: vault holds %+v", accts)
		case keepBoth && (len(accts) != 2 || string(accts[0].Secret) != string(old.Secret) ||
			string(accts[1].Secret) != string(newAcct.Secret) || accts[1].Name != "alice@example.com (2)"):
			t.Errorf("keep both: vault holds %+v", accts)
		}
	}
}
