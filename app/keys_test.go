package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/deskauth/deskauth/capture"
)

func ctrl(k fyne.KeyName) fyne.Shortcut {
	return &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}
}

// typeShortcut sends a shortcut the way the window does: to the focused
// widget when it takes shortcuts, else to the window's own.
func typeShortcut(u *ui, s fyne.Shortcut) {
	if f, ok := u.win.Canvas().Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(s)
		return
	}
	u.shortcut(s)
}

// Ctrl+Shift+S scans, and Enter on the verify screen saves: the account is
// then in the vault file.
func TestScanShortcutThenEnterSaves(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	h.found = []capture.Found{{Text: exampleURI}}
	typeShortcut(h.u, &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift})
	if h.u.add == nil || len(h.u.add.pending) != 1 {
		t.Fatal("Ctrl+Shift+S did not scan")
	}
	h.u.win.Canvas().Unfocus()
	h.u.typedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if h.u.codes == nil {
		t.Fatalf("Enter did not save: %q", h.u.add.status.Text)
	}
	if got := h.reopen("pw").Accounts(); len(got) != 1 || got[0].Label() != "Example (alice@example.com)" {
		t.Errorf("vault file holds %v", got)
	}
}

// Ctrl+N adds, Ctrl+F focuses the search (even from the add screen), typing
// filters, Enter copies the first match, Ctrl+L locks.
func TestKeyboardShortcuts(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(exampleURI, eightDigitURI)
	typeShortcut(h.u, ctrl(fyne.KeyN))
	if h.u.add == nil {
		t.Fatal("Ctrl+N did not open the add screen")
	}
	typeShortcut(h.u, ctrl(fyne.KeyF))
	if h.u.codes == nil || h.u.win.Canvas().Focused() != h.u.codes.search {
		t.Fatal("Ctrl+F did not focus the search box")
	}
	test.Type(h.u.codes.search, "exam")
	if len(h.u.codes.rows) != 1 {
		t.Fatalf("search shows %d rows", len(h.u.codes.rows))
	}
	h.u.codes.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	want := strings.ReplaceAll(wantCode(t, exampleURI), " ", "")
	if got := h.u.app.Clipboard().Content(); got != want {
		t.Errorf("Enter in search copied %q, want %q", got, want)
	}
	// Shortcuts still work while the search box has the focus.
	typeShortcut(h.u, ctrl(fyne.KeyL))
	if h.u.vault != nil || h.u.unlock == nil {
		t.Fatal("Ctrl+L did not lock")
	}
	typeShortcut(h.u, ctrl(fyne.KeyN)) // locked: nothing happens
	if h.u.add != nil {
		t.Error("Ctrl+N opened the add screen while locked")
	}
}

// Arrows walk the list, Enter copies, F2 renames, Delete asks first.
func TestRowKeys(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(exampleURI, eightDigitURI)
	c := h.u.win.Canvas()
	h.u.typedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	if c.Focused() != h.u.codes.rows[0] {
		t.Fatal("Down with nothing focused did not enter the list")
	}
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	if c.Focused() != h.u.codes.rows[1] {
		t.Fatal("Down did not move to the second row")
	}
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown}) // stays on the last
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyUp})
	if c.Focused() != h.u.codes.rows[0] {
		t.Fatal("Up did not move back")
	}
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got, want := h.u.app.Clipboard().Content(), strings.ReplaceAll(wantCode(t, exampleURI), " ", ""); got != want {
		t.Errorf("Enter copied %q, want %q", got, want)
	}

	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyF2})
	d := h.u.renaming
	if d == nil {
		t.Fatal("F2 did not open the rename dialog")
	}
	d.issuer.SetText("Example Corp")
	d.name.SetText("alice")
	d.name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if h.u.renaming != nil {
		t.Fatalf("rename dialog still open: %q", d.problem.Text)
	}
	if got := h.reopen("pw").Accounts()[0].Label(); got != "Example Corp (alice)" {
		t.Errorf("after rename the file holds %q", got)
	}

	h.u.focusRow(1)
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyDelete})
	if h.u.removing == nil {
		t.Fatal("Delete did not ask")
	}
	if n := len(h.u.vault.Accounts()); n != 2 {
		t.Fatalf("Delete removed before confirming: %d left", n)
	}
	h.u.removing.Confirm()
	if got := h.reopen("pw").Accounts(); len(got) != 1 || got[0].Label() != "Example Corp (alice)" {
		t.Errorf("after delete the file holds %v", got)
	}
}

// A refused rename (a duplicate) is said in the dialog, in words, and the
// dialog stays open with nothing saved.
func TestRenameDuplicateRefused(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(exampleURI, eightDigitURI)
	h.u.askRename(1)
	d := h.u.renaming
	d.issuer.SetText("Example")
	d.name.SetText("alice@example.com")
	test.Tap(d.save)
	if h.u.renaming == nil || !d.problem.Visible() || d.problem.Text == "" || strings.Contains(d.problem.Text, "vault:") {
		t.Errorf("duplicate rename: dialog open %v, problem %q", h.u.renaming != nil, d.problem.Text)
	}
	if got := h.reopen("pw").Accounts()[1].Issuer; got != "管理コンソール" {
		t.Errorf("the file changed: issuer %q", got)
	}
}

// Cancel on the delete question keeps the account.
func TestDeleteCancelled(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(exampleURI)
	h.u.askRemove(0)
	h.u.removing.Dismiss()
	if len(h.reopen("pw").Accounts()) != 1 {
		t.Error("a cancelled delete removed the account")
	}
}

// Tab goes from the search box into the list, row by row (each row's ⋮
// button after it), and Shift+Tab comes back.
func TestTabOrder(t *testing.T) {
	h := newHarness(t, "")
	h.withAccounts(exampleURI, eightDigitURI)
	c := h.u.win.Canvas()
	c.Focus(h.u.codes.search)
	test.FocusNext(c)
	if c.Focused() != h.u.codes.rows[0] {
		t.Fatalf("Tab from search went to %T", c.Focused())
	}
	test.FocusNext(c) // the row's ⋮
	test.FocusNext(c)
	if c.Focused() != h.u.codes.rows[1] {
		t.Fatalf("two Tabs on went to %T", c.Focused())
	}
	test.FocusPrevious(c)
	test.FocusPrevious(c)
	if c.Focused() != h.u.codes.rows[0] {
		t.Fatalf("Shift+Tab went to %T", c.Focused())
	}
}
