package vault

import (
	"encoding/base64"
	"encoding/json"
)

// contents is the JSON sealed inside the file (FORMAT.md, "Payload").
type contents struct {
	Accounts []Account `json:"accounts"`
	Settings Settings  `json:"settings"`
}

// accountFields is Account without its secret, for encodeContents.
type accountFields struct {
	Issuer    string    `json:"issuer,omitempty"`
	Name      string    `json:"name"`
	Kind      Kind      `json:"kind"`
	Algorithm Algorithm `json:"algorithm"`
	Digits    int       `json:"digits"`
	Period    int       `json:"period,omitempty"`
	Counter   uint64    `json:"counter,omitempty"`
}

// encodeContents writes the payload JSON, as json.Marshal(contents) would.
// The secrets are base64-encoded straight into the returned buffer, which is
// allocated once at its final size (a growing append would leave copies
// behind) and which the caller wipes: encoding/json would leave a copy of them
// in its pooled buffers, out of reach.
func encodeContents(accts []Account, s Settings) ([]byte, error) {
	fields := make([][]byte, len(accts))
	settings, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	size := len(`{"accounts":[],"settings":}`) + len(settings)
	for i, a := range accts {
		if fields[i], err = json.Marshal(accountFields{a.Issuer, a.Name, a.Kind, a.Algorithm, a.Digits, a.Period, a.Counter}); err != nil {
			return nil, err
		}
		size += len(fields[i]) + len(`,"secret":""`) + base64.StdEncoding.EncodedLen(len(a.Secret))
		if i > 0 {
			size++ // the comma
		}
	}
	out := make([]byte, 0, size)
	out = append(out, `{"accounts":[`...)
	for i, a := range accts {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, fields[i][:len(fields[i])-1]...) // without its '}'
		out = append(out, `,"secret":"`...)
		out = base64.StdEncoding.AppendEncode(out, a.Secret)
		out = append(out, `"}`...)
	}
	out = append(out, `],"settings":`...)
	out = append(out, settings...)
	return append(out, '}'), nil
}

// decodeContents parses and validates the payload JSON. json.Unmarshal reads
// plain in place (a json.Decoder would copy it into a buffer of its own) and
// decodes each secret into a slice of its own, so plain can be wiped after.
func decodeContents(plain []byte) (*contents, error) {
	var p contents
	if err := json.Unmarshal(plain, &p); err != nil {
		return nil, corruptf("the account data does not parse")
	}
	for i, a := range p.Accounts {
		if err := a.validateKey(); err != nil {
			return nil, corruptf("account %d is invalid: %v", i+1, err)
		}
	}
	return &p, nil
}
