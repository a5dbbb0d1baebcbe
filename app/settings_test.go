package app

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/deskauth/deskauth/internal/version"
	"github.com/deskauth/deskauth/vault"
	"github.com/deskauth/deskauth/vault/keystore"
)

func openWith(t *testing.T, h *harness, u vault.Unlocker) error {
	t.Helper()
	v, err := vault.Read(h.path, u)
	if err == nil {
		v.Close()
	}
	return err
}

func password(pw string) vault.Unlocker {
	return vault.Unlocker{Password: func() ([]byte, error) { return []byte(pw), nil }, PasswordOnly: true}
}

func TestSettingsChangePassword(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("old")
	h.u.showSettings()
	s := h.u.settings
	if s.protection.Text != "Now: a password." {
		t.Errorf("protection = %q", s.protection.Text)
	}
	test.Type(s.password, "new")
	test.Type(s.confirm, "newer")
	test.Tap(s.apply)
	if s.status.Text != "The two passwords differ." {
		t.Errorf("status = %q", s.status.Text)
	}
	s.confirm.SetText("new")
	test.Tap(s.apply)
	if s.status.Text != "The protection is changed." {
		t.Fatalf("status = %q", s.status.Text)
	}
	if err := openWith(t, h, password("old")); !errors.Is(err, vault.ErrWrongPassword) {
		t.Errorf("old password: %v", err)
	}
	if err := openWith(t, h, password("new")); err != nil {
		t.Errorf("new password: %v", err)
	}
}

func TestSettingsSwitchProtection(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	h.u.showSettings()
	s := h.u.settings
	s.protect.SetSelected(h.u.protectionOptions()[protectOS])
	test.Tap(s.apply)
	if s.protection.Text != "Now: this computer's key store only. Keep an encrypted backup (Export)." {
		t.Fatalf("protection = %q (%q)", s.protection.Text, s.status.Text)
	}
	if h.u.win.Canvas().Overlays().Top() == nil {
		t.Error("no recovery backup offered after switching to the key store only")
	}
	if err := openWith(t, h, vault.Unlocker{Store: h.store}); err != nil {
		t.Errorf("key store: %v", err)
	}
	if err := openWith(t, h, password("pw")); err == nil {
		t.Error("the password still opens it")
	}

	s.protect.SetSelected(h.u.protectionOptions()[protectBoth])
	test.Type(s.password, "pw2")
	test.Type(s.confirm, "pw2")
	enter(s.confirm)
	if err := openWith(t, h, password("pw2")); err != nil {
		t.Errorf("both, password: %v", err)
	}
	if err := openWith(t, h, vault.Unlocker{Store: h.store}); err != nil {
		t.Errorf("both, key store: %v", err)
	}
}

// A failed save leaves the protection as it was, and says why.
func TestSettingsProtectionFailsCleanly(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	h.u.showSettings()
	s := h.u.settings
	h.store.SetUnavailable(true)
	s.protect.SetSelected(h.u.protectionOptions()[protectOS])
	test.Tap(s.apply)
	if s.status.Text != "This computer's key store is not available." {
		t.Errorf("status = %q", s.status.Text)
	}
	if pw, os := h.u.vault.Protection(); !pw || os {
		t.Errorf("protection changed in memory: %v %v", pw, os)
	}
	if err := openWith(t, h, password("pw")); err != nil {
		t.Errorf("the old password no longer opens it: %v", err)
	}
}

func TestSettingsWindowPreferences(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	h.u.showSettings()
	s := h.u.settings
	if s.autoLock.Selected != "5 min in the background" || s.clipboardClear.Selected != "30 s" {
		t.Errorf("defaults: %q, %q", s.autoLock.Selected, s.clipboardClear.Selected)
	}
	s.autoLock.SetSelected("Never")
	s.clipboardClear.SetSelected("10 s")
	s.hideCodes.SetChecked(true)
	p := h.u.prefs
	if p.AutoLock() != 0 || p.ClipboardClear() != 10*time.Second || !p.HideCodes() {
		t.Errorf("prefs: %v %v %v", p.AutoLock(), p.ClipboardClear(), p.HideCodes())
	}
	if s.startMinimised != nil {
		t.Error("start minimised offered without a tray to come back from")
	}
	if s.startAtLogin != nil {
		t.Error("start at login shown without an autostarter")
	}
}

func TestSettingsStartAtLogin(t *testing.T) {
	h := newHarness(t, "")
	on := false
	fail := false
	h.u.deps.autostart = &autostarter{
		enable: func() error {
			if fail {
				return errors.ErrUnsupported
			}
			on = true
			return nil
		},
		disable: func() error { on = false; return nil },
		enabled: func() (bool, error) { return on, nil },
	}
	h.createWithPassword("pw")
	h.u.showSettings()
	s := h.u.settings
	s.startAtLogin.SetChecked(true)
	if !on {
		t.Error("not enabled")
	}
	s.startAtLogin.SetChecked(false)
	if on {
		t.Error("not disabled")
	}
	fail = true
	s.startAtLogin.SetChecked(true)
	if s.startAtLogin.Checked || s.status.Text != "This does not work on this system." {
		t.Errorf("failed enable: checked %v, %q", s.startAtLogin.Checked, s.status.Text)
	}
}

