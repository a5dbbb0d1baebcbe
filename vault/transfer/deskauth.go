package transfer

import (
	"errors"
	"fmt"

	"github.com/deskauth/deskauth/vault"
)

// parseDeskAuth reads an encrypted DeskAuth backup (a vault file written by
// ExportDeskAuth, or any vault with a password slot).
func parseDeskAuth(data []byte, opt *Options, res *Result) error {
	if !vault.IsVaultFile(data) {
		return malformed("it is not a DeskAuth vault file")
	}
	pw, err := opt.password()
	if err != nil {
		return err
	}
	accts, _, err := vault.DecodeBackup(data, pw)
	switch {
	case errors.Is(err, vault.ErrWrongPassword):
		return wrongPassword(DeskAuth)
	case errors.Is(err, vault.ErrCorrupt), errors.Is(err, vault.ErrNewerVersion), errors.Is(err, vault.ErrPasswordRequired):
		return err
	case err != nil:
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if len(accts) > MaxEntries {
		return ErrTooLarge
	}
	for i, a := range accts {
		res.add(i+1, a)
	}
	return nil
}

// ExportDeskAuth writes accts and settings as an encrypted DeskAuth backup:
// a vault file under password alone, which vault.Open opens with that
// password (so it can replace a lost OS-protected vault as is) and Parse
// reads back.
func ExportDeskAuth(accts []vault.Account, settings vault.Settings, password []byte) ([]byte, error) {
	return vault.EncodeBackup(accts, settings, password)
}
