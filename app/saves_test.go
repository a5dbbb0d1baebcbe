package app

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/deskauth/deskauth/vault"
	"github.com/deskauth/deskauth/vault/transfer"
)

// Saves run off the UI thread (withVault): these tests hold them behind a
// gate, as a slow or synced folder would, and check that the window stays
// usable meanwhile and shows each outcome only once the save is done; and
// that a save that fails for real leaves the screen as it was, with the
// reason worded.

// hotpURI is RFC 4226's key: counter 0 gives 755224, counter 1 287082.
const hotpURI = "otpauth://hotp/Lab:rack?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0"

const (
	changedOnDiskEN = "The vault file changed on disk since it was opened. Lock and unlock to see the changes."
	changedOnDiskJA = "保管庫のファイルが開いた後に変更されました。ロックしてから再度ロック解除すると変更が反映されます。"
	stillSavingEN   = "Still saving. Try again in a moment."
)

// slowJobs runs the window's background work on goroutines of its own that
// wait until the test opens the gate, and queues their outcomes for the
// test goroutine, which plays the UI thread (show).
type slowJobs struct {
	t       *testing.T
	gate    chan struct{}
	results chan func()
}

func (h *harness) slowJobs() *slowJobs {
	j := &slowJobs{t: h.t, gate: make(chan struct{}), results: make(chan func(), 16)}
	h.u.deps.background = func(f func()) {
		go func() {
			<-j.gate
			f()
		}()
	}
	h.u.deps.toUI = func(f func()) { j.results <- f }
	return j
}

// open lets the held jobs (and every later one) run.
func (j *slowJobs) open() { close(j.gate) }

// show waits for the next job's outcome and shows it on the UI thread.
func (j *slowJobs) show() {
	j.t.Helper()
	select {
	case f := <-j.results:
		f()
	case <-time.After(time.Minute): // a hang guard, not a timing assert
		j.t.Fatal("no outcome from the background job")
	}
}

// ended waits until the next job's work is done and returns its outcome,
// not yet shown: the moment between a save's end and its outcome reaching
// the UI thread.
func (j *slowJobs) ended() func() {
	j.t.Helper()
	select {
	case f := <-j.results:
		return f
	case <-time.After(time.Minute): // a hang guard, not a timing assert
		j.t.Fatal("no outcome from the background job")
	}
	return nil
}

// none checks that no outcome is waiting to be shown.
func (j *slowJobs) none() {
	j.t.Helper()
	select {
	case <-j.results:
		j.t.Fatal("an outcome came before the gate opened, or from a refused action")
	default:
	}
}

// breakSaves makes the vault's next save fail for real: an older copy of
// the file (its backup) takes its place, as a sync client settling a
// conflict would, and the save refuses to overwrite it
// (vault.ErrChangedOnDisk).
func (h *harness) breakSaves() {
	h.t.Helper()
	data, err := os.ReadFile(h.path + ".bak")
	if err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(h.path, data, 0o600); err != nil {
		h.t.Fatal(err)
	}
}

// usable checks the window answers while a save runs: typing in the search
// box shows at once, the rows redraw, and another vault action is refused
// in words.
func (h *harness) usable(query string) {
	h.t.Helper()
	h.answers(query)
	s := h.u.codes
	if len(s.rows) > 1 {
		h.u.move(s.rows[0].index, 1)
		if !strings.Contains(s.status.Text, stillSavingEN) {
			h.t.Errorf("a second action while saving: status %q", s.status.Text)
		}
	}
}

// copied is the clipboard as a row shows it, digits grouped.
func (h *harness) copied() string { return groupDigits(h.clip()) }

// answers checks that typing in the search box shows at once and the rows
// redraw.
func (h *harness) answers(query string) {
	h.t.Helper()
	s := h.u.codes
	test.Type(s.search, query)
	if s.search.Text != query {
		h.t.Errorf("search box shows %q while saving, want %q", s.search.Text, query)
	}
	h.u.refreshCodes()
}

// unbroken drops the line-break hints (breakHints) from Japanese text.
func unbroken(s string) string { return strings.ReplaceAll(s, "\u200a", "") }

func (h *harness) clip() string { return h.u.app.Clipboard().Content() }

