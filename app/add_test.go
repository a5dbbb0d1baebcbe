package app

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/deskauth/deskauth/capture"
	"github.com/deskauth/deskauth/internal/testenv"
	"github.com/deskauth/deskauth/vault"
	"github.com/deskauth/deskauth/vault/transfer"
)

const secondURI = "otpauth://totp/Lab:root?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Lab"

// Two links pasted at once (a WinAuth export) go to the import preview:
// two accounts, nothing merged, no secret on screen.
func TestAddPasteOfSeveralLinesImports(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	h.u.showAdd(nil)
	h.u.app.Clipboard().SetContent(exampleURI + "\r\n" + secondURI + "\r\n")
	h.u.add.input.TypedShortcut(&fyne.ShortcutPaste{Clipboard: h.u.app.Clipboard()})
	s := h.u.imp
	if s == nil {
		t.Fatal("a paste of two links did not open the import preview")
	}
	content := h.u.win.Content()
	for _, secret := range []string{"JBSWY3DPEHPK3PXP", "GEZDGNBVGY3TQOJQ"} {
		if hasText(content, secret) {
			t.Errorf("the preview shows a secret: %q", texts(content))
		}
	}
	if !hasText(content, "To add (2)") || !hasText(content, "Example (alice@example.com)") || !hasText(content, "Lab (root)") {
		t.Errorf("preview = %q", texts(content))
	}
	if n := len(h.reopen("pw").Accounts()); n != 0 {
		t.Fatalf("%d accounts added before Import was pressed", n)
	}
	test.Tap(s.confirm)
	accts := h.reopen("pw").Accounts()
	if len(accts) != 2 || accts[0].Issuer != "Example" || accts[1].Issuer != "Lab" {
		t.Fatalf("vault holds %+v", labelsOf(accts))
	}
}

// Typing several lines and pressing Check imports too.
func TestAddTypedLinesImportOnCheck(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	h.u.showAdd(nil)
	test.Type(h.u.add.input, exampleURI+"\n"+secondURI)
	if h.u.imp != nil {
		t.Fatal("typing went to the preview before Check")
	}
	test.Tap(h.u.add.check)
	if h.u.imp == nil {
		t.Fatal("no import preview")
	}
}

func labelsOf(accts []vault.Account) []string { return labels(accts) }

// Once Check has read a pasted link, the link (and its secret) leaves the
// box, and its names fill the name fields.
func TestAddClearsThePastedLink(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	h.u.showAdd(nil)
	s := h.u.add
	test.Type(s.input, exampleURI)
	test.Tap(s.check)
	if s.input.Text != "" {
		t.Errorf("the link stays on screen: %q", s.input.Text)
	}
	if s.issuer.Text != "Example" || s.name.Text != "alice@example.com" {
		t.Errorf("names = %q, %q", s.issuer.Text, s.name.Text)
	}
	if hasText(h.u.win.Content(), "JBSWY3DPEHPK3PXP") {
		t.Error("the secret is on screen")
	}
}

// A scanned account can be named before it is saved.
func TestAddNamesAScannedAccount(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	h.found = []capture.Found{{Text: exampleURI}}
	test.Tap(findButton(t, h.u.win, "Scan screen"))
	s := h.u.add
	if s.issuer.Text != "Example" {
		t.Fatalf("issuer field = %q", s.issuer.Text)
	}
	s.issuer.SetText("")
	test.Type(s.issuer, "Example Corp")
	s.name.SetText("")
	test.Type(s.name, "alice")
	if s.label.Text != "Example Corp (alice)" {
		t.Errorf("label = %q", s.label.Text)
	}
	test.Tap(s.save)
	accts := h.reopen("pw").Accounts()
	if len(accts) != 1 || accts[0].Issuer != "Example Corp" || accts[0].Name != "alice" {
		t.Fatalf("saved %q", labels(accts))
	}
}

// Renaming can turn a re-enrolment into a new account: the warning goes.
func TestAddRenameLeavesReenrolment(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	old, _ := vault.ParseURI(exampleURI)
	h.u.vault.Add(old)
	h.u.showAdd(nil)
	s := h.u.add
	test.Type(s.input, "otpauth://totp/Example:alice@example.com?secret=GEZDGNBVGY3TQOJQ&issuer=Example")
	test.Tap(s.check)
	if !s.reenrol.Visible() {
		t.Fatal("no re-enrolment choice")
	}
	if s.reenrol.Selected != s.reenrol.Options[0] {
		t.Errorf("default choice = %q, want Replace", s.reenrol.Selected)
	}
	test.Type(s.name, " (lab)")
	if s.reenrol.Visible() || strings.Contains(s.label.Text, "replaces") {
		t.Errorf("after renaming: choice visible %v, label %q", s.reenrol.Visible(), s.label.Text)
	}
	test.Tap(s.save)
	if n := len(h.reopen("pw").Accounts()); n != 2 {
		t.Errorf("vault has %d accounts, want 2", n)
	}
}

