// Package app is DeskAuth's desktop user interface, built with Fyne. It holds
// widgets and callbacks only: every decision is a call into vault, capture or
// timesync, and the UI shows what they compute.
//
// The window moves through screens: setup (no vault yet), unlock (a password
// is needed), codes (the account list) and add (check a new account's live
// code, then save it). Each screen is built by a method of ui and swapped in
// with show; tests drive them with fyne's test package.
package app

import (
	"context"
	"image"
	"net/http"
	"os"
	"runtime/debug"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"

	"github.com/deskauth/deskauth/assets"
	"github.com/deskauth/deskauth/capture"
	"github.com/deskauth/deskauth/internal/filedialog"
	"github.com/deskauth/deskauth/vault"
	"github.com/deskauth/deskauth/vault/keystore"
	"github.com/deskauth/deskauth/vault/transfer"
)

// AppID is the application identifier, shared with FyneApp.toml.
const AppID = "io.github.deskauth"

// Icon is the application icon as a Fyne resource.
var Icon = fyne.NewStaticResource("icon.png", assets.Icon)

// deps are the outside world the UI talks to; tests replace them.
type deps struct {
	now       func() time.Time
	store     func() (keystore.Store, error)
	scan      func(ctx context.Context) ([]capture.Found, error)
	clipboard func(ctx context.Context) (image.Image, error)
	// hideForScan is how long the window stays hidden before a screen scan,
	// so it does not cover the console's QR code.
	hideForScan time.Duration
	// refreshEvery is how often the live codes are redrawn; zero turns the
	// timer off (tests redraw by hand, since the test driver runs fyne.Do
	// on the calling goroutine).
	refreshEvery time.Duration
	// background runs slow work (screen scans, clipboard reads, saves) off
	// the UI thread (see offUI); results come back through toUI. Tests run
	// it inline, or on goroutines held behind a gate.
	background func(func())
	// argon2 is the cost of new password slots; zero (the real app) is the
	// vault's default. Tests lower it, as the CLI's tests do: a hook in the
	// test binary, never a setting a user could lower by accident.
	argon2 vault.Argon2Cost
	// openFile and saveFile show the system's file dialog and return the
	// chosen path ("" when cancelled), or errors.ErrUnsupported where there
	// is none; nil means Fyne's dialog.
	openFile func(title string, exts []string) (string, error)
	saveFile func(title, name string) (string, error)
	// autostart switches start at login; nil hides the setting.
	autostart *autostarter
	// httpClient is used by the settings screen's time check; nil is
	// timesync's default.
	httpClient *http.Client
	// after runs a function once a delay has passed (clipboard clearing,
	// auto-lock) and returns its cancel; nil means time.AfterFunc. Tests
	// pass a fake clock.
	after func(time.Duration, func()) (cancel func())
	// trayHost reports whether the desktop shows tray icons; nil means no.
	trayHost func() bool
	// toUI hands a background job's outcome to the UI thread; nil means
	// fyne.Do. Tests that run jobs on goroutines of their own queue it and
	// run the queue on the test goroutine, which plays the UI thread.
	toUI func(func())
}

func realDeps() deps {
	return deps{
		now:          time.Now,
		store:        keystore.Default,
		scan:         func(ctx context.Context) ([]capture.Found, error) { return capture.Scan(ctx) },
		clipboard:    capture.ClipboardImage,
		hideForScan:  400 * time.Millisecond,
		refreshEvery: time.Second,
		background:   func(f func()) { go f() },
		openFile:     filedialog.Open,
		saveFile:     filedialog.Save,
		autostart:    realAutostart(),
		trayHost:     hasTrayHost,
	}
}

