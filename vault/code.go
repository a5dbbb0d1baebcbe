package vault

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base32"
	"fmt"
	"hash"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
)

// hash maps an Algorithm to pquerna/otp's. Names are matched without regard
// to case, so "sha256" from a sloppy URI works; anything else, MD5 included, is
// refused.
func (alg Algorithm) hash() (otp.Algorithm, error) {
	switch Algorithm(strings.ToUpper(string(alg))) {
	case SHA1:
		return otp.AlgorithmSHA1, nil
	case SHA256:
		return otp.AlgorithmSHA256, nil
	case SHA512:
		return otp.AlgorithmSHA512, nil
	}
	return 0, fieldErr(FieldAlgorithm, ReasonUnknown, string(alg))
}

// New returns the hash.Hash for the algorithm; it panics on an unsupported
// algorithm, so call it only on a validated account.
func (alg Algorithm) New() hash.Hash {
	switch Algorithm(strings.ToUpper(string(alg))) {
	case SHA256:
		return sha256.New()
	case SHA512:
		return sha512.New()
	case SHA1:
		return sha1.New()
	}
	panic("vault: unsupported algorithm " + string(alg))
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
	if err := a.Validate(); err != nil {
		return "", err
	}
	if a.Kind != HOTP && at.Unix() < 0 {
		return "", fieldErr(FieldTime, ReasonBefore1970, at.UTC().Format(time.RFC3339))
	}
	return a.codeFor(a.CounterAt(at))
}

// codeFor computes the code for a given moving factor; the account must be valid.
func (a Account) codeFor(counter uint64) (string, error) {
	alg, _ := a.Algorithm.hash()
	opts := hotp.ValidateOpts{Digits: otp.Digits(a.Digits), Algorithm: alg}
	if a.Kind == Steam {
		opts.Encoder = otp.EncoderSteam
	}
	// pquerna/otp takes the key as Base32 text; re-encoding the raw key is
	// exact, whatever odd form the admin typed it in.
	secret := base32.StdEncoding.EncodeToString(a.Secret)
	code, err := hotp.GenerateCodeCustom(secret, counter, opts)
	if err != nil {
		// Never wrap err: it could quote the key.
		return "", fmt.Errorf("vault: computing the code failed")
	}
	return code, nil
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
	if err := a.Validate(); err != nil {
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
