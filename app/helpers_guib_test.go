package app

import (
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// saveTo makes the harness's save dialog answer with dir/name; the path
// is filled in when the dialog is shown.
func (h *harness) saveTo(t *testing.T, name string) *string {
	path := filepath.Join(t.TempDir(), name)
	h.u.deps.saveFile = func(title, suggested string) (string, error) { return path, nil }
	return &path
}

// openThis makes the harness's open dialog answer with path.
func (h *harness) openThis(path string) {
	h.u.deps.openFile = func(string, []string) (string, error) { return path, nil }
}

// children lists what a canvas object shows, widgets included.
func children(o fyne.CanvasObject) []fyne.CanvasObject {
	switch c := o.(type) {
	case *fyne.Container:
		return c.Objects
	case *container.Scroll:
		return []fyne.CanvasObject{c.Content}
	case fyne.Widget:
		return test.WidgetRenderer(c).Objects()
	}
	return nil
}

// walk calls f for o and everything inside it.
func walk(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	f(o)
	for _, c := range children(o) {
		walk(c, f)
	}
}

// texts is every label, button and entry text inside o.
func texts(o fyne.CanvasObject) []string {
	var out []string
	walk(o, func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *widget.Button:
			out = append(out, w.Text)
		case *widget.Entry:
			out = append(out, w.Text)
		case *widget.RadioGroup:
			out = append(out, w.Options...)
		}
	})
	return out
}

func hasText(o fyne.CanvasObject, s string) bool {
	for _, t := range texts(o) {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}

// findIn finds a button by its text inside o (a dialog, say).
func findIn(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	walk(o, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q in %q", text, texts(o))
	}
	return found
}

// topDialog is the dialog on show.
func (h *harness) topDialog(t *testing.T) fyne.CanvasObject {
	t.Helper()
	top := h.u.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog on show")
	}
	return top
}
