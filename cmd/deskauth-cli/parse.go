package main

import (
	"encoding/json"
	"fmt"

	"github.com/deskauth/deskauth/vault"
)

// accountJSON is the --json form of an account. Secret is set only with --reveal.
type accountJSON struct {
	Issuer    string `json:"issuer"`
	Name      string `json:"name"`
	Type      string `json:"type"`
	Algorithm string `json:"algorithm"`
	Digits    int    `json:"digits"`
	Period    int    `json:"period,omitempty"`
	Counter   uint64 `json:"counter"`
	Secret    string `json:"secret,omitempty"`
}

func newAccountJSON(a vault.Account, reveal bool) accountJSON {
	j := accountJSON{Issuer: a.Issuer, Name: a.Name, Type: string(a.Kind),
		Algorithm: string(a.Algorithm), Digits: a.Digits, Period: a.Period, Counter: a.Counter}
	if reveal {
		j.Secret = vault.EncodeSecret(a.Secret)
	}
	return j
}

func runParse(c *cli, args []string) error {
	fs := c.flags("parse")
	asJSON := fs.Bool("json", false, "print the account as JSON")
	reveal := fs.Bool("reveal", false, "also print the secret (Base32)")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("parse takes exactly one URI")
	}
	uri, err := c.stdinArg(pos[0], "URI", "otpauth:// URI: ")
	if err != nil {
		return err
	}
	a, err := vault.ParseURI(uri)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(jsonOut(c.stdout)).Encode(newAccountJSON(a, *reveal))
	}
	fmt.Fprintf(c.stdout, "issuer:    %s\n", printable(a.Issuer))
	fmt.Fprintf(c.stdout, "name:      %s\n", printable(a.Name))
	fmt.Fprintf(c.stdout, "type:      %s\n", a.Kind)
	fmt.Fprintf(c.stdout, "algorithm: %s\n", a.Algorithm)
	fmt.Fprintf(c.stdout, "digits:    %d\n", a.Digits)
	if a.Kind == vault.HOTP {
		fmt.Fprintf(c.stdout, "counter:   %d\n", a.Counter)
	} else {
		fmt.Fprintf(c.stdout, "period:    %d\n", a.Period)
	}
	if *reveal {
		fmt.Fprintf(c.stdout, "secret:    %s\n", vault.EncodeSecret(a.Secret))
	} else {
		fmt.Fprintf(c.stdout, "secret:    (hidden; add --reveal to show)\n")
	}
	return nil
}
