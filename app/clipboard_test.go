package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// A copied code equals oathtool's, leaves the clipboard after the set delay
// (on a fake clock), and not a moment before.
func TestClipboardClearedAfterTimeout(t *testing.T) {
	h := newHarness(t, "")
	timers := h.withTimers()
	h.u.prefs.SetClipboardClearSeconds(20)
	h.withAccounts(exampleURI)
	test.Tap(h.u.codes.rows[0])
	want := oathtool(t, "JBSWY3DPEHPK3PXP", fixedNow, 6)
	if got := h.u.app.Clipboard().Content(); got != want {
		t.Fatalf("clipboard = %q, oathtool says %q", got, want)
	}
	timers.advance(19 * time.Second)
	if got := h.u.app.Clipboard().Content(); got != want {
		t.Fatalf("cleared early: %q", got)
	}
	timers.advance(time.Second)
	if got := h.u.app.Clipboard().Content(); got != "" {
		t.Errorf("after 20 s the clipboard holds %q", got)
	}
}

// Whatever the admin copied after our code stays.
func TestClipboardKeepsWhatTheUserCopied(t *testing.T) {
	h := newHarness(t, "")
	timers := h.withTimers()
	h.withAccounts(exampleURI)
	test.Tap(h.u.codes.rows[0])
	h.u.app.Clipboard().SetContent("a note of mine")
	timers.advance(time.Minute)
	if got := h.u.app.Clipboard().Content(); got != "a note of mine" {
		t.Errorf("the clear took the user's text: %q", got)
	}
	// And a lock now leaves it too.
	h.u.lockAndAsk()
	if got := h.u.app.Clipboard().Content(); got != "a note of mine" {
		t.Errorf("lock took the user's text: %q", got)
	}
}

// Lock and quit clear our code at once, and stop its timer.
func TestClipboardClearedOnLockAndQuit(t *testing.T) {
	for name, leave := range map[string]func(u *ui){"lock": (*ui).lockAndAsk, "quit": (*ui).quit} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, "")
			timers := h.withTimers()
			h.withAccounts(exampleURI)
			test.Tap(h.u.codes.rows[0])
			if h.u.app.Clipboard().Content() == "" {
				t.Fatal("nothing copied")
			}
			leave(h.u)
			if got := h.u.app.Clipboard().Content(); got != "" {
				t.Errorf("after %s the clipboard holds %q", name, got)
			}
			if n := timers.pending(); n != 0 {
				t.Errorf("%d timers left running", n)
			}
		})
	}
}

// Zero means "leave it": no timer.
func TestClipboardClearOff(t *testing.T) {
	h := newHarness(t, "")
	timers := h.withTimers()
	h.u.prefs.SetClipboardClearSeconds(0)
	h.withAccounts(exampleURI)
	test.Tap(h.u.codes.rows[0])
	if timers.pending() != 0 {
		t.Error("a clear timer with clearing off")
	}
}

// Auto-lock: leaving the foreground starts the countdown on the fake clock;
// coming back stops it; staying away locks.
func TestAutoLockOnFakeClock(t *testing.T) {
	h := newHarness(t, "")
	timers := h.withTimers()
	h.u.prefs.SetAutoLockMinutes(5)
	h.withAccounts(exampleURI)
	h.u.leftForeground()
	timers.advance(4 * time.Minute)
	h.u.cancelAutoLock() // back in front
	timers.advance(10 * time.Minute)
	if h.u.vault == nil {
		t.Fatal("locked although the window came back")
	}
	h.u.leftForeground()
	timers.advance(5 * time.Minute)
	if h.u.vault != nil || h.u.unlock == nil {
		t.Fatal("not locked after 5 min away")
	}
}
