package vault

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"hash"
	"strconv"
	"strings"
	"time"
)

// hash returns the constructor of the algorithm's hash. Names are matched
// without regard to case, so "sha256" from a sloppy URI works; anything else,
// MD5 included, is refused.
func (alg Algorithm) hash() (func() hash.Hash, error) {
	switch Algorithm(strings.ToUpper(string(alg))) {
	case SHA1:
		return sha1.New, nil
	case SHA256:
		return sha256.New, nil
	case SHA512:
		return sha512.New, nil
	}
	return nil, fieldErr(FieldAlgorithm, ReasonUnknown, string(alg))
}

// New returns the hash.Hash for the algorithm; it panics on an unsupported
// algorithm, so call it only on a validated account.
func (alg Algorithm) New() hash.Hash {
	h, err := alg.hash()
	if err != nil {
		panic("vault: unsupported algorithm " + string(alg))
	}
	return h()
}

// Counter returns the moving factor for the instant at: the HOTP counter for
// HOTP accounts, and the number of whole periods since the Unix epoch for time
// based ones.
func (a Account) CounterAt(at time.Time) uint64 {
	if a.Kind == HOTP {
		return a.Counter
	}
	return uint64(at.Unix()) / uint64(a.Period)
}

// Code returns the code for the instant at. For HOTP accounts at is ignored and
// the code for the current counter is returned; Advance moves the counter on.
func (a Account) Code(at time.Time) (string, error) {
	if err := a.validateKey(); err != nil {
		return "", err
	}
	if a.Kind != HOTP && at.Unix() < 0 {
		return "", fieldErr(FieldTime, ReasonBefore1970, at.UTC().Format(time.RFC3339))
	}
	return a.codeFor(a.CounterAt(at))
}

// steamChars are the 26 characters of a Steam Guard code.
const steamChars = "23456789BCDFGHJKMNPQRTVWXY"

// codeFor computes the code for a given moving factor (RFC 4226 section 5.3,
// and Steam's alphabet); the account must be valid. It works on the raw key
// in place: the code shown every second makes no copy of the secret (HMAC
// keeps its own padded copy, which is garbage after the call).
func (a Account) codeFor(counter uint64) (string, error) {
	newHash, err := a.Algorithm.hash()
	if err != nil {
		return "", err
	}
	if a.Digits < 1 || a.Digits > MaxDigits {
		return "", rangeErr(FieldDigits, strconv.Itoa(a.Digits), MinDigits, MaxDigits)
	}
	mac := hmac.New(newHash, a.Secret)
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac.Write(msg[:])
	var buf [sha512.Size]byte
	sum := mac.Sum(buf[:0])
	off := sum[len(sum)-1] & 0x0f
	value := binary.BigEndian.Uint32(sum[off:]) & 0x7fffffff
	wipe(sum)
	var out [MaxDigits]byte
	code := out[:a.Digits]
	if a.Kind == Steam {
		for i := range code {
			code[i] = steamChars[value%uint32(len(steamChars))]
			value /= uint32(len(steamChars))
		}
		return string(code), nil
	}
	// Right to left, zero-padded: value mod 10^digits (a 31-bit value has at
	// most 10 digits, so for 10 the whole value).
	for i := len(code) - 1; i >= 0; i-- {
		code[i] = byte('0' + value%10)
		value /= 10
	}
	return string(code), nil
}

// Remaining returns how long the code for at stays valid: the time left in its
// period. It is zero for HOTP accounts, whose codes do not expire.
func (a Account) Remaining(at time.Time) time.Duration {
	if a.Kind == HOTP || a.Period <= 0 {
		return 0
	}
	period := time.Duration(a.Period) * time.Second
	start := time.Unix(int64(a.CounterAt(at))*int64(a.Period), 0)
	return period - at.Sub(start)
}

// Next returns the code that follows the one for at: the next period's code for
// time-based accounts, the next counter's for HOTP.
func (a Account) Next(at time.Time) (string, error) {
	if err := a.validateKey(); err != nil {
		return "", err
	}
	return a.codeFor(a.CounterAt(at) + 1)
}

// Advance moves an HOTP account to its next counter, so that the next Code is a
// fresh one. It does nothing to time-based accounts.
func (a *Account) Advance() {
	if a.Kind == HOTP {
		a.Counter++
	}
}