// Check now measures against an HTTPS source (the Date header, 90 s ahead
// of the PC clock) and says the offset; the source is then saved in the
// vault.
func TestSettingsTimeSource(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", fixedNow.Add(90*time.Second).UTC().Format(http.TimeFormat))
	}))
	defer srv.Close()
	h := newHarness(t, "")
	h.u.deps.httpClient = srv.Client()
	h.createWithPassword("pw")
	h.u.showSettings()
	s := h.u.settings
	s.timeSource.SetText("ftp://example.com")
	test.Tap(s.checkTime)
	if !strings.HasPrefix(s.timeStatus.Text, "The time source is not valid.") {
		t.Errorf("bad source: %q", s.timeStatus.Text)
	}
	s.timeSource.SetText(srv.URL + "/")
	test.Tap(s.checkTime)
	if !regexp.MustCompile(`^This computer's clock is (89|90|91) s behind; codes will be corrected.$`).MatchString(s.timeStatus.Text) {
		t.Errorf("check: %q", s.timeStatus.Text)
	}
	test.Tap(s.saveTime)
	if got := h.reopen("pw").Settings.TimeSource; got != srv.URL+"/" {
		t.Errorf("saved time source = %q", got)
	}
}

func TestSettingsLanguageLive(t *testing.T) {
	h := newHarness(t, "")
	t.Cleanup(func() { applyLanguage("") })
	h.createWithPassword("pw")
	h.u.showSettings()
	h.u.settings.language.SetSelected("日本語")
	if h.u.prefs.Language() != "ja" || !hasText(h.u.win.Content(), "設定") {
		t.Errorf("after choosing Japanese: pref %q, screen %q", h.u.prefs.Language(), texts(h.u.win.Content()))
	}
	h.u.settings.language.SetSelected("English")
	if h.u.prefs.Language() != "en" || !hasText(h.u.win.Content(), "Settings") {
		t.Errorf("after choosing English: %q", texts(h.u.win.Content()))
	}
}

func TestSettingsTheme(t *testing.T) {
	h := newHarness(t, "")
	h.u.app.Settings().SetTheme(theme.DefaultTheme())
	h.createWithPassword("pw")
	h.u.showSettings()
	h.u.settings.theme.SetSelected("Dark")
	bg := h.u.app.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantLight)
	if bg != theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark) || h.u.prefs.Theme() != "dark" {
		t.Errorf("dark: background %v, pref %q", bg, h.u.prefs.Theme())
	}
	h.u.settings.theme.SetSelected("Light")
	bg = h.u.app.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantDark)
	if bg != theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantLight) {
		t.Errorf("light: background %v", bg)
	}
}

func TestAboutShowsTheVersion(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	h.u.showSettings()
	test.Tap(findButton(t, h.u.win, "About DeskAuth"))
	if got := h.u.dialogs.aboutVersion.Text; got != "Version "+version.String() {
		t.Errorf("about says %q", got)
	}
}

// The language and theme chosen in the settings apply from the start, on an
// English system too.
func TestPreferencesAppliedAtStart(t *testing.T) {
	t.Setenv("LANG", "en.UTF-8")
	t.Setenv("LANGUAGE", "en")
	t.Cleanup(func() { applyLanguage("") })
	a := test.NewTempApp(t)
	a.Settings().SetTheme(theme.DefaultTheme())
	a.Preferences().SetString(prefLanguage, "ja")
	a.Preferences().SetString(prefTheme, "dark")
	store := keystore.NewMemory()
	u := newUI(a, filepath.Join(t.TempDir(), "v.vault"), deps{
		now:        func() time.Time { return fixedNow },
		store:      func() (keystore.Store, error) { return store, nil },
		background: func(f func()) { f() },
		argon2:     cheap,
	})
	t.Cleanup(u.lock)
	u.start()
	if findButton(t, u.win, "保管庫を作成") == nil {
		t.Error("not in Japanese")
	}
	bg := a.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantLight)
	if bg != theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark) {
		t.Errorf("not dark: %v", bg)
	}
}

// The Japanese unlock screen of a vault with both slots, as drawn: the
// key-store button, the password field, and a sentence that wraps between
// words (hair spaces from breakHints), not inside one.
func TestUnlockBothJapaneseMarkup(t *testing.T) {
	h := newHarness(t, "ja")
	h.createBoth("pw")
	h.u.lockAndAsk()
	h.u.win.Show()
	test.AssertRendersToMarkup(t, "unlock_both_ja.xml", h.u.win.Canvas())
}

// Start at login through the real internal/autostart (the XDG autostart
// entry, in a private config folder).
func TestSettingsStartAtLoginForReal(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the XDG entry is Linux's")
	}
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	entry := filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "autostart", "io.github.deskauth.desktop")
	h := newHarness(t, "")
	h.u.deps.autostart = realAutostart()
	h.createWithPassword("pw")
	h.u.showSettings()
	s := h.u.settings
	if s.startAtLogin.Checked {
		t.Fatal("on before it was switched on")
	}
	s.startAtLogin.SetChecked(true)
	if _, err := os.Stat(entry); err != nil {
		t.Fatalf("no autostart entry: %v (%q)", err, s.status.Text)
	}
	h.u.showSettings()
	if !h.u.settings.startAtLogin.Checked {
		t.Error("the setting does not show the entry")
	}
	h.u.settings.startAtLogin.SetChecked(false)
	if _, err := os.Stat(entry); !os.IsNotExist(err) {
		t.Errorf("entry still there: %v", err)
	}
}