// ui is the main window's state. Widgets of the current screen are fields so
// tests can drive and inspect them.
type ui struct {
	app   fyne.App
	win   fyne.Window
	deps  deps
	path  string
	prefs prefs

	vault *vault.Vault // nil while locked
	clock *clock       // the corrected time, once unlocked

	setup    *setupScreen
	unlock   *unlockScreen
	codes    *codesScreen
	add      *addScreen
	settings *settingsScreen
	imp      *importScreen // the import preview
	qr       *qrScreen     // exported QR codes
	dialogs  openDialogs   // widgets of the dialog on show, for tests

	baseTheme fyne.Theme        // the theme before a light or dark choice
	batches   *transfer.Batches // Google Authenticator export codes scanned so far

	background func()        // cancels the auto-lock countdown while in the background
	stopTick   chan struct{} // closed on lock, ends the refresh goroutine

	tray      desktop.App // nil without a tray host
	trayKey   string      // what the tray menu was last built from
	clipHeld  string      // the code we put on the clipboard, until cleared
	clipTimer func()      // cancels the clipboard's clear timer

	// Dialogs on show, for tests and the keyboard.
	renaming    *renameDialog
	removing    *dialog.ConfirmDialog
	showingQR   *dialog.CustomDialog
	closeNotice *dialog.ConfirmDialog

	paintLog string // test-only: where to note the first code shown

	// job is the background job that holds the vault, nil when none does.
	job *vaultJob
	// closing is closed once the vault locked while a job used it is
	// closed (closeVault); nil when no vault is closing.
	closing chan struct{}
}

// vaultJob is a background job that uses the vault: a save, a protection
// change. A Vault has one owner at a time, so while a job runs the UI thread
// leaves the vault alone: the window draws from shown, a copy of the
// accounts taken when the job began, another vault action is refused
// (errBusy) or, when it only reads the vault, put off until the job ends
// (afterJob), and lock closes the vault once the job is done (closeVault).
type vaultJob struct {
	done  chan struct{}   // closed once the job no longer touches the vault
	shown []vault.Account // what the window draws meanwhile; wiped after
	then  []func()        // put off until the job ends (afterJob)
}

// offUI runs work off the UI thread (deps.background), then the function it
// returns, if any, on the UI thread. Every slow step of the window (file and
// key-store I/O, saves, drawing QR codes) goes through it.
func (u *ui) offUI(work func() (show func())) {
	toUI := u.deps.toUI
	if toUI == nil {
		toUI = fyne.Do
	}
	u.deps.background(func() {
		if show := work(); show != nil {
			toUI(show)
		}
	})
}

// withVault runs work on the open vault off the UI thread, holding the
// vault while it runs, and then shows its outcome: the function work
// returns runs on the UI thread, and only while the same vault is still
// open (a job that ends after a lock shows nothing). It fails, starting
// nothing, with vault.ErrClosed when the vault is locked and errBusy while
// another job holds it.
func (u *ui) withVault(work func(v *vault.Vault) (show func())) error {
	if u.vault == nil {
		return vault.ErrClosed
	}
	if u.busy() {
		return errBusy
	}
	v := u.vault
	j := &vaultJob{done: make(chan struct{}), shown: v.Snapshot()}
	u.job = j
	u.offUI(func() func() {
		show := work(v)
		close(j.done)
		return func() {
			u.endJob(j)
			if show != nil && u.vault == v {
				show()
			}
		}
	})
	return nil
}

// busy reports whether a background job holds the vault. A job holds it
// until its outcome is shown on the UI thread (endJob), not merely until
// its work is done: the rows index the copy the job began with, and the
// vault's own accounts may since have moved or gone, so nothing may read
// the vault, or act on a row, before the outcome re-draws the list.
func (u *ui) busy() bool { return u.job != nil }

// endJob lets the UI thread use the vault again once job j is over, and
// catches up with what it put off meanwhile (the search filter, the add
// screen's plan, an import preview).
func (u *ui) endJob(j *vaultJob) {
	if u.job != j {
		return
	}
	u.job = nil
	vault.Wipe(j.shown)
	switch {
	case u.vault == nil:
	case u.codes != nil && u.codes.stale:
		u.filter()
	case u.add != nil && u.add.replan != nil:
		u.planPending(u.add.replan)
		u.refreshPreview()
	}
	for _, f := range j.then {
		if u.vault != nil {
			u.afterJob(f) // at once, unless an earlier f started a job
		}
	}
}

