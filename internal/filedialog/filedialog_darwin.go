package filedialog

import (
	"errors"
	"os/exec"
	"strconv"
	"strings"
)

// On macOS the system dialog comes from AppleScript's choose file, in the
// system's language.

func Open(title string, exts []string) (string, error) {
	script := "POSIX path of (choose file with prompt " + strconv.Quote(title)
	if len(exts) > 0 {
		types := make([]string, len(exts))
		for i, e := range exts {
			types[i] = strconv.Quote(strings.TrimPrefix(e, "."))
		}
		script += " of type {" + strings.Join(types, ", ") + "}"
	}
	return osascript(script + ")")
}

func Save(title, name string) (string, error) {
	return osascript("POSIX path of (choose file name with prompt " + strconv.Quote(title) + " default name " + strconv.Quote(name) + ")")
}

// osascript runs script; the user cancelling (error -128) gives "".
func osascript(script string) (string, error) {
	out, err := exec.Command("osascript", "-e", script).Output()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if strings.Contains(string(ee.Stderr), "-128") {
			return "", nil
		}
		return "", err
	}
	if err != nil {
		return "", errors.ErrUnsupported
	}
	return strings.TrimRight(string(out), "\r\n"), nil
}