// An HOTP code reaches the clipboard only once its counter's advance is
// saved; meanwhile the window answers and a second copy is refused.
func TestHOTPCopyWaitsForItsSave(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(hotpURI, exampleURI)
	jobs := h.slowJobs()
	row := h.u.codes.rows[0]
	test.Tap(row)
	if h.clip() != "" || h.u.codes.status.Text != "Saving…" {
		t.Fatalf("before the save: clipboard %q, status %q", h.clip(), h.u.codes.status.Text)
	}
	if row.code.Text != "--- ---" {
		t.Errorf("the row shows %q before the save", row.code.Text)
	}
	h.usable("rack")
	jobs.none()
	jobs.open()
	h.u.refreshCodes() // the UI thread draws while the save runs
	jobs.show()
	if h.clip() != "755224" {
		t.Errorf("clipboard = %q after the save, want 755224", h.clip())
	}
	if got := h.reopen("pw").Accounts()[0].Counter; got != 1 {
		t.Errorf("saved counter = %d, want 1", got)
	}
	s := h.u.codes
	if len(s.rows) != 1 || s.rows[0].code.Text != "755 224" || !strings.HasPrefix(s.status.Text, "Copied the code for Lab") {
		t.Errorf("after the save: %d rows (search applied?), code %q, status %q", len(s.rows), s.rows[0].code.Text, s.status.Text)
	}
	jobs.none() // the refused copy started nothing
}

// A failed save hands out no code: the clipboard stays empty, the row shows
// no code, the counter is unchanged, and the reason is worded, in English
// and Japanese.
func TestHOTPCopyFailedSaveHandsOutNothing(t *testing.T) {
	for _, c := range []struct{ lang, want string }{{"en", changedOnDiskEN}, {"ja", changedOnDiskJA}} {
		t.Run(c.lang, func(t *testing.T) {
			h := newHarness(t, c.lang)
			h.withAccounts(exampleURI, hotpURI)
			h.breakSaves()
			row := h.u.codes.rows[1]
			test.Tap(row)
			if h.clip() != "" || row.code.Text != "--- ---" {
				t.Errorf("after a failed save: clipboard %q, row %q", h.clip(), row.code.Text)
			}
			if unbroken(h.u.codes.status.Text) != c.want {
				t.Errorf("status = %q, want %q", h.u.codes.status.Text, c.want)
			}
			if n := h.u.vault.Accounts()[1].Counter; n != 0 {
				t.Errorf("counter in memory = %d, want 0", n)
			}
		})
	}
}

// The code of a copy whose save ends after the lock never reaches the
// clipboard, and the save still runs to its end.
func TestLockDuringASaveHandsOutNoCode(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(hotpURI)
	jobs := h.slowJobs()
	test.Tap(h.u.codes.rows[0])
	go jobs.open() // the save may end before the lock or after it
	h.u.lockAndAsk()
	jobs.show() // the copy's outcome and the unlock screen's, in either order
	jobs.show()
	if h.u.vault != nil || h.clip() != "" {
		t.Errorf("after lock: vault open %v, clipboard %q", h.u.vault != nil, h.clip())
	}
	if got := h.reopen("pw").Accounts()[0].Counter; got != 1 {
		t.Errorf("saved counter = %d, want 1 (the save ran to its end)", got)
	}
}

// A rename shows the new name once saved; meanwhile the dialog says it is
// saving and the row keeps the old name.
func TestRenameShowsTheNewNameOnceSaved(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(exampleURI)
	jobs := h.slowJobs()
	h.u.askRename(0)
	d := h.u.renaming
	d.issuer.SetText("Renamed")
	test.Tap(d.save)
	if h.u.renaming != d || !d.save.Disabled() || d.problem.Text != "Saving…" {
		t.Fatalf("while saving: dialog open %v, save disabled %v, says %q", h.u.renaming == d, d.save.Disabled(), d.problem.Text)
	}
	if got := h.u.codes.rows[0].issuerText; got != "Example" {
		t.Errorf("the row shows %q before the save", got)
	}
	test.Tap(d.save) // a second press while saving does nothing
	jobs.open()
	jobs.show()
	if h.u.renaming != nil || h.u.codes.rows[0].issuerText != "Renamed" || h.u.codes.status.Text != "Renamed to Renamed (alice@example.com)" {
		t.Errorf("after the save: dialog open %v, row %q, status %q", h.u.renaming != nil, h.u.codes.rows[0].issuerText, h.u.codes.status.Text)
	}
	if got := h.reopen("pw").Accounts()[0].Issuer; got != "Renamed" {
		t.Errorf("saved issuer = %q", got)
	}
	jobs.none()
}

// A rename whose save fails keeps the old name, and the dialog says why.
func TestRenameFailedSaveKeepsTheOldName(t *testing.T) {
	h := newHarness(t, "ja")
	h.withAccounts(exampleURI, hotpURI)
	h.breakSaves()
	h.u.askRename(0)
	d := h.u.renaming
	d.issuer.SetText("Renamed")
	test.Tap(d.save)
	if h.u.renaming != d || unbroken(d.problem.Text) != changedOnDiskJA || d.save.Disabled() {
		t.Errorf("dialog open %v, problem %q, save disabled %v", h.u.renaming == d, d.problem.Text, d.save.Disabled())
	}
	if h.u.codes.rows[0].issuerText != "Example" || h.u.vault.Accounts()[0].Issuer != "Example" {
		t.Errorf("row %q, vault %q", h.u.codes.rows[0].issuerText, h.u.vault.Accounts()[0].Issuer)
	}
}