// Choosing another source clears what the last one left: names, preview
// and messages.
func TestAddAnotherSourceClearsFields(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	h.u.showAdd(nil)
	s := h.u.add
	test.Type(s.input, exampleURI)
	test.Tap(s.check)
	test.Tap(findButton(t, h.u.win, "Clipboard image"))
	if s.issuer.Text != "" || s.name.Text != "" || s.preview.Visible() || len(s.pending) != 0 {
		t.Errorf("after another source: issuer %q, name %q, preview %v", s.issuer.Text, s.name.Text, s.preview.Visible())
	}
	if s.status.Text != "The clipboard holds no image." {
		t.Errorf("status = %q", s.status.Text)
	}
	// An earlier message goes once the next action succeeds.
	test.Type(s.input, exampleURI)
	test.Tap(s.check)
	if s.status.Text != "" {
		t.Errorf("old message stays: %q", s.status.Text)
	}
}

// "Saved:" only when something was saved.
func TestAddSavedOnlyWhenSaved(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	a, _ := vault.ParseURI(exampleURI)
	h.u.vault.Add(a)
	h.u.showAdd([]vault.Account{a})
	test.Tap(h.u.add.save)
	if got := h.u.codes.status.Text; got != "Already in the vault: Example (alice@example.com)" {
		t.Errorf("status = %q", got)
	}
}

// An image file chosen in the (faked) system dialog is read in the
// background and shows its account.
func TestAddImageFile(t *testing.T) {
	testenv.Require(t, "qrencode")
	png := filepath.Join(t.TempDir(), "qr.png")
	if out, err := exec.Command("qrencode", "-s", "4", "-o", png, exampleURI).CombinedOutput(); err != nil {
		t.Fatalf("qrencode: %v %s", err, out)
	}
	h := newHarness(t, "")
	h.createWithPassword("pw")
	h.u.showAdd(nil)
	run := h.deferBackground()
	h.openThis(png)
	test.Tap(findButton(t, h.u.win, "Image file…"))
	run()
	if got, want := h.u.add.code.Text, wantCode(t, exampleURI); got != want {
		t.Errorf("code = %q, want %q (status %q)", got, want, h.u.add.status.Text)
	}
}

// A Google Authenticator export spread over two QR codes is collected across
// scans ("1 of 2") and imported through the preview once both are in.
func TestScanCollectsMigrationBatches(t *testing.T) {
	var accts []vault.Account
	for i := range 12 {
		a, err := vault.NewAccount("Lab", fmt.Sprintf("user%02d", i), vault.EncodeSecret([]byte(fmt.Sprintf("secret number %02d", i))))
		if err != nil {
			t.Fatal(err)
		}
		accts = append(accts, a)
	}
	uris, probs := transfer.MigrationURIs(accts)
	if len(uris) != 2 || len(probs) != 0 {
		t.Fatalf("%d codes, %v", len(uris), probs)
	}
	h := newHarness(t, "")
	h.createWithPassword("pw")
	h.found = []capture.Found{{Text: uris[1]}}
	test.Tap(findButton(t, h.u.win, "Scan screen"))
	if h.u.add == nil || h.u.add.status.Text != "Scanned 1 of 2 codes of a Google Authenticator export. Show the next one and scan again." {
		t.Fatalf("after the first code: %+v", h.u.add)
	}
	h.found = []capture.Found{{Text: uris[0]}}
	h.u.scanScreen()
	if h.u.imp == nil || !hasText(h.u.win.Content(), "To add (12)") {
		t.Fatalf("no preview of 12 accounts: %q", texts(h.u.win.Content()))
	}
	test.Tap(h.u.imp.confirm)
	if n := len(h.reopen("pw").Accounts()); n != 12 {
		t.Errorf("%d accounts", n)
	}
}

// A pasted link is checked at once: its code shows and the box is empty.
func TestAddPastedLinkChecksAtOnce(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	h.u.showAdd(nil)
	s := h.u.add
	h.u.app.Clipboard().SetContent(exampleURI)
	s.input.TypedShortcut(&fyne.ShortcutPaste{Clipboard: h.u.app.Clipboard()})
	if s.input.Text != "" || !s.preview.Visible() {
		t.Fatalf("after pasting: box %q, preview %v", s.input.Text, s.preview.Visible())
	}
	if got, want := s.code.Text, wantCode(t, exampleURI); got != want {
		t.Errorf("code = %q, want %q", got, want)
	}
}