// afterJob runs f on the UI thread once no job holds the vault: at once,
// or when the running job's outcome is shown (endJob). A vault locked
// meanwhile drops f. The UI thread never waits for a job: a save may take
// long in a slow or synced folder, or a key store may ask the user.
func (u *ui) afterJob(f func()) {
	if u.job == nil {
		f()
		return
	}
	u.job.then = append(u.job.then, f)
}

// closeVault closes v, which the window has just let go of (lock). While a
// job still uses v, the window does not wait for it (a save to a slow or
// synced folder, a key store asking the user): the copy it drew from is
// wiped now, and v closes once the job is done, off the UI thread. The
// job's outcome is not shown (withVault shows nothing for a vault no longer
// open), and opening a vault again waits for the close (u.closing), since
// the old one still holds the file.
func (u *ui) closeVault(v *vault.Vault) {
	j := u.job
	if j == nil {
		v.Close()
		return
	}
	u.job = nil
	vault.Wipe(j.shown)
	closed := make(chan struct{})
	u.closing = closed
	go func() {
		<-j.done
		v.Close()
		close(closed)
	}()
}

// waitClosed waits until a vault closing after its last job (closeVault) is
// closed: before the app quits, so a save runs to its end.
func (u *ui) waitClosed() {
	if u.closing != nil {
		<-u.closing
		u.closing = nil
	}
}

// accounts are the accounts the window shows: the vault's, or while a job
// holds the vault, the copy taken when it began.
func (u *ui) accounts() []vault.Account {
	switch {
	case u.job != nil:
		return u.job.shown
	case u.vault == nil:
		return nil
	}
	return u.vault.Accounts()
}

// snapshot copies the vault's accounts, secrets included, for work off the
// UI thread (an export); the caller wipes the copy (vault.Wipe).
func (u *ui) snapshot() ([]vault.Account, error) {
	switch {
	case u.vault == nil:
		return nil, vault.ErrClosed
	case u.busy():
		return nil, errBusy
	}
	return u.vault.Snapshot(), nil
}

// Run opens the main window on the vault at vaultPath and blocks until the app
// quits.
func Run(vaultPath string) {
	// The tray's title comes from the metadata's name (else the app ID).
	fyneapp.SetMetadata(fyne.AppMetadata{ID: AppID, Name: "DeskAuth", Icon: Icon})
	a := fyneapp.NewWithID(AppID)
	a.SetIcon(Icon)
	u := newUI(a, vaultPath, realDeps())
	u.paintLog = os.Getenv("DESKAUTH_TEST_FIRST_CODE_LOG")
	u.start()
	u.showAtStart()
	a.Run()
	u.lock()
	u.waitClosed()
}

// showAtStart shows the window, unless "start minimised" is on and the
// tray can bring the window back.
func (u *ui) showAtStart() {
	if u.tray != nil && u.prefs.StartMinimised() {
		return
	}
	u.win.Show()
}

// newUI builds the window without showing a screen yet; start picks the first
// one. Translations are loaded here rather than in init so tests can choose
// the language first.
func newUI(a fyne.App, path string, d deps) *ui {
	u := &ui{app: a, deps: d, path: path, prefs: prefs{a.Preferences()}}
	applyLanguage(u.prefs.Language())
	u.win = a.NewWindow(lang.L("DeskAuth"))
	u.win.Resize(fyne.NewSize(440, 600))
	u.win.SetMaster()
	u.win.SetOnDropped(u.dropped)
	u.setUpTray()
	u.win.SetCloseIntercept(u.closeWindow)
	u.setUpKeys()
	a.Lifecycle().SetOnExitedForeground(u.leftForeground)
	a.Lifecycle().SetOnEnteredForeground(u.cancelAutoLock)
	return u
}

// leftForeground starts the auto-lock countdown.
func (u *ui) leftForeground() {
	u.cancelAutoLock()
	after := u.prefs.AutoLock()
	if after <= 0 {
		return
	}
	u.background = u.after(after, func() {
		fyne.Do(func() {
			if u.vault != nil {
				u.lockAndAsk()
			}
		})
	})
}

