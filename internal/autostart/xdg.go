package autostart

import (
	"bufio"
	"bytes"
	"strings"
)

// desktopEntry returns the XDG autostart file that runs exe with args
// (Desktop Entry Specification 1.5, "The Exec key").
func desktopEntry(exe string, args []string) []byte {
	var b strings.Builder
	b.WriteString("[Desktop Entry]\n")
	b.WriteString("Type=Application\n")
	b.WriteString("Name=" + Name + "\n")
	b.WriteString("Comment=Two-factor codes for admin consoles\n")
	b.WriteString("Exec=" + execValue(exe, args) + "\n")
	b.WriteString("Icon=" + ID + "\n")
	b.WriteString("Terminal=false\n")
	b.WriteString("X-GNOME-Autostart-enabled=true\n")
	return []byte(b.String())
}

// execValue quotes each argument as the Exec key requires, then escapes the
// result as a desktop-file string value.
func execValue(exe string, args []string) string {
	words := make([]string, 0, 1+len(args))
	for _, a := range append([]string{exe}, args...) {
		words = append(words, execQuote(a))
	}
	line := strings.Join(words, " ")
	// Field codes start with %; a literal one is %%.
	line = strings.ReplaceAll(line, "%", "%%")
	// The value is a string: a backslash is written \\.
	return strings.ReplaceAll(line, `\`, `\\`)
}

// execQuote double-quotes an argument that holds a reserved character,
// escaping ", `, $ and \ inside the quotes.
func execQuote(a string) string {
	if a != "" && !strings.ContainsAny(a, " \t\n\"'\\><~|&;$*?#()`") {
		return a
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range a {
		switch r {
		case '"', '`', '$', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// desktopEntryEnabled reports whether an autostart file is switched on:
// desktops switch one off by adding Hidden=true (or, on GNOME,
// X-GNOME-Autostart-enabled=false) rather than deleting it.
func desktopEntryEnabled(data []byte) bool {
	s := bufio.NewScanner(bytes.NewReader(data))
	for s.Scan() {
		key, value, ok := strings.Cut(s.Text(), "=")
		if !ok {
			continue
		}
		switch strings.TrimSpace(key) {
		case "Hidden":
			if strings.TrimSpace(value) == "true" {
				return false
			}
		case "X-GNOME-Autostart-enabled":
			if strings.TrimSpace(value) == "false" {
				return false
			}
		}
	}
	return true
}
