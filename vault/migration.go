package vault

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Migration is one QR code of a Google Authenticator export
// (otpauth-migration://offline?data=…). A large export spans several codes:
// Index counts from 0 up to Size-1, and codes of one export share BatchID.
type Migration struct {
	Accounts []Account
	Index    int
	Size     int
	BatchID  int64
	// Skipped lists the accounts that could not be imported and why (an MD5
	// account, say). The other accounts are still usable.
	Skipped []SkippedAccount
}

// SkippedAccount is an account of an export that cannot be imported: its
// label, and an error wrapping ErrInvalidAccount (a *FieldError).
type SkippedAccount struct {
	Label string
	Err   error
}

// ErrInvalidMigration is wrapped by every error ParseMigration returns.
var ErrInvalidMigration = errors.New("invalid otpauth-migration data")

// maxMigrationData bounds the decoded payload; a QR code holds under 3 KB.
const maxMigrationData = 64 << 10

// ParseMigration decodes a Google Authenticator export URI. Its data parameter
// is Base64 (standard or URL alphabet, padded or not) of a protobuf
// MigrationPayload; see decodePayload for the fields. Migration payloads carry
// no period, so time-based accounts get the default 30 s.
func ParseMigration(uri string) (Migration, error) {
	uri = strings.TrimSpace(uri)
	const scheme = "otpauth-migration://"
	if len(uri) < len(scheme) || !strings.EqualFold(uri[:len(scheme)], scheme) {
		return Migration{}, badMigration("it does not start with otpauth-migration://")
	}
	_, rawQuery, _ := strings.Cut(uri[len(scheme):], "?")
	var data string
	for _, part := range strings.Split(rawQuery, "&") {
		if k, v, _ := strings.Cut(part, "="); strings.EqualFold(k, "data") {
			// Base64 may hold '+', so QueryUnescape would turn it into a space.
			if u, err := url.PathUnescape(v); err == nil {
				data = u
			} else {
				data = v
			}
			break
		}
	}
	if data == "" {
		return Migration{}, badMigration("the data parameter is missing")
	}
	if len(data) > maxMigrationData*4/3+4 {
		return Migration{}, badMigration("the data is too large to come from a QR code")
	}
	raw, err := decodeBase64(data)
	if err != nil {
		return Migration{}, badMigration("the data is not Base64")
	}
	return decodePayload(raw)
}

func decodeBase64(s string) ([]byte, error) {
	s = strings.TrimRight(strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\n', '\r', '\t':
			return -1
		case '-':
			return '+'
		case '_':
			return '/'
		}
		return r
	}, s), "=")
	return base64.RawStdEncoding.DecodeString(s)
}

// decodePayload reads a MigrationPayload: otp_parameters=1 (repeated message),
// version=2, batch_size=3, batch_index=4, batch_id=5.
func decodePayload(b []byte) (Migration, error) {
	var m Migration
	r := protoReader{b: b}
	for !r.done() {
		field, wire, err := r.key()
		if err != nil {
			return Migration{}, err
		}
		switch {
		case field == 1 && wire == wireBytes:
			msg, err := r.bytes()
			if err != nil {
				return Migration{}, err
			}
			a, err := decodeOtpParameters(msg)
			if err != nil {
				if errors.Is(err, ErrInvalidAccount) {
					m.Skipped = append(m.Skipped, SkippedAccount{Label: a.Label(), Err: err})
					continue
				}
				return Migration{}, err
			}
			m.Accounts = append(m.Accounts, a)
		case field == 3 && wire == wireVarint:
			v, err := r.varint()
			if err != nil {
				return Migration{}, err
			}
			m.Size = int(min(v, 1<<20))
		case field == 4 && wire == wireVarint:
			v, err := r.varint()
			if err != nil {
				return Migration{}, err
			}
			m.Index = int(min(v, 1<<20))
		case field == 5 && wire == wireVarint:
			v, err := r.varint()
			if err != nil {
				return Migration{}, err
			}
			m.BatchID = int64(int32(v)) // an int32 in the schema, sign-extended on the wire
		default:
			if err := r.skip(wire); err != nil {
				return Migration{}, err
			}
		}
	}
	if len(m.Accounts) == 0 && len(m.Skipped) == 0 {
		return Migration{}, badMigration("it holds no accounts")
	}
	return m, nil
}

