package transfer

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/deskauth/deskauth/vault"
)

// Bitwarden exports: JSON {encrypted, folders, items: [{name, login:
// {username, totp}}]} or CSV with name, login_username and login_totp
// columns. login.totp is an otpauth:// URI, "steam://SECRET", or a bare
// Base32 secret (a TOTP account with default parameters, labelled by the
// item's name and user name). Items without a TOTP are not accounts and are
// passed over silently. Password-protected Bitwarden exports are refused
// with ErrUnsupported.

type bitwardenFile struct {
	Encrypted bool `json:"encrypted"`
	Items     []struct {
		Name  string `json:"name"`
		Login *struct {
			Username *string `json:"username"`
			TOTP     *string `json:"totp"`
		} `json:"login"`
	} `json:"items"`
}

func parseBitwarden(data []byte, opt *Options, res *Result) error {
	b := bytes.TrimSpace(trimBOM(data))
	if len(b) > 0 && b[0] != '{' {
		return parseBitwardenCSV(b, res)
	}
	var f bitwardenFile
	if err := decodeJSON(b, &f); err != nil {
		return err
	}
	if f.Encrypted {
		return unsupported("password-protected Bitwarden exports: export again as unencrypted JSON or CSV")
	}
	if len(f.Items) > MaxEntries {
		return fmt.Errorf("%w (over %d entries)", ErrTooLarge, MaxEntries)
	}
	for i, it := range f.Items {
		if it.Login == nil || it.Login.TOTP == nil || strings.TrimSpace(*it.Login.TOTP) == "" {
			continue
		}
		user := ""
		if it.Login.Username != nil {
			user = *it.Login.Username
		}
		bitwardenTOTP(i+1, it.Name, user, *it.Login.TOTP, res)
	}
	return nil
}

func parseBitwardenCSV(b []byte, res *Result) error {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	head, err := r.Read()
	if err != nil {
		return malformed("the CSV header does not parse")
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimSpace(h)] = i
	}
	ti, ok := col["login_totp"]
	if !ok {
		return malformed("the CSV has no login_totp column")
	}
	field := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	for n := 1; ; n++ {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if n > MaxEntries {
			return fmt.Errorf("%w (over %d entries)", ErrTooLarge, MaxEntries)
		}
		if err != nil {
			res.problem(n, "", malformed("the CSV row does not parse"))
			continue
		}
		if ti >= len(rec) || strings.TrimSpace(rec[ti]) == "" {
			continue
		}
		bitwardenTOTP(n, field(rec, "name"), field(rec, "login_username"), rec[ti], res)
	}
}

func bitwardenTOTP(entry int, item, user, totp string, res *Result) {
	totp = strings.TrimSpace(totp)
	label := vault.Account{Issuer: item, Name: user}.Label()
	lower := strings.ToLower(totp)
	switch {
	case strings.HasPrefix(lower, "otpauth://"):
		a, err := vault.ParseURI(totp)
		if err != nil {
			res.problem(entry, label, err)
			return
		}
		if a.Issuer == "" {
			a.Issuer = item
		}
		if a.Name == "" {
			a.Name = user
		}
		res.add(entry, a)
	case strings.HasPrefix(lower, "steam://"):
		secret, err := decodeSecret(totp[len("steam://"):])
		if err != nil {
			res.problem(entry, label, err)
			return
		}
		res.add(entry, vault.Account{Issuer: item, Name: user, Kind: vault.Steam, Algorithm: vault.SHA1,
			Digits: vault.SteamDigits, Period: vault.DefaultPeriod, Secret: secret})
	default:
		if len(totp) > maxSecretText {
			res.problem(entry, label, fmt.Errorf("%w: the secret is longer than %d characters", vault.ErrInvalidAccount, maxSecretText))
			return
		}
		a, err := vault.NewAccount(item, user, totp)
		if err != nil {
			res.problem(entry, label, err)
			return
		}
		res.add(entry, a)
	}
}
