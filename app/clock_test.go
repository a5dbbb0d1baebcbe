package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/deskauth/deskauth/vault"
	"github.com/deskauth/deskauth/vault/timesync/ntptest"
)

// TestClockNoticeFromRealNTP sets the vault's time source to an NTP server on
// 127.0.0.1 whose clock is 90 s ahead of the PC's: the codes screen must say
// so and show the codes of 90 s later.
func TestClockNoticeFromRealNTP(t *testing.T) {
	srv, err := ntptest.NewServer(func() time.Time { return fixedNow.Add(90 * time.Second) })
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	h := newHarness(t, "")
	h.createWithPassword("pw")
	a, _ := vault.ParseURI(exampleURI)
	if _, err := h.u.vault.Add(a); err != nil {
		t.Fatal(err)
	}
	h.u.vault.Settings.TimeSource = srv.URL
	if err := h.u.vault.Save(); err != nil {
		t.Fatal(err)
	}
	h.u.lockAndAsk()
	test.Type(h.u.unlock.password, "pw")
	test.Tap(h.u.unlock.open) // opening starts the time check from the vault's settings
	if h.u.codes == nil || h.u.clock.Checker == nil {
		t.Fatal("the vault did not open with its time source")
	}

	deadline := time.Now().Add(10 * time.Second)
	for h.u.clock.Checker.Status().Checked.IsZero() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	h.u.refreshCodes()
	if got, want := h.u.codes.notice.Text, "PC clock is 90 s behind; codes corrected"; got != want {
		t.Fatalf("notice = %q, want %q (status %+v)", got, want, h.u.clock.Checker.Status())
	}
	if !h.u.codes.notice.Visible() {
		t.Error("the notice is hidden")
	}
	want, _ := a.Code(fixedNow.Add(90 * time.Second))
	if got, _ := a.Code(h.u.clock.Now()); got != want {
		t.Errorf("code with the corrected clock = %s, want %s", got, want)
	}
	test.Tap(h.u.codes.rows[0])
	if got := h.u.app.Clipboard().Content(); got != want {
		t.Errorf("copied %q, want the corrected code %q", got, want)
	}
}
