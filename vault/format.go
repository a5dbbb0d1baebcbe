package vault

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
)

// The file layout is described byte by byte in FORMAT.md; this file is its
// only reader and writer. Everything here works on bytes in memory: no I/O, no
// key material beyond what is passed in.

const (
	magic = "DESKAUTH"
	// formatVersion is the version this code writes. It reads every version up
	// to it and refuses newer ones with ErrNewerVersion.
	formatVersion = 1

	prefixLen  = len(magic) + 2 + 4 // magic, version, header length
	trailerLen = sha256.Size
	minFileLen = prefixLen + 4 + trailerLen

	idLen        = 16
	nonceLen     = 24 // XChaCha20-Poly1305
	tagLen       = 16
	masterKeyLen = 32
	saltLen      = 32
	wrappedLen   = masterKeyLen + tagLen

	maxHeaderLen  = 64 << 10
	maxPayloadLen = 64 << 20
	maxOSBlobLen  = 4096

	slotPassword byte = 1
	slotOS       byte = 2

	kdfArgon2id byte = 1
)

// Argon2Cost is the work factor of a password slot's key derivation
// (Argon2id): Time passes over Memory KiB in Threads lanes. It is stored in
// the slot, so a vault opens whatever accepted cost wrote it.
type Argon2Cost struct {
	Time    uint32
	Memory  uint32 // KiB, as argon2.IDKey takes it
	Threads uint8
}

// defaultKDF is the Argon2id cost of a new password slot: t=3, m=64 MiB, p=4.
var defaultKDF = Argon2Cost{Time: 3, Memory: 64 << 10, Threads: 4}

// kdfLimits bound the costs accepted on read (and written), so a crafted
// header cannot make Open allocate gigabytes or spin for seconds before the
// password check. Work is Time × Memory: what decides the time on one core.
type kdfLimits struct {
	MaxTime   uint32
	MaxMemory uint32 // KiB
	MaxThread uint8
	MaxWork   uint64 // Time × Memory, in KiB passes
}

// readLimits allow four times the default's memory, work and lanes. The worst
// accepted header (BenchmarkWorstAcceptedHeader: t=3, 256 MiB, one lane, so
// no second core helps) costs about 4× a default unlock on one core.
var readLimits = kdfLimits{
	MaxTime:   4 * defaultKDF.Time,
	MaxMemory: 4 * defaultKDF.Memory,
	MaxThread: 4 * defaultKDF.Threads,
	MaxWork:   4 * uint64(defaultKDF.Time) * uint64(defaultKDF.Memory),
}

func (p Argon2Cost) check(l kdfLimits) error {
	switch {
	case p.Time < 1 || p.Time > l.MaxTime:
		return corruptf("Argon2id time cost %d is outside 1..%d", p.Time, l.MaxTime)
	case p.Threads < 1 || p.Threads > l.MaxThread:
		return corruptf("Argon2id parallelism %d is outside 1..%d", p.Threads, l.MaxThread)
	case p.Memory < 8*uint32(p.Threads) || p.Memory > l.MaxMemory:
		return corruptf("Argon2id memory %d KiB is outside %d..%d", p.Memory, 8*uint32(p.Threads), l.MaxMemory)
	case uint64(p.Time)*uint64(p.Memory) > l.MaxWork:
		return corruptf("Argon2id work t=%d × m=%d KiB exceeds %d", p.Time, p.Memory, l.MaxWork)
	}
	return nil
}

// passwordSlot wraps the master key with a key derived from the password.
type passwordSlot struct {
	KDF     Argon2Cost
	Salt    [saltLen]byte
	Nonce   [nonceLen]byte
	Wrapped []byte // sealed master key, wrappedLen bytes
}

func (s *passwordSlot) equal(o *passwordSlot) bool {
	return s.KDF == o.KDF && s.Salt == o.Salt && s.Nonce == o.Nonce && bytes.Equal(s.Wrapped, o.Wrapped)
}

