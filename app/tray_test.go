package app

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/deskauth/deskauth/vault"
	"github.com/deskauth/deskauth/vault/keystore"
)

// The tray menu: one "Copy code" per account, then Show, Lock and a Quit of
// our own (so Fyne adds no English one); all in Japanese in Japanese.
func TestTrayMenu(t *testing.T) {
	for _, c := range []struct{ lang, copy, show, lock, quit string }{
		{lang: "en", copy: "Copy code: Example (alice@example.com)", show: "Show DeskAuth", lock: "Lock", quit: "Quit"},
		{lang: "ja", copy: "コードをコピー: Example (alice@example.com)", show: "DeskAuth を表示", lock: "ロック", quit: "終了" /* Fyne's own is English */},
	} {
		t.Run(c.lang, func(t *testing.T) {
			h := newHarness(t, c.lang)
			h.withAccounts(exampleURI)
			m := h.u.trayMenu()
			var labels []string
			for _, it := range m.Items {
				labels = append(labels, it.Label)
			}
			want := []string{c.copy, "", c.show, c.lock, c.quit}
			if strings.Join(labels, "|") != strings.Join(want, "|") {
				t.Fatalf("tray menu = %q, want %q", labels, want)
			}
			if m.Label != "DeskAuth" || !m.Items[4].IsQuit {
				t.Errorf("title %q, quit marked %v", m.Label, m.Items[4].IsQuit)
			}
			m.Items[0].Action()
			if got := h.u.app.Clipboard().Content(); got != strings.ReplaceAll(wantCode(t, exampleURI), " ", "") {
				t.Errorf("tray copy gave %q", got)
			}
			h.u.lockAndAsk()
			m = h.u.trayMenu()
			if len(m.Items) != 3 || !m.Items[1].Disabled {
				t.Errorf("locked tray menu: %d items, lock disabled %v", len(m.Items), m.Items[1].Disabled)
			}
		})
	}
}

// Without a tray, the first close asks (and says closing quits) and records
// that it said so; the next close quits at once. With a tray, close hides.
func TestCloseWithoutTray(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(exampleURI)
	h.u.closeWindow()
	if h.u.closeNotice == nil || h.u.vault == nil {
		t.Fatal("the first close did not explain itself")
	}
	h.u.closeNotice.Dismiss() // Cancel: stays open, but the notice was seen
	if h.u.vault == nil || !h.u.prefs.CloseNoticeShown() {
		t.Fatal("Cancel quit, or the notice was not recorded")
	}
	h.u.closeWindow()
	if h.u.vault != nil {
		t.Error("the second close did not quit")
	}
}

// trayApp is the test app on a desktop with a tray: it keeps the tray menu
// and tells whether its windows are on show.
type trayApp struct {
	fyne.App
	menu    *fyne.Menu
	windows []*seenWindow
}

func (a *trayApp) SetSystemTrayMenu(m *fyne.Menu)  { a.menu = m }
func (a *trayApp) SetSystemTrayIcon(fyne.Resource) {}
func (a *trayApp) SetSystemTrayWindow(fyne.Window) {}

func (a *trayApp) NewWindow(title string) fyne.Window {
	w := &seenWindow{Window: a.App.NewWindow(title)}
	a.windows = append(a.windows, w)
	return w
}

// seenWindow records whether it is on show (the test driver's windows do
// not say).
type seenWindow struct {
	fyne.Window
	visible bool
}

func (w *seenWindow) Show()       { w.visible = true; w.Window.Show() }
func (w *seenWindow) Hide()       { w.visible = false; w.Window.Hide() }
func (w *seenWindow) ShowAndRun() { w.Show() }

// "Start minimised" keeps the window hidden at start, with the vault open
// behind the tray's menu, only where a tray can bring the window back.
func TestStartMinimisedToTheTray(t *testing.T) {
	for _, c := range []struct {
		name            string
		tray, minimised bool
		hidden          bool
	}{
		{"tray, minimised", true, true, true},
		{"tray", true, false, false},
		{"no tray, minimised", false, true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("LANG", "en.UTF-8")
			t.Setenv("LANGUAGE", "en")
			path := filepath.Join(t.TempDir(), "deskauth.vault")
			store := keystore.NewMemory()
			v, err := vault.Create(path, vault.Protection{Store: store})
			if err != nil {
				t.Fatal(err)
			}
			a, err := vault.ParseURI(exampleURI)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := v.Add(a); err != nil {
				t.Fatal(err)
			}
			v.Close()

			app := &trayApp{App: test.NewTempApp(t)}
			app.Preferences().SetBool(prefStartMinimised, c.minimised)
			u := newUI(app, path, deps{
				now:        func() time.Time { return fixedNow },
				store:      func() (keystore.Store, error) { return store, nil },
				background: func(f func()) { f() },
				trayHost:   func() bool { return c.tray },
			})
			t.Cleanup(u.lock)
			u.start()
			u.showAtStart()
			if hidden := !app.windows[0].visible; hidden != c.hidden {
				t.Errorf("window hidden = %v, want %v", hidden, c.hidden)
			}
			if u.vault == nil || u.codes == nil {
				t.Fatal("the vault did not open behind the window")
			}
			if c.tray && (app.menu == nil || app.menu.Items[0].Label != "Copy code: Example (alice@example.com)") {
				t.Errorf("tray menu = %v", app.menu)
			}
			u.showSettings()
			if offered := u.settings.startMinimised != nil; offered != c.tray {
				t.Errorf("start minimised offered = %v, want %v (only with a tray)", offered, c.tray)
			} else if offered && u.settings.startMinimised.Checked != c.minimised {
				t.Errorf("start minimised shown as %v, stored %v", u.settings.startMinimised.Checked, c.minimised)
			}
			if c.hidden {
				u.showWindow() // the tray's Show DeskAuth
				if !app.windows[0].visible {
					t.Error("the tray's Show did not show the window")
				}
			}
		})
	}
}
