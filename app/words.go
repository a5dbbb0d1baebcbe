package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/deskauth/deskauth/capture"
	"github.com/deskauth/deskauth/vault"
	"github.com/deskauth/deskauth/vault/keystore"
	"github.com/deskauth/deskauth/vault/timesync"
	"github.com/deskauth/deskauth/vault/transfer"
)

// The core packages return values and typed errors; this file words them in
// the user's language. No error text from a core package reaches the screen.

// sentences maps the core's sentinel errors to what the window says, most
// specific first (a BackupError also matches ErrCorrupt).
// errClipboardBusy: the clipboard could not be written privately (another
// program holds it); nothing was copied.
var errClipboardBusy = errors.New("the clipboard is busy")

// errBusy: another action is still saving the vault (see withVault);
// nothing was done.
var errBusy = errors.New("the vault is busy")

var sentences = []struct {
	err error
	key string
}{
	{errClipboardBusy, "The clipboard is in use by another program; nothing was copied. Try again."},
	{errBusy, "Still saving. Try again in a moment."},
	{vault.ErrBackupAvailable, "The vault file is damaged, but an intact backup exists."},
	{vault.ErrWrongPassword, "Wrong password."},
	{vault.ErrCorrupt, "The vault file is damaged."},
	{vault.ErrNewerVersion, "A newer DeskAuth wrote this vault. Update DeskAuth to open it."},
	{vault.ErrLocked, "The vault is in use by another DeskAuth (the app or the command line). Close it and try again."},
	{vault.ErrChangedOnDisk, "The vault file changed on disk since it was opened. Lock and unlock to see the changes."},
	{vault.ErrPasswordRequired, "Type the vault's password."},
	{vault.ErrDuplicate, "An account with this service and name is already in the vault."},
	{vault.ErrClosed, "The vault is locked."},
	{vault.ErrNoAccount, "That account is no longer in the list."},
	{vault.ErrNoMatch, "No account matches."},
	{vault.ErrInvalidMigration, "This Google Authenticator export code cannot be read."},
	{vault.ErrNotTimeBased, "This account's codes do not depend on the clock."},
	{vault.ErrInvalidURI, "This otpauth:// link cannot be used."},
	{vault.ErrInvalidAccount, "This account cannot be used."},
	{keystore.ErrKeyMissing, "This computer's key store no longer has the vault's key. Unlock with the password, or restore a backup."},
	{keystore.ErrInvalidBlob, "The vault's key-store slot is damaged. Unlock with the password, or restore a backup."},
	{keystore.ErrUnavailable, "This computer's key store is not available."},
	{capture.ErrNoQR, "No QR code found. Show the console's QR code on screen and try again."},
	{capture.ErrNoDisplay, "There is no display to read."},
	{capture.ErrPermission, "DeskAuth may not read the screen. Allow screen recording for DeskAuth in the system settings."},
	{capture.ErrNoImage, "The clipboard holds no image."},
	{capture.ErrImageTooLarge, "The image is too large to read."},
	{capture.ErrBadImage, "This file is not an image DeskAuth can read (PNG, JPEG, GIF, WebP or BMP)."},
	{timesync.ErrBadSource, "The time source is not valid. Use ntp://host or https://host/."},
	{timesync.ErrNoAnswer, "The time source did not answer."},
	{timesync.ErrBadAnswer, "The time source gave an answer DeskAuth cannot use."},
	{timesync.ErrImplausible, "The time source is more than a day off, so it was not used."},
	{transfer.ErrPasswordRequired, "The file is encrypted: type its password."},
	{transfer.ErrUnknownFormat, "DeskAuth does not recognise this file. It reads otpauth links and the exports of Google Authenticator, Aegis, 2FAS, Bitwarden, WinAuth, Ente and the Authenticator extension."},
	{transfer.ErrMalformed, "The file is damaged or not in the format it claims."},
	{transfer.ErrTooLarge, "The file is too large to be an authenticator export."},
	{transfer.ErrCostTooHigh, "The file asks for encryption settings far out of range, so it was not opened."},
	{transfer.ErrNeedsWindows, "Windows protects this file: import it on the PC and user account that wrote it."},
	{transfer.ErrUnsupported, "The file uses a protection DeskAuth does not support (a YubiKey, for example)."},
	{transfer.ErrNoAccounts, "No accounts found."},
	{transfer.ErrBatchMismatch, "This QR code does not belong with the export being scanned."},
	{fs.ErrExist, "A vault already exists there; nothing was changed."},
	{fs.ErrNotExist, "The file does not exist."},
	{fs.ErrPermission, "Permission denied: DeskAuth cannot use this file or folder."},
	{context.DeadlineExceeded, "That took too long. Try again."},
	{errors.ErrUnsupported, "This does not work on this system."},
}

// describe words any error for the window, in one line.
func describe(err error) string {
	if err == nil {
		return ""
	}
	var fe *vault.FieldError
	if errors.As(err, &fe) {
		return describeField(fe)
	}
	for _, s := range sentences {
		if errors.Is(err, s.err) {
			return lang.L(s.key)
		}
	}
	// Something the core did not foresee (an I/O error, say): the log gets
	// the details, which never hold a secret, and the window a sentence.
	fyne.LogError("unexpected error", err)
	return lang.L("Something went wrong. The details are in the log.")
}