// osSlot holds the blob a keystore.Store returned for the master key.
type osSlot struct {
	Blob []byte
}

// header is everything the payload's AEAD authenticates besides the payload.
type header struct {
	Version  uint16
	ID       [idLen]byte
	Nonce    [nonceLen]byte
	Password *passwordSlot
	OS       *osSlot
}

// fileParts is a decoded file whose framing and checksum are sound.
type fileParts struct {
	Header     header
	AD         []byte // the exact bytes from the magic to the end of the header
	Ciphertext []byte
}

// encodeFile lays out a complete file: prefix, header, payload, trailer.
func encodeFile(h *header, seal func(ad []byte) []byte) []byte {
	var hb []byte
	hb = append(hb, h.ID[:]...)
	hb = append(hb, h.Nonce[:]...)
	n := 0
	if h.Password != nil {
		n++
	}
	if h.OS != nil {
		n++
	}
	hb = append(hb, byte(n))
	if s := h.Password; s != nil {
		var body []byte
		body = append(body, kdfArgon2id)
		body = binary.BigEndian.AppendUint32(body, s.KDF.Time)
		body = binary.BigEndian.AppendUint32(body, s.KDF.Memory)
		body = append(body, s.KDF.Threads)
		body = append(body, s.Salt[:]...)
		body = append(body, s.Nonce[:]...)
		body = binary.BigEndian.AppendUint16(body, uint16(len(s.Wrapped)))
		body = append(body, s.Wrapped...)
		hb = appendSlot(hb, slotPassword, body)
	}
	if s := h.OS; s != nil {
		hb = appendSlot(hb, slotOS, s.Blob)
	}

	var out []byte
	out = append(out, magic...)
	out = binary.BigEndian.AppendUint16(out, formatVersion)
	out = binary.BigEndian.AppendUint32(out, uint32(len(hb)))
	out = append(out, hb...)
	ct := seal(out)
	out = binary.BigEndian.AppendUint32(out, uint32(len(ct)))
	out = append(out, ct...)
	sum := sha256.Sum256(out)
	return append(out, sum[:]...)
}

func appendSlot(b []byte, kind byte, body []byte) []byte {
	b = append(b, kind)
	b = binary.BigEndian.AppendUint16(b, uint16(len(body)))
	return append(b, body...)
}

// decodeFile checks the framing and trailer of data and parses its header. It
// never allocates more than len(data) and never looks at key material. The
// order of checks decides which error a damaged file gets:
//  1. magic: not a vault at all (ErrCorrupt);
//  2. trailer: any damage anywhere (ErrCorrupt) — every format version keeps
//     the SHA-256 trailer, so a flipped version byte reads as damage;
//  3. version: a newer DeskAuth wrote it (ErrNewerVersion);
//  4. the v1 header and lengths (ErrCorrupt).
func decodeFile(data []byte) (*fileParts, error) {
	switch {
	case len(data) == 0:
		return nil, corruptf("the file is empty")
	case allZero(data):
		return nil, corruptf("the file holds only zero bytes")
	case len(data) < len(magic) || string(data[:len(magic)]) != magic:
		return nil, corruptf("it is not a DeskAuth vault file")
	case len(data) < minFileLen:
		return nil, corruptf("the file is truncated")
	}
	body, trailer := data[:len(data)-trailerLen], data[len(data)-trailerLen:]
	if sum := sha256.Sum256(body); !bytes.Equal(sum[:], trailer) {
		return nil, corruptf("the checksum does not match (the file is truncated or altered)")
	}
	version := binary.BigEndian.Uint16(data[len(magic):])
	if version > formatVersion {
		return nil, fmt.Errorf("%w (file format %d, this DeskAuth reads up to %d)", ErrNewerVersion, version, formatVersion)
	}
	if version == 0 {
		return nil, corruptf("format version 0 does not exist")
	}
	hlen := binary.BigEndian.Uint32(data[len(magic)+2:])
	if hlen > maxHeaderLen || uint64(prefixLen)+uint64(hlen)+4 > uint64(len(body)) {
		return nil, corruptf("the header length %d is impossible", hlen)
	}
	hend := prefixLen + int(hlen)
	plen := binary.BigEndian.Uint32(body[hend:])
	if plen > maxPayloadLen || uint64(hend)+4+uint64(plen) != uint64(len(body)) {
		return nil, corruptf("the payload length does not match the file size")
	}
	if plen < tagLen {
		return nil, corruptf("the payload is too short")
	}
	h, err := parseHeader(data[prefixLen:hend])
	if err != nil {
		return nil, err
	}
	h.Version = version
	return &fileParts{Header: *h, AD: data[:hend], Ciphertext: body[hend+4:]}, nil
}

