package transfer

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/deskauth/deskauth/vault"
	"golang.org/x/crypto/scrypt"
)

// Aegis's vault format (docs/vault.md in beemdevelopment/Aegis): a JSON
// object {version, header: {slots, params}, db}. Plain, db is an object
// {version, entries[, groups]}; encrypted, db is Base64 of that JSON sealed
// with AES-256-GCM under a random master key (nonce and tag in
// header.params, hex). Each password slot (type 1) holds the master key
// sealed with AES-256-GCM under scrypt(password, salt, n, r, p, 32).

type aegisFile struct {
	Version json.Number     `json:"version"`
	Header  aegisHeader     `json:"header"`
	DB      json.RawMessage `json:"db"`
}

type aegisHeader struct {
	Slots  []aegisSlot  `json:"slots"`
	Params *aegisParams `json:"params"`
}

type aegisParams struct {
	Nonce string `json:"nonce"`
	Tag   string `json:"tag"`
}

type aegisSlot struct {
	Type      int         `json:"type"`
	UUID      string      `json:"uuid"`
	Key       string      `json:"key"`
	KeyParams aegisParams `json:"key_params"`
	N         json.Number `json:"n,omitempty"`
	R         json.Number `json:"r,omitempty"`
	P         json.Number `json:"p,omitempty"`
	Salt      string      `json:"salt,omitempty"`
	Repaired  bool        `json:"repaired"`
	IsBackup  bool        `json:"is_backup"`
}

type aegisDB struct {
	Version json.Number  `json:"version"`
	Entries []aegisEntry `json:"entries"`
	Groups  []aegisGroup `json:"groups,omitempty"`
}

type aegisGroup struct {
	UUID string `json:"uuid"`
	Name string `json:"name"`
}

type aegisEntry struct {
	Type   string    `json:"type"`
	UUID   string    `json:"uuid,omitempty"`
	Name   string    `json:"name"`
	Issuer string    `json:"issuer"`
	Note   string    `json:"note"`
	Icon   *string   `json:"icon"`
	Info   aegisInfo `json:"info"`
	Groups []string  `json:"groups,omitempty"`
}

type aegisInfo struct {
	Secret  string      `json:"secret"`
	Algo    string      `json:"algo"`
	Digits  json.Number `json:"digits"`
	Period  json.Number `json:"period,omitempty"`
	Counter json.Number `json:"counter,omitempty"`
}

const aegisPasswordSlot = 1

// scryptLimits bound the cost read from a file: Aegis writes n=2^15, r=8,
// p=1 (32 MiB); 2^20·8 is 1 GiB of memory.
func checkScrypt(n, r, p int) error {
	switch {
	case n < 2 || n > 1<<20 || n&(n-1) != 0:
		return fmt.Errorf("%w: scrypt N=%d (want a power of two up to 2^20)", ErrCostTooHigh, n)
	case r < 1 || r > 32 || p < 1 || p > 16:
		return fmt.Errorf("%w: scrypt r=%d p=%d", ErrCostTooHigh, r, p)
	case n*r > 1<<21 || n*r*p > 1<<23: // 256 MiB of memory, 1 GiB of work
		return fmt.Errorf("%w: scrypt N=%d r=%d p=%d", ErrCostTooHigh, n, r, p)
	}
	return nil
}

func parseAegis(data []byte, opt *Options, res *Result) error {
	var f aegisFile
	if err := decodeJSON(data, &f); err != nil {
		return err
	}
	db := []byte(f.DB)
	if len(db) == 0 || string(db) == "null" {
		return malformed("the db field is missing")
	}
	if db[0] == '"' {
		var err error
		if db, err = openAegis(&f, opt); err != nil {
			return err
		}
	}
	var d aegisDB
	if err := decodeJSON(db, &d); err != nil {
		return err
	}
	if len(d.Entries) > MaxEntries {
		return fmt.Errorf("%w (over %d entries)", ErrTooLarge, MaxEntries)
	}
	for i, e := range d.Entries {
		a, err := e.account()
		if err != nil {
			res.problem(i+1, vault.Account{Issuer: e.Issuer, Name: e.Name}.Label(), err)
			continue
		}
		res.add(i+1, a)
	}
	return nil
}

func (e aegisEntry) account() (vault.Account, error) {
	a := vault.Account{Issuer: e.Issuer, Name: e.Name, Algorithm: vault.Algorithm(strings.ToUpper(e.Info.Algo)), Digits: num(e.Info.Digits)}
	switch strings.ToLower(e.Type) {
	case "totp":
		a.Kind, a.Period = vault.TOTP, num(e.Info.Period)
	case "steam":
		a.Kind, a.Period = vault.Steam, num(e.Info.Period)
	case "hotp":
		a.Kind = vault.HOTP
		c, ok := num64(e.Info.Counter)
		if !ok {
			return a, malformed("the counter is not a whole number")
		}
		a.Counter = c
	default:
		return a, unsupported("Aegis entries of type %q", clip(e.Type))
	}
	if a.Algorithm == "" {
		a.Algorithm = vault.SHA1
	}
	secret, err := decodeSecret(e.Info.Secret)
	if err != nil {
		return a, err
	}
	a.Secret = secret
	return a, nil
}

