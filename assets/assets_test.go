package assets

import (
	"bytes"
	"encoding/json"
	"image/png"
	"sort"
	"strings"
	"testing"
)

func TestIconIsA512PNG(t *testing.T) {
	img, err := png.Decode(bytes.NewReader(Icon))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 512 || b.Dy() != 512 {
		t.Errorf("icon is %v, want 512×512", b)
	}
}

// TestTranslationsComplete checks that every language has exactly the English
// keys, and that each translation keeps the template fields of its key.
func TestTranslationsComplete(t *testing.T) {
	load := func(name string) map[string]string {
		data, err := Translations.ReadFile("translations/" + name)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return m
	}
	en := load("en.json")
	entries, _ := Translations.ReadDir("translations")
	if len(entries) < 2 {
		t.Fatalf("want at least en and ja, have %d files", len(entries))
	}
	for _, e := range entries {
		m := load(e.Name())
		for k, v := range m {
			if _, ok := en[k]; !ok {
				t.Errorf("%s: key %q is not in en.json", e.Name(), k)
			}
			if v == "" {
				t.Errorf("%s: %q is empty", e.Name(), k)
			}
			if got, want := fields(v), fields(k); got != want {
				t.Errorf("%s: %q has template fields %s, its key has %s", e.Name(), v, got, want)
			}
		}
		for k := range en {
			if _, ok := m[k]; !ok {
				t.Errorf("%s: missing %q", e.Name(), k)
			}
		}
	}
}

// fields lists the {{.Name}} template fields of s, sorted.
func fields(s string) string {
	var out []string
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			break
		}
		out = append(out, s[i:i+j+2])
		s = s[i+j+2:]
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}
