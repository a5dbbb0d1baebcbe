package transfer

import (
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/deskauth/deskauth/vault"
)

// WinAuth 3's configuration file, winauth.xml (WinAuthConfig.cs,
// WinAuthAuthenticator.cs and Authenticator.cs in winauth/winauth):
//
//	<WinAuth version="3.x">
//	  ...settings...
//	  <WinAuthAuthenticator id="…" type="WinAuth.GoogleAuthenticator">
//	    <name>GitHub (alice)</name>
//	    <authenticatordata [encrypted="…"]>
//	      <secretdata>HEXKEY\tDIGITS\tSHA1|SHA256|SHA512\tPERIOD</secretdata>
//	      [<counter>N</counter> for HOTP]
//	    </authenticatordata>
//	  </WinAuthAuthenticator>
//	</WinAuth>
//
// A protected file replaces the authenticators with <data encrypted="…"
// sha1="…">HEX</data>, whose plain text is <config> holding them. The
// encrypted attribute lists the protections in the order applied: y
// (password), u (DPAPI, this user), m (DPAPI, this machine), a/b (YubiKey
// slot 1/2). The text is "WINAUTH3" in hex, an 8-byte salt, SHA-256(salt ||
// plain) and the data with each protection applied in turn; the password
// step is an 8-byte salt followed by Blowfish-ECB (ISO 10126 padding) under
// PBKDF2-HMAC-SHA1(password, salt, 2000) → 256 bytes. All hex is upper case.
// Single authenticators can be protected the same way inside
// <authenticatordata encrypted="…">.

const (
	winauthHeader     = "57494E4155544833" // "WINAUTH3"
	winauthSaltLen    = 8
	winauthIterations = 2000
	winauthKeyLen     = 256
)

func parseWinAuth(data []byte, opt *Options, res *Result) error {
	root, err := parseXML(data)
	if err != nil {
		return err
	}
	if root.name != "WinAuth" {
		return malformed("the root element is <%s>, not <WinAuth>", clip(root.name))
	}
	w := &winauthReader{opt: opt, res: res}
	return w.config(root)
}

type winauthReader struct {
	opt     *Options
	res     *Result
	pw      []byte
	entries int
	nested  int // protected <data> inside protected <data>
}

func (w *winauthReader) config(n *node) error {
	for _, c := range n.children {
		switch c.name {
		case "WinAuthAuthenticator":
			if w.entries++; w.entries > MaxEntries {
				return fmt.Errorf("%w (over %d entries)", ErrTooLarge, MaxEntries)
			}
			w.authenticator(w.entries, c)
		case "data", "config":
			if c.name == "data" && c.attrs["encrypted"] != "" {
				text := strings.TrimSpace(c.text.String())
				if sum := c.attrs["sha1"]; sum != "" {
					raw, err := hex.DecodeString(text)
					if err != nil {
						return malformed("the protected data is not hex")
					}
					if got := sha1.Sum(raw); !strings.EqualFold(hex.EncodeToString(got[:]), sum) {
						return malformed("the protected data does not match its checksum")
					}
				}
				if w.nested++; w.nested > 2 {
					return malformed("protected data nested in protected data")
				}
				plain, err := w.decrypt(text, c.attrs["encrypted"])
				if err != nil {
					return err
				}
				inner, err := parseXML(plain)
				if err != nil {
					return err
				}
				if err := w.config(inner); err != nil {
					return err
				}
				continue
			}
			if err := w.config(c); err != nil {
				return err
			}
		}
	}
	return nil
}

var winauthLabel = regexp.MustCompile(`^([^(]+)\s+\((.*?)\)(.*)$`)

func (w *winauthReader) authenticator(entry int, n *node) {
	name := n.childText("name")
	a := vault.Account{Issuer: name}
	// WinAuth's own URI export splits "Issuer (account)" the same way.
	if m := winauthLabel.FindStringSubmatch(name); m != nil {
		a.Issuer, a.Name = strings.TrimSpace(m[1]), strings.TrimSpace(m[2]+m[3])
	}
	data := n.child("authenticatordata")
	if data == nil {
		w.res.problem(entry, name, malformed("the authenticator has no data"))
		return
	}
	if enc := data.attrs["encrypted"]; enc != "" {
		plain, err := w.decrypt(strings.TrimSpace(data.text.String()), enc)
		if err == nil {
			data, err = parseXML(plain)
		}
		if err != nil {
			w.res.problem(entry, name, err)
			return
		}
	}
	typ := n.attrs["type"]
	if err := winauthSecret(&a, typ, data); err != nil {
		w.res.problem(entry, name, err)
		return
	}
	w.res.add(entry, a)
}

