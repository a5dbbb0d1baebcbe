package autostart

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// requireTool returns the tool's path, or skips the test without it; under
// DESKAUTH_REQUIRE_TOOLS=1 (make test) a missing tool fails instead.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("DESKAUTH_REQUIRE_TOOLS") == "1" {
			t.Fatalf("%s is required (scripts/apt-packages.txt): %v", name, err)
		}
		t.Skipf("%s is not installed", name)
	}
	return p
}

var commands = []struct {
	exe  string
	args []string
}{
	{"/usr/bin/deskauth", nil},
	{"/opt/Desk Auth/deskauth", []string{"--vault", "/home/yamada/My Vault's/deskauth.vault"}},
	{"/home/a/bin/deskauth", []string{`C:\odd "quoted" $HOME`, "`x`", "100%", "%f", "a;b|c&d", "#(~)*?<>", "", "日本語"}},
}

// parseExec undoes execValue the way a desktop reads the key: string
// unescaping, then %% and the quoting rules of the Exec key.
func parseExec(t *testing.T, value string) []string {
	t.Helper()
	var s strings.Builder
	for i := 0; i < len(value); i++ {
		if value[i] == '\\' && i+1 < len(value) {
			i++
			switch value[i] {
			case '\\':
				s.WriteByte('\\')
			case 's':
				s.WriteByte(' ')
			default:
				t.Fatalf("unexpected string escape \\%c in %q", value[i], value)
			}
			continue
		}
		s.WriteByte(value[i])
	}
	line := s.String()
	var words []string
	var w strings.Builder
	inWord, quoted := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '%':
			if i+1 >= len(line) || line[i+1] != '%' {
				t.Fatalf("field code in %q", line)
			}
			i++
			w.WriteByte('%')
			inWord = true
		case quoted && c == '\\':
			i++
			if !strings.ContainsRune("\"`$\\", rune(line[i])) {
				t.Fatalf("bad escape in quotes: %q", line)
			}
			w.WriteByte(line[i])
		case c == '"':
			quoted = !quoted
			inWord = true
		case !quoted && c == ' ':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			if !quoted && strings.ContainsRune("\t\n\"'\\><~|&;$*?#()`", rune(c)) {
				t.Fatalf("reserved %q outside quotes in %q", c, line)
			}
			w.WriteByte(c)
			inWord = true
		}
	}
	if quoted {
		t.Fatalf("unterminated quote in %q", line)
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

func TestDesktopEntryExecRoundTrip(t *testing.T) {
	for _, c := range commands {
		entry := string(desktopEntry(c.exe, c.args))
		var value string
		for _, line := range strings.Split(entry, "\n") {
			if v, ok := strings.CutPrefix(line, "Exec="); ok {
				value = v
			}
		}
		got := parseExec(t, value)
		want := append([]string{c.exe}, c.args...)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Exec=%s\nreads back as %q\nwant %q", value, got, want)
		}
	}
}

// TestDesktopEntryValidates runs desktop-file-validate, the freedesktop.org
// checker, on each generated entry.
func TestDesktopEntryValidates(t *testing.T) {
	tool := requireTool(t, "desktop-file-validate")
	dir := t.TempDir()
	for i, c := range commands {
		p := filepath.Join(dir, ID+".desktop")
		if err := os.WriteFile(p, desktopEntry(c.exe, c.args), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(tool, p).CombinedOutput(); err != nil || len(out) > 0 {
			t.Errorf("command %d: desktop-file-validate: %v\n%s\n%s", i, err, out, desktopEntry(c.exe, c.args))
		}
	}
}

func TestDesktopEntryEnabled(t *testing.T) {
	for _, tc := range []struct {
		extra string
		want  bool
	}{
		{"", true},
		{"Hidden=false\n", true},
		{"Hidden=true\n", false},
		{"Hidden = true\n", false},
		{"X-GNOME-Autostart-enabled=false\n", false},
	} {
		data := append(desktopEntry("/usr/bin/deskauth", nil), tc.extra...)
		if got := desktopEntryEnabled(data); got != tc.want {
			t.Errorf("with %q: %v, want %v", tc.extra, got, tc.want)
		}
	}
}
