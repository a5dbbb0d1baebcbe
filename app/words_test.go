package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"fyne.io/fyne/v2/test"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"

	"github.com/deskauth/deskauth/assets"
	"github.com/deskauth/deskauth/vault"
	"github.com/deskauth/deskauth/vault/timesync"
)

// useLanguage switches the translations for the rest of the test.
func useLanguage(t *testing.T, language string) {
	t.Helper()
	t.Setenv("LANG", language+".UTF-8")
	t.Setenv("LANGUAGE", language)
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		t.Fatal(err)
	}
}

// coreResults is every value the core can hand the window: each sentinel,
// each field error, each note.
func coreResults() map[string]func() string {
	out := map[string]func() string{}
	for _, s := range sentences {
		err := fmt.Errorf("wrapped: %w", s.err)
		out["sentinel "+s.err.Error()] = func() string { return describe(err) }
	}
	fields := []vault.Field{vault.FieldURI, vault.FieldKind, vault.FieldSecret, vault.FieldAlgorithm, vault.FieldDigits,
		vault.FieldPeriod, vault.FieldCounter, vault.FieldIssuer, vault.FieldName, vault.FieldTime, vault.FieldCode}
	reasons := []vault.Reason{vault.ReasonMissing, vault.ReasonNotOTPAuth, vault.ReasonUnknown, vault.ReasonUnsupported,
		vault.ReasonNotBase32, vault.ReasonTooShort, vault.ReasonNotNumber, vault.ReasonRange, vault.ReasonSteam,
		vault.ReasonBefore1970, vault.ReasonLength, vault.ReasonControl, vault.ReasonInvalidUTF8, vault.ReasonTooLong}
	for _, f := range fields {
		for _, r := range reasons {
			fe := &vault.FieldError{Field: f, Reason: r, Value: "x", Min: 1, Max: 2}
			out[fmt.Sprintf("field %s %s", f, r)] = func() string { return describe(fe) }
			withheld := &vault.FieldError{Field: f, Reason: r, Min: 1, Max: 2}
			out[fmt.Sprintf("field %s %s withheld", f, r)] = func() string { return describe(withheld) }
		}
	}
	w := vault.Warning{Kind: vault.WarnFolderWritable, Path: "/tmp"}
	out["warning folder writable"] = func() string { return describeWarning(w) }
	for _, n := range []vault.Note{
		{Kind: vault.NoteUnusable, Err: &vault.FieldError{Field: vault.FieldSecret, Reason: vault.ReasonNotBase32}},
		{Kind: vault.NoteSkipped, Label: "x", Err: &vault.FieldError{Field: vault.FieldAlgorithm, Reason: vault.ReasonUnsupported, Value: "MD5"}},
		{Kind: vault.NoteBatch, Index: 1, Size: 3},
		{Kind: vault.NotePhoneFactor},
		{Kind: vault.NoteNotOTP, Text: "x"},
	} {
		out[fmt.Sprintf("note %d", n.Kind)] = func() string { return describeNote(n) }
	}
	return out
}

// Every core result has its own Japanese wording: none falls through to
// English (a missing key) or to the catch-all, and no core error text is
// shown as it is.
func TestCoreResultsWordedInJapanese(t *testing.T) {
	results := coreResults()
	useLanguage(t, "en")
	en := map[string]string{}
	for name, f := range results {
		en[name] = f()
	}
	useLanguage(t, "ja")
	fallback := lang.L("Something went wrong. The details are in the log.")
	for name, f := range results {
		ja := f()
		if ja == en[name] || ja == "" || ja == fallback || strings.Contains(ja, "“”") {
			t.Errorf("%s: Japanese %q, English %q", name, ja, en[name])
		}
	}
	for _, s := range sentences {
		if got := describe(s.err); got == s.err.Error() {
			t.Errorf("%v is shown with the core's own text", s.err)
		}
	}
}

// The catch-all is for errors from outside the core only.
func TestDescribeUnknownError(t *testing.T) {
	useLanguage(t, "ja")
	if got := describe(errors.New("disk on fire")); got != "問題が発生しました。詳細はログに記録されています。" {
		t.Errorf("describe(unknown) = %q", got)
	}
	var fe *vault.FieldError
	_, err := vault.ParseURI("otpauth://totp/x?secret=ABC1")
	if !errors.As(err, &fe) || describe(err) != "シークレットキーが Base32 ではありません。使える文字は英字 A～Z と数字 2～7 だけです。" {
		t.Errorf("the Base32 error in Japanese: %q", describe(err))
	}
}

// The clock notice has Japanese for every state it shows.
func TestClockNoticeWorded(t *testing.T) {
	useLanguage(t, "ja")
	c := &clock{Checker: timesync.NewChecker(timesync.Source{}, timesync.Options{})}
	if c.notice() != "" {
		t.Errorf("no source: notice %q", c.notice())
	}
	c.badSrc = timesync.ErrBadSource
	if n := c.notice(); n == "" || n == "The time source in this vault is not valid; codes use the PC clock" {
		t.Errorf("bad source notice %q", n)
	}
}

// Every key the window asks lang for is in en.json, so the completeness test
// of the translations (assets) covers it in every language.
func TestEveryKeyTranslated(t *testing.T) {
	data, err := assets.Translations.ReadFile("translations/en.json")
	if err != nil {
		t.Fatal(err)
	}
	en := map[string]string{}
	if err := json.Unmarshal(data, &en); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("*.go")
	call := regexp.MustCompile(`lang\.L\(\s*("(?:[^"\\]|\\.)*")|\{[^{}\n]*, ("(?:[^"\\]|\\.)*")\},?\n`)
	n := 0
	used := map[string]bool{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllSubmatch(src, -1) {
			lit := m[1]
			if lit == nil {
				lit = m[2]
			}
			key, err := strconv.Unquote(string(lit))
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			n++
			used[key] = true
			if _, ok := en[key]; !ok {
				t.Errorf("%s: %q is not in en.json", f, key)
			}
		}
	}
	if n < 50 {
		t.Fatalf("found only %d keys: the scan is broken", n)
	}
	// And the other way: a key no code uses is a translation nobody sees
	// (and nobody keeps up to date).
	for key := range en {
		if !used[key] {
			t.Errorf("en.json has %q, which no code here uses", key)
		}
	}
}

// A vault in a folder others can write to opens, with a notice saying so.
func TestFolderWarningShown(t *testing.T) {
	h := newHarness(t, "")
	if err := os.Chmod(filepath.Dir(h.path), 0o777); err != nil {
		t.Fatal(err)
	}
	h.createWithPassword("pw")
	h.u.lock()
	h.u.unlock = nil
	h.u.start()
	if h.u.unlock == nil {
		t.Fatal("no unlock screen")
	}
	test.Type(h.u.unlock.password, "pw")
	test.Tap(h.u.unlock.open)
	if h.u.codes == nil || !strings.Contains(h.u.codes.notice.Text, "Other users of this computer can change the folder "+filepath.Dir(h.path)) {
		t.Fatalf("notice = %q", h.u.codes.notice.Text)
	}
}
