package vault

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deskauth/deskauth/vault/keystore"
	"github.com/deskauth/deskauth/vault/keystore/keystoretest"
)

// Offsets in a v1 file whose first slot is a password slot (FORMAT.md).
const (
	offVersion  = 8
	offHdrLen   = 10
	offID       = 14
	offNonce    = offID + idLen
	offNSlots   = offNonce + nonceLen
	offSlotType = offNSlots + 1
	offSlotLen  = offSlotType + 1
	offKDF      = offSlotLen + 2
	offTime     = offKDF + 1
	offMemory   = offTime + 4
	offThreads  = offMemory + 4
	offSalt     = offThreads + 1
	offPWNonce  = offSalt + saltLen
	offWrapLen  = offPWNonce + nonceLen
	offWrapped  = offWrapLen + 2
)

// goldenKEK is the OS key store's key-encryption key of the golden files'
// os slots, so they open on any machine, forever.
var goldenKEK = []byte("deskauth golden test vault KEK!!")

// goldenStore returns a fake OS key store holding goldenKEK for the vault of
// each of files (vault files, or at least their headers).
func goldenStore(t testing.TB, files ...[]byte) keystoretest.FileStore {
	t.Helper()
	s := keystoretest.FileStore{Dir: t.TempDir()}
	for _, data := range files {
		if len(data) >= offID+idLen {
			if err := s.Seed(vaultIDString([idLen]byte(data[offID:offID+idLen])), goldenKEK); err != nil {
				t.Fatal(err)
			}
		}
	}
	return s
}

const goldenPassword = "correct horse battery staple"

func goldenAccounts() []Account {
	return []Account{
		// RFC 6238's SHA1 key.
		{Issuer: "GitHub", Name: "alice@example.com", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte("12345678901234567890")},
		// RFC 4226's key, as an HOTP account at counter 5.
		{Issuer: "トレンドマイクロ", Name: "管理者", Kind: HOTP, Algorithm: SHA1, Digits: 6, Counter: 5, Secret: []byte("12345678901234567890")},
		{Issuer: "Steam", Name: "gamer", Kind: Steam, Algorithm: SHA1, Digits: 5, Period: 30, Secret: []byte("steam-secret")},
		{Name: "no issuer", Kind: TOTP, Algorithm: SHA512, Digits: 8, Period: 60, Secret: []byte("1234567890123456789012345678901234567890123456789012345678901234")},
	}
}

const goldenTimeSource = "https://www.google.com/"

// goldenFiles are the vault files of each format version, committed under
// testdata/. They must open, with these exact contents, in every later
// DeskAuth. DESKAUTH_UPDATE_GOLDEN=1 writes missing ones (never overwrite a
// committed golden file: it is the compatibility promise).
var goldenFiles = []struct {
	name   string
	osSlot bool // an os slot (goldenStore) besides the password slot
}{
	{"v1-password.vault", false},
	{"v1-both.vault", true},
}

func TestGoldenFiles(t *testing.T) {
	for _, g := range goldenFiles {
		t.Run(g.name, func(t *testing.T) {
			src := filepath.Join("testdata", g.name)
			if _, err := os.Stat(src); err != nil && os.Getenv("DESKAUTH_UPDATE_GOLDEN") == "1" {
				writeGolden(t, src, g.osSlot)
			}
			data, err := os.ReadFile(src)
			if err != nil {
				t.Fatalf("%v (DESKAUTH_UPDATE_GOLDEN=1 creates it)", err)
			}
			parts, err := decodeFile(data)
			if err != nil {
				t.Fatal(err)
			}
			if parts.Header.Version != 1 {
				t.Fatalf("version %d", parts.Header.Version)
			}
			unlockers := []Unlocker{pw(goldenPassword)}
			if g.osSlot {
				unlockers = append(unlockers, Unlocker{Store: goldenStore(t, data), Password: noPrompt(t)})
			}
			for _, u := range unlockers {
				// Work on a copy: Open writes a lock file beside the vault.
				path := filepath.Join(t.TempDir(), "v.vault")
				if err := os.WriteFile(path, data, 0o600); err != nil {
					t.Fatal(err)
				}
				v, err := Open(path, u)
				if err != nil {
					t.Fatal(err)
				}
				sameAccounts(t, v.accounts, goldenAccounts())
				if v.Settings.TimeSource != goldenTimeSource {
					t.Errorf("TimeSource = %q", v.Settings.TimeSource)
				}
				// RFC 4226 Appendix D, counter 5.
				if code, _ := v.accounts[1].Code(time.Unix(0, 0)); code != "254676" {
					t.Errorf("HOTP code %s, want 254676", code)
				}
				v.Close()
			}
			if _, err := Read(src, pw("not it")); !errors.Is(err, ErrWrongPassword) && !g.osSlot {
				t.Errorf("wrong password: %v", err)
			}
		})
	}
}