func winauthSecret(a *vault.Account, typ string, data *node) error {
	parts := strings.Split(strings.SplitN(data.childText("secretdata"), "|", 2)[0], "\t")
	key, err := hex.DecodeString(strings.TrimSpace(parts[0]))
	if err != nil || len(key) == 0 {
		return fmt.Errorf("%w: the secret is not hex", vault.ErrInvalidAccount)
	}
	a.Kind, a.Algorithm, a.Digits, a.Period, a.Secret = vault.TOTP, vault.SHA1, vault.DefaultDigits, vault.DefaultPeriod, key
	if len(parts) > 1 {
		if d, err := strconv.Atoi(strings.TrimSpace(parts[1])); err == nil {
			a.Digits = d
		}
	}
	if len(parts) > 2 {
		a.Algorithm = vault.Algorithm(strings.ToUpper(strings.TrimSpace(parts[2])))
	}
	if len(parts) > 3 {
		if p, err := strconv.Atoi(strings.TrimSpace(parts[3])); err == nil {
			a.Period = p
		}
	}
	t := strings.ToLower(typ)
	switch {
	case strings.HasSuffix(t, ".hotpauthenticator"):
		a.Kind, a.Period = vault.HOTP, 0
		c, err := strconv.ParseUint(data.childText("counter"), 10, 64)
		if err != nil {
			return malformed("the HOTP counter is not a whole number")
		}
		a.Counter = c
	case strings.HasSuffix(t, ".steamauthenticator"):
		a.Kind, a.Digits, a.Algorithm = vault.Steam, vault.SteamDigits, vault.SHA1
	case strings.HasSuffix(t, ".battlenetauthenticator"):
		// The secret data is the 20-byte key followed by the serial.
		if len(key) < 20 {
			return fmt.Errorf("%w: the Battle.net key is short", vault.ErrInvalidAccount)
		}
		a.Secret, a.Digits = key[:20], 8
	}
	return nil
}

// decrypt undoes WinAuth's protections listed in types (see above) and
// returns the plain bytes.
func (w *winauthReader) decrypt(text, types string) ([]byte, error) {
	if strings.ContainsAny(types, "ab") {
		return nil, unsupported("WinAuth files protected with a YubiKey: remove the YubiKey protection in WinAuth first")
	}
	text = strings.ToUpper(text)
	var salt, sum string
	hashed := strings.HasPrefix(text, winauthHeader)
	if hashed {
		rest := text[len(winauthHeader):]
		if len(rest) < 2*winauthSaltLen+2*sha256.Size {
			return nil, malformed("the protected data is truncated")
		}
		salt, sum, text = rest[:2*winauthSaltLen], rest[2*winauthSaltLen:2*winauthSaltLen+64], rest[2*winauthSaltLen+64:]
	}
	data, err := hex.DecodeString(text)
	if err != nil {
		return nil, malformed("the protected data is not hex")
	}
	if strings.Contains(types, "m") {
		if data, err = dpapiUnprotect(data); err != nil {
			return nil, err
		}
	}
	if strings.Contains(types, "u") {
		if data, err = dpapiUnprotect(data); err != nil {
			return nil, err
		}
	}
	if strings.Contains(types, "y") {
		if w.pw == nil {
			if w.pw, err = w.opt.password(); err != nil {
				return nil, err
			}
		}
		if data, err = winauthBlowfishDecrypt(data, w.pw); err != nil {
			return nil, err
		}
	}
	if hashed {
		s, _ := hex.DecodeString(salt)
		got := sha256.Sum256(append(s, data...))
		if !strings.EqualFold(hex.EncodeToString(got[:]), sum) {
			return nil, wrongPassword(WinAuth)
		}
	}
	return data, nil
}

// winauthKey derives WinAuth's 256-byte Blowfish key. It is a variable only
// so the fuzzer can memoise it (the salt is fixed there) and spend its time
// in the parser rather than in PBKDF2.
var winauthKey = func(password, salt []byte) ([]byte, error) {
	return pbkdf2.Key(sha1.New, string(password), salt, winauthIterations, winauthKeyLen)
}

func winauthBlowfishDecrypt(data, password []byte) ([]byte, error) {
	if len(data) < winauthSaltLen+8 || (len(data)-winauthSaltLen)%8 != 0 {
		return nil, malformed("the password-protected data has the wrong length")
	}
	key, err := winauthKey(password, data[:winauthSaltLen])
	if err != nil {
		return nil, err
	}
	plain := append([]byte(nil), data[winauthSaltLen:]...)
	newBlowfish(key).decryptECB(plain)
	n := int(plain[len(plain)-1])
	if n < 1 || n > 8 {
		return nil, wrongPassword(WinAuth)
	}
	return plain[:len(plain)-n], nil
}
