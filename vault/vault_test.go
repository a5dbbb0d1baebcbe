package vault

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/deskauth/deskauth/vault/keystore"
)

// testCost is the Argon2id cost tests give their vaults (Protection.Argon2),
// so a password slot takes microseconds instead of a quarter second.
var testCost = Argon2Cost{Time: 1, Memory: 64, Threads: 1}

func pw(s string) Unlocker {
	return Unlocker{Password: func() ([]byte, error) { return []byte(s), nil }}
}

// noPrompt fails the test if the password is asked for.
func noPrompt(t *testing.T) func() ([]byte, error) {
	return func() ([]byte, error) {
		t.Helper()
		t.Error("the password was asked for")
		return nil, errors.New("no password")
	}
}

func sampleAccounts() []Account {
	return []Account{
		{Issuer: "GitHub", Name: "alice@example.com", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte("12345678901234567890")},
		{Issuer: "銀行", Name: "山田", Kind: HOTP, Algorithm: SHA256, Digits: 8, Counter: 42, Secret: []byte{0, 1, 2, 3, 255}},
		{Issuer: "Steam", Name: "gamer", Kind: Steam, Algorithm: SHA1, Digits: 5, Period: 30, Secret: []byte("steam-secret")},
	}
}

func sameAccounts(t *testing.T, got, want []Account) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d accounts, want %d", len(got), len(want))
	}
	for i := range got {
		if !got[i].Equal(want[i]) {
			t.Fatalf("account %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// newVault creates a vault at dir/v.vault with the accounts and saves it.
func newVault(t *testing.T, p Protection, accts []Account) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "v.vault")
	v, err := Create(path, p)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	v.accounts = accts
	v.Settings.TimeSource = "ntp://ntp.nict.jp"
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRoundTrip(t *testing.T) {
	store := keystore.NewMemory()
	for _, tc := range []struct {
		name string
		p    Protection
		u    []Unlocker // each must open it
	}{
		{"password", Protection{Argon2: testCost, Password: []byte("correct horse")}, []Unlocker{pw("correct horse")}},
		{"os", Protection{Store: store}, []Unlocker{{Store: store, Password: noPrompt(t)}}},
		{"both", Protection{Argon2: testCost, Password: []byte("pw"), Store: store}, []Unlocker{
			{Store: store, Password: noPrompt(t)}, pw("pw"),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := newVault(t, tc.p, sampleAccounts())
			for _, u := range tc.u {
				for _, open := range []func(string, Unlocker) (*Vault, error){Open, Read} {
					v, err := open(path, u)
					if err != nil {
						t.Fatal(err)
					}
					sameAccounts(t, v.accounts, sampleAccounts())
					if v.Settings.TimeSource != "ntp://ntp.nict.jp" {
						t.Errorf("Settings = %+v", v.Settings)
					}
					gotPW, gotOS := v.Protection()
					if gotPW != (tc.p.Password != nil) || gotOS != (tc.p.Store != nil) {
						t.Errorf("Protection() = %v, %v", gotPW, gotOS)
					}
					// Save again (no changes) and reopen: still the same.
					if err := v.Save(); err != nil {
						t.Fatal(err)
					}
					v.Close()
				}
			}
			data, _ := os.ReadFile(path)
			for _, secret := range []string{"12345678901234567890", "alice", "GitHub", "steam-secret"} {
				if bytes.Contains(data, []byte(secret)) {
					t.Errorf("the file holds %q in clear", secret)
				}
			}
		})
	}
}

// TestKDFOncePerProtection: a save draws a fresh payload nonce every time;
// the password slot (salt, nonce, wrapped key) is made once per protection,
// with one Argon2id run, and written again unchanged by later saves, which
// run none. A new password draws a new salt and slot nonce.
func TestKDFOncePerProtection(t *testing.T) {
	runs := countKDF(t)
	path := newVault(t, Protection{Argon2: testCost, Password: []byte("pw")}, sampleAccounts())
	if *runs != 1 {
		t.Fatalf("creating and saving a vault ran Argon2id %d times, want 1", *runs)
	}
	v, err := Open(path, pw("pw"))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	slot := func() (*passwordSlot, [nonceLen]byte) {
		data, _ := os.ReadFile(path)
		parts, err := decodeFile(data)
		if err != nil {
			t.Fatal(err)
		}
		return parts.Header.Password, parts.Header.Nonce
	}
	first, _ := slot()
	nonces := map[[nonceLen]byte]bool{}
	*runs = 0
	for i := range 5 {
		if err := v.Save(); err != nil {
			t.Fatal(err)
		}
		s, n := slot()
		if nonces[n] {
			t.Fatalf("save %d reused a payload nonce", i)
		}
		nonces[n] = true
		if !s.equal(first) {
			t.Fatalf("save %d changed the password slot without a new protection", i)
		}
	}
	if *runs != 0 {
		t.Fatalf("5 ordinary saves ran Argon2id %d times, want 0", *runs)
	}
	if err := v.SetProtection(Protection{Password: []byte("new")}); err != nil {
		t.Fatal(err)
	}
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	if *runs != 1 {
		t.Fatalf("a save with a new password ran Argon2id %d times, want 1", *runs)
	}
	s, _ := slot()
	if s.Salt == first.Salt || s.Nonce == first.Nonce {
		t.Fatal("a new password reused the old slot's salt or nonce")
	}
	if s.KDF != testCost {
		t.Fatalf("slot KDF = %+v, want the test cost", s.KDF)
	}
	v.Close()
	if _, err := Read(path, pw("pw")); !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("old password: %v", err)
	}
	r, err := Read(path, pw("new"))
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
}

// countKDF counts the Argon2id runs from here to the end of the test.
func countKDF(t *testing.T) *int {
	n := new(int)
	old := deriveKEK
	deriveKEK = func(password []byte, s *passwordSlot) []byte { *n++; return old(password, s) }
	t.Cleanup(func() { deriveKEK = old })
	return n
}

// TestBothSlotsOpenedByOSKeepPassword: a vault with both slots, opened and
// saved through the OS slot (password unknown), still opens with the password.
func TestBothSlotsOpenedByOSKeepPassword(t *testing.T) {
	store := keystore.NewMemory()
	path := newVault(t, Protection{Argon2: testCost, Password: []byte("pw"), Store: store}, sampleAccounts())
	v, err := Open(path, Unlocker{Store: store, Password: noPrompt(t)})
	if err != nil {
		t.Fatal(err)
	}
	v.accounts = v.accounts[:1]
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	v.Close()
	v, err = Read(path, pw("pw"))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	sameAccounts(t, v.accounts, sampleAccounts()[:1])
}

func TestWrongPassword(t *testing.T) {
	path := newVault(t, Protection{Argon2: testCost, Password: []byte("right")}, sampleAccounts())
	before, _ := os.ReadFile(path)
	bakBefore, _ := os.ReadFile(path + ".bak")
	for _, open := range []func(string, Unlocker) (*Vault, error){Open, Read} {
		_, err := open(path, pw("wrong"))
		if !errors.Is(err, ErrWrongPassword) || errors.Is(err, ErrCorrupt) {
			t.Fatalf("err = %v, want ErrWrongPassword only", err)
		}
		if err.Error() != "wrong password" {
			t.Errorf("message %q", err)
		}
	}
	if _, err := Open(path, Unlocker{}); !errors.Is(err, ErrPasswordRequired) {
		t.Fatalf("no password: err = %v", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Fatal("a failed open changed the file")
	}
	if bakAfter, _ := os.ReadFile(path + ".bak"); !bytes.Equal(bakBefore, bakAfter) {
		t.Fatal("a failed open changed the backup")
	}
}

func TestOSKeyMissing(t *testing.T) {
	store := keystore.NewMemory()
	path := newVault(t, Protection{Store: store}, sampleAccounts())
	v, err := Open(path, Unlocker{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	id := vaultIDString(v.id)
	v.Close()
	if err := store.Delete(id); err != nil {
		t.Fatal(err)
	}
	_, err = Open(path, Unlocker{Store: store})
	if !errors.Is(err, keystore.ErrKeyMissing) {
		t.Fatalf("err = %v, want keystore.ErrKeyMissing", err)
	}
	if !strings.Contains(err.Error(), "OS key store no longer has this vault's key") {
		t.Errorf("message %q", err)
	}
	// No store at all.
	if _, err := Open(path, Unlocker{}); !errors.Is(err, keystore.ErrUnavailable) {
		t.Fatalf("no store: err = %v, want keystore.ErrUnavailable", err)
	}
	store.SetUnavailable(true)
	if _, err := Open(path, Unlocker{Store: store}); !errors.Is(err, keystore.ErrUnavailable) {
		t.Fatalf("store down: err = %v", err)
	}
}

// shortKeyStore returns a key of the wrong length, as a broken or hostile
// store might.
type shortKeyStore struct{ keystore.Store }

func (s shortKeyStore) Unwrap(id string, blob []byte) ([]byte, error) {
	k, err := s.Store.Unwrap(id, blob)
	if err != nil {
		return nil, err
	}
	return k[:31], nil
}

func TestOSWrongKeyLength(t *testing.T) {
	store := keystore.NewMemory()
	path := newVault(t, Protection{Store: store}, sampleAccounts())
	_, err := Open(path, Unlocker{Store: shortKeyStore{store}})
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "31-byte key") {
		t.Fatalf("err = %v, want ErrCorrupt about a 31-byte key", err)
	}
}

func TestProtectionChanges(t *testing.T) {
	store := keystore.NewMemory()
	path := newVault(t, Protection{Argon2: testCost, Password: []byte("one")}, sampleAccounts())
	steps := []struct {
		p    Protection
		open Unlocker
		fail Unlocker // must no longer open it
	}{
		{Protection{Store: store}, Unlocker{Store: store, Password: noPrompt(t)}, pw("one")},
		{Protection{Argon2: testCost, Password: []byte("two"), Store: store}, pw("two"), pw("one")},
		{Protection{Argon2: testCost, Password: []byte("three")}, pw("three"), Unlocker{Store: store}},
	}
	prev := pw("one")
	for i, s := range steps {
		// The store is offered as the CLI and app do, so that dropping the
		// OS slot can delete its key.
		v, err := Open(path, Unlocker{Store: store, Password: prev.Password})
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		oldMaster, oldBlob := bytes.Clone(v.master), v.osBlob
		if err := v.SetProtection(s.p); err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(oldMaster, v.master) {
			t.Fatalf("step %d: the master key was not replaced", i)
		}
		if err := v.Save(); err != nil {
			t.Fatal(err)
		}
		id := vaultIDString(v.id)
		v.Close()
		v, err = Read(path, s.open)
		if err != nil {
			t.Fatalf("step %d: reopen: %v", i, err)
		}
		sameAccounts(t, v.accounts, sampleAccounts())
		v.Close()
		if _, err := Read(path, s.fail); err == nil {
			t.Fatalf("step %d: the old protection still opens the vault", i)
		}
		if s.p.Store == nil && oldBlob != nil {
			// Dropping the OS slot deletes the key from the store.
			if _, err := store.Unwrap(id, oldBlob); !errors.Is(err, keystore.ErrKeyMissing) {
				t.Errorf("step %d: the store still has the key: %v", i, err)
			}
		}
		prev = s.open
	}
	v, err := Open(path, prev)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if err := v.SetProtection(Protection{}); err == nil {
		t.Fatal("a vault without any slot was accepted")
	}
	if err := v.SetProtection(Protection{Password: []byte{}}); err == nil {
		t.Fatal("an empty password was accepted")
	}
}

// randomVaultAccount makes a valid account with random fields.
func randomVaultAccount(r *rand.Rand, i int) Account {
	kinds := []Kind{TOTP, HOTP, Steam}
	algs := []Algorithm{SHA1, SHA256, SHA512}
	a := Account{
		Issuer:    randomText(r),
		Name:      fmt.Sprintf("%s-%d", randomText(r), i),
		Kind:      kinds[r.IntN(3)],
		Algorithm: algs[r.IntN(3)],
		Digits:    MinDigits + r.IntN(MaxDigits-MinDigits+1),
		Period:    1 + r.IntN(300),
		Secret:    make([]byte, 1+r.IntN(64)),
	}
	for j := range a.Secret {
		a.Secret[j] = byte(r.Uint32())
	}
	switch a.Kind {
	case HOTP:
		a.Period, a.Counter = 0, r.Uint64()
	case Steam:
		a.Algorithm, a.Digits = SHA1, SteamDigits
	}
	return a
}

func randomText(r *rand.Rand) string {
	alphabet := []rune("abcXYZ 0123_-:@.\"\\/\u00e9\u65e5\u672c\U0001F511\t")
	n := r.IntN(12)
	var b strings.Builder
	for range n {
		b.WriteRune(alphabet[r.IntN(len(alphabet))])
	}
	return b.String()
}

// TestPropertyRandomAccounts: any set of valid accounts, saved and reopened,
// comes back field for field, in order.
func TestPropertyRandomAccounts(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	store := keystore.NewMemory()
	path := filepath.Join(t.TempDir(), "p.vault")
	v, err := Create(path, Protection{Argon2: testCost, Password: []byte("pw"), Store: store})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	for iter := range 60 {
		var want []Account
		for i := range r.IntN(40) {
			want = append(want, randomVaultAccount(r, i))
		}
		v.accounts = want
		v.Settings.TimeSource = randomText(r)
		if err := v.Save(); err != nil {
			t.Fatalf("iteration %d: %v", iter, err)
		}
		u := Unlocker{Store: store}
		if iter%2 == 1 {
			u = pw("pw")
		}
		got, err := Read(path, u)
		if err != nil {
			t.Fatalf("iteration %d: %v", iter, err)
		}
		sameAccounts(t, got.accounts, want)
		if got.Settings != v.Settings {
			t.Fatalf("settings %+v, want %+v", got.Settings, v.Settings)
		}
		got.Close()
	}
}

func TestSaveRejectsInvalidAccount(t *testing.T) {
	path := newVault(t, Protection{Argon2: testCost, Password: []byte("pw")}, sampleAccounts())
	before, _ := os.ReadFile(path)
	v, err := Open(path, pw("pw"))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	v.accounts[0].Digits = 99
	if err := v.Save(); !errors.Is(err, ErrInvalidAccount) {
		t.Fatalf("err = %v", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Fatal("the file changed")
	}
}

func TestMatch(t *testing.T) {
	v := &Vault{accounts: sampleAccounts()}
	v.accounts = append(v.accounts, Account{Issuer: "GitHub Enterprise", Name: "alice@example.com"})
	for q, want := range map[string][]int{
		"":                           {0, 1, 2, 3},
		"git":                        {0, 3},
		"GitHub (alice@example.com)": {0},
		"github:alice@example.com":   {0},
		"山田":                         {1},
		"nothing":                    nil,
	} {
		if got := v.Match(q); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("Match(%q) = %v, want %v", q, got, want)
		}
	}
}

func TestCreateRefusesExisting(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.vault")
	if err := os.WriteFile(path, []byte{0, 0, 0}, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(path, Protection{Argon2: testCost, Password: []byte("pw")}); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("err = %v, want fs.ErrExist", err)
	}
	if data, _ := os.ReadFile(path); !bytes.Equal(data, []byte{0, 0, 0}) {
		t.Fatal("Create touched the existing file")
	}
}

func TestOpenMissing(t *testing.T) {
	dir := t.TempDir()
	for _, path := range []string{filepath.Join(dir, "none.vault"), filepath.Join(dir, "no", "folder.vault")} {
		for _, open := range []func(string, Unlocker) (*Vault, error){Open, Read} {
			_, err := open(path, pw("x"))
			if !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "no vault at ") {
				t.Fatalf("err = %v", err)
			}
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("opening a missing vault left %d files behind", len(entries))
	}
}

func TestFileModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX modes; Windows gets a user-only DACL (save_windows.go)")
	}
	path := newVault(t, Protection{Argon2: testCost, Password: []byte("pw")}, sampleAccounts())
	v, err := Open(path, pw("pw"))
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	v.Close()
	for _, p := range []string{path, path + ".bak", path + ".lock"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(p), fi.Mode().Perm())
		}
	}
	fi, _ := os.Stat(filepath.Dir(path))
	_ = fi // t.TempDir's own mode is not ours to judge
	sub := filepath.Join(t.TempDir(), "new", "DeskAuth", "v.vault")
	v, err = Create(sub, Protection{Argon2: testCost, Password: []byte("pw")})
	if err != nil {
		t.Fatal(err)
	}
	v.Close()
	if fi, _ := os.Stat(filepath.Dir(sub)); fi.Mode().Perm() != 0o700 {
		t.Errorf("created folder has mode %v, want 0700", fi.Mode().Perm())
	}
}