// reader consumes a byte slice, remembering the first shortfall.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) next(n int) []byte {
	if r.bad || n > len(r.b) {
		r.bad = true
		return make([]byte, n)
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}
func (r *reader) u8() byte    { return r.next(1)[0] }
func (r *reader) u16() uint16 { return binary.BigEndian.Uint16(r.next(2)) }
func (r *reader) u32() uint32 { return binary.BigEndian.Uint32(r.next(4)) }

func parseHeader(b []byte) (*header, error) {
	if len(b) < idLen+nonceLen+1 {
		return nil, corruptf("the header is truncated")
	}
	r := &reader{b: b}
	h := &header{}
	copy(h.ID[:], r.next(idLen))
	copy(h.Nonce[:], r.next(nonceLen))
	n := int(r.u8())
	if n < 1 || n > 2 {
		return nil, corruptf("the header lists %d key slots (want 1 or 2)", n)
	}
	for range n {
		kind := r.u8()
		size := int(r.u16())
		if r.bad || size > len(r.b) {
			return nil, corruptf("a key slot runs past the header")
		}
		body := r.next(size)
		switch kind {
		case slotPassword:
			if h.Password != nil {
				return nil, corruptf("the header has two password slots")
			}
			s, err := parsePasswordSlot(body)
			if err != nil {
				return nil, err
			}
			h.Password = s
		case slotOS:
			if h.OS != nil {
				return nil, corruptf("the header has two OS slots")
			}
			if size == 0 || size > maxOSBlobLen {
				return nil, corruptf("the OS slot is %d bytes (want 1..%d)", size, maxOSBlobLen)
			}
			h.OS = &osSlot{Blob: append([]byte(nil), body...)}
		default:
			return nil, corruptf("unknown key slot type %d", kind)
		}
	}
	if len(r.b) != 0 {
		return nil, corruptf("%d unexpected bytes follow the key slots", len(r.b))
	}
	return h, nil
}

func parsePasswordSlot(b []byte) (*passwordSlot, error) {
	r := &reader{b: b}
	if kdf := r.u8(); !r.bad && kdf != kdfArgon2id {
		return nil, corruptf("unknown key derivation function %d", kdf)
	}
	s := &passwordSlot{}
	s.KDF.Time = r.u32()
	s.KDF.Memory = r.u32()
	s.KDF.Threads = r.u8()
	copy(s.Salt[:], r.next(saltLen))
	copy(s.Nonce[:], r.next(nonceLen))
	wl := int(r.u16())
	if r.bad {
		return nil, corruptf("the password slot is truncated")
	}
	// The length is checked here, long before any key derivation or
	// decryption is attempted.
	if wl != wrappedLen {
		return nil, corruptf("the wrapped key is %d bytes (want %d)", wl, wrappedLen)
	}
	s.Wrapped = append([]byte(nil), r.next(wl)...)
	if r.bad || len(r.b) != 0 {
		return nil, corruptf("the password slot has the wrong size")
	}
	if err := s.KDF.check(readLimits); err != nil {
		return nil, err
	}
	return s, nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func corruptf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}
