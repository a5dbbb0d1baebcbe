package vault

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	_ "unsafe" // go:linkname

	"golang.org/x/crypto/argon2"
)

// deriveKey is x/crypto/argon2's internal Argon2 entry point, which, unlike
// the exported IDKey, takes the secret and associated-data inputs that RFC
// 9106's test vectors use. IDKey is deriveKey(argon2id, ..., nil, nil, ...).
// Reaching it lets the RFC's own vector check the very code the vault runs;
// if x/crypto ever renames it, this test stops linking and must be revisited.
//
//go:linkname deriveKey golang.org/x/crypto/argon2.deriveKey
func deriveKey(mode int, password, salt, secret, data []byte, time, memory uint32, threads uint8, keyLen uint32) []byte

const modeArgon2id = 2 // x/crypto/argon2: argon2d, argon2i, argon2id = iota

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestArgon2idRFC9106 checks RFC 9106 section 5.3: Argon2id v1.3, 3 passes,
// 32 KiB, 4 lanes, password 32×0x01, salt 16×0x02, secret 8×0x03,
// associated data 12×0x04, 32-byte tag.
func TestArgon2idRFC9106(t *testing.T) {
	got := deriveKey(modeArgon2id,
		bytes.Repeat([]byte{0x01}, 32), bytes.Repeat([]byte{0x02}, 16),
		bytes.Repeat([]byte{0x03}, 8), bytes.Repeat([]byte{0x04}, 12),
		3, 32, 4, 32)
	want := mustHex(t, "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659")
	if !bytes.Equal(got, want) {
		t.Fatalf("RFC 9106 §5.3 Argon2id tag = %x, want %x", got, want)
	}
	// Without secret and data the internal function is what IDKey computes.
	pw, salt := bytes.Repeat([]byte{0x01}, 32), bytes.Repeat([]byte{0x02}, 16)
	if a, b := argon2.IDKey(pw, salt, 3, 32, 4, 32), deriveKey(modeArgon2id, pw, salt, nil, nil, 3, 32, 4, 32); !bytes.Equal(a, b) {
		t.Fatalf("IDKey = %x, deriveKey without secret/ad = %x", a, b)
	}
}

// TestArgon2idReferenceVectors checks argon2.IDKey itself, the function the
// password slot calls, against the Argon2 reference implementation's test
// vectors (phc-winner-argon2 src/test.c, Argon2id v1.3), which use no secret
// or associated data. The 64 MiB one is the vault's default memory cost.
func TestArgon2idReferenceVectors(t *testing.T) {
	for _, v := range []struct {
		t, m uint32
		p    uint8
		want string
	}{
		{2, 256, 1, "9dfeb910e80bad0311fee20f9c0e2b12c17987b4cac90c2ef54d5b3021c68bfe"},
		{2, 256, 2, "6d093c501fd5999645e0ea3bf620d7b8be7fd2db59c20d9fff9539da2bf57037"},
		{2, 65536, 1, "09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7"},
	} {
		got := argon2.IDKey([]byte("password"), []byte("somesalt"), v.t, v.m, v.p, 32)
		if hex.EncodeToString(got) != v.want {
			t.Errorf("IDKey(t=%d m=%d p=%d) = %x, want %s", v.t, v.m, v.p, got, v.want)
		}
	}
}

// TestPasswordSlotKDF checks that a slot's key derivation is exactly
// argon2.IDKey with the slot's stored parameters, so the vectors above cover
// what the vault runs.
func TestPasswordSlotKDF(t *testing.T) {
	s := &passwordSlot{KDF: Argon2Cost{Time: 2, Memory: 256, Threads: 2}}
	copy(s.Salt[:], bytes.Repeat([]byte("somesalt"), 4))
	got := deriveKEK([]byte("password"), s)
	want := argon2.IDKey([]byte("password"), s.Salt[:], 2, 256, 2, 32)
	if !bytes.Equal(got, want) {
		t.Fatalf("deriveKEK = %x, want IDKey's %x", got, want)
	}
}

func TestDefaultKDF(t *testing.T) {
	if defaultKDF != (Argon2Cost{Time: 3, Memory: 64 << 10, Threads: 4}) {
		t.Fatalf("default Argon2id cost is %+v, the issue asks t=3 m=64MiB p=4", defaultKDF)
	}
	if err := defaultKDF.check(readLimits); err != nil {
		t.Fatalf("the default cost is outside the read limits: %v", err)
	}
}

