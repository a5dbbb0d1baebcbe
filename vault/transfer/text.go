package transfer

import (
	"fmt"
	"strings"

	"github.com/deskauth/deskauth/vault"
)

// parseText reads one payload a line: otpauth:// URIs (WinAuth's text
// export, the Authenticator extension's text, Ente's export with its extra
// parameters) and otpauth-migration:// URIs (Google Authenticator's export,
// every account of every batch). It tolerates a UTF-8 BOM, CRLF line ends,
// blank lines and '#' comments. Each other line is a problem named by its
// line number.
func parseText(data []byte, _ *Options, res *Result) error {
	entries := 0
	for i, raw := range strings.Split(string(trimBOM(data)), "\n") {
		line := i + 1
		text := strings.TrimSpace(raw)
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if entries++; entries > MaxEntries {
			return fmt.Errorf("%w (over %d entries)", ErrTooLarge, MaxEntries)
		}
		readPayload(line, text, res)
	}
	return nil
}

// readPayload adds the accounts of one pasted or scanned payload.
func readPayload(entry int, text string, res *Result) {
	lower := strings.ToLower(text)
	switch {
	case strings.HasPrefix(lower, "otpauth://"):
		a, err := vault.ParseURI(text)
		if err != nil {
			res.problem(entry, labelOfURI(text), err)
			return
		}
		res.add(entry, a)
	case strings.HasPrefix(lower, "otpauth-migration://"):
		m, err := parseMigration(text)
		if err != nil {
			res.problem(entry, "", err)
			return
		}
		for _, a := range m.Accounts {
			res.add(entry, a)
		}
		for _, s := range m.Skipped {
			res.problem(entry, "", unsupported("%s", s))
		}
	default:
		res.problem(entry, "", malformed("not an otpauth:// or otpauth-migration:// URI"))
	}
}

// parseMigration is vault.ParseMigration, tolerating a data parameter whose
// '+' characters arrived as spaces (a URI pasted through a form or a
// decoder that applied query unescaping).
func parseMigration(text string) (vault.Migration, error) {
	return vault.ParseMigration(strings.ReplaceAll(strings.TrimSpace(text), " ", "+"))
}

// labelOfURI returns the label part of an otpauth URI for a problem report:
// never the query, which holds the secret.
func labelOfURI(uri string) string {
	rest := uri[len("otpauth://"):]
	rest, _, _ = strings.Cut(rest, "?")
	_, label, _ := strings.Cut(rest, "/")
	return label
}
