package app

import (
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/deskauth/deskauth/vault"

	"github.com/deskauth/deskauth/internal/testenv"
)

// fakeTimers stands in for time.AfterFunc: timers fire only when the test
// moves the fake clock past them.
type fakeTimers struct {
	now    time.Duration
	timers []*fakeTimer
}

type fakeTimer struct {
	at      time.Duration
	f       func()
	stopped bool
}

func (c *fakeTimers) after(d time.Duration, f func()) func() {
	t := &fakeTimer{at: c.now + d, f: f}
	c.timers = append(c.timers, t)
	return func() { t.stopped = true }
}

// advance moves the clock by d and runs the timers that come due, in order.
func (c *fakeTimers) advance(d time.Duration) {
	c.now += d
	sort.SliceStable(c.timers, func(i, j int) bool { return c.timers[i].at < c.timers[j].at })
	var keep []*fakeTimer
	for _, t := range c.timers {
		switch {
		case t.stopped:
		case t.at <= c.now:
			t.stopped = true
			t.f()
		default:
			keep = append(keep, t)
		}
	}
	c.timers = keep
}

// pending counts timers not yet fired or stopped.
func (c *fakeTimers) pending() int {
	n := 0
	for _, t := range c.timers {
		if !t.stopped {
			n++
		}
	}
	return n
}

// withTimers gives the harness a fake timer clock. fyne.Do runs inline in
// the test driver, so a fired timer acts at once.
func (h *harness) withTimers() *fakeTimers {
	c := &fakeTimers{}
	h.u.deps.after = c.after
	return c
}

// withAccounts creates a password vault holding uris, on the codes screen.
func (h *harness) withAccounts(uris ...string) {
	h.t.Helper()
	h.createWithPassword("pw")
	for _, uri := range uris {
		a, err := vault.ParseURI(uri)
		if err != nil {
			h.t.Fatal(err)
		}
		if _, err := h.u.vault.Add(a); err != nil {
			h.t.Fatal(err)
		}
	}
	h.u.showCodes()
}

// oathtool is the oracle: the TOTP code for a Base32 secret at a time.
func oathtool(t *testing.T, secret string, at time.Time, digits int) string {
	t.Helper()
	testenv.Require(t, "oathtool")
	out, err := exec.Command("oathtool", "--totp", "-b", "-d", strconv.Itoa(digits),
		"--now", at.UTC().Format("2006-01-02 15:04:05 UTC"), secret).Output()
	if err != nil {
		t.Fatalf("oathtool: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// saveShot writes the window as the test driver draws it to
// $DESKAUTH_SHOTS/name.png, for a person to look at; nothing without it.
func saveShot(t *testing.T, w fyne.Window, name string) {
	dir := os.Getenv("DESKAUTH_SHOTS")
	if dir == "" {
		return
	}
	img := w.Canvas().Capture()
	f, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// absolute is an object's place in the window.
func absolute(o fyne.CanvasObject) fyne.Position {
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
}