// Moving a row changes the list once the new order is saved.
func TestMoveShowsTheOrderOnceSaved(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(exampleURI, hotpURI)
	jobs := h.slowJobs()
	h.u.move(0, 1)
	if h.u.codes.rows[0].issuerText != "Example" || h.u.codes.status.Text != "Saving…" {
		t.Fatalf("while saving: first row %q, status %q", h.u.codes.rows[0].issuerText, h.u.codes.status.Text)
	}
	h.usable("")
	jobs.open()
	jobs.show()
	if h.u.codes.rows[0].issuerText != "Lab" || h.u.codes.status.Text != "" {
		t.Errorf("after the save: first row %q, status %q", h.u.codes.rows[0].issuerText, h.u.codes.status.Text)
	}
	if got := h.reopen("pw").Accounts()[0].Issuer; got != "Lab" {
		t.Errorf("saved first = %q", got)
	}
}

func TestMoveFailedSaveKeepsTheOrder(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(exampleURI, hotpURI)
	h.breakSaves()
	h.u.move(0, 1)
	if h.u.codes.rows[0].issuerText != "Example" || h.u.codes.status.Text != changedOnDiskEN {
		t.Errorf("first row %q, status %q", h.u.codes.rows[0].issuerText, h.u.codes.status.Text)
	}
}

// A deleted row goes once the removal is saved, and stays when it fails.
func TestRemoveShowsOnceSaved(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(exampleURI, hotpURI)
	jobs := h.slowJobs()
	h.u.askRemove(0)
	h.u.removing.Confirm()
	if len(h.u.codes.rows) != 2 || h.u.codes.status.Text != "Saving…" {
		t.Fatalf("while saving: %d rows, status %q", len(h.u.codes.rows), h.u.codes.status.Text)
	}
	h.usable("a")
	jobs.open()
	h.u.refreshCodes() // draws from the copy while the removal wipes the vault's key
	jobs.show()
	if len(h.u.codes.rows) != 1 || h.u.codes.rows[0].issuerText != "Lab" || h.u.codes.status.Text != "Deleted Example (alice@example.com)" {
		t.Errorf("after the save: %d rows, status %q", len(h.u.codes.rows), h.u.codes.status.Text)
	}
	if n := len(h.reopen("pw").Accounts()); n != 1 {
		t.Errorf("saved %d accounts", n)
	}
}

func TestRemoveFailedSaveKeepsTheRow(t *testing.T) {
	h := newHarness(t, "ja")
	h.withAccounts(exampleURI, hotpURI)
	h.breakSaves()
	h.u.askRemove(0)
	h.u.removing.Confirm()
	if len(h.u.codes.rows) != 2 || unbroken(h.u.codes.status.Text) != changedOnDiskJA {
		t.Errorf("%d rows, status %q", len(h.u.codes.rows), h.u.codes.status.Text)
	}
}

// Saving a verified account: the add screen stays, its button off and its
// fields usable, until the account is saved; a failed save keeps the
// screen and the account unsaved.
func TestAddSaveWaitsForItsSave(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	a, _ := vault.ParseURI(exampleURI)
	h.u.showAdd([]vault.Account{a})
	s := h.u.add
	jobs := h.slowJobs()
	test.Tap(s.save)
	if h.u.add != s || !s.save.Disabled() || s.status.Text != "Saving…" {
		t.Fatalf("while saving: add screen %v, save disabled %v, status %q", h.u.add == s, s.save.Disabled(), s.status.Text)
	}
	test.Type(s.name, "x") // the window answers
	if !strings.Contains(s.name.Text, "x") {
		t.Errorf("name field = %q", s.name.Text)
	}
	h.u.submitAdd() // Enter while saving does nothing
	jobs.open()
	jobs.show()
	if h.u.codes == nil || h.u.codes.status.Text != "Saved: Example (alice@example.com)" {
		t.Errorf("after the save: codes %v", h.u.codes != nil)
	}
	if n := len(h.reopen("pw").Accounts()); n != 1 {
		t.Errorf("saved %d accounts", n)
	}
	jobs.none()
}

func TestAddFailedSaveKeepsTheScreen(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(hotpURI, eightDigitURI)
	h.breakSaves()
	a, _ := vault.ParseURI(exampleURI)
	h.u.showAdd([]vault.Account{a})
	s := h.u.add
	test.Tap(s.save)
	if h.u.add != s || s.save.Disabled() || s.status.Text != changedOnDiskEN {
		t.Errorf("add screen %v, save disabled %v, status %q", h.u.add == s, s.save.Disabled(), s.status.Text)
	}
	if n := len(h.u.vault.Accounts()); n != 2 {
		t.Errorf("%d accounts in memory", n)
	}
}

