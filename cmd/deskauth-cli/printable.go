package main

import (
	"strconv"
	"strings"
	"unicode"
)

// printable makes text from a vault or a scanned code safe to print: control
// characters and invalid UTF-8 are written as Go escapes, so a label can
// neither move the cursor, retitle the terminal nor forge an output line.
func printable(s string) string {
	clean := true
	for _, r := range s {
		if r == unicode.ReplacementChar || unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
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

func joinComma(s []string) string { return strings.Join(s, ", ") }