func TestClosed(t *testing.T) {
	path := newVault(t, Protection{Argon2: testCost, Password: []byte("pw")}, nil)
	v, err := Open(path, pw("pw"))
	if err != nil {
		t.Fatal(err)
	}
	v.Close()
	v.Close()
	if err := v.Save(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Save after Close: %v", err)
	}
}

// TestRoundTripOSKeyStore runs the os-slot round trip through this machine's
// real key store: DPAPI on Windows (always there, so always run, under Wine
// too), and elsewhere only when DESKAUTH_TEST_OS_KEYSTORE=1 says a usable
// store is running (scripts/test-secret-service.sh starts gnome-keyring).
func TestRoundTripOSKeyStore(t *testing.T) {
	if runtime.GOOS != "windows" && os.Getenv("DESKAUTH_TEST_OS_KEYSTORE") != "1" {
		t.Skip("set DESKAUTH_TEST_OS_KEYSTORE=1 with an unlocked OS key store to run this")
	}
	store, err := keystore.Default()
	if err != nil {
		t.Fatal(err)
	}
	path := newVault(t, Protection{Store: store}, sampleAccounts())
	v, err := Open(path, Unlocker{Store: store, Password: noPrompt(t)})
	if err != nil {
		t.Fatal(err)
	}
	sameAccounts(t, v.accounts, sampleAccounts())
	// Switch to a password: the save deletes the key from the store, which
	// also cleans up after this test.
	if err := v.SetProtection(Protection{Argon2: testCost, Password: []byte("pw")}); err != nil {
		t.Fatal(err)
	}
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	v.Close()
	v, err = Read(path, pw("pw"))
	if err != nil {
		t.Fatal(err)
	}
	sameAccounts(t, v.accounts, sampleAccounts())
	v.Close()
}
