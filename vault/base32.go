package vault

import (
	"strings"
)

const base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// DecodeSecret decodes a Base32 secret the way people and issuers really write
// it: in lower or upper case, in groups split by spaces or dashes, with '=' or
// "%3D" padding or none at all.
//
// Lengths that are not a whole number of bytes (the 17-character
// ABCDEFGHJKLMN2345, say) are decoded as Google Authenticator for Android does:
// the bits that do not fill a last byte are dropped, so the key and the codes
// match the admin's phone.
//
// Errors wrap ErrInvalidAccount and never quote the secret.
func DecodeSecret(s string) ([]byte, error) {
	// Text far longer than any key's Base32 (with separators) is refused
	// before it is copied or decoded: a 6.5 MB "secret" is not a key.
	if len(s) > 8*MaxSecretLen {
		return nil, &FieldError{Field: FieldSecret, Reason: ReasonTooLong, Max: MaxSecretLen}
	}
	clean := cleanSecret(s)
	if clean == "" {
		return nil, fieldErr(FieldSecret, ReasonMissing, "")
	}
	out := make([]byte, 0, len(clean)*5/8)
	var buf uint32
	var bits uint
	for _, c := range clean {
		v := strings.IndexRune(base32Alphabet, c)
		if v < 0 {
			return nil, fieldErr(FieldSecret, ReasonNotBase32, "")
		}
		buf = buf<<5 | uint32(v)
		bits += 5
		if bits >= 8 {
			bits -= 8
			out = append(out, byte(buf>>bits))
			buf &= 1<<bits - 1
		}
	}
	if len(out) == 0 {
		return nil, fieldErr(FieldSecret, ReasonTooShort, "")
	}
	if len(out) > MaxSecretLen {
		wipe(out)
		return nil, &FieldError{Field: FieldSecret, Reason: ReasonTooLong, Max: MaxSecretLen}
	}
	return out, nil
}

// cleanSecret drops separators and padding and folds case and width.
func cleanSecret(s string) string {
	s = strings.ReplaceAll(s, "%3D", "")
	s = strings.ReplaceAll(s, "%3d", "")
	s = strings.ReplaceAll(s, "%20", "")
	var b strings.Builder
	for _, c := range s {
		// A Japanese IME may be left in full-width mode: fold ＡＢＣ２３ to ABC23.
		if 0xFF01 <= c && c <= 0xFF5E {
			c -= 0xFEE0
		}
		switch c {
		case ' ', '\t', '\n', '\r', '-', '=', '\u3000':
			continue
		}
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		b.WriteRune(c)
	}
	return b.String()
}

// EncodeSecret returns the canonical Base32 text of a key: upper case, no
// padding, as otpauth URIs carry it.
func EncodeSecret(key []byte) string {
	var b strings.Builder
	var buf uint32
	var bits uint
	for _, x := range key {
		buf = buf<<8 | uint32(x)
		bits += 8
		for bits >= 5 {
			bits -= 5
			b.WriteByte(base32Alphabet[buf>>bits&31])
		}
		buf &= 1<<bits - 1
	}
	if bits > 0 {
		b.WriteByte(base32Alphabet[buf<<(5-bits)&31])
	}
	return b.String()
}
