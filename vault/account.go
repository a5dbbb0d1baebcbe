package vault

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind is the kind of one-time code an account produces.
type Kind string

const (
	// TOTP is a time-based code (RFC 6238).
	TOTP Kind = "totp"
	// HOTP is a counter-based code (RFC 4226).
	HOTP Kind = "hotp"
	// Steam is Steam Guard's 5-character time-based code.
	Steam Kind = "steam"
)

// Algorithm is the HMAC hash an account uses.
type Algorithm string

const (
	SHA1   Algorithm = "SHA1"
	SHA256 Algorithm = "SHA256"
	SHA512 Algorithm = "SHA512"
)

// Defaults from Google's Key Uri Format, used when a URI leaves a field out.
const (
	DefaultDigits = 6
	DefaultPeriod = 30
	// SteamDigits is the length of a Steam Guard code.
	SteamDigits = 5
	// MinDigits and MaxDigits bound the digit count of TOTP and HOTP accounts.
	MinDigits = 6
	MaxDigits = 10
	// MaxPeriod bounds the period of time-based accounts (one hour).
	MaxPeriod = 3600
	// MaxSecretLen bounds a decoded secret, in bytes. Real ones are 10 to
	// 64 bytes (RFC 4226 asks for at least 16 and recommends 20; a SHA512
	// key fills 64); HMAC hashes anything longer than a block anyway.
	MaxSecretLen = 256
	// MaxCounter bounds an HOTP counter: the largest integer a JSON number
	// holds exactly in every language, so exports stay exact, and far from
	// 2^64, so advancing it can never wrap to 0.
	MaxCounter = 1<<53 - 1
	// MaxLabelLen bounds the issuer and the name, in bytes.
	MaxLabelLen = 256
)

// ErrInvalidAccount is wrapped by every error that rejects an account's fields:
// a bad secret, an unknown algorithm or kind, digits out of range, and so on.
var ErrInvalidAccount = errors.New("invalid account")

// Account is one entry of the vault: everything needed to compute its codes.
//
// Secret is the raw key (the Base32 text already decoded). Period applies to
// TOTP and Steam; Counter applies to HOTP and is the counter of the next code.
type Account struct {
	Issuer    string    `json:"issuer,omitempty"`
	Name      string    `json:"name"`
	Kind      Kind      `json:"kind"`
	Algorithm Algorithm `json:"algorithm"`
	Digits    int       `json:"digits"`
	Period    int       `json:"period,omitempty"`
	Counter   uint64    `json:"counter,omitempty"`
	Secret    []byte    `json:"secret"`
}

// NewAccount makes a TOTP account with the default parameters from a secret
// typed by hand: lower case, spaces, dashes and missing padding are all
// accepted (see DecodeSecret). The caller may change the other fields and
// should call Validate afterwards.
func NewAccount(issuer, name, secret string) (Account, error) {
	key, err := DecodeSecret(secret)
	if err != nil {
		return Account{}, err
	}
	a := Account{
		Issuer:    strings.TrimSpace(issuer),
		Name:      strings.TrimSpace(name),
		Kind:      TOTP,
		Algorithm: SHA1,
		Digits:    DefaultDigits,
		Period:    DefaultPeriod,
		Secret:    key,
	}
	return a, a.Validate()
}

// Validate reports whether the account may enter the vault: it can produce
// codes, its issuer and name are printable UTF-8 of at most MaxLabelLen
// bytes (no control characters, line separators or bidirectional
// overrides, which could rewrite a terminal or forge a line of output), its
// secret is at most MaxSecretLen bytes and its counter at most MaxCounter.
// Its errors are *FieldError (matching ErrInvalidAccount) and never contain
// the secret.
func (a Account) Validate() error {
	if err := a.validateKey(); err != nil {
		return err
	}
	if len(a.Secret) > MaxSecretLen {
		return &FieldError{Field: FieldSecret, Reason: ReasonTooLong, Max: MaxSecretLen}
	}
	if a.Kind == HOTP && a.Counter > MaxCounter {
		return rangeErr(FieldCounter, strconv.FormatUint(a.Counter, 10), 0, MaxCounter)
	}
	if err := validateLabel(FieldIssuer, a.Issuer); err != nil {
		return err
	}
	return validateLabel(FieldName, a.Name)
}

// validateLabel applies Validate's rule to an issuer or a name.
func validateLabel(f Field, s string) error {
	if !utf8.ValidString(s) {
		return &FieldError{Field: f, Reason: ReasonInvalidUTF8}
	}
	if len(s) > MaxLabelLen {
		return &FieldError{Field: f, Reason: ReasonTooLong, Value: strconv.Itoa(len(s)), Max: MaxLabelLen}
	}
	for _, r := range s {
		if unprintable(r) {
			return &FieldError{Field: f, Reason: ReasonControl, Value: fmt.Sprintf("U+%04X", r)}
		}
	}
	return nil
}

// unprintable reports the characters no label may hold: C0 and C1 controls
// and DEL, the line and paragraph separators, and the bidirectional
// embeddings, overrides and isolates ("Trojan Source").
func unprintable(r rune) bool {
	switch {
	case unicode.IsControl(r), r == '\u2028', r == '\u2029', r == '\u200e', r == '\u200f':
		return true
	case '\u202a' <= r && r <= '\u202e', '\u2066' <= r && r <= '\u2069':
		return true
	}
	return false
}

// validateKey is what computing codes needs. Accounts read from a vault file
// are held to it only, so a vault saved before Validate's label and length
// rules existed still opens, shows codes and saves (and the CLI escapes
// what it prints).
func (a Account) validateKey() error {
	if len(a.Secret) == 0 {
		return fieldErr(FieldSecret, ReasonMissing, "")
	}
	if _, err := a.Algorithm.hash(); err != nil {
		return err
	}
	switch a.Kind {
	case TOTP, HOTP:
		if a.Digits < MinDigits || a.Digits > MaxDigits {
			return rangeErr(FieldDigits, strconv.Itoa(a.Digits), MinDigits, MaxDigits)
		}
	case Steam:
		if a.Digits != SteamDigits {
			return fieldErr(FieldDigits, ReasonSteam, strconv.Itoa(a.Digits))
		}
		if a.Algorithm != SHA1 {
			return fieldErr(FieldAlgorithm, ReasonSteam, string(a.Algorithm))
		}
	default:
		return fieldErr(FieldKind, ReasonUnknown, string(a.Kind))
	}
	if a.Kind != HOTP && (a.Period <= 0 || a.Period > MaxPeriod) {
		return rangeErr(FieldPeriod, strconv.Itoa(a.Period), 1, MaxPeriod)
	}
	return nil
}

// Label is the text an admin recognises the account by: "Issuer (name)", or
// whichever of the two is set.
func (a Account) Label() string {
	switch {
	case a.Issuer != "" && a.Name != "":
		return a.Issuer + " (" + a.Name + ")"
	case a.Issuer != "":
		return a.Issuer
	default:
		return a.Name
	}
}

// Equal reports whether two accounts have the same fields and the same key.
func (a Account) Equal(b Account) bool {
	return a.Issuer == b.Issuer && a.Name == b.Name && a.Kind == b.Kind &&
		a.Algorithm == b.Algorithm && a.Digits == b.Digits && a.Period == b.Period &&
		a.Counter == b.Counter && bytes.Equal(a.Secret, b.Secret)
}
