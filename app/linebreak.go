package app

import (
	"encoding/json"
	"strings"
	"unicode"
)

// Japanese has no spaces, and Fyne wraps text only at white space, else
// anywhere: 「入 / 力」. breakHints puts a hair space (U+200A, white space to
// Fyne, all but invisible) where a Japanese line may break: after 、 and 。,
// and where kana gives way to a word in kanji, katakana or Latin letters.
// Only text long enough to wrap gets hints, so buttons and titles stay as
// written.
func breakHints(s string) string {
	const minWrapped = 18
	rs := []rune(s)
	if len(rs) < minWrapped {
		return s
	}
	var b strings.Builder
	for i, r := range rs {
		b.WriteRune(r)
		if i+1 < len(rs) && mayBreakBetween(r, rs[i+1]) && !okurigana(rs, i) {
			b.WriteRune('\u200a')
		}
	}
	return b.String()
}

func mayBreakBetween(a, b rune) bool {
	if unicode.IsSpace(a) || unicode.IsSpace(b) || strings.ContainsRune("、。，．）」』】〕！？ー・ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ:：", b) {
		return false
	}
	switch {
	case strings.ContainsRune("、。）」』】〕！？", a):
		return true
	case unicode.Is(unicode.Hiragana, a):
		return unicode.Is(unicode.Han, b) || unicode.Is(unicode.Katakana, b) || isLatin(b) || strings.ContainsRune("（「『【〔", b)
	case isLatin(a) && !unicode.IsDigit(a): // a digit keeps its counter: 1つ, 5件
		return unicode.Is(unicode.Han, b) || unicode.Is(unicode.Katakana, b) || unicode.Is(unicode.Hiragana, b)
	}
	return false
}

// okurigana reports whether rs[i] is one kana between two kanji that is not
// a particle: the inside of a compound such as 受け付け or 読み取り.
func okurigana(rs []rune, i int) bool {
	return i > 0 && i+1 < len(rs) && unicode.Is(unicode.Han, rs[i-1]) && unicode.Is(unicode.Han, rs[i+1]) &&
		unicode.Is(unicode.Hiragana, rs[i]) && !strings.ContainsRune("をがはにでともへの", rs[i])
}

func isLatin(r rune) bool { return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }

// withBreakHints rewrites a translation file's values with breakHints.
func withBreakHints(data []byte) ([]byte, error) {
	m := map[string]string{}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	for k, v := range m {
		m[k] = breakHints(v)
	}
	return json.Marshal(m)
}