// decodeOtpParameters reads one OtpParameters message: secret=1 (raw bytes),
// name=2, issuer=3, algorithm=4 (1 SHA1, 2 SHA256, 3 SHA512, 4 MD5), digits=5
// (1 six, 2 eight), type=6 (1 HOTP, 2 TOTP), counter=7. On an unsupported
// account it returns the account's label fields with an ErrInvalidAccount
// error, so the caller can name what it skips.
func decodeOtpParameters(b []byte) (Account, error) {
	a := Account{Kind: TOTP, Algorithm: SHA1, Digits: DefaultDigits, Period: DefaultPeriod}
	var algorithm, digits, kind uint64
	var label string
	r := protoReader{b: b}
	for !r.done() {
		field, wire, err := r.key()
		if err != nil {
			return Account{}, err
		}
		switch {
		case field >= 1 && field <= 3 && wire == wireBytes:
			v, err := r.bytes()
			if err != nil {
				return Account{}, err
			}
			switch field {
			case 1:
				a.Secret = append([]byte(nil), v...)
			case 2:
				label = string(v)
			case 3:
				a.Issuer = strings.TrimSpace(string(v))
			}
		case field >= 4 && field <= 7 && wire == wireVarint:
			v, err := r.varint()
			if err != nil {
				return Account{}, err
			}
			switch field {
			case 4:
				algorithm = v
			case 5:
				digits = v
			case 6:
				kind = v
			case 7:
				a.Counter = v
			}
		default:
			if err := r.skip(wire); err != nil {
				return Account{}, err
			}
		}
	}
	a.Issuer, a.Name = splitLabel(label, a.Issuer)
	switch algorithm {
	case 0, 1:
	case 2:
		a.Algorithm = SHA256
	case 3:
		a.Algorithm = SHA512
	case 4:
		return a, fieldErr(FieldAlgorithm, ReasonUnsupported, "MD5")
	default:
		return a, fieldErr(FieldAlgorithm, ReasonUnknown, fmt.Sprint(algorithm))
	}
	switch digits {
	case 0, 1:
	case 2:
		a.Digits = 8
	default:
		return a, fieldErr(FieldDigits, ReasonUnknown, fmt.Sprint(digits))
	}
	switch kind {
	case 0, 2:
	case 1:
		a.Kind, a.Period = HOTP, 0
	default:
		return a, fieldErr(FieldKind, ReasonUnknown, fmt.Sprint(kind))
	}
	if a.Kind != HOTP {
		a.Counter = 0
	}
	return a, a.Validate()
}

const (
	wireVarint = 0
	wireI64    = 1
	wireBytes  = 2
	wireI32    = 5
)

// protoReader reads the protobuf wire format, checking every length against
// what is left so hostile input cannot make it read past the end or allocate.
type protoReader struct {
	b   []byte
	off int
}

func (r *protoReader) done() bool { return r.off >= len(r.b) }

func (r *protoReader) varint() (uint64, error) {
	var v uint64
	for i := 0; i < 10; i++ {
		if r.off >= len(r.b) {
			return 0, badMigration("the payload is truncated")
		}
		c := r.b[r.off]
		r.off++
		if i == 9 && c > 1 {
			return 0, badMigration("a number in the payload overflows")
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			return v, nil
		}
	}
	return 0, badMigration("a number in the payload overflows")
}

func (r *protoReader) key() (field uint64, wire int, err error) {
	k, err := r.varint()
	if err != nil {
		return 0, 0, err
	}
	if k>>3 == 0 {
		return 0, 0, badMigration("the payload has a field numbered 0")
	}
	return k >> 3, int(k & 7), nil
}

func (r *protoReader) bytes() ([]byte, error) {
	n, err := r.varint()
	if err != nil {
		return nil, err
	}
	if n > uint64(len(r.b)-r.off) {
		return nil, badMigration("the payload is truncated")
	}
	v := r.b[r.off : r.off+int(n)]
	r.off += int(n)
	return v, nil
}

func (r *protoReader) skip(wire int) error {
	var n int
	switch wire {
	case wireVarint:
		_, err := r.varint()
		return err
	case wireBytes:
		_, err := r.bytes()
		return err
	case wireI64:
		n = 8
	case wireI32:
		n = 4
	default:
		return badMigration("the payload has an unknown wire type %d", wire)
	}
	if n > len(r.b)-r.off {
		return badMigration("the payload is truncated")
	}
	r.off += n
	return nil
}

func badMigration(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidMigration, fmt.Sprintf(format, args...))
}
