package vault

import (
	"fmt"
)

// Field names the part of an account, or of an otpauth URI, that an error is
// about.
type Field string

const (
	FieldURI       Field = "uri" // the text as a whole
	FieldKind      Field = "type"
	FieldSecret    Field = "secret"
	FieldAlgorithm Field = "algorithm"
	FieldDigits    Field = "digits"
	FieldPeriod    Field = "period"
	FieldCounter   Field = "counter"
	FieldIssuer    Field = "issuer"
	FieldName      Field = "name"
	FieldTime      Field = "time"
	FieldCode      Field = "code" // a code typed for a diagnosis
)

// Reason says what is wrong with a Field.
type Reason string

const (
	ReasonMissing     Reason = "missing"      // the field is absent or empty
	ReasonNotOTPAuth  Reason = "not-otpauth"  // the text is not an otpauth:// URI
	ReasonUnknown     Reason = "unknown"      // a value DeskAuth does not know (Value says which)
	ReasonUnsupported Reason = "unsupported"  // a known value DeskAuth cannot use (MD5)
	ReasonNotBase32   Reason = "not-base32"   // the secret has characters outside Base32
	ReasonTooShort    Reason = "too-short"    // the secret decodes to no whole byte
	ReasonNotNumber   Reason = "not-a-number" // Value is not a whole number
	ReasonRange       Reason = "out-of-range" // Value lies outside Min..Max
	ReasonSteam       Reason = "steam"        // Steam accounts have 5 characters and use SHA1
	ReasonBefore1970  Reason = "before-1970"  // the time precedes the Unix epoch
	ReasonLength      Reason = "length"       // a code of the wrong length: Value characters, where Min are wanted
	ReasonControl     Reason = "control"      // a control, line-separator or bidi character (Value: "U+001B")
	ReasonInvalidUTF8 Reason = "invalid-utf8" // text that is not valid UTF-8
	ReasonTooLong     Reason = "too-long"     // longer than Max bytes (Value: the length, when it may be shown)
)

// FieldError is the typed error for an account or URI that cannot be used. It
// matches ErrInvalidAccount with errors.Is, and ErrInvalidURI too when it came
// from parsing a URI. Value is the offending text, clipped; it is never any
// part of a secret. The faces word it from Field, Reason, Value, Min and Max;
// Error is a short English line for logs and the CLI.
type FieldError struct {
	Field    Field
	Reason   Reason
	Value    string
	Min, Max int64
	InURI    bool
}

func (e *FieldError) Is(target error) bool {
	return target == ErrInvalidAccount || (e.InURI && target == ErrInvalidURI)
}

func (e *FieldError) Error() string {
	prefix := ErrInvalidAccount.Error()
	if e.InURI {
		prefix = ErrInvalidURI.Error()
	}
	return prefix + ": " + e.describe()
}

func (e *FieldError) describe() string {
	switch e.Reason {
	case ReasonNotOTPAuth:
		return "it does not start with otpauth://"
	case ReasonMissing:
		switch e.Field {
		case FieldKind:
			return "the type (totp or hotp) is missing"
		case FieldCounter:
			return "an HOTP URI needs a counter parameter"
		}
		return fmt.Sprintf("the %s is missing", e.Field)
	case ReasonUnknown:
		switch e.Field {
		case FieldKind:
			return fmt.Sprintf("unknown type%s (want totp, hotp or steam)", e.quoted())
		case FieldAlgorithm:
			return fmt.Sprintf("unsupported algorithm%s (want SHA1, SHA256 or SHA512)", e.quoted())
		}
		return fmt.Sprintf("unknown %s%s", e.Field, e.quoted())
	case ReasonUnsupported:
		return fmt.Sprintf("unsupported %s %s", e.Field, e.Value)
	case ReasonNotBase32:
		return "the secret is not Base32: it may hold only letters A-Z and digits 2-7 (0, 1, 8 and 9 never occur)"
	case ReasonTooShort:
		return "the secret is too short to be a key"
	case ReasonNotNumber:
		return fmt.Sprintf("%s%s is not a whole number", e.Field, e.quoted())
	case ReasonRange:
		if e.Value == "" {
			return fmt.Sprintf("%s must be between %d and %d", e.Field, e.Min, e.Max)
		}
		return fmt.Sprintf("%s must be between %d and %d, not %s", e.Field, e.Min, e.Max, e.Value)
	case ReasonSteam:
		return "a Steam account has 5 characters and uses SHA1"
	case ReasonBefore1970:
		return fmt.Sprintf("time %s is before 1970", e.Value)
	case ReasonControl:
		return fmt.Sprintf("the %s holds a control character (%s); type it again without it", e.Field, e.Value)
	case ReasonInvalidUTF8:
		return fmt.Sprintf("the %s is not valid UTF-8 text", e.Field)
	case ReasonTooLong:
		if e.Value == "" {
			return fmt.Sprintf("the %s is longer than %d bytes", e.Field, e.Max)
		}
		return fmt.Sprintf("the %s is %s bytes long (at most %d)", e.Field, e.Value, e.Max)
	case ReasonLength:
		return fmt.Sprintf("the code has %s characters; this account's codes have %d", e.Value, e.Min)
	}
	return fmt.Sprintf("%s: %s", e.Field, e.Reason)
}

// quoted is " \"Value\"", or nothing when the value was withheld (it
// touched a secret).
func (e *FieldError) quoted() string {
	if e.Value == "" {
		return ""
	}
	return fmt.Sprintf(" %q", e.Value)
}

// fieldErr builds a FieldError; value is clipped so a pasted page never
// becomes a thousand-character error line.
func fieldErr(f Field, r Reason, value string) *FieldError {
	return &FieldError{Field: f, Reason: r, Value: clip(value)}
}

func rangeErr(f Field, value string, min, max int64) *FieldError {
	return &FieldError{Field: f, Reason: ReasonRange, Value: clip(value), Min: min, Max: max}
}

// inURI marks a field error as found while parsing a URI.
func inURI(err error) error {
	if fe, ok := err.(*FieldError); ok {
		c := *fe
		c.InURI = true
		return &c
	}
	return err
}

// clip shortens user text quoted in an error.
func clip(s string) string { return clipText(s, 24) }
