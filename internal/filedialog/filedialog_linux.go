package filedialog

import (
	"context"
	"errors"
	"net/url"
	"os/exec"
	"strings"

	"github.com/godbus/dbus/v5"

	"github.com/deskauth/deskauth/internal/portal"
)

// On Linux the desktop portal's FileChooser is the system dialog (GNOME's or
// KDE's, in the desktop's language); where no portal runs, zenity or
// kdialog; else Fyne's.

func Open(title string, exts []string) (string, error) {
	opts := map[string]dbus.Variant{"modal": dbus.MakeVariant(true)}
	if len(exts) > 0 {
		opts["filters"] = dbus.MakeVariant(portalFilters(exts))
	}
	path, err := portalFile("org.freedesktop.portal.FileChooser.OpenFile", title, opts)
	if !errors.Is(err, portal.ErrUnavailable) {
		return path, err
	}
	return helperDialog(openArgs(title, exts))
}

func Save(title, name string) (string, error) {
	opts := map[string]dbus.Variant{"modal": dbus.MakeVariant(true), "current_name": dbus.MakeVariant(name)}
	path, err := portalFile("org.freedesktop.portal.FileChooser.SaveFile", title, opts)
	if !errors.Is(err, portal.ErrUnavailable) {
		return path, err
	}
	return helperDialog(saveArgs(title, name))
}

// portalFilter is the FileChooser's filter type a(sa(us)): a name and glob
// patterns (kind 0).
type portalFilter struct {
	Name     string
	Patterns []struct {
		Kind    uint32
		Pattern string
	}
}

func portalFilters(exts []string) []portalFilter {
	f := portalFilter{Name: strings.Join(exts, " ")}
	for _, e := range exts {
		f.Patterns = append(f.Patterns, struct {
			Kind    uint32
			Pattern string
		}{0, "*" + e})
	}
	return []portalFilter{f}
}

func portalFile(method, title string, opts map[string]dbus.Variant) (string, error) {
	res, err := portal.Call(context.Background(), method, []any{"", title}, opts)
	if errors.Is(err, portal.ErrCancelled) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	uris, _ := res["uris"].Value().([]string)
	if len(uris) == 0 {
		return "", nil
	}
	u, err := url.Parse(uris[0])
	if err != nil || u.Scheme != "file" {
		return "", errors.ErrUnsupported
	}
	return u.Path, nil
}

// openArgs and saveArgs are the zenity or kdialog command lines, whichever
// is installed; nil when neither is.
func openArgs(title string, exts []string) []string {
	globs := make([]string, len(exts))
	for i, e := range exts {
		globs[i] = "*" + e
	}
	if p, err := exec.LookPath("zenity"); err == nil {
		args := []string{p, "--file-selection", "--title=" + title}
		if len(globs) > 0 {
			args = append(args, "--file-filter="+strings.Join(globs, " "))
		}
		return args
	}
	if p, err := exec.LookPath("kdialog"); err == nil {
		filter := strings.Join(globs, " ")
		return []string{p, "--title", title, "--getopenfilename", ".", filter}
	}
	return nil
}

func saveArgs(title, name string) []string {
	if p, err := exec.LookPath("zenity"); err == nil {
		return []string{p, "--file-selection", "--save", "--confirm-overwrite", "--title=" + title, "--filename=" + name}
	}
	if p, err := exec.LookPath("kdialog"); err == nil {
		return []string{p, "--title", title, "--getsavefilename", name}
	}
	return nil
}

// helperDialog runs a dialog program and returns the path it printed. Exit
// status 1 is the user cancelling.
func helperDialog(args []string) (string, error) {
	if args == nil {
		return "", errors.ErrUnsupported
	}
	out, err := exec.Command(args[0], args[1:]...).Output()
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 1 {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(out), "\r\n"), nil
}
