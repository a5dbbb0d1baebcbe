package capture

import "strings"

// Kind is what a QR payload is for.
type Kind int

const (
	// Other is any payload DeskAuth does not add: show it, never store it.
	Other Kind = iota
	// OTPAuth is an otpauth:// URI: one account to add.
	OTPAuth
	// OTPAuthMigration is an otpauth-migration:// URI (a Google
	// Authenticator export): several accounts to import.
	OTPAuthMigration
	// PhoneFactor is Microsoft Authenticator's phonefactor:// activation
	// code. It is not TOTP; see PhoneFactorHelp.
	PhoneFactor
)

// String names the kind for messages and JSON.
func (k Kind) String() string {
	switch k {
	case OTPAuth:
		return "otpauth"
	case OTPAuthMigration:
		return "otpauth-migration"
	case PhoneFactor:
		return "phonefactor"
	}
	return "other"
}

// Classify says what a decoded payload is, by its URI scheme (case-insensitive,
// surrounding white space ignored). It does not validate the rest.
func Classify(text string) Kind {
	t := strings.TrimSpace(text)
	scheme, _, ok := strings.Cut(t, ":")
	if !ok {
		return Other
	}
	switch strings.ToLower(scheme) {
	case "otpauth":
		return OTPAuth
	case "otpauth-migration":
		return OTPAuthMigration
	case "phonefactor":
		return PhoneFactor
	}
	return Other
}

// PhoneFactorHelp is a one-line explanation to show when a phonefactor://
// code is found: Microsoft's own format only works in Microsoft
// Authenticator, but its setup page can show a standard TOTP code instead.
const PhoneFactorHelp = "this is a Microsoft Authenticator activation code, not a TOTP code: " +
	"on Microsoft's setup page choose \"I want to use a different authenticator app\" and scan the QR code it shows then"
