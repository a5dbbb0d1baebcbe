package app

import (
	"image"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/deskauth/deskauth/capture"
)

func menuItem(t *testing.T, m *fyne.Menu, label string) *fyne.MenuItem {
	t.Helper()
	for _, it := range m.Items {
		if it.Label == label {
			return it
		}
	}
	t.Fatalf("no menu item %q", label)
	return nil
}

// The row menu moves accounts (saved in the file), and its ends are disabled.
func TestRowMenuMoves(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(exampleURI, eightDigitURI)
	m := h.u.rowMenu(0)
	if !menuItem(t, m, "Move up").Disabled || menuItem(t, m, "Move down").Disabled {
		t.Error("first row: Move up should be off, Move down on")
	}
	menuItem(t, m, "Move down").Action()
	if got := h.reopen("pw").Accounts()[1].Issuer; got != "Example" {
		t.Errorf("after Move down the file's second account is %q", got)
	}
	if h.u.codes.rows[1].issuerText != "Example" {
		t.Error("the list did not follow the move")
	}
	menuItem(t, h.u.rowMenu(1), "Move up").Action()
	if got := h.reopen("pw").Accounts()[0].Issuer; got != "Example" {
		t.Errorf("after Move up the file's first account is %q", got)
	}
}

// Right-click and ⋮ open the menu; Copy copies.
func TestRowMenuOpens(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(exampleURI)
	r := h.u.codes.rows[0]
	test.TapSecondary(r)
	if n := len(h.u.win.Canvas().Overlays().List()); n != 1 {
		t.Fatalf("right-click: %d overlays", n)
	}
	h.u.win.Canvas().Overlays().Top().Hide()
	h.u.win.Canvas().Overlays().Remove(h.u.win.Canvas().Overlays().Top())
	test.Tap(r.menu)
	if n := len(h.u.win.Canvas().Overlays().List()); n != 1 {
		t.Fatalf("⋮: %d overlays", n)
	}
	menuItem(t, h.u.rowMenu(0), "Copy code").Action()
	if got := h.u.app.Clipboard().Content(); got == "" {
		t.Error("Copy code copied nothing")
	}
}

// Show QR draws the account's otpauth URI, which decodes back (through the
// real QR reader) to the same account, with a warning beside it.
func TestShowQR(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(exampleURI)
	menuItem(t, h.u.rowMenu(0), "Show QR code…").Action()
	if h.u.showingQR == nil {
		t.Fatal("no QR dialog")
	}
	img, err := qrImage(h.u.vault.Accounts()[0].URI())
	if err != nil {
		t.Fatal(err)
	}
	found, err := capture.Decode(scaleUp(img, 4))
	if err != nil || len(found) != 1 {
		t.Fatalf("decode: %v %v", found, err)
	}
	if found[0].Text != h.u.vault.Accounts()[0].URI() {
		t.Errorf("QR holds %q", found[0].Text)
	}
	saveShot(t, h.u.win, "show-qr")
}

func scaleUp(src image.Image, k int) image.Image {
	b := src.Bounds()
	dst := image.NewGray(image.Rect(0, 0, b.Dx()*k, b.Dy()*k))
	for y := range dst.Bounds().Dy() {
		for x := range dst.Bounds().Dx() {
			dst.Set(x, y, src.At(b.Min.X+x/k, b.Min.Y+y/k))
		}
	}
	return dst
}

// The row dialogs in Japanese at 300 px: every label and button is
// translated (shots for a person to look at with DESKAUTH_SHOTS).
func TestRowDialogsJapanese(t *testing.T) {
	h := newHarness(t, "ja")
	h.withAccounts(exampleURI)
	h.u.win.Resize(fyne.NewSize(300, 600))
	h.u.askRename(0)
	if h.u.renaming.save.Text != "保存" {
		t.Errorf("rename's save button says %q", h.u.renaming.save.Text)
	}
	saveShot(t, h.u.win, "rename-ja-300px")
	h.u.renaming.dialog.Hide()
	h.u.askRemove(0)
	saveShot(t, h.u.win, "delete-ja-300px")
	h.u.removing.Dismiss()
	h.u.showQR(0)
	saveShot(t, h.u.win, "qr-ja-300px")
}
