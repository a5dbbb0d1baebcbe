package transfer

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/deskauth/deskauth/vault"
)

// The Authenticator browser extension (Authenticator-Extension/Authenticator)
// backs up to JSON: an object whose keys are entry hashes and whose values
// are {account, issuer, secret, type, counter, period, digits, algorithm,
// encrypted, index}. Encrypted, each secret is CryptoJS.AES.encrypt(secret,
// passphrase): OpenSSL's "Salted__" format, AES-256-CBC with key and IV from
// EVP_BytesToKey(MD5). In the newer format the object also holds key: {enc,
// hash}; key.enc is the data key encrypted the same way under the password,
// and the entries are encrypted under the hex text of the decrypted key (as
// the extension's import does: CryptoJS.AES.decrypt(key.enc, pw).toString()).

type authEntry struct {
	Account   string          `json:"account"`
	Issuer    string          `json:"issuer"`
	Secret    string          `json:"secret"`
	Type      json.RawMessage `json:"type"`
	Counter   json.Number     `json:"counter"`
	Period    json.Number     `json:"period"`
	Digits    json.Number     `json:"digits"`
	Algorithm json.RawMessage `json:"algorithm"`
	Encrypted bool            `json:"encrypted"`
	Index     json.Number     `json:"index"`
}

type authKey struct {
	Enc  string `json:"enc"`
	Hash string `json:"hash"`
}

var authSecretShape = regexp.MustCompile(`(?i)^([a-z2-7]+=*|[0-9a-f]+|blz-.*|bliz-.*|stm-.*)$`)

func parseAuthenticator(data []byte, opt *Options, res *Result) error {
	if b := bytes.TrimSpace(trimBOM(data)); len(b) == 0 || b[0] != '{' {
		// The extension also exports one otpauth URI a line.
		return parseText(data, opt, res)
	}
	var top map[string]json.RawMessage
	if err := decodeJSON(data, &top); err != nil {
		return err
	}
	var key *authKey
	if raw, ok := top["key"]; ok {
		delete(top, "key")
		if string(raw) != "null" {
			key = &authKey{}
			if err := json.Unmarshal(raw, key); err != nil {
				return malformed("the key field does not parse")
			}
		}
	} else if _, ok := top["enc"]; ok {
		key = &authKey{}
		json.Unmarshal(top["enc"], &key.Enc)
		json.Unmarshal(top["hash"], &key.Hash)
		delete(top, "enc")
		delete(top, "hash")
	}
	if len(top) > MaxEntries {
		return fmt.Errorf("%w (over %d entries)", ErrTooLarge, MaxEntries)
	}
	type item struct {
		id string
		e  authEntry
		ok bool
	}
	items := make([]item, 0, len(top))
	anyEncrypted := false
	for id, raw := range top {
		var e authEntry
		err := json.Unmarshal(raw, &e)
		items = append(items, item{id, e, err == nil})
		anyEncrypted = anyEncrypted || (err == nil && e.Encrypted)
	}
	// Map order is random: show entries in the extension's order.
	sort.SliceStable(items, func(i, j int) bool {
		a, b := num(items[i].e.Index), num(items[j].e.Index)
		if a != b {
			return a < b
		}
		return items[i].id < items[j].id
	})

	var passphrase []byte
	if anyEncrypted {
		pw, err := opt.password()
		if err != nil {
			return err
		}
		passphrase = pw
		if key != nil {
			dk, err := cryptoJSDecrypt(key.Enc, pw)
			if err != nil {
				return wrongPassword(Authenticator)
			}
			passphrase = []byte(hex.EncodeToString(dk))
		}
	}
	decrypted := 0
	for i, it := range items {
		label := vault.Account{Issuer: it.e.Issuer, Name: it.e.Account}.Label()
		if !it.ok {
			res.problem(i+1, "", malformed("the entry does not parse"))
			continue
		}
		e := it.e
		if e.Encrypted {
			plain, err := cryptoJSDecrypt(e.Secret, passphrase)
			if err != nil || len(plain) < 8 || !authSecretShape.Match(plain) {
				res.problem(i+1, label, wrongPassword(Authenticator))
				continue
			}
			e.Secret = string(plain)
			decrypted++
		}
		a, err := e.account()
		if err != nil {
			res.problem(i+1, label, err)
			continue
		}
		res.add(i+1, a)
	}
	if anyEncrypted && decrypted == 0 {
		return wrongPassword(Authenticator)
	}
	return nil
}