// Importing saves off the UI thread too.
func TestImportConfirmWaitsForItsSave(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(hotpURI)
	h.u.importText(exampleURI + "\n" + eightDigitURI)
	s := h.u.imp
	if s == nil {
		t.Fatal("no import preview")
	}
	jobs := h.slowJobs()
	test.Tap(s.confirm)
	if h.u.imp != s || !s.confirm.Disabled() || s.status.Text != "Saving…" {
		t.Fatalf("while saving: preview %v, import disabled %v, status %q", h.u.imp == s, s.confirm.Disabled(), s.status.Text)
	}
	jobs.open()
	jobs.show()
	if h.u.codes == nil || len(h.u.codes.rows) != 3 || !strings.HasPrefix(h.u.codes.status.Text, "Saved: ") {
		t.Errorf("after the save: codes %v", h.u.codes != nil)
	}
}

func TestImportFailedSaveKeepsThePreview(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(hotpURI, eightDigitURI)
	h.breakSaves()
	h.u.importText(exampleURI + "\n" + "otpauth://totp/Other:bob?secret=JBSWY3DPEHPK3PXQ")
	s := h.u.imp
	test.Tap(s.confirm)
	if h.u.imp != s || s.confirm.Disabled() || s.status.Text != changedOnDiskEN {
		t.Errorf("preview %v, import disabled %v, status %q", h.u.imp == s, s.confirm.Disabled(), s.status.Text)
	}
	if n := len(h.u.vault.Accounts()); n != 2 {
		t.Errorf("%d accounts in memory", n)
	}
}

// The time source is saved off the UI thread; the codes follow it only once
// it is saved, and a failed save leaves it as it was.
func TestTimeSourceSaveWaitsForItsSave(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(exampleURI)
	h.u.showSettings()
	s := h.u.settings
	jobs := h.slowJobs()
	s.timeSource.SetText("ntp://time.example")
	test.Tap(s.saveTime)
	if !s.saveTime.Disabled() || s.timeStatus.Text != "Saving…" {
		t.Fatalf("while saving: save disabled %v, status %q", s.saveTime.Disabled(), s.timeStatus.Text)
	}
	test.Type(s.timeSource, "x") // the window answers
	s.timeSource.SetText("ntp://time.example")
	jobs.open()
	jobs.show()
	if s.saveTime.Disabled() || s.timeStatus.Text != "Saved. Codes use this time source from now on." {
		t.Errorf("after the save: save disabled %v, status %q", s.saveTime.Disabled(), s.timeStatus.Text)
	}
	if got := h.reopen("pw").Settings.TimeSource; got != "ntp://time.example" {
		t.Errorf("saved source %q", got)
	}
}

func TestTimeSourceFailedSaveKeepsTheOld(t *testing.T) {
	h := newHarness(t, "ja")
	h.withAccounts(exampleURI, hotpURI)
	h.breakSaves()
	h.u.showSettings()
	s := h.u.settings
	clk := h.u.clock
	s.timeSource.SetText("ntp://time.example")
	test.Tap(s.saveTime)
	if unbroken(s.timeStatus.Text) != changedOnDiskJA || h.u.vault.Settings.TimeSource != "" || h.u.clock != clk {
		t.Errorf("status %q, source %q, clock replaced %v", s.timeStatus.Text, h.u.vault.Settings.TimeSource, h.u.clock != clk)
	}
}

// Start at login is switched off the UI thread; the check is off until the
// switch is done, and goes back if it failed.
func TestStartAtLoginOffTheUIThread(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(exampleURI)
	on := false
	fail := errors.New("registry write refused")
	var refuse bool
	h.u.deps.autostart = &autostarter{
		enable: func() error {
			if refuse {
				return fail
			}
			on = true
			return nil
		},
		disable: func() error { on = false; return nil },
		enabled: func() (bool, error) { return on, nil },
	}
	h.u.showSettings()
	s := h.u.settings
	jobs := h.slowJobs()
	s.startAtLogin.SetChecked(true)
	if !s.startAtLogin.Disabled() {
		t.Fatal("the check stays on while the switch runs")
	}
	test.Type(s.timeSource, "n") // the window answers
	jobs.open()
	jobs.show()
	if s.startAtLogin.Disabled() || !s.startAtLogin.Checked || s.status.Text != "" {
		t.Errorf("after: disabled %v, checked %v, status %q", s.startAtLogin.Disabled(), s.startAtLogin.Checked, s.status.Text)
	}
	s.startAtLogin.SetChecked(false)
	jobs.show()
	refuse = true
	s.startAtLogin.SetChecked(true)
	jobs.show()
	if s.startAtLogin.Checked || s.startAtLogin.Disabled() || s.status.Text == "" {
		t.Errorf("after a failed switch: checked %v, status %q", s.startAtLogin.Checked, s.status.Text)
	}
}

