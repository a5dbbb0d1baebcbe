package vault

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
)

// ErrInvalidURI is wrapped by every error ParseURI returns for text that is not
// a usable otpauth:// URI. Field errors wrap ErrInvalidAccount as well.
var ErrInvalidURI = errors.New("invalid otpauth URI")

// ParseURI parses an otpauth:// URI in Google's Key Uri Format:
//
//	otpauth://TYPE/[ISSUER:]NAME?secret=BASE32[&issuer=…][&algorithm=…][&digits=…][&period=…][&counter=…]
//
// It tolerates what real issuers send: any case in the scheme, type and
// algorithm; a secret in lower case, with spaces, dashes, '=' or "%3D" padding
// or none; '+' or raw spaces in the issuer; "%3A" or ':' (with or without a
// space after it) between issuer and name; the issuer only in the label or only
// in the parameter; and UTF-8 labels. TYPE may be totp, hotp or steam, and
// encoder=steam on a totp URI also makes a Steam account.
//
// Errors wrap ErrInvalidURI, are one line, and never quote any part of the
// secret: not even of a second secret= hidden in another parameter's value.
func ParseURI(uri string) (Account, error) {
	a, err := parseURI(uri)
	if err != nil {
		return Account{}, scrubSecrets(err, uri)
	}
	return a, nil
}

func parseURI(uri string) (Account, error) {
	uri = strings.TrimSpace(uri)
	const scheme = "otpauth://"
	if len(uri) < len(scheme) || !strings.EqualFold(uri[:len(scheme)], scheme) {
		return Account{}, inURI(fieldErr(FieldURI, ReasonNotOTPAuth, ""))
	}
	rest := uri[len(scheme):]
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	kindText, rest, _ := strings.Cut(rest, "/")
	label, query, _ := strings.Cut(rest, "?")

	params, err := parseQuery(query)
	if err != nil {
		return Account{}, err
	}
	a := Account{Kind: Kind(strings.ToLower(kindText)), Algorithm: SHA1, Digits: DefaultDigits, Period: DefaultPeriod}
	switch a.Kind {
	case TOTP, HOTP, Steam:
	case "":
		return Account{}, inURI(fieldErr(FieldKind, ReasonMissing, ""))
	default:
		return Account{}, inURI(fieldErr(FieldKind, ReasonUnknown, kindText))
	}
	if strings.EqualFold(params.get("encoder"), "steam") {
		a.Kind = Steam
	}
	if a.Kind == Steam {
		a.Digits = SteamDigits
	}

	issuer := strings.TrimSpace(params.get("issuer"))
	a.Issuer, a.Name = splitLabel(unescapeLabel(label), issuer)

	secret, ok := params["secret"]
	if !ok || cleanSecret(secret) == "" {
		return Account{}, inURI(fieldErr(FieldSecret, ReasonMissing, ""))
	}
	if a.Secret, err = DecodeSecret(secret); err != nil {
		return Account{}, inURI(err)
	}
	if v, ok := params["algorithm"]; ok {
		a.Algorithm = Algorithm(strings.ToUpper(strings.TrimSpace(v)))
	}
	if v, ok := params["digits"]; ok && a.Kind != Steam {
		if a.Digits, err = atoi(FieldDigits, v); err != nil {
			return Account{}, err
		}
	}
	if v, ok := params["period"]; ok {
		if a.Period, err = atoi(FieldPeriod, v); err != nil {
			return Account{}, err
		}
	}
	if a.Kind == HOTP {
		a.Period = 0
		v, ok := params["counter"]
		if !ok {
			return Account{}, inURI(fieldErr(FieldCounter, ReasonMissing, ""))
		}
		if a.Counter, err = strconv.ParseUint(strings.TrimSpace(v), 10, 64); err != nil {
			return Account{}, inURI(fieldErr(FieldCounter, ReasonNotNumber, v))
		}
	}
	if err := a.Validate(); err != nil {
		return Account{}, inURI(err)
	}
	return a, nil
}