// TestKDFBounds: costs beyond four times the default's memory, lanes or work
// are refused when the header is parsed, before Argon2id runs (issue 9 #6:
// t=20, 1 GiB, p=64 took 13 s and 1 GiB before "wrong password").
func TestKDFBounds(t *testing.T) {
	for _, p := range []Argon2Cost{
		{Time: 0, Memory: 64, Threads: 1},
		{Time: 13, Memory: 64, Threads: 1},
		{Time: 1, Memory: 256<<10 + 1, Threads: 1},
		{Time: 1, Memory: 1 << 31, Threads: 1},
		{Time: 1, Memory: 64, Threads: 0},
		{Time: 1, Memory: 1024, Threads: 17},
		{Time: 1, Memory: 31, Threads: 4},        // Argon2 needs 8 KiB per lane
		{Time: 20, Memory: 1 << 20, Threads: 64}, // the tampered header of the issue
		{Time: 4, Memory: 256 << 10, Threads: 1}, // within each bound, but 16/3 the default's work
		{Time: 12, Memory: 64<<10 + 1, Threads: 16},
	} {
		if err := p.check(readLimits); err == nil {
			t.Errorf("%+v accepted", p)
		}
	}
	for _, p := range []Argon2Cost{
		{1, 8, 1}, defaultKDF, worstAccepted,
		{Time: 2, Memory: 256, Threads: 2}, // the golden files
		{Time: 12, Memory: 64 << 10, Threads: 16},
	} {
		if err := p.check(readLimits); err != nil {
			t.Errorf("%+v rejected: %v", p, err)
		}
	}
}

// worstAccepted is the accepted cost that takes longest and most memory: all
// the work and memory on one lane, so a second core does not help.
var worstAccepted = Argon2Cost{Time: 3, Memory: 256 << 10, Threads: 1}

// TestCostIsPerVault: the cost given to one vault applies to its slot only;
// a vault created without one gets the default, and a vault opened from a
// file keeps the cost its slot has when its password changes.
func TestCostIsPerVault(t *testing.T) {
	cheap := newVault(t, Protection{Argon2: testCost, Password: []byte("pw")}, nil)
	def := newVault(t, Protection{Password: []byte("pw")}, nil)
	for _, c := range []struct {
		path string
		want Argon2Cost
	}{{cheap, testCost}, {def, defaultKDF}} {
		if got := slotCost(t, c.path); got != c.want {
			t.Fatalf("%s: slot cost %+v, want %+v", c.path, got, c.want)
		}
	}
	v, err := Open(cheap, pw("pw"))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if err := v.SetProtection(Protection{Password: []byte("new")}); err != nil {
		t.Fatal(err)
	}
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	if got := slotCost(t, cheap); got != testCost {
		t.Fatalf("after a password change the cost is %+v, want the vault's %+v", got, testCost)
	}
}

func slotCost(t *testing.T, path string) Argon2Cost {
	t.Helper()
	data, _ := os.ReadFile(path)
	parts, err := decodeFile(data)
	if err != nil {
		t.Fatal(err)
	}
	return parts.Header.Password.KDF
}

// TestUnreadableCostNeverWritten: a cost beyond what Open accepts is refused
// before anything changes, rather than producing a vault nobody can open.
func TestUnreadableCostNeverWritten(t *testing.T) {
	path := newVault(t, Protection{Argon2: testCost, Password: []byte("pw")}, sampleAccounts())
	v, err := Open(path, pw("pw"))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	for _, bad := range []Argon2Cost{
		{Time: readLimits.MaxTime + 1, Memory: 64, Threads: 1},
		{Time: 1, Memory: readLimits.MaxMemory + 1, Threads: 1},
		{Time: readLimits.MaxTime, Memory: readLimits.MaxMemory, Threads: 1}, // too much work
	} {
		if err := v.SetProtection(Protection{Password: []byte("new"), Argon2: bad}); err == nil {
			t.Fatalf("SetProtection accepted %+v", bad)
		}
		other := filepath.Join(t.TempDir(), "new.vault")
		if _, err := Create(other, Protection{Password: []byte("pw"), Argon2: bad}); err == nil {
			t.Fatalf("Create accepted %+v", bad)
		}
		if _, err := os.Stat(other); err == nil {
			t.Fatal("Create with a refused cost left a vault")
		}
	}
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	if got := slotCost(t, path); got != testCost {
		t.Fatalf("a refused cost reached the file: %+v", got)
	}
}