func writeGolden(t *testing.T, path string, osSlot bool) {
	t.Helper()
	defer SetArgon2CostForTests(2, 256, 2)()
	tmp := filepath.Join(t.TempDir(), "g.vault")
	p := Protection{Password: []byte(goldenPassword)}
	var store keystoretest.FileStore
	if osSlot {
		store = goldenStore(t)
		p.Store = store
	}
	v, err := Create(tmp, p)
	if err != nil {
		t.Fatal(err)
	}
	v.accounts = goldenAccounts()
	v.Settings.TimeSource = goldenTimeSource
	if osSlot {
		// Create wrapped the key under a random KEK; the save below wraps
		// it again, under goldenKEK.
		if err := store.Seed(vaultIDString(v.id), goldenKEK); err != nil {
			t.Fatal(err)
		}
		v.osBlob = nil
	}
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	v.Close()
	data, _ := os.ReadFile(tmp)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", path)
}

// smallVault returns the bytes of a small password vault and its unlocker.
func smallVault(t testing.TB) []byte {
	t.Helper()
	defer SetArgon2CostForTests(1, 8, 1)()
	path := filepath.Join(t.TempDir(), "s.vault")
	v, err := Create(path, Protection{Password: []byte("pw")})
	if err != nil {
		t.Fatal(err)
	}
	v.accounts = goldenAccounts()[:1]
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	v.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// countingUnlocker records whether the password was asked for: a file
// rejected for damage must be rejected before any key derivation.
type countingUnlocker struct{ asked int }

func (c *countingUnlocker) unlocker(store keystore.Store) Unlocker {
	return Unlocker{Store: store, Password: func() ([]byte, error) { c.asked++; return []byte("pw"), nil }}
}

func loadBytes(data []byte, u Unlocker) (*Vault, error) {
	v := &Vault{}
	err := v.load(data, u)
	return v, err
}

// TestEveryFlipAndTruncation: damage anywhere is ErrCorrupt (never a wrong
// password, never a panic), found before the password is even asked for.
func TestEveryFlipAndTruncation(t *testing.T) {
	data := smallVault(t)
	if _, err := loadBytes(data, pw("pw")); err != nil {
		t.Fatalf("the intact file: %v", err)
	}
	check := func(what string, d []byte) {
		t.Helper()
		var c countingUnlocker
		_, err := loadBytes(d, c.unlocker(nil))
		if !errors.Is(err, ErrCorrupt) || errors.Is(err, ErrWrongPassword) {
			t.Fatalf("%s: err = %v, want ErrCorrupt", what, err)
		}
		if c.asked != 0 {
			t.Fatalf("%s: the password was asked for", what)
		}
		if strings.ContainsAny(err.Error(), "\n\r") {
			t.Fatalf("%s: error is not one line: %q", what, err)
		}
	}
	for i := range data {
		for _, mask := range []byte{0x01, 0x80, 0xff} {
			d := bytes.Clone(data)
			d[i] ^= mask
			check(fmt.Sprintf("byte %d ^ %#x", i, mask), d)
		}
	}
	for n := range len(data) {
		check(fmt.Sprintf("truncated to %d", n), data[:n])
	}
	check("one byte appended", append(bytes.Clone(data), 0))
	check("zero-filled", make([]byte, len(data)))
	check("empty", nil)
}

// reseal recomputes the trailer, as someone altering the file on purpose
// would; then only the header checks and the AEAD stand in the way.
func reseal(d []byte) []byte {
	body := d[:len(d)-trailerLen]
	sum := sha256.Sum256(body)
	return append(bytes.Clone(body), sum[:]...)
}

func TestHeaderTampering(t *testing.T) {
	data := smallVault(t)
	if data[offSlotType] != slotPassword || binary.BigEndian.Uint16(data[offWrapLen:]) != wrappedLen {
		t.Fatal("the offsets in this test no longer match the layout")
	}
	put32 := func(off int, v uint32) func([]byte) []byte {
		return func(d []byte) []byte { binary.BigEndian.PutUint32(d[off:], v); return d }
	}
	for _, tc := range []struct {
		name   string
		edit   func([]byte) []byte
		want   error
		asksPW bool // the damage is only found by unlocking
	}{
		{"version 0", func(d []byte) []byte { d[offVersion+1] = 0; return d }, ErrCorrupt, false},
		{"version 2", func(d []byte) []byte { d[offVersion+1] = 2; return d }, ErrNewerVersion, false},
		{"header length 0", put32(offHdrLen, 0), ErrCorrupt, false},
		{"header length huge", put32(offHdrLen, 1<<30), ErrCorrupt, false},
		{"no slots", func(d []byte) []byte { d[offNSlots] = 0; return d }, ErrCorrupt, false},
		{"three slots", func(d []byte) []byte { d[offNSlots] = 3; return d }, ErrCorrupt, false},
		{"unknown slot type", func(d []byte) []byte { d[offSlotType] = 9; return d }, ErrCorrupt, false},
		{"os slot type on a password body", func(d []byte) []byte { d[offSlotType] = slotOS; return d }, nil, false},
		{"unknown KDF", func(d []byte) []byte { d[offKDF] = 2; return d }, ErrCorrupt, false},
		{"t = 21", put32(offTime, 21), ErrCorrupt, false},
		{"t = 0", put32(offTime, 0), ErrCorrupt, false},
		{"m = 2 GiB", put32(offMemory, 2<<20), ErrCorrupt, false},
		{"m = 4 GiB - 1 KiB", put32(offMemory, ^uint32(0)), ErrCorrupt, false},
		{"p = 0", func(d []byte) []byte { d[offThreads] = 0; return d }, ErrCorrupt, false},
		{"p = 200", func(d []byte) []byte { d[offThreads] = 200; return d }, ErrCorrupt, false},
		{"wrapped key length 47", func(d []byte) []byte { binary.BigEndian.PutUint16(d[offWrapLen:], 47); return d }, ErrCorrupt, false},
		{"wrapped key length 49", func(d []byte) []byte { binary.BigEndian.PutUint16(d[offWrapLen:], 49); return d }, ErrCorrupt, false},
		{"trailing bytes before the trailer", func(d []byte) []byte {
			return append(d[:len(d)-trailerLen:len(d)-trailerLen], append([]byte("junk"), d[len(d)-trailerLen:]...)...)
		}, ErrCorrupt, false},
		// Within bounds, an edited cost derives another key: the slot's
		// associated data binds the cost, so this reads as a wrong
		// password, the only answer a KDF can give.
		{"t = 2 (in bounds)", put32(offTime, 2), ErrWrongPassword, true},
		{"salt edited", func(d []byte) []byte { d[offSalt] ^= 1; return d }, ErrWrongPassword, true},
		// The payload's associated data is the whole header, so editing a
		// field no slot covers is caught after unlocking.
		{"payload nonce edited", func(d []byte) []byte { d[offNonce] ^= 1; return d }, ErrCorrupt, true},
		{"ciphertext edited", func(d []byte) []byte { d[len(d)-trailerLen-1] ^= 1; return d }, ErrCorrupt, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := reseal(tc.edit(bytes.Clone(data)))
			var c countingUnlocker
			_, err := loadBytes(d, c.unlocker(goldenStore(t, d)))
			if tc.want == nil {
				if err == nil {
					t.Fatal("accepted")
				}
			} else if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if (c.asked > 0) != tc.asksPW {
				t.Fatalf("password asked %d times (want asked: %v); err = %v", c.asked, tc.asksPW, err)
			}
		})
	}
}