// Show QR draws the code off the UI thread, and shows nothing once locked.
func TestShowQROffTheUIThread(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(exampleURI)
	jobs := h.slowJobs()
	menuItem(t, h.u.rowMenu(0), "Show QR code…").Action()
	if h.u.showingQR != nil {
		t.Fatal("the QR dialog came before the code was drawn")
	}
	jobs.open()
	jobs.show()
	if h.u.showingQR == nil {
		t.Fatal("no QR dialog")
	}
	h.u.showingQR.Hide()
	h.u.showingQR = nil
	menuItem(t, h.u.rowMenu(0), "Show QR code…").Action()
	h.u.lockAndAsk()
	jobs.show() // the QR code's outcome and the unlock screen's, in either order
	jobs.show()
	if h.u.showingQR != nil {
		t.Error("a secret QR code was shown after the lock")
	}
}

// The export's QR codes are drawn off the UI thread, with word at once.
func TestExportQROffTheUIThread(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(exampleURI, hotpURI)
	jobs := h.slowJobs()
	h.u.export(exportQR)
	if h.u.qr != nil || h.u.codes.status.Text != "Drawing the QR codes…" {
		t.Fatalf("before drawing: qr screen %v, status %q", h.u.qr != nil, h.u.codes.status.Text)
	}
	h.answers("Lab")
	jobs.open()
	jobs.show()
	if h.u.qr == nil || len(h.u.qr.imgs) != 2 {
		t.Fatal("no QR screen after drawing")
	}
}

// While a save holds the vault, the settings screen (which reads it) opens
// once the save is done, rather than being refused.
func TestSettingsWaitForASave(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(hotpURI)
	jobs := h.slowJobs()
	test.Tap(h.u.codes.rows[0])
	h.u.showSettings()
	if h.u.settings != nil || h.u.codes.status.Text != "Saving…" {
		t.Errorf("settings while saving: shown %v, status %q", h.u.settings != nil, h.u.codes.status.Text)
	}
	jobs.open()
	jobs.show()
	if h.u.settings == nil || h.u.win.Content() != h.u.settings.root {
		t.Fatal("settings not shown after the save")
	}
	if h.clip() != "755224" {
		t.Errorf("clipboard = %q, want 755224", h.clip())
	}
}

// An encrypted export asked for while a save holds the vault keeps its
// dialog and the typed passwords, says why, and goes on at the next press.
func TestEncryptedExportKeepsThePasswordsWhileSaving(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(hotpURI, exampleURI)
	path := h.saveTo(t, "backup.vault")
	jobs := h.slowJobs()
	test.Tap(h.u.codes.rows[0])
	h.u.export(exportDeskAuth)
	test.Type(h.u.dialogs.exportPassword, "backup pw")
	test.Type(h.u.dialogs.exportAgain, "backup pw")
	test.Tap(h.u.dialogs.exportSave)
	if h.u.dialogs.exportPassword.Text != "backup pw" || h.u.dialogs.exportAgain.Text != "backup pw" {
		t.Fatalf("while saving the typed passwords were dropped: %q, %q", h.u.dialogs.exportPassword.Text, h.u.dialogs.exportAgain.Text)
	}
	jobs.open()
	jobs.show()
	test.Tap(h.u.dialogs.exportSave)
	jobs.show() // encrypted
	jobs.show() // the save dialog answered
	jobs.show() // written
	if _, err := os.Stat(*path); err != nil {
		t.Errorf("no backup written: %v (status %q)", err, h.u.codes.status.Text)
	}
}

// Restoring the backup of a damaged vault runs off the UI thread: the
// unlock screen says so at once and answers meanwhile, and the restored
// vault then opens.
func TestRestoreBackupOffTheUIThread(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(exampleURI, hotpURI) // the backup holds Example alone
	h.u.lockAndAsk()
	data, err := os.ReadFile(h.path)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)-5] ^= 0xFF // the payload no longer authenticates
	if err := os.WriteFile(h.path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	s := h.u.unlock
	test.Type(s.password, "pw")
	test.Tap(s.open)
	if !strings.HasPrefix(s.status.Text, "The vault file is damaged, but an intact backup exists.") {
		t.Fatalf("status = %q", s.status.Text)
	}
	jobs := h.slowJobs()
	test.Tap(findIn(t, h.topDialog(t), "Yes"))
	if !s.open.Disabled() || s.status.Text != "Restoring the backup…" {
		t.Fatalf("while restoring: open disabled %v, status %q", s.open.Disabled(), s.status.Text)
	}
	test.Type(s.password, "pw") // the window answers
	if s.password.Text != "pw" {
		t.Errorf("password field = %q", s.password.Text)
	}
	jobs.open()
	jobs.show() // restored; tryOpen looks at the slots
	jobs.show()
	if _, err := os.Stat(h.path + ".damaged"); err != nil {
		t.Errorf("the damaged file was not kept: %v", err)
	}
	u := h.u.unlock
	if u == nil {
		t.Fatal("no unlock screen after the restore")
	}
	test.Type(u.password, "pw")
	test.Tap(u.open)
	jobs.show()
	if h.u.vault == nil || len(h.u.vault.Accounts()) != 1 {
		t.Fatalf("the restored vault did not open: %q", u.status.Text)
	}
}

