package transfer

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	"github.com/deskauth/deskauth/vault"
)

// maxLine bounds one payload line: a QR code holds under 3 KB, and a
// migration payload is capped at 64 KiB of data.
const maxLine = 128 << 10

// parseText reads one payload a line: otpauth:// URIs (WinAuth's text
// export, the Authenticator extension's text, Ente's export with its extra
// parameters) and otpauth-migration:// URIs (Google Authenticator's export,
// every account of every batch). It tolerates a UTF-8 BOM, CRLF line ends,
// blank lines and '#' comments. Each other line is a problem named by its
// line number.
func parseText(data []byte, _ *Options, res *Result) error {
	entries := 0
	rest := trimBOM(data)
	for line := 1; len(rest) > 0; line++ {
		raw := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			raw, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 || raw[0] == '#' {
			continue
		}
		if entries++; entries > MaxEntries {
			return fmt.Errorf("%w (over %d entries)", ErrTooLarge, MaxEntries)
		}
		if len(raw) > maxLine {
			res.problem(line, "", malformed("the line is %d KiB long, more than any QR code holds", len(raw)>>10))
			continue
		}
		readPayload(line, string(raw), res)
	}
	return nil
}

// readPayload adds the accounts of one pasted or scanned payload, read by
// the core's vault.ReadPayloads; its notes become problems.
func readPayload(entry int, text string, res *Result) {
	if vault.ClassifyPayload(text) == vault.PayloadMigration {
		text = plusFromSpace(text)
	}
	p := vault.ReadPayloads(text)
	for _, a := range p.Accounts {
		res.add(entry, a)
	}
	for _, n := range p.Notes {
		switch n.Kind {
		case vault.NoteUnusable:
			label := ""
			if vault.ClassifyPayload(text) == vault.PayloadOTPAuth {
				label = labelOfURI(strings.TrimSpace(text))
			}
			res.problem(entry, label, n.Err)
		case vault.NoteSkipped:
			res.problem(entry, n.Label, n.Err)
		case vault.NotePhoneFactor:
			res.problem(entry, "", unsupported("a Microsoft Authenticator activation code (phonefactor://) is not a TOTP account"))
		case vault.NoteNotOTP:
			res.problem(entry, "", malformed("not an otpauth:// or otpauth-migration:// URI"))
		}
	}
}

// plusFromSpace undoes a '+' that arrived as a space in a migration URI's
// Base64 data (a URI pasted through a form, or a decoder that applied query
// unescaping): a URI holds no literal spaces.
func plusFromSpace(text string) string {
	return strings.ReplaceAll(strings.TrimSpace(text), " ", "+")
}

// parseMigration is vault.ParseMigration, tolerating a '+' that arrived as
// a space (see plusFromSpace).
func parseMigration(text string) (vault.Migration, error) {
	return vault.ParseMigration(plusFromSpace(text))
}

// labelOfURI returns the label part of an otpauth URI for a problem report:
// never the query, which holds the secret.
func labelOfURI(uri string) string {
	if len(uri) < len("otpauth://") {
		return ""
	}
	rest := uri[len("otpauth://"):]
	rest, _, _ = strings.Cut(rest, "?")
	_, label, _ := strings.Cut(rest, "/")
	if u, err := url.PathUnescape(label); err == nil {
		return u
	}
	return label
}
