package vault

import (
	"bytes"
	"encoding/hex"
	"os"
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
	s := &passwordSlot{KDF: kdfParams{Time: 2, Memory: 256, Threads: 2}}
	copy(s.Salt[:], bytes.Repeat([]byte("somesalt"), 4))
	got := deriveKEK([]byte("password"), s)
	want := argon2.IDKey([]byte("password"), s.Salt[:], 2, 256, 2, 32)
	if !bytes.Equal(got, want) {
		t.Fatalf("deriveKEK = %x, want IDKey's %x", got, want)
	}
}

func TestDefaultKDF(t *testing.T) {
	if defaultKDF != (kdfParams{Time: 3, Memory: 64 << 10, Threads: 4}) {
		t.Fatalf("default Argon2id cost is %+v, the issue asks t=3 m=64MiB p=4", defaultKDF)
	}
	if err := defaultKDF.check(readLimits); err != nil {
		t.Fatalf("the default cost is outside the read limits: %v", err)
	}
}

func TestKDFBounds(t *testing.T) {
	for _, p := range []kdfParams{
		{Time: 0, Memory: 64, Threads: 1},
		{Time: 21, Memory: 64, Threads: 1},
		{Time: 1, Memory: 1<<20 + 1, Threads: 1},
		{Time: 1, Memory: 1 << 31, Threads: 1},
		{Time: 1, Memory: 64, Threads: 0},
		{Time: 1, Memory: 64, Threads: 65},
		{Time: 1, Memory: 31, Threads: 4}, // Argon2 needs 8 KiB per lane
	} {
		if err := p.check(readLimits); err == nil {
			t.Errorf("%+v accepted", p)
		}
	}
	for _, p := range []kdfParams{{1, 8, 1}, {20, 1 << 20, 64}, defaultKDF} {
		if err := p.check(readLimits); err != nil {
			t.Errorf("%+v rejected: %v", p, err)
		}
	}
}

// TestTestCostHook: the test-only cost applies only while set, and a vault
// saved without it carries the default cost in its slot.
func TestTestCostHook(t *testing.T) {
	if currentKDF() != defaultKDF {
		t.Fatalf("cost at test start %+v, want the default", currentKDF())
	}
	restore := SetArgon2CostForTests(1, 8, 1)
	if currentKDF() != (kdfParams{1, 8, 1}) {
		t.Fatal("the hook did not apply")
	}
	restore()
	if currentKDF() != defaultKDF {
		t.Fatal("restore did not bring back the default")
	}
	path := newVault(t, Protection{Password: []byte("pw")}, nil)
	data, _ := os.ReadFile(path)
	parts, err := decodeFile(data)
	if err != nil {
		t.Fatal(err)
	}
	if got := parts.Header.Password.KDF; got != defaultKDF {
		t.Fatalf("a vault saved without the hook has cost %+v", got)
	}
}

// TestUnreadableCostNeverWritten: a cost beyond what Open accepts fails the
// save instead of producing a vault nobody can open.
func TestUnreadableCostNeverWritten(t *testing.T) {
	cheapKDF(t)
	path := newVault(t, Protection{Password: []byte("pw")}, sampleAccounts())
	before, _ := os.ReadFile(path)
	v, err := Open(path, pw("pw"))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	defer SetArgon2CostForTests(readLimits.MaxTime+1, 64, 1)()
	if err := v.Save(); err == nil {
		t.Fatal("saved with a cost Open refuses")
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Fatal("the file changed")
	}
}