// A protection change holds the vault: the window answers meanwhile, a copy
// is refused in words, and the outcome shows once it is saved.
func TestProtectionChangeHoldsTheVault(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(exampleURI)
	h.u.showSettings()
	s := h.u.settings
	jobs := h.slowJobs()
	s.protect.SetSelected(h.u.protectionOptions()[protectOS])
	test.Tap(s.apply)
	if !s.apply.Disabled() || s.status.Text != "Saving…" {
		t.Fatalf("while saving: apply disabled %v, status %q", s.apply.Disabled(), s.status.Text)
	}
	test.Type(s.timeSource, "n") // the window answers
	h.u.copyCode(0)              // a time-based code needs no save: it is copied at once
	if want := wantCode(t, exampleURI); h.copied() != want {
		t.Errorf("a copy while saving: clipboard %q, want %q (status %q)", h.clip(), want, s.status.Text)
	}
	if err := h.u.withVault(func(*vault.Vault) func() { return nil }); !errors.Is(err, errBusy) {
		t.Errorf("another vault action while saving: %v, want errBusy", err)
	}
	jobs.open()
	jobs.show()
	if s.apply.Disabled() || s.status.Text != "The protection is changed." {
		t.Errorf("after: apply disabled %v, status %q", s.apply.Disabled(), s.status.Text)
	}
	if pw, os := h.u.vault.Protection(); pw || !os {
		t.Errorf("protection = password %v, os %v", pw, os)
	}
}

// Names typed on the add screen while a save holds the vault (a copy from
// the tray) are planned once it ends: here they make a re-enrolment.
func TestAddPlansAgainAfterASave(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(hotpURI)
	a, _ := vault.ParseURI(exampleURI)
	h.u.showAdd([]vault.Account{a})
	s := h.u.add
	jobs := h.slowJobs()
	h.u.trayMenu().Items[0].Action() // the tray copies Lab's code
	s.issuer.SetText("Lab")
	s.name.SetText("rack")
	if s.reenrol.Visible() {
		t.Fatal("planned against the vault while a save held it")
	}
	test.Tap(s.save)
	if s.status.Text != stillSavingEN {
		t.Errorf("save while another save runs: status %q", s.status.Text)
	}
	jobs.open()
	jobs.show()
	if !s.reenrol.Visible() || !strings.Contains(s.label.Text, "This replaces an account already in the vault: Lab (rack)") {
		t.Errorf("after the save: re-enrol choice shown %v, label %q", s.reenrol.Visible(), s.label.Text)
	}
	if h.clip() != "755224" {
		t.Errorf("the tray's copy gave %q", h.clip())
	}
}

// Even looking for the vault file happens off the UI thread (it may sit in
// an offline folder): the window shows setup once the answer comes.
func TestStartLooksForTheVaultOffTheUIThread(t *testing.T) {
	h := newHarness(t, "")
	jobs := h.slowJobs()
	h.u.start()
	if h.u.setup != nil {
		t.Fatal("setup shown before the vault was looked for")
	}
	jobs.open()
	jobs.show()
	if h.u.setup == nil {
		t.Fatal("no setup screen for a missing vault")
	}
}

// A time-based code is copied at once while a save holds the vault: it
// needs no save, so nothing refuses it.
func TestTOTPCopyWhileSaving(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(hotpURI, exampleURI)
	jobs := h.slowJobs()
	test.Tap(h.u.codes.rows[0]) // the HOTP copy saves its counter
	test.Tap(h.u.codes.rows[1])
	if want := wantCode(t, exampleURI); h.copied() != want {
		t.Errorf("clipboard = %q while saving, want %q (status %q)", h.clip(), want, h.u.codes.status.Text)
	}
	if got := h.u.codes.status.Text; got != "Copied the code for Example (alice@example.com)" {
		t.Errorf("status = %q", got)
	}
	h.u.trayMenu().Items[1].Action() // the tray's copy, likewise
	if want := wantCode(t, exampleURI); h.copied() != want {
		t.Errorf("the tray's copy while saving: clipboard %q", h.clip())
	}
	jobs.open()
	jobs.show()
	if h.clip() != "755224" {
		t.Errorf("clipboard = %q after the HOTP save, want 755224", h.clip())
	}
	jobs.none()
}