// openAegis finds a password slot the password opens and decrypts db.
func openAegis(f *aegisFile, opt *Options) ([]byte, error) {
	var b64 string
	if err := json.Unmarshal(f.DB, &b64); err != nil {
		return nil, malformed("the db field is not a string")
	}
	if f.Header.Params == nil {
		return nil, malformed("the header has no params for the encrypted db")
	}
	var slots []aegisSlot
	for _, s := range f.Header.Slots {
		if s.Type != aegisPasswordSlot {
			continue
		}
		n, r, p := num(s.N), num(s.R), num(s.P)
		if err := checkScrypt(n, r, p); err != nil {
			return nil, err
		}
		slots = append(slots, s)
	}
	if len(slots) == 0 {
		return nil, unsupported("the Aegis file has no password slot (only biometric or raw keys)")
	}
	ct, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil {
		return nil, malformed("the db is not Base64")
	}
	pw, err := opt.password()
	if err != nil {
		return nil, err
	}
	for _, s := range slots {
		salt, err1 := hex.DecodeString(s.Salt)
		sealed, err2 := hex.DecodeString(s.Key)
		if err1 != nil || err2 != nil {
			return nil, malformed("a password slot is not hex")
		}
		kek, err := scrypt.Key(pw, salt, num(s.N), num(s.R), num(s.P), 32)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCostTooHigh, err)
		}
		master, err := gcmOpen(kek, s.KeyParams, sealed)
		if err != nil {
			continue
		}
		plain, err := gcmOpen(master, *f.Header.Params, ct)
		if err != nil {
			return nil, malformed("the db fails authentication")
		}
		return plain, nil
	}
	return nil, wrongPassword(Aegis)
}

func gcmOpen(key []byte, p aegisParams, ct []byte) ([]byte, error) {
	nonce, err1 := hex.DecodeString(p.Nonce)
	tag, err2 := hex.DecodeString(p.Tag)
	if err1 != nil || err2 != nil || len(nonce) != 12 || len(tag) != 16 || len(key) != 32 {
		return nil, malformed("bad AES-GCM parameters")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return aead.Open(nil, nonce, append(append([]byte(nil), ct...), tag...), nil)
}

func gcmSeal(key, plain []byte) ([]byte, aegisParams, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, aegisParams{}, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, aegisParams{}, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, aegisParams{}, err
	}
	out := aead.Seal(nil, nonce, plain, nil)
	ct, tag := out[:len(out)-16], out[len(out)-16:]
	return ct, aegisParams{Nonce: hex.EncodeToString(nonce), Tag: hex.EncodeToString(tag)}, nil
}

// aegisScrypt is the cost of the password slot ExportAegis writes: Aegis's
// own. Tests lower it through setAegisCostForTests.
var (
	aegisCostMu sync.Mutex
	aegisCost   = [3]int{1 << 15, 8, 1}
)

func setAegisCostForTests(n, r, p int) (restore func()) {
	aegisCostMu.Lock()
	old := aegisCost
	aegisCost = [3]int{n, r, p}
	aegisCostMu.Unlock()
	return func() { aegisCostMu.Lock(); aegisCost = old; aegisCostMu.Unlock() }
}

// ExportAegis writes accts as an Aegis vault export, which Aegis (Android)
// imports. With a password it is encrypted as Aegis encrypts its own
// exports (one scrypt password slot, AES-256-GCM); with a nil password it
// is plain JSON holding the secrets in the clear.
func ExportAegis(accts []vault.Account, password []byte) ([]byte, error) {
	db := aegisDB{Version: "3", Entries: make([]aegisEntry, 0, len(accts)), Groups: []aegisGroup{}}
	for _, a := range accts {
		e := aegisEntry{Type: string(a.Kind), UUID: newUUID(), Name: a.Name, Issuer: a.Issuer,
			Info: aegisInfo{Secret: vault.EncodeSecret(a.Secret), Algo: string(a.Algorithm), Digits: json.Number(fmt.Sprint(a.Digits))}}
		if a.Kind == vault.HOTP {
			e.Info.Counter = json.Number(fmt.Sprint(a.Counter))
		} else {
			e.Info.Period = json.Number(fmt.Sprint(a.Period))
		}
		db.Entries = append(db.Entries, e)
	}
	plainDB, err := json.Marshal(db)
	if err != nil {
		return nil, err
	}
	type out struct {
		Version int             `json:"version"`
		Header  json.RawMessage `json:"header"`
		DB      any             `json:"db"`
	}
	if password == nil {
		return json.MarshalIndent(out{Version: 1, Header: json.RawMessage(`{"slots":null,"params":null}`), DB: json.RawMessage(plainDB)}, "", "    ")
	}
	if len(password) == 0 {
		return nil, fmt.Errorf("the export password is empty")
	}
	master := make([]byte, 32)
	salt := make([]byte, 32)
	if _, err := rand.Read(master); err != nil {
		return nil, err
	}
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	aegisCostMu.Lock()
	cost := aegisCost
	aegisCostMu.Unlock()
	kek, err := scrypt.Key(password, salt, cost[0], cost[1], cost[2], 32)
	if err != nil {
		return nil, err
	}
	sealedKey, keyParams, err := gcmSeal(kek, master)
	if err != nil {
		return nil, err
	}
	ct, params, err := gcmSeal(master, plainDB)
	if err != nil {
		return nil, err
	}
	slot := aegisSlot{Type: aegisPasswordSlot, UUID: newUUID(), Key: hex.EncodeToString(sealedKey), KeyParams: keyParams,
		N: json.Number(fmt.Sprint(cost[0])), R: json.Number(fmt.Sprint(cost[1])), P: json.Number(fmt.Sprint(cost[2])),
		Salt: hex.EncodeToString(salt), Repaired: true}
	header, err := json.Marshal(aegisHeader{Slots: []aegisSlot{slot}, Params: &params})
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(out{Version: 1, Header: header, DB: base64.StdEncoding.EncodeToString(ct)}, "", "    ")
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
