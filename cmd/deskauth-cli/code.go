package main

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/deskauth/deskauth/vault"
)

// codeJSON is the --json form of a code.
type codeJSON struct {
	Issuer    string `json:"issuer,omitempty"`
	Name      string `json:"name,omitempty"`
	Code      string `json:"code"`
	Remaining int    `json:"remaining"`
	Next      string `json:"next"`
}

func runCode(c *cli, args []string) error {
	fs := c.flags("code")
	uri := fs.String("uri", "", "compute the code of this otpauth:// URI, without any vault; - reads it from stdin, which keeps it out of the process list")
	at := fs.String("at", "", "compute the code for this time (RFC 3339) instead of now")
	asJSON := fs.Bool("json", false, "print {\"code\", \"remaining\", \"next\"} as JSON")
	timeSource := fs.String("time-source", "", "correct the PC clock against this `URL` (ntp://host, https://host/, none; default: the vault's time source)")
	vf := c.vaultFlags(fs)
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	pick, err := c.codeClock(*at, *timeSource) // see time.go
	if err != nil {
		return err
	}
	if *uri == "" {
		if len(pos) > 1 {
			return usagef("code takes one QUERY (quote it if it has spaces)")
		}
		query := ""
		if len(pos) == 1 {
			query = pos[0]
		}
		// The instant is asked for once the vault is open, so that it can
		// depend on the vault's settings.
		clock := func(v *vault.Vault) (time.Time, error) { return pick(v.Settings), nil }
		return c.vaultCodes(vf, query, clock, *asJSON)
	}
	if len(pos) > 0 {
		return usagef("code --uri takes no other arguments")
	}
	text, err := c.stdinArg(*uri, "URI", "otpauth:// URI: ")
	if err != nil {
		return err
	}
	a, err := vault.ParseURI(text)
	if err != nil {
		return err
	}
	return c.printCodes([]vault.Account{a}, pick(vault.Settings{}), *asJSON)
}

// instant parses an --at value, or returns now when it is empty.
func (c *cli) instant(at string) (time.Time, error) {
	if at == "" {
		return c.now(), nil
	}
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		return time.Time{}, usagef("--at %q is not an RFC 3339 time such as 2020-05-01T00:00:00Z", at)
	}
	return t, nil
}

// printCodes prints one line (or one JSON object) per account. A single account
// prints the bare code, for scripts; several print a label too.
func (c *cli) printCodes(accts []vault.Account, at time.Time, asJSON bool) error {
	var out []codeJSON
	for _, a := range accts {
		code, err := a.Code(at)
		if err != nil {
			return fmt.Errorf("%s: %w", a.Label(), err)
		}
		next, err := a.Next(at)
		if err != nil {
			return fmt.Errorf("%s: %w", a.Label(), err)
		}
		out = append(out, codeJSON{Issuer: a.Issuer, Name: a.Name, Code: code,
			Remaining: int(a.Remaining(at).Round(time.Second) / time.Second), Next: next})
	}
	if asJSON {
		enc := json.NewEncoder(jsonOut(c.stdout))
		if len(out) == 1 {
			return enc.Encode(out[0])
		}
		return enc.Encode(out)
	}
	for i, o := range out {
		if len(out) == 1 {
			fmt.Fprintln(c.stdout, o.Code)
			continue
		}
		fmt.Fprintf(c.stdout, "%s\t%s\n", o.Code, printable(accts[i].Label()))
	}
	return nil
}
