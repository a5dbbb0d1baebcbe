package app

import (
	"strings"
	"testing"

	"github.com/deskauth/deskauth/vault"
)

// Every screen of setup, unlock, add, settings, import and export fits a
// window 300 px wide, in English and in Japanese.
func TestScreensFit300px(t *testing.T) {
	for _, language := range []string{"en", "ja"} {
		h := newHarness(t, language)
		t.Cleanup(func() { applyLanguage("") })
		width := func(name string) {
			t.Helper()
			if w := h.u.win.Content().MinSize().Width; w > 300 {
				t.Errorf("%s (%s) needs %.0f px", name, language, w)
			}
		}
		h.u.start()
		width("setup")
		h.createBoth("pw")
		h.u.vault.Add(mustParse(t, exampleURI))
		h.u.lockAndAsk()
		width("unlock")
		test := h.u.unlock
		test.password.SetText("pw")
		h.u.unlockPressed()
		h.u.showAdd([]vault.Account{mustParse(t, "otpauth://totp/Example:alice@example.com?secret=GEZDGNBVGY3TQOJQ&issuer=Example")})
		width("verify")
		h.u.showSettings()
		width("settings")
		h.u.importText(strings.Join([]string{secondURI, "otpauth://totp/Example:alice@example.com?secret=GEZDGNBVGY3TQOJQ&issuer=Example",
			exampleURI, "otpauth://totp/Broken:x?secret=0000"}, "\n"))
		width("import")
		h.u.export(exportQR)
		width("export QR")
	}
}
