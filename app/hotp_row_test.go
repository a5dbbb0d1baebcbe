package app

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

// An HOTP row never shows an unused code (it could be typed from the screen
// and then copied again): dashes until a copy, then the code handed out,
// which is what the clipboard holds. RFC 4226: counter 0 is 755224, 1 is
// 287082.
func TestHOTPRowShowsOnlyUsedCodes(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts("otpauth://hotp/Lab:rack?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=0")
	row := h.u.codes.rows[0]
	if got := row.code.Text; got != "--- ---" {
		t.Fatalf("before any copy the row shows %q, want --- ---", got)
	}
	test.Tap(row)
	if got, clip := row.code.Text, h.u.app.Clipboard().Content(); got != "755 224" || clip != "755224" {
		t.Fatalf("after a copy: row %q, clipboard %q; want 755 224 on both", got, clip)
	}
	test.Tap(row)
	if got, clip := row.code.Text, h.u.app.Clipboard().Content(); got != "287 082" || clip != "287082" {
		t.Fatalf("after a second copy: row %q, clipboard %q; want 287 082", got, clip)
	}
}
