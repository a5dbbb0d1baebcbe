package app

import (
	"strings"
	"testing"
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