// URI formats the account as a canonical otpauth:// URI: the label is
// "ISSUER:NAME", the secret is upper-case Base32 without padding, and every
// parameter is spelled out. ParseURI(a.URI()) gives back a.
func (a Account) URI() string {
	var b strings.Builder
	b.WriteString("otpauth://")
	b.WriteString(string(a.Kind))
	b.WriteByte('/')
	// An issuer prefix is written whenever there is an issuer, and also (empty)
	// when the name itself has a colon, so the name is not split on reading.
	if a.Issuer != "" || strings.Contains(a.Name, ":") {
		b.WriteString(escape(a.Issuer))
		b.WriteByte(':')
	}
	b.WriteString(escape(a.Name))
	b.WriteString("?secret=")
	b.WriteString(EncodeSecret(a.Secret))
	if a.Issuer != "" {
		b.WriteString("&issuer=")
		b.WriteString(escape(a.Issuer))
	}
	b.WriteString("&algorithm=")
	b.WriteString(string(a.Algorithm))
	b.WriteString("&digits=")
	b.WriteString(strconv.Itoa(a.Digits))
	if a.Kind == HOTP {
		b.WriteString("&counter=")
		b.WriteString(strconv.FormatUint(a.Counter, 10))
	} else {
		b.WriteString("&period=")
		b.WriteString(strconv.Itoa(a.Period))
	}
	return b.String()
}

// splitLabel splits a decoded label into issuer and name. The issuer parameter
// wins over a label prefix (Google's rule), but a matching prefix is still
// removed from the name.
func splitLabel(label, issuerParam string) (issuer, name string) {
	if issuerParam != "" {
		if rest, ok := strings.CutPrefix(label, issuerParam+":"); ok {
			return issuerParam, strings.TrimSpace(rest)
		}
	}
	prefix, rest, found := strings.Cut(label, ":")
	if !found {
		return issuerParam, strings.TrimSpace(label)
	}
	if issuerParam != "" {
		return issuerParam, strings.TrimSpace(rest)
	}
	return strings.TrimSpace(prefix), strings.TrimSpace(rest)
}

// unescapeLabel decodes %XX escapes in the label. '+' stays a plus, since it is
// common in e-mail addresses. A broken escape is kept as written rather than
// rejecting the whole URI.
func unescapeLabel(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return strings.TrimSpace(u)
	}
	return strings.TrimSpace(s)
}

type query map[string]string

func (q query) get(k string) string { return q[k] }

// parseQuery splits the query by hand rather than with net/url, which refuses
// raw spaces and broken escapes that real issuers send. Keys are folded to lower
// case; the first value of a repeated key wins.
func parseQuery(raw string) (query, error) {
	q := query{}
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		k = strings.ToLower(strings.TrimSpace(unescapeQuery(k)))
		if _, seen := q[k]; seen {
			continue
		}
		if k == "secret" {
			// Keep '=' and "%3D" for DecodeSecret, which drops both.
			q[k] = v
			continue
		}
		q[k] = unescapeQuery(v)
	}
	return q, nil
}

func unescapeQuery(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return strings.ReplaceAll(s, "+", " ")
}

// escape percent-encodes everything but RFC 3986's unreserved characters and
// '@', so labels with ':' '&' '?' or Japanese text survive a round trip.
func escape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~', c == '@':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// scrubSecrets drops the quoted value from a *FieldError when it shares four
// characters or more (ignoring case) with any text that follows "secret=" in
// uri. Values are quoted to help ("period "3O" is not a whole number"), but a
// malformed URI such as "period=30;secret=KRSX…" puts a secret inside another
// parameter's value.
func scrubSecrets(err error, uri string) error {
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Value == "" {
		return err
	}
	value := strings.ToUpper(fe.Value)
	// Byte-wise: strings.ToLower would change the length of a URI with
	// invalid UTF-8, and with it every index.
	for i := 0; i+len("secret") <= len(uri); i++ {
		if !strings.EqualFold(uri[i:i+len("secret")], "secret") {
			continue
		}
		rest := strings.TrimLeft(uri[i+len("secret"):], " \t")
		if len(rest) >= 3 && strings.EqualFold(rest[:3], "%3D") {
			rest = rest[3:]
		} else {
			rest = strings.TrimPrefix(rest, "=")
		}
		if end := strings.IndexAny(rest, "&#"); end >= 0 {
			rest = rest[:end]
		}
		secret := strings.ToUpper(rest)
		for j := 0; j+4 <= len(secret); j++ {
			if strings.Contains(value, secret[j:j+4]) {
				c := *fe
				c.Value = ""
				return &c
			}
		}
	}
	return err
}

func atoi(field Field, v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, inURI(fieldErr(field, ReasonNotNumber, v))
	}
	return n, nil
}
