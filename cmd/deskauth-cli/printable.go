package main

import (
	"strconv"
	"strings"
	"unicode"
)

// printable makes text from a vault or a scanned code safe to print: control
// characters, line separators, bidirectional overrides and invalid UTF-8 are
// written as Go escapes, so a label can neither move the cursor, retitle the
// terminal, forge an output line nor reorder what is shown. (vault refuses
// such labels now; a vault saved before may still hold them.)
func printable(s string) string {
	clean := true
	for _, r := range s {
		if r == unicode.ReplacementChar || unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || bidi(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	q := strconv.QuoteToGraphic(s)
	return q[1 : len(q)-1]
}

// bidi reports the bidirectional marks, embeddings, overrides and isolates.
func bidi(r rune) bool {
	return r == '\u200e' || r == '\u200f' || '\u202a' <= r && r <= '\u202e' || '\u2066' <= r && r <= '\u2069'
}

func joinComma(s []string) string { return strings.Join(s, ", ") }
