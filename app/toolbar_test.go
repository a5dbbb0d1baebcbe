package app

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

// The codes screen's ⋮ menu reaches the screens that have no button of
// their own: settings, import, export and about.
func TestToolbarMenu(t *testing.T) {
	h := newHarness(t, "")
	h.createWithPassword("pw")
	h.u.showCodes()
	s := h.u.codes
	var labels []string
	for _, it := range s.moreMenu.Items {
		labels = append(labels, it.Label)
	}
	want := []string{"Settings", "Import…", "Export…", "", "About DeskAuth"}
	if len(labels) != len(want) {
		t.Fatalf("menu %q, want %q", labels, want)
	}
	for i := range want {
		if labels[i] != want[i] {
			t.Fatalf("menu %q, want %q", labels, want)
		}
	}
	test.Tap(s.more) // opens the pop-up menu without failing
	s.moreMenu.Items[0].Action()
	if h.u.settings == nil || h.u.win.Content() != h.u.settings.root {
		t.Fatal("Settings did not open the settings screen")
	}
}