// TestBothSlotsHeaderBound: with two slots, editing the password slot is
// caught even when the OS slot unlocks, because the header is the payload's
// associated data.
func TestBothSlotsHeaderBound(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "v1-both.vault"))
	if err != nil {
		t.Skip("golden file missing; TestGoldenFiles reports it")
	}
	d := bytes.Clone(data)
	d[offSalt] ^= 1
	_, err = loadBytes(reseal(d), Unlocker{Store: goldenStore(t, d), Password: noPrompt(t)})
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("err = %v, want ErrCorrupt", err)
	}
}

func TestNewerVersionNeverWritten(t *testing.T) {
	cheapKDF(t)
	path := newVault(t, Protection{Password: []byte("pw")}, sampleAccounts())
	data, _ := os.ReadFile(path)
	data[offVersion], data[offVersion+1] = 0, 2
	// A newer format may change anything after the version, except the
	// trailer: put junk there.
	data = reseal(append(data[:offHdrLen:offHdrLen], append([]byte("future format data"), data[len(data)-trailerLen:]...)...))
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	bak, _ := os.ReadFile(path + ".bak")
	for _, open := range []func(string, Unlocker) (*Vault, error){Open, Read} {
		_, err := open(path, pw("pw"))
		if !errors.Is(err, ErrNewerVersion) || errors.Is(err, ErrBackupAvailable) {
			t.Fatalf("err = %v, want ErrNewerVersion (and no backup offer)", err)
		}
		if !strings.Contains(err.Error(), "update DeskAuth to open this vault") {
			t.Errorf("message %q", err)
		}
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, data) {
		t.Fatal("the newer file was changed")
	}
	if got, _ := os.ReadFile(path + ".bak"); !bytes.Equal(got, bak) {
		t.Fatal("the backup was changed")
	}
	if err := RestoreBackup(path); err == nil {
		t.Fatal("RestoreBackup replaced a newer-version file")
	}
}