func (e authEntry) account() (vault.Account, error) {
	a := vault.Account{Issuer: e.Issuer, Name: e.Account, Kind: vault.TOTP, Algorithm: vault.SHA1,
		Digits: num(e.Digits), Period: num(e.Period)}
	if a.Digits == 0 {
		a.Digits = vault.DefaultDigits
	}
	if a.Period == 0 {
		a.Period = vault.DefaultPeriod
	}
	switch alg := strings.ToUpper(strings.Trim(string(e.Algorithm), `"`)); alg {
	case "", "NULL", "1", "SHA1":
	case "2", "SHA256":
		a.Algorithm = vault.SHA256
	case "3", "SHA512":
		a.Algorithm = vault.SHA512
	default:
		return a, unsupported("the algorithm %s", clip(alg))
	}
	typ := strings.ToLower(strings.Trim(string(e.Type), `"`))
	secret := strings.ReplaceAll(e.Secret, " ", "")
	hexKey := false
	switch typ {
	case "", "null", "totp", "1":
	case "hotp", "2":
		a.Kind = vault.HOTP
	case "battle", "3":
		a.Digits = 8
	case "steam", "4":
		a.Kind, a.Digits = vault.Steam, vault.SteamDigits
	case "hex", "5":
		hexKey = true
	case "hhex", "6":
		a.Kind, hexKey = vault.HOTP, true
	default:
		return a, unsupported("entries of type %q", clip(typ))
	}
	if a.Kind == vault.HOTP {
		a.Period = 0
		c, ok := num64(e.Counter)
		if !ok {
			return a, malformed("the counter is not a whole number")
		}
		a.Counter = c
	}
	if strings.HasPrefix(secret, "stm-") || strings.HasPrefix(secret, "blz-") || strings.HasPrefix(secret, "bliz-") {
		_, secret, _ = strings.Cut(secret, "-")
	}
	var err error
	if hexKey {
		if len(secret) > maxSecretText {
			return a, fmt.Errorf("%w: the secret is longer than %d characters", vault.ErrInvalidAccount, maxSecretText)
		}
		a.Secret, err = hex.DecodeString(secret)
		if err != nil {
			return a, fmt.Errorf("%w: the hex secret does not decode", vault.ErrInvalidAccount)
		}
	} else if a.Secret, err = decodeSecret(secret); err != nil {
		return a, err
	}
	return a, nil
}

// cryptoJSDecrypt decrypts CryptoJS.AES.encrypt(text, passphrase) output:
// Base64 of "Salted__" + 8-byte salt + AES-256-CBC ciphertext (PKCS#7), key
// and IV from OpenSSL's EVP_BytesToKey with MD5 and one iteration.
func cryptoJSDecrypt(b64 string, passphrase []byte) ([]byte, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil || len(raw) < 32 || string(raw[:8]) != "Salted__" || (len(raw)-16)%aes.BlockSize != 0 {
		return nil, malformed("not CryptoJS AES output")
	}
	salt, ct := raw[8:16], raw[16:]
	key, iv := evpBytesToKey(passphrase, salt)
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	plain := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(plain, ct)
	n := int(plain[len(plain)-1])
	if n < 1 || n > aes.BlockSize {
		return nil, ErrWrongPassword
	}
	for _, c := range plain[len(plain)-n:] {
		if int(c) != n {
			return nil, ErrWrongPassword
		}
	}
	return plain[:len(plain)-n], nil
}

func evpBytesToKey(pass, salt []byte) (key, iv []byte) {
	var out, prev []byte
	for len(out) < 48 {
		h := md5.New()
		h.Write(prev)
		h.Write(pass)
		h.Write(salt)
		prev = h.Sum(nil)
		out = append(out, prev...)
	}
	return out[:32], out[32:48]
}