func (u *ui) cancelAutoLock() {
	if u.background != nil {
		u.background()
		u.background = nil
	}
}

// show swaps the window's content.
func (u *ui) show(c fyne.CanvasObject) {
	u.win.SetContent(c)
}

// start shows the first screen for the vault file: setup when there is none,
// the codes when the OS key store opens it, and unlock otherwise.
func (u *ui) start() {
	if t := u.prefs.Theme(); t != "" {
		u.applyTheme(t)
	}
	// The vault may sit in a slow or offline folder: even looking for it
	// happens off the UI thread.
	u.offUI(func() func() {
		exists := vaultExists(u.path)
		return func() {
			if exists {
				u.tryOpen()
			} else {
				u.showSetup()
			}
		}
	})
}

// opened takes over an unlocked vault and shows its codes.
func (u *ui) opened(v *vault.Vault) {
	u.vault = v
	u.setup, u.unlock = nil, nil
	u.clock = newClock(u.deps.now, v.Settings.TimeSource)
	if u.deps.refreshEvery > 0 {
		u.stopTick = make(chan struct{})
		go u.tick(u.stopTick, u.deps.refreshEvery)
	}
	// The password box that opened the vault leaves the window with it;
	// unfocus it first, or its blinking cursor keeps the window redrawing.
	u.win.Canvas().Unfocus()
	u.showCodes()
	for _, w := range v.Warnings() {
		u.codes.notice.SetText(describeWarning(w))
		u.codes.notice.Show()
	}
	u.trayChanged()
	u.noteFirstCode()
	// Argon2id's memory (64 MiB and more) is garbage now; hand it back
	// to the OS rather than keep it for the life of the window.
	debug.FreeOSMemory()
}

// tick redraws the live codes while the vault is open, just after each
// whole second so a new code shows as soon as its period starts.
func (u *ui) tick(stop chan struct{}, every time.Duration) {
	for {
		wait := every
		if every == time.Second {
			now := time.Now()
			wait = now.Truncate(time.Second).Add(time.Second + 10*time.Millisecond).Sub(now)
		}
		t := time.NewTimer(wait)
		select {
		case <-stop:
			t.Stop()
			return
		case <-t.C:
			fyne.Do(u.refresh)
		}
	}
}

// noteFirstCode is a test-only hook for bench/gui-idle.sh: the time the first
// code was handed to the renderer, after the frame that draws it.
func (u *ui) noteFirstCode() {
	if u.paintLog == "" || u.codes == nil || len(u.codes.rows) == 0 {
		return
	}
	path := u.paintLog
	u.paintLog = ""
	go fyne.Do(func() { // queued behind the frame that paints the rows
		os.WriteFile(path, []byte(time.Now().Format(time.RFC3339Nano)+"\n"), 0o600)
	})
}

// refresh redraws whichever screen shows codes.
func (u *ui) refresh() {
	switch {
	case u.vault == nil:
	case u.add != nil:
		u.refreshPreview()
	case u.codes != nil:
		u.refreshCodes()
	}
}

// lockAndAsk locks the vault and shows the unlock screen. Even an
// OS-protected vault then waits for the Unlock button, so a locked screen
// shows no codes.
func (u *ui) lockAndAsk() {
	u.lock()
	u.unlock = nil
	u.showUnlock("")
}

// lock closes the vault, wiping its keys from memory. The window locks at
// once, even while a save runs (see closeVault).
func (u *ui) lock() {
	u.clearClipboard()
	u.cancelAutoLock()
	if u.stopTick != nil {
		close(u.stopTick)
		u.stopTick = nil
	}
	u.codes, u.add, u.settings, u.imp, u.qr = nil, nil, nil, nil, nil
	u.batches = nil
	if u.clock != nil {
		u.clock.stop()
		u.clock = nil
	}
	if v := u.vault; v != nil {
		u.vault = nil
		u.closeVault(v)
		u.trayChanged()
	}
}