// FuzzOpen feeds arbitrary bytes to the vault reader, with the golden
// password and key store so that well-formed inputs reach the decryption and
// JSON stages. The KDF limits are lowered so a mutated cost cannot stall it.
func FuzzOpen(f *testing.F) {
	var seeds [][]byte
	for _, g := range goldenFiles {
		if data, err := os.ReadFile(filepath.Join("testdata", g.name)); err == nil {
			f.Add(data)
			seeds = append(seeds, data)
		}
	}
	store := goldenStore(f, seeds...)
	f.Add(smallVault(f))
	f.Add([]byte(magic))
	f.Add([]byte{})
	old := readLimits
	readLimits = kdfLimits{MaxTime: 2, MaxMemory: 256, MaxThread: 4}
	f.Cleanup(func() { readLimits = old })
	f.Fuzz(func(t *testing.T, data []byte) {
		u := Unlocker{Store: store, Password: func() ([]byte, error) { return []byte(goldenPassword), nil }}
		v, err := loadBytes(data, u)
		if err != nil {
			known := false
			for _, e := range []error{ErrCorrupt, ErrWrongPassword, ErrNewerVersion, keystore.ErrKeyMissing} {
				known = known || errors.Is(err, e)
			}
			if !known {
				t.Fatalf("unclassified error: %v", err)
			}
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		for _, a := range v.accounts {
			if err := a.Validate(); err != nil {
				t.Fatalf("an invalid account was accepted: %v", err)
			}
		}
	})
}