// A save's outcome may wait on the UI thread's queue after the save itself
// ended. Until it is shown, each row still draws and copies the account it
// names, not whichever account the saved vault now has at its place.
func TestRowsKeepTheirAccountUntilTheOutcomeShows(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(exampleURI, eightDigitURI, hotpURI)
	jobs := h.slowJobs()
	h.u.move(0, 1) // saved: 管理コンソール, Example, Lab
	jobs.open()
	outcome := jobs.ended()
	row := h.u.codes.rows[0]
	test.Tap(row) // Example's row, as the window still shows it
	h.u.refreshCodes()
	want := wantCode(t, exampleURI)
	if row.issuerText != "Example" || row.code.Text != want {
		t.Errorf("row %q shows %q, want %q", row.issuerText, row.code.Text, want)
	}
	if h.copied() != want {
		t.Errorf("tapping Example's row copied %q, want %q", h.clip(), want)
	}
	hotpRow := h.u.codes.rows[2]
	test.Tap(hotpRow) // Lab's HOTP row: refused until the list is redrawn
	if h.u.codes.status.Text != stillSavingEN || hotpRow.code.Text != "--- ---" {
		t.Errorf("HOTP copy before the outcome: status %q, row %q", h.u.codes.status.Text, hotpRow.code.Text)
	}
	outcome()
	jobs.none()
	if h.u.codes.rows[1].issuerText != "Example" {
		t.Errorf("after the outcome the second row is %q", h.u.codes.rows[1].issuerText)
	}
	for _, a := range h.reopen("pw").Accounts() {
		if a.Counter != 0 {
			t.Errorf("%s: counter %d, want 0 (no HOTP code was handed out)", a.Label(), a.Counter)
		}
	}
}

// Lock does not wait for a running save: the window locks at once, the
// vault closes once the save ends, the save's code never reaches the
// clipboard, and the vault then unlocks again.
func TestLockDoesNotWaitForASave(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(hotpURI)
	jobs := h.slowJobs()
	test.Tap(h.u.codes.rows[0])
	locked := make(chan struct{})
	go func() { h.u.lockAndAsk(); close(locked) }() // this goroutine plays the UI thread meanwhile
	select {
	case <-locked:
	case <-time.After(time.Minute): // a hang guard, not a timing assert
		jobs.open()
		<-locked
		t.Fatal("lock waited for the save to end")
	}
	if h.u.vault != nil || h.u.codes != nil || h.u.job != nil {
		t.Fatalf("after lock: vault open %v, codes shown %v, job held %v", h.u.vault != nil, h.u.codes != nil, h.u.job != nil)
	}
	jobs.open()
	jobs.show() // the copy's outcome and the unlock screen's, in either order
	jobs.show()
	if h.clip() != "" || h.u.unlock == nil {
		t.Fatalf("after the save: clipboard %q, unlock screen %v", h.clip(), h.u.unlock != nil)
	}
	test.Type(h.u.unlock.password, "pw")
	test.Tap(h.u.unlock.open)
	jobs.show()
	if h.u.vault == nil {
		t.Fatalf("the vault did not open again: %q", h.u.unlock.status.Text)
	}
	if got := h.u.vault.Accounts()[0].Counter; got != 1 {
		t.Errorf("counter = %d, want 1 (the save ran to its end)", got)
	}
}

// Quit lets a running save end before the app does.
func TestQuitWaitsForASave(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(hotpURI)
	jobs := h.slowJobs()
	test.Tap(h.u.codes.rows[0])
	quit := make(chan struct{})
	go func() { h.u.quit(); close(quit) }()
	select {
	case <-quit:
		t.Fatal("quit returned before the save ended")
	default:
	}
	jobs.open()
	<-quit
	if got := h.reopen("pw").Accounts()[0].Counter; got != 1 {
		t.Errorf("saved counter = %d, want 1", got)
	}
}

// A protection change or a time source whose save fails after the admin
// left the settings screen is said on the screen they are on, never
// dropped; a protection change that succeeds is said too.
func TestSettingsOutcomeSaidAfterLeaving(t *testing.T) {
	for _, c := range []struct{ lang, want string }{{"en", changedOnDiskEN}, {"ja", changedOnDiskJA}} {
		t.Run(c.lang, func(t *testing.T) {
			h := newHarness(t, c.lang)
			h.withAccounts(exampleURI)
			h.u.showSettings()
			s := h.u.settings
			jobs := h.slowJobs()
			h.breakSaves()
			s.protect.SetSelected(h.u.protectionOptions()[protectOS])
			test.Tap(s.apply)
			h.u.settings = nil
			h.u.showCodes() // Back
			jobs.open()
			jobs.show()
			if got := unbroken(h.u.codes.status.Text); got != c.want {
				t.Errorf("failed protection change, said %q, want %q", got, c.want)
			}
			if pw, os := h.u.vault.Protection(); !pw || os {
				t.Errorf("protection = password %v, os %v; want unchanged", pw, os)
			}

			h.u.codes.status.SetText("")
			h.u.showSettings()
			s = h.u.settings
			s.timeSource.SetText("ntp://time.example")
			test.Tap(s.saveTime)
			h.u.settings = nil
			h.u.showCodes()
			jobs.show()
			if got := unbroken(h.u.codes.status.Text); got != c.want {
				t.Errorf("failed time source save, said %q, want %q", got, c.want)
			}
		})
	}
}