// fieldName is the word for a field inside a sentence.
func fieldName(f vault.Field) string {
	switch f {
	case vault.FieldSecret:
		return lang.L("secret key")
	case vault.FieldKind:
		return lang.L("type")
	case vault.FieldAlgorithm:
		return lang.L("algorithm")
	case vault.FieldDigits:
		return lang.L("number of digits")
	case vault.FieldPeriod:
		return lang.L("period (seconds)")
	case vault.FieldCounter:
		return lang.L("counter")
	case vault.FieldIssuer:
		return lang.L("service name")
	case vault.FieldName:
		return lang.L("account name")
	case vault.FieldTime:
		return lang.L("time")
	case vault.FieldCode:
		return lang.L("code")
	}
	return lang.L("link")
}

// describeField words an account or link that cannot be used.
func describeField(e *vault.FieldError) string {
	data := map[string]any{"Field": fieldName(e.Field), "Value": e.Value,
		"Min": fmt.Sprint(e.Min), "Max": fmt.Sprint(e.Max)}
	switch e.Reason {
	case vault.ReasonNotOTPAuth:
		return lang.L("This is not an otpauth:// link.")
	case vault.ReasonMissing:
		switch e.Field {
		case vault.FieldSecret:
			return lang.L("The secret key is missing.")
		case vault.FieldKind:
			return lang.L("The link does not say whether it is totp or hotp.")
		case vault.FieldCounter:
			return lang.L("An HOTP link needs a counter.")
		case vault.FieldName, vault.FieldIssuer:
			return lang.L("Give the account a service or account name.")
		}
		return lang.L("The {{.Field}} is missing.", data)
	case vault.ReasonUnknown:
		switch e.Field {
		case vault.FieldKind:
			if e.Value == "" {
				return lang.L("Unknown type: DeskAuth reads totp, hotp and steam.")
			}
			return lang.L("Unknown type “{{.Value}}”: DeskAuth reads totp, hotp and steam.", data)
		case vault.FieldAlgorithm:
			if e.Value == "" {
				return lang.L("Unsupported algorithm: DeskAuth supports SHA1, SHA256 and SHA512.")
			}
			return lang.L("Unsupported algorithm “{{.Value}}”: DeskAuth supports SHA1, SHA256 and SHA512.", data)
		}
		if e.Value == "" {
			return lang.L("Unknown {{.Field}}.", data)
		}
		return lang.L("Unknown {{.Field}} “{{.Value}}”.", data)
	case vault.ReasonUnsupported:
		return lang.L("The {{.Field}} {{.Value}} is not supported.", data)
	case vault.ReasonNotBase32:
		return lang.L("The secret key is not Base32: it holds only the letters A–Z and the digits 2–7.")
	case vault.ReasonTooShort:
		return lang.L("The secret key is too short.")
	case vault.ReasonNotNumber:
		if e.Value == "" { // withheld: it looked like part of a secret
			return lang.L("The {{.Field}} is not a whole number.", data)
		}
		return lang.L("The {{.Field}} “{{.Value}}” is not a whole number.", data)
	case vault.ReasonRange:
		if e.Value == "" {
			return lang.L("The {{.Field}} must be between {{.Min}} and {{.Max}}.", data)
		}
		return lang.L("The {{.Field}} must be between {{.Min}} and {{.Max}}, not {{.Value}}.", data)
	case vault.ReasonSteam:
		return lang.L("A Steam account has 5 characters and uses SHA1.")
	case vault.ReasonBefore1970:
		return lang.L("The time is before 1970.")
	case vault.ReasonLength:
		return lang.L("The code has {{.Value}} characters; this account's codes have {{.Min}}.", data)
	case vault.ReasonControl:
		return lang.L("The {{.Field}} holds a control character, which DeskAuth does not store.", data)
	case vault.ReasonInvalidUTF8:
		return lang.L("The {{.Field}} is not valid text (UTF-8).", data)
	case vault.ReasonTooLong:
		return lang.L("The {{.Field}} is too long (at most {{.Max}} bytes).", data)
	}
	return lang.L("This account cannot be used.")
}

// describeWarning words what the vault noticed about where it lives.
func describeWarning(w vault.Warning) string {
	return lang.L("Other users of this computer can change the folder {{.Folder}}: they cannot read the vault, but they could delete or replace it. Keep the vault in a folder only you can write to.",
		map[string]any{"Folder": w.Path})
}

// describeNote words what a scan or paste found besides accounts.
func describeNote(n vault.Note) string {
	switch n.Kind {
	case vault.NoteUnusable:
		return describe(n.Err)
	case vault.NoteSkipped:
		return lang.L("Skipped {{.Account}}: {{.Reason}}", map[string]any{"Account": n.Label, "Reason": describe(n.Err)})
	case vault.NoteBatch:
		return lang.L("This is code {{.Index}} of {{.Size}} of the export; scan the others too.",
			map[string]any{"Index": fmt.Sprint(n.Index + 1), "Size": fmt.Sprint(n.Size)})
	case vault.NotePhoneFactor:
		return lang.L("This is a Microsoft Authenticator code, not a TOTP code. On Microsoft's setup page choose \"I want to use a different authenticator app\" and scan the code it shows then.")
	}
	return lang.L("Found a QR code that is not for an authenticator: {{.Text}}", map[string]any{"Text": n.Text})
}
