package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestNoGUIInCore enforces the layering: the CLI, vault and capture never link
// Fyne (or any other GUI toolkit), so the CLI builds without cgo in seconds and
// runs on headless machines.
func TestNoGUIInCore(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	for _, goos := range []string{"linux", "windows", "darwin"} {
		cmd := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{if .CgoFiles}}cgo{{end}}",
			"github.com/deskauth/deskauth/cmd/deskauth-cli",
			"github.com/deskauth/deskauth/vault/...",
			"github.com/deskauth/deskauth/capture/...")
		cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go list (%s): %v\n%s", goos, err, out)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			pkg, flags, _ := strings.Cut(line, " ")
			for _, banned := range []string{"fyne.io/", "golang.design/x/clipboard", "github.com/go-gl/"} {
				if strings.HasPrefix(pkg, banned) {
					t.Errorf("%s: the CLI or a core package depends on %s", goos, pkg)
				}
			}
			if flags == "cgo" {
				t.Errorf("%s: %s needs cgo, but the CLI must build with CGO_ENABLED=0", goos, pkg)
			}
		}
	}
}