// A protection change that succeeds after the admin left the screen says
// so, and still offers the recovery backup for an OS-only vault.
func TestProtectionChangeSaidAfterLeaving(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(exampleURI)
	h.u.showSettings()
	s := h.u.settings
	jobs := h.slowJobs()
	s.protect.SetSelected(h.u.protectionOptions()[protectOS])
	test.Tap(s.apply)
	h.u.settings = nil
	h.u.showCodes()
	jobs.open()
	jobs.show()
	if got := h.u.codes.status.Text; got != "The protection is changed." {
		t.Errorf("status = %q", got)
	}
	if pw, os := h.u.vault.Protection(); pw || !os {
		t.Errorf("protection = password %v, os %v", pw, os)
	}
	test.Tap(findIn(t, h.topDialog(t), "Later")) // the recovery backup offer
}

// An export's bytes (a plain export holds every secret in the clear) are
// wiped when the admin cancels the save dialog, not left for the garbage
// collector; and, as before, once written.
func TestExportDataWipedWhenCancelled(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(exampleURI)
	h.u.deps.saveFile = func(string, string) (string, error) { return "", nil } // cancelled
	data := []byte("otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP\n")
	h.u.saveExport("otpauth.txt", data)
	if strings.Trim(string(data), "\x00") != "" {
		t.Errorf("after a cancelled save the export still holds %q", data)
	}
	path := h.saveTo(t, "otpauth.txt")
	data = []byte("otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP\n")
	want := string(data)
	h.u.saveExport("otpauth.txt", data)
	if got, err := os.ReadFile(*path); err != nil || string(got) != want {
		t.Errorf("written: %q, %v", got, err)
	}
	if strings.Trim(string(data), "\x00") != "" {
		t.Errorf("after the save the export still holds %q", data)
	}
}

// An import whose file is read while a save holds the vault waits for the
// save without holding up the window (planning reads the vault), then
// shows its preview.
func TestImportPreviewWaitsForASaveWithoutBlocking(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(hotpURI)
	res, err := transfer.ParseText(exampleURI+"\n"+eightDigitURI, transfer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	jobs := h.slowJobs()
	test.Tap(h.u.codes.rows[0]) // the HOTP copy saves its counter
	shown := make(chan struct{})
	go func() { h.u.showImportPreview(res); close(shown) }() // this goroutine plays the UI thread meanwhile
	select {
	case <-shown:
	case <-time.After(time.Minute): // a hang guard, not a timing assert
		jobs.open()
		<-shown
		t.Fatal("the import preview held the UI thread until the save ended")
	}
	if h.u.imp != nil || h.u.codes.status.Text != "Saving…" {
		t.Fatalf("while saving: preview %v, status %q", h.u.imp != nil, h.u.codes.status.Text)
	}
	h.answers("Lab")
	jobs.open()
	jobs.show()
	if h.u.imp == nil || len(h.u.imp.plan) != 2 {
		t.Fatal("no import preview after the save")
	}
	if h.clip() != "755224" {
		t.Errorf("clipboard = %q, want 755224", h.clip())
	}
	test.Tap(h.u.imp.confirm)
	jobs.show()
	if n := len(h.reopen("pw").Accounts()); n != 3 {
		t.Errorf("saved %d accounts, want 3", n)
	}
}

// Show QR code works from the rows as shown while a save changes the
// vault's accounts on another goroutine: it reads the copy the rows draw
// from, never the vault (under -race, reading the vault here is a data
// race), and shows the account the admin chose.
func TestShowQRWhileASaveRemovesAnAccount(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(exampleURI, hotpURI)
	jobs := h.slowJobs()
	h.u.askRemove(0)
	h.u.removing.Confirm()
	jobs.open() // the removal runs while the QR code is asked for
	menuItem(t, h.u.rowMenu(1), "Show QR code…").Action()
	jobs.show() // the removal's outcome and the QR code's, in either order
	jobs.show()
	if h.u.showingQR == nil {
		t.Fatal("no QR dialog")
	}
	found := false
	walk(h.topDialog(t), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.Text == "Lab (rack)" {
			found = true
		}
	})
	if !found {
		t.Error("the QR dialog does not name Lab (rack)")
	}
}
