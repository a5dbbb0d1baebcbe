package app

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

func TestMainWindowShowsVaultPath(t *testing.T) {
	a := test.NewTempApp(t)
	u := newUI(a, "/home/admin/.config/DeskAuth/vault")
	if got, want := u.vaultPath.Text, "Vault: /home/admin/.config/DeskAuth/vault"; got != want {
		t.Errorf("vault label = %q, want %q", got, want)
	}
	if u.win.Title() != "DeskAuth" {
		t.Errorf("title = %q", u.win.Title())
	}
	u.win.Show()
	test.AssertRendersToMarkup(t, "main_placeholder.xml", u.win.Canvas())
}
