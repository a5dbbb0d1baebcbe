package app

import (
	"errors"
	"image"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"github.com/deskauth/deskauth/capture"
	"github.com/deskauth/deskauth/vault/transfer"
)

// File dialogs. Fyne's own dialog is in English whatever the language, so
// the window asks the system's dialog first (internal/filedialog:
// GetOpenFileName on Windows, AppleScript's choose file on macOS, the
// desktop portal, then zenity or kdialog, on Linux). Only where none exists
// does Fyne's dialog appear, filtered to the right files.

// imageExtensions are the images capture.LoadImage reads.
var imageExtensions = []string{".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp"} // lower case

// chooseOpen asks for a file to read, with the given extensions (nil for any
// file), and calls done with it on the UI thread; nothing when cancelled.
func (u *ui) chooseOpen(title string, exts []string, done func(fyne.URI)) {
	if u.deps.openFile == nil {
		u.fyneOpen(exts, done)
		return
	}
	u.offUI(func() func() {
		path, err := u.deps.openFile(title, exts)
		return func() {
			switch {
			case errors.Is(err, errors.ErrUnsupported):
				u.fyneOpen(exts, done)
			case err != nil:
				fyne.LogError("file dialog", err)
				u.fyneOpen(exts, done)
			case path != "":
				done(storage.NewFileURI(path))
			}
		}
	})
}

// chooseSave asks where to write a file suggested as name, and calls done
// with it on the UI thread, or with nil when cancelled (so the caller can
// wipe what it meant to write).
func (u *ui) chooseSave(title, name string, done func(fyne.URI)) {
	if u.deps.saveFile == nil {
		u.fyneSave(name, done)
		return
	}
	u.offUI(func() func() {
		path, err := u.deps.saveFile(title, name)
		return func() {
			switch {
			case err != nil:
				if !errors.Is(err, errors.ErrUnsupported) {
					fyne.LogError("file dialog", err)
				}
				u.fyneSave(name, done)
			case path != "":
				done(storage.NewFileURI(path))
			default:
				done(nil)
			}
		}
	})
}

func (u *ui) fyneOpen(exts []string, done func(fyne.URI)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		done(r.URI())
	}, u.win)
	if len(exts) > 0 {
		d.SetFilter(storage.NewExtensionFileFilter(exts))
	}
	d.Resize(u.win.Canvas().Size())
	d.Show()
}

func (u *ui) fyneSave(name string, done func(fyne.URI)) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			done(nil)
			return
		}
		w.Close()
		done(w.URI())
	}, u.win)
	d.SetFileName(name)
	d.Resize(u.win.Canvas().Size())
	d.Show()
}

// loadImageURI reads an image the user chose; call it off the UI thread.
func loadImageURI(uri fyne.URI) (image.Image, error) {
	r, err := storage.Reader(uri)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return capture.LoadImage(r)
}

// readURI reads a chosen or dropped file, at most what an import may hold;
// call it off the UI thread.
func readURI(uri fyne.URI) ([]byte, error) {
	r, err := storage.Reader(uri)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, transfer.MaxInput+1))
	if err == nil && len(data) > transfer.MaxInput {
		err = transfer.ErrTooLarge
	}
	return data, err
}

// writeURI writes data to a chosen file; call it off the UI thread.
func writeURI(uri fyne.URI, data []byte) error {
	w, err := storage.Writer(uri)
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// isImageName reports whether a file name ends like an image LoadImage reads.
func isImageName(name string) bool {
	name = strings.ToLower(name)
	for _, e := range imageExtensions {
		if strings.HasSuffix(name, e) {
			return true
		}
	}
	return false
}
