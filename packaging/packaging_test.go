// Package packaging holds DeskAuth's installer and package metadata (NSIS,
// Debian, AppStream, .desktop, macOS Info.plist, Homebrew, winget); the
// scripts in scripts/dist build the packages from it. This test keeps the
// app ID and categories the same everywhere they are written.
package packaging

import (
	"bufio"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/deskauth/deskauth/internal/autostart"
)

// fyneApp reads the few FyneApp.toml keys the packages repeat.
func fyneApp(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	keys := map[string]string{}
	section := ""
	for s := bufio.NewScanner(f); s.Scan(); {
		line := strings.TrimSpace(s.Text())
		if strings.HasPrefix(line, "[") {
			section = strings.Trim(line, "[]")
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		keys[section+"."+strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"`)
	}
	return keys
}

func desktopKeys(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			keys[k] = v
		}
	}
	return keys
}

func TestAppIDEverywhere(t *testing.T) {
	app := fyneApp(t)
	id := app["Details.ID"]
	if id != autostart.ID {
		t.Fatalf("FyneApp.toml ID %q, internal/autostart.ID %q", id, autostart.ID)
	}
	if app["Details.Name"] != "DeskAuth" {
		t.Errorf("FyneApp.toml Name %q", app["Details.Name"])
	}
	if _, err := os.Stat(filepath.Join("..", app["Details.Icon"])); err != nil {
		t.Errorf("FyneApp.toml Icon: %v", err)
	}

	desktop := filepath.Join("linux", id+".desktop")
	keys := desktopKeys(t, desktop)
	if keys["Icon"] != id || keys["Name"] != "DeskAuth" {
		t.Errorf("%s: Icon=%s Name=%s", desktop, keys["Icon"], keys["Name"])
	}
	var cats []string
	for _, c := range strings.Split(strings.TrimSuffix(keys["Categories"], ";"), ";") {
		cats = append(cats, `"`+c+`"`)
	}
	if want := "[" + strings.Join(cats, ", ") + "]"; app["LinuxAndBSD.Categories"] != want {
		t.Errorf("FyneApp.toml Categories %s, %s has %s", app["LinuxAndBSD.Categories"], desktop, want)
	}

	var meta struct {
		ID         string `xml:"id"`
		Launchable string `xml:"launchable"`
	}
	data, err := os.ReadFile(filepath.Join("linux", id+".metainfo.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(data, &meta); err != nil {
		t.Fatal(err)
	}
	if meta.ID != id || meta.Launchable != id+".desktop" {
		t.Errorf("metainfo id %q, launchable %q", meta.ID, meta.Launchable)
	}

	// The app's own ID (Fyne preferences, notifications); read from its
	// source so this test needs no cgo.
	src, err := os.ReadFile("../app/app.go")
	if err != nil {
		t.Fatal(err)
	}
	if m := regexp.MustCompile(`AppID = "([^"]*)"`).FindSubmatch(src); m == nil || string(m[1]) != id {
		t.Errorf("app.AppID is %q, FyneApp.toml ID %q", m, id)
	}

	plist, err := os.ReadFile("macos/Info.plist.in")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`<key>CFBundleIdentifier</key>\s*<string>` + regexp.QuoteMeta(id) + `</string>`).Match(plist) {
		t.Errorf("Info.plist.in CFBundleIdentifier is not %s", id)
	}
}
