package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/deskauth/deskauth/capture"
	"github.com/deskauth/deskauth/vault"
	"github.com/deskauth/deskauth/vault/transfer"
)

func mustParse(t *testing.T, uri string) vault.Account {
	t.Helper()
	a, err := vault.ParseURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// The preview sorts an import into new accounts, duplicates, re-enrolments
// (decided one by one) and entries that cannot be read; Import applies it.
func TestImportPreviewAndChoices(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	h.u.vault.Add(mustParse(t, exampleURI))
	text := strings.Join([]string{
		exampleURI, // duplicate
		"otpauth://totp/Example:alice@example.com?secret=GEZDGNBVGY3TQOJQ&issuer=Example", // re-enrolment
		secondURI,                             // new
		"otpauth://totp/Broken:x?secret=0000", // unreadable
	}, "\n")
	h.u.importText(text)
	s := h.u.imp
	if s == nil {
		t.Fatalf("no preview: %q", h.u.codes.status.Text)
	}
	c := h.u.win.Content()
	for _, want := range []string{"To add (1)", "Lab (root)", "Same account, new secret: choose (1)",
		"Already in the vault, skipped (1)", "Could not be read (1)", "Entry 4"} {
		if !hasText(c, want) {
			t.Errorf("preview lacks %q: %q", want, texts(c))
		}
	}
	if len(s.choices) != 1 {
		t.Fatalf("%d re-enrolment choices", len(s.choices))
	}
	for _, r := range s.choices {
		if r.Selected != "Replace" {
			t.Errorf("default = %q", r.Selected)
		}
		r.SetSelected("Keep both")
	}
	test.Tap(s.confirm)
	got := labels(h.reopen("pw").Accounts())
	want := []string{"Example (alice@example.com)", "Example (alice@example.com (2))", "Lab (root)"} // in order
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("vault = %q, want %q", got, want)
	}
	if !strings.HasPrefix(h.u.codes.status.Text, "Saved: ") {
		t.Errorf("status = %q", h.u.codes.status.Text)
	}
}

func TestImportCancelAddsNothing(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	h.u.importText(exampleURI + "\n" + secondURI)
	test.Tap(findButton(t, h.u.win, "Cancel"))
	if h.u.codes == nil || len(h.reopen("pw").Accounts()) != 0 {
		t.Error("Cancel added accounts or did not go back")
	}
}

// An encrypted Aegis file from the file dialog asks for its password; a
// wrong one says so, the right one shows the preview.
func TestImportEncryptedFile(t *testing.T) {
	data, err := transfer.ExportAegis([]vault.Account{mustParse(t, exampleURI), mustParse(t, secondURI)}, []byte("file pw"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "aegis.json")
	os.WriteFile(path, data, 0o600)
	h := newHarness(t, "")
	h.createWithPassword("pw")
	h.openThis(path)
	h.u.importFile()
	d := h.topDialog(t)
	if !hasText(d, "This file is encrypted") {
		t.Fatalf("no password prompt: %q", texts(d))
	}
	test.Type(h.u.dialogs.importPassword, "wrong")
	enter(h.u.dialogs.importPassword)
	d = h.topDialog(t)
	if !hasText(d, "Wrong password.") {
		t.Fatalf("no wrong-password message: %q", texts(d))
	}
	test.Type(h.u.dialogs.importPassword, "file pw")
	enter(h.u.dialogs.importPassword)
	if h.u.imp == nil || !hasText(h.u.win.Content(), "To add (2)") {
		t.Fatal("no preview after the right password")
	}
	test.Tap(h.u.imp.confirm)
	if n := len(h.reopen("pw").Accounts()); n != 2 {
		t.Errorf("%d accounts imported", n)
	}
}

// A file dropped on the window is imported; an unknown one says why.
func TestImportDroppedFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "winauth.txt")
	os.WriteFile(good, []byte("\ufeff"+exampleURI+"\r\n\r\n"+secondURI+"\r\n"), 0o600)
	bad := filepath.Join(dir, "notes.txt")
	os.WriteFile(bad, []byte("just some notes"), 0o600)
	h := newHarness(t, "")
	h.createWithPassword("pw")
	h.u.dropped(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(bad)})
	if h.u.imp != nil || !strings.HasPrefix(h.u.codes.status.Text, "DeskAuth does not recognise this file.") {
		t.Errorf("unknown file: status %q", h.u.codes.status.Text)
	}
	h.u.dropped(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(good)})
	if h.u.imp == nil || !hasText(h.u.win.Content(), "To add (2)") {
		t.Fatal("a dropped export did not open the preview")
	}
}

