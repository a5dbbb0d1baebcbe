package transfer

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/deskauth/deskauth/vault"
)

// 2FAS backups (.2fas): JSON {services: [...], schemaVersion, ...}. An
// encrypted backup leaves services empty and holds servicesEncrypted:
// "Base64(ciphertext||tag):Base64(salt):Base64(iv)", AES-256-GCM under
// PBKDF2-HMAC-SHA256(password, salt, 10000 iterations, 32 bytes), sealing the
// JSON array of services. Older schemas (v1–v3) have the same service shape
// with fewer otp fields: a missing tokenType means TOTP.

type twoFASFile struct {
	Services          []twoFASService `json:"services"`
	ServicesEncrypted string          `json:"servicesEncrypted"`
	SchemaVersion     json.Number     `json:"schemaVersion"`
}

type twoFASService struct {
	Name   string `json:"name"`
	Secret string `json:"secret"`
	OTP    struct {
		Label     string      `json:"label"`
		Account   string      `json:"account"`
		Issuer    string      `json:"issuer"`
		Digits    json.Number `json:"digits"`
		Period    json.Number `json:"period"`
		Algorithm string      `json:"algorithm"`
		Counter   json.Number `json:"counter"`
		TokenType string      `json:"tokenType"`
	} `json:"otp"`
}

const twoFASIterations = 10000

func parse2FAS(data []byte, opt *Options, res *Result) error {
	var f twoFASFile
	if err := decodeJSON(data, &f); err != nil {
		return err
	}
	services := f.Services
	if f.ServicesEncrypted != "" {
		plain, err := open2FAS(f.ServicesEncrypted, opt)
		if err != nil {
			return err
		}
		services = nil
		if err := decodeJSON(plain, &services); err != nil {
			return err
		}
	}
	if len(services) > MaxEntries {
		return fmt.Errorf("%w (over %d entries)", ErrTooLarge, MaxEntries)
	}
	for i, s := range services {
		a, err := s.account()
		if err != nil {
			res.problem(i+1, a.Label(), err)
			continue
		}
		res.add(i+1, a)
	}
	return nil
}

func (s twoFASService) account() (vault.Account, error) {
	a := vault.Account{Issuer: s.OTP.Issuer, Name: s.OTP.Account, Algorithm: vault.Algorithm(strings.ToUpper(s.OTP.Algorithm)),
		Digits: num(s.OTP.Digits), Period: num(s.OTP.Period)}
	if a.Issuer == "" {
		a.Issuer = s.Name
	}
	if a.Name == "" && s.OTP.Label != s.Name {
		a.Name = s.OTP.Label
	}
	if a.Algorithm == "" {
		a.Algorithm = vault.SHA1
	}
	if a.Digits == 0 {
		a.Digits = vault.DefaultDigits
	}
	if a.Period == 0 {
		a.Period = vault.DefaultPeriod
	}
	switch strings.ToUpper(s.OTP.TokenType) {
	case "", "TOTP":
		a.Kind = vault.TOTP
	case "HOTP":
		a.Kind, a.Period = vault.HOTP, 0
		c, ok := num64(s.OTP.Counter)
		if !ok {
			return a, malformed("the counter is not a whole number")
		}
		a.Counter = c
	case "STEAM":
		a.Kind, a.Digits = vault.Steam, vault.SteamDigits
	default:
		return a, unsupported("2FAS tokens of type %q", clip(s.OTP.TokenType))
	}
	secret, err := decodeSecret(s.Secret)
	if err != nil {
		return a, err
	}
	a.Secret = secret
	return a, nil
}

func open2FAS(enc string, opt *Options) ([]byte, error) {
	parts := strings.Split(strings.TrimSpace(enc), ":")
	if len(parts) != 3 {
		return nil, malformed("servicesEncrypted does not have three parts")
	}
	var raw [3][]byte
	for i, p := range parts {
		b, err := base64.StdEncoding.DecodeString(p)
		if err != nil {
			return nil, malformed("servicesEncrypted is not Base64")
		}
		raw[i] = b
	}
	ct, salt, iv := raw[0], raw[1], raw[2]
	if len(iv) != 12 || len(ct) < 16 {
		return nil, malformed("servicesEncrypted has a bad nonce or is truncated")
	}
	pw, err := opt.password()
	if err != nil {
		return nil, err
	}
	key, err := pbkdf2.Key(sha256.New, string(pw), salt, twoFASIterations, 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	plain, err := aead.Open(nil, iv, ct, nil)
	if err != nil {
		return nil, wrongPassword(TwoFAS)
	}
	return plain, nil
}