// The encrypted backup opens as a vault with its own password.
func TestExportDeskAuthBackup(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	h.u.vault.Add(mustParse(t, exampleURI), mustParse(t, secondURI))
	h.u.vault.UpdateSettings(func(s *vault.Settings) { s.TimeSource = "ntp://" })
	out := h.saveTo(t, "backup.vault")
	h.u.showSettings()
	test.Tap(findButton(t, h.u.win, "Export…"))
	if h.u.dialogs.exportChoice.Selected != "Encrypted DeskAuth backup (recommended)" {
		t.Errorf("default export = %q", h.u.dialogs.exportChoice.Selected)
	}
	test.Tap(findIn(t, h.topDialog(t), "Next"))
	test.Type(h.u.dialogs.exportPassword, "backup pw")
	test.Type(h.u.dialogs.exportAgain, "other")
	test.Tap(h.u.dialogs.exportSave)
	if _, err := os.Stat(*out); err == nil {
		t.Fatal("written although the passwords differ")
	}
	h.u.dialogs.exportAgain.SetText("backup pw")
	test.Tap(h.u.dialogs.exportSave)
	res, err := transfer.ParseFile(*out, transfer.Options{Password: func() ([]byte, error) { return []byte("backup pw"), nil }})
	if err != nil || len(res.Accounts) != 2 || !res.Accounts[0].Equal(h.u.vault.Accounts()[0]) {
		t.Fatalf("backup: %v, %+v", err, res)
	}
	v, err := vault.Read(*out, vault.Unlocker{Password: func() ([]byte, error) { return []byte("backup pw"), nil }})
	if err != nil || v.Settings.TimeSource != "ntp://" || len(v.Accounts()) != 2 {
		t.Fatalf("the backup as a vault: %v", err)
	}
	v.Close()
	if !strings.HasPrefix(h.u.settings.status.Text, "Exported to ") {
		t.Errorf("status = %q", h.u.settings.status.Text)
	}
}

func TestExportAegisAndPlainText(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	h.u.vault.Add(mustParse(t, exampleURI))
	h.u.showSettings()
	out := h.saveTo(t, "aegis.json")
	h.u.export(exportAegis)
	test.Type(h.u.dialogs.exportPassword, "a")
	test.Type(h.u.dialogs.exportAgain, "a")
	test.Tap(h.u.dialogs.exportSave)
	res, err := transfer.ParseFile(*out, transfer.Options{Password: func() ([]byte, error) { return []byte("a"), nil }})
	if err != nil || res.Format != transfer.Aegis || len(res.Accounts) != 1 {
		t.Fatalf("aegis: %v %+v", err, res)
	}

	out = h.saveTo(t, "plain.json")
	h.u.export(exportAegisPlain)
	test.Tap(findIn(t, h.topDialog(t), "Yes"))
	res, err = transfer.ParseFile(*out, transfer.Options{})
	if err != nil || res.Format != transfer.Aegis || len(res.Accounts) != 1 {
		t.Fatalf("plain aegis: %v %+v", err, res)
	}

	out = h.saveTo(t, "otpauth.txt")
	h.u.export(exportOTPAuth)
	d := h.topDialog(t)
	if !hasText(d, "in the clear") {
		t.Fatalf("no warning: %q", texts(d))
	}
	test.Tap(findIn(t, d, "Yes"))
	got, _ := os.ReadFile(*out)
	if strings.TrimSpace(string(got)) != h.u.vault.Accounts()[0].URI() {
		t.Errorf("otpauth export = %q", got)
	}
}

// QR export: one code per account, captioned by label, decoding back to the
// account; Google batches decode to the migration payload.
func TestExportQRCodes(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	h.u.vault.Add(mustParse(t, exampleURI), mustParse(t, secondURI))
	h.u.export(exportQR)
	s := h.u.qr
	if s == nil || s.label.Text != "1 of 2: Example (alice@example.com)" || !s.prev.Disabled() {
		t.Fatalf("QR screen: %+v", s)
	}
	test.Tap(s.next)
	if s.label.Text != "2 of 2: Lab (root)" || !s.next.Disabled() {
		t.Errorf("after Next: %q", s.label.Text)
	}
	img, err := capture.LoadImage(strings.NewReader(string(s.image.Resource.Content())))
	if err != nil {
		t.Fatal(err)
	}
	codes, err := capture.Decode(img)
	if err != nil || len(codes) != 1 || !mustParse(t, codes[0].Text).Equal(h.u.vault.Accounts()[1]) {
		t.Fatalf("decoded %v %v", codes, err)
	}
	if hasText(h.u.win.Content(), "GEZDGNBVGY3TQOJQ") {
		t.Error("the QR screen shows a secret")
	}

	h.u.export(exportGoogleQR)
	s = h.u.qr
	if s.label.Text != "1 of 1: Example (alice@example.com), Lab (root)" {
		t.Errorf("google caption = %q", s.label.Text)
	}
	img, _ = capture.LoadImage(strings.NewReader(string(s.image.Resource.Content())))
	codes, err = capture.Decode(img)
	if err != nil || len(codes) != 1 {
		t.Fatalf("google decode: %v", err)
	}
	m, err := vault.ParseMigration(codes[0].Text)
	if err != nil || len(m.Accounts) != 2 {
		t.Fatalf("migration: %v %+v", err, m)
	}
	test.Tap(findButton(t, h.u.win, "Done"))
	if h.u.codes == nil {
		t.Error("Done did not go back to the codes")
	}
}
