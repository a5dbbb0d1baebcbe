package vault

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/deskauth/deskauth/vault/keystore"
	"github.com/gofrs/flock"
	"golang.org/x/crypto/chacha20poly1305"
)

// Errors the UI and the CLI react to. Open, Save and the others wrap them with
// %w, so test with errors.Is. Errors from the OS key store
// (keystore.ErrKeyMissing, keystore.ErrUnavailable) pass through the same way.
var (
	// ErrWrongPassword means the password does not unlock the vault. The file
	// itself is intact (its checksum matched).
	ErrWrongPassword = errors.New("wrong password")
	// ErrCorrupt means the file is damaged: truncated, zero-filled, altered or
	// not a vault at all. It is never reported for a wrong password.
	ErrCorrupt = errors.New("vault file is damaged")
	// ErrNewerVersion means a newer DeskAuth wrote the file. It is never
	// written to.
	ErrNewerVersion = errors.New("the vault was written by a newer DeskAuth: update DeskAuth to open this vault")
	// ErrLocked means another DeskAuth process has the vault open for writing.
	ErrLocked = errors.New("the vault is in use by another DeskAuth process (close it and try again)")
	// ErrChangedOnDisk means the file changed on disk since it was opened (by
	// another program, or a sync client); Save refuses to overwrite it.
	ErrChangedOnDisk = errors.New("the vault file changed on disk since it was opened; reopen it to see the changes")
	// ErrBackupAvailable is wrapped, together with ErrCorrupt, by the
	// *BackupError Open returns when the vault is damaged but its backup is
	// intact. RestoreBackup puts the backup in place.
	ErrBackupAvailable = errors.New("a backup is available")
	// ErrPasswordRequired means the vault needs a password and the Unlocker
	// has no way to ask for one.
	ErrPasswordRequired = errors.New("this vault needs its password")
	// ErrDuplicate means an account with the same issuer and name exists.
	ErrDuplicate = errors.New("an account with this issuer and name is already in the vault")
	// ErrClosed is returned by Save and SetProtection after Close.
	ErrClosed = errors.New("the vault is closed")
)

// BackupError is what Open returns when the vault file is damaged but
// BackupPath holds an intact earlier copy. It matches both ErrCorrupt and
// ErrBackupAvailable. Nothing is changed on disk until the caller chooses
// RestoreBackup.
type BackupError struct {
	Path       string
	BackupPath string
	BackupTime time.Time
	Err        error // why the vault file was rejected (wraps ErrCorrupt)
}

func (e *BackupError) Error() string {
	return fmt.Sprintf("%v; an intact backup from %s is at %s", e.Err,
		e.BackupTime.Local().Format("2006-01-02 15:04"), e.BackupPath)
}

func (e *BackupError) Unwrap() []error { return []error{e.Err, ErrBackupAvailable} }

// Unlocker says how to unlock a vault. Store is tried first when the vault has
// an OS slot; Password is called only when the password slot is needed, so a
// prompt never appears for an OS-protected vault.
type Unlocker struct {
	Store    keystore.Store
	Password func() ([]byte, error)
	// PasswordOnly skips the OS slot: the password must open the vault. A
	// window that shows a password field sets it when one was typed, so on
	// a vault with both slots a mistyped password fails instead of the OS
	// key store quietly opening it.
	PasswordOnly bool
}

// Slots reports which key slots the vault file at path has, without
// unlocking it, so a window can ask for exactly what opens it. Errors are
// Open's: fs.ErrNotExist, ErrCorrupt, ErrNewerVersion.
func Slots(path string) (password, os bool, err error) {
	data, err := readVaultFile(path)
	if err != nil {
		return false, false, err
	}
	parts, err := decodeFile(data)
	if err != nil {
		return false, false, err
	}
	return parts.Header.Password != nil, parts.Header.OS != nil, nil
}

// Protection chooses the key slots written on the next Save. A vault has a
// password slot, an OS slot, or both; with both, either unlocks it, so it is
// as strong as the weaker of the two.
type Protection struct {
	Password []byte         // non-nil: a password slot with this password
	Store    keystore.Store // non-nil: an OS slot in this store

	// Argon2 is the cost of the password slot's key derivation. Leave it
	// zero: that keeps the vault's current cost (its password slot's, or
	// the default t=3, 64 MiB, p=4), which is what a real vault uses. Tests
	// lower it so a slot does not take a second to make; the cost is stored
	// in the slot, so such a vault opens normally anywhere. SetProtection
	// refuses a cost Open would refuse.
	Argon2 Argon2Cost
}

// Vault is an unlocked vault. Its accounts change only through the use-case
// methods (Add, AddPlanned, Rename, Remove, Move, UseCode), each of which
// saves and, when the save fails, leaves memory as it was, so the list on
// screen always matches the file. The caller must call Close, which releases
// the file lock and wipes the keys held in memory. A Vault is not safe for
// concurrent use: one goroutine (the UI's) owns it.
type Vault struct {
	accounts []Account
	// Settings are the vault's preferences. Read them freely; change them
	// with UpdateSettings, which saves.
	Settings Settings

	path   string
	id     [idLen]byte
	master []byte

	// The password slot is made once per protection: SetProtection keeps
	// the new password until the next Save wraps the master key under it,
	// then wipes it; later saves write the same slot again. So a save runs
	// Argon2id at most once, and an ordinary save not at all.
	password     []byte        // set by SetProtection until its slot is made
	pwSlot       *passwordSlot // the slot to write; nil until made
	cost         Argon2Cost    // of the next password slot
	wantPassword bool
	store        keystore.Store
	osBlob       []byte
	wantOS       bool
	forgetOS     keystore.Store // store to Delete from after the next Save
	rekeyed      bool           // the protection changed since the last Save

	warnings []Warning

	onDisk []byte // SHA-256 of the file as last read or written; nil before the first Save
	lock   *flock.Flock
	closed bool
}

// Open unlocks the vault at path and holds its lock until Close, so that a
// second writer gets ErrLocked. Use it when the vault will be edited. Pass
// the OS key store in u even when unlocking with the password: SetProtection
// needs it to delete the key of a dropped OS slot.
//
// A missing file gives an error wrapping fs.ErrNotExist; a damaged one
// ErrCorrupt, as a *BackupError when path+".bak" is intact; a file from a
// newer DeskAuth ErrNewerVersion.
func Open(path string, u Unlocker) (*Vault, error) { return open(path, u, true) }

// Read unlocks the vault at path without holding its lock: it is a snapshot,
// for showing codes while another process may have the vault open. Its Save
// takes the lock only for the write, failing with ErrLocked if another process
// holds it, and with ErrChangedOnDisk if the file changed since Read.
func Read(path string, u Unlocker) (*Vault, error) { return open(path, u, false) }

func open(link string, u Unlocker, hold bool) (*Vault, error) {
	path, err := resolvePath(link, false)
	if err != nil {
		return nil, err
	}
	v := &Vault{path: path, warnings: placeWarnings(link, path)}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		// Checked before locking, which would create a lock file beside a
		// vault that does not exist (or fail, in a missing folder).
		return nil, fmt.Errorf("no vault at %s: %w", path, fs.ErrNotExist)
	}
	if hold {
		l, err := acquireLock(path)
		if err != nil {
			return nil, err
		}
		v.lock = l
	}
	data, err := readVaultFile(path)
	if err == nil {
		err = v.load(data, u)
	} else if errors.Is(err, fs.ErrNotExist) {
		err = fmt.Errorf("no vault at %s: %w", path, fs.ErrNotExist)
	}
	if err != nil {
		v.Close()
		if errors.Is(err, ErrCorrupt) {
			err = fmt.Errorf("%s: %w", path, err)
			if bak, ok := intactBackup(path); ok {
				return nil, &BackupError{Path: path, BackupPath: bak.path, BackupTime: bak.mod, Err: err}
			}
		}
		return nil, err
	}
	return v, nil
}

// load decodes and unlocks a file's bytes into v.
func (v *Vault) load(data []byte, u Unlocker) error {
	parts, err := decodeFile(data)
	if err != nil {
		return err
	}
	h := parts.Header
	v.id = h.ID
	v.pwSlot, v.wantPassword = h.Password, h.Password != nil
	v.cost = defaultKDF
	if h.Password != nil {
		v.cost = h.Password.KDF
	}
	if h.OS != nil {
		v.osBlob, v.wantOS, v.store = h.OS.Blob, true, u.Store
	}
	if v.master, err = v.unlock(&h, u); err != nil {
		return err
	}
	aead, err := chacha20poly1305.NewX(v.master)
	if err != nil {
		return err
	}
	plain, err := aead.Open(nil, h.Nonce[:], parts.Ciphertext, parts.AD)
	defer wipe(plain)
	if err != nil {
		// The checksum matched and a slot unlocked, so the header or payload
		// was altered by someone who recomputed the checksum.
		return corruptf("the contents fail authentication (the header or data was altered)")
	}
	p, err := decodeContents(plain)
	if err != nil {
		return err
	}
	v.accounts, v.Settings = p.Accounts, p.Settings
	sum := sha256.Sum256(data)
	v.onDisk = sum[:]
	return nil
}

// unlock finds the master key: OS slot first (no prompt), then password.
func (v *Vault) unlock(h *header, u Unlocker) ([]byte, error) {
	var osErr error
	if h.OS != nil && !(u.PasswordOnly && h.Password != nil) && (u.Store != nil || h.Password == nil) {
		key, err := openOSSlot(u.Store, h.ID, h.OS)
		if err == nil {
			return key, nil
		}
		if h.Password == nil {
			return nil, err
		}
		osErr = err
	}
	if u.Password == nil {
		if osErr != nil {
			return nil, fmt.Errorf("%w (the OS key store failed: %v)", ErrPasswordRequired, osErr)
		}
		return nil, ErrPasswordRequired
	}
	pw, err := u.Password()
	if err != nil {
		return nil, err
	}
	// The password is not kept: the slot it opened is written again as it
	// is until the protection changes.
	return openPasswordSlot(h.ID, h.Password, pw)
}

// Create makes a new vault at path with the given protection, writes it, and
// returns it open (locked). It refuses to replace an existing file, so a
// damaged vault is never silently swapped for an empty one.
func Create(link string, p Protection) (*Vault, error) {
	path, err := resolvePath(link, true)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("vault: %v", err)
	}
	l, err := acquireLock(path)
	if err != nil {
		return nil, err
	}
	v := &Vault{path: path, lock: l, warnings: placeWarnings(link, path)}
	if _, err := os.Lstat(path); err == nil {
		v.Close()
		return nil, fmt.Errorf("a vault already exists at %s: %w", path, fs.ErrExist)
	}
	if _, err := rand.Read(v.id[:]); err != nil {
		v.Close()
		return nil, err
	}
	if err := v.SetProtection(p); err != nil {
		v.Close()
		return nil, err
	}
	if err := v.Save(); err != nil {
		v.Close()
		return nil, err
	}
	return v, nil
}

// SetProtection replaces the key slots. A new master key is made and wrapped
// for each chosen slot, so copies of the file under the old protection cannot
// open what is saved afterwards. Nothing changes on disk until Save. That Save
// leaves no file beside the vault under the old protection: the backup
// becomes a copy of the new file and a path+".damaged" copy is removed; and
// if it drops the OS slot, the key is deleted from the old store.
func (v *Vault) SetProtection(p Protection) error {
	if v.closed {
		return ErrClosed
	}
	if p.Password == nil && p.Store == nil {
		return errors.New("a vault needs a password, the OS key store, or both")
	}
	if p.Password != nil && len(p.Password) == 0 {
		return errors.New("the password is empty")
	}
	cost := v.cost
	if p.Argon2 != (Argon2Cost{}) {
		if err := p.Argon2.check(readLimits); err != nil {
			return fmt.Errorf("vault: Argon2id cost %+v refused: %v", p.Argon2, err)
		}
		cost = p.Argon2
	}
	if cost == (Argon2Cost{}) {
		cost = defaultKDF
	}
	master := make([]byte, masterKeyLen)
	if _, err := rand.Read(master); err != nil {
		return err
	}
	if v.wantOS && p.Store == nil && v.store != nil {
		v.forgetOS = v.store
	}
	wipe(v.master)
	wipe(v.password)
	v.master = master
	v.password = bytes.Clone(p.Password)
	v.cost = cost
	v.rekeyed = true
	v.wantPassword, v.pwSlot = p.Password != nil, nil
	v.store, v.wantOS, v.osBlob = p.Store, p.Store != nil, nil
	return nil
}

// Protection reports which slots the vault has (or will have after Save).
func (v *Vault) Protection() (password, os bool) { return v.wantPassword, v.wantOS }

// Path returns the file the vault is read from and saved to: when the path
// given to Open was a symbolic link, the file it points to (the link is kept).
func (v *Vault) Path() string { return v.path }

// Save writes the vault: it encrypts, checks the result decrypts in memory,
// keeps the previous file as path+".bak" (the new one, after SetProtection),
// and replaces the file atomically.
// It fails with ErrChangedOnDisk rather than overwrite changes made by
// someone else since the vault was read, and with ErrLocked if the vault was
// opened with Read and another process holds the lock. On any error the file
// on disk is unchanged.
func (v *Vault) Save() error {
	if v.closed {
		return ErrClosed
	}
	for i, a := range v.accounts {
		if err := a.validateKey(); err != nil {
			return fmt.Errorf("account %d: %w", i+1, err)
		}
	}
	if v.lock == nil {
		l, err := acquireLock(v.path)
		if err != nil {
			return err
		}
		defer releaseLock(l)
	}
	old, err := readVaultFile(v.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if v.onDisk != nil {
			return fmt.Errorf("%w (%s was removed)", ErrChangedOnDisk, v.path)
		}
		old = nil
	case err != nil && !errors.Is(err, ErrCorrupt):
		return fmt.Errorf("vault: %v", err)
	case v.onDisk == nil:
		return fmt.Errorf("%w (%s appeared)", ErrChangedOnDisk, v.path)
	case err != nil: // now too large to be a vault
		return fmt.Errorf("%w (%s)", ErrChangedOnDisk, v.path)
	default:
		if sum := sha256.Sum256(old); !bytes.Equal(sum[:], v.onDisk) {
			return fmt.Errorf("%w (%s)", ErrChangedOnDisk, v.path)
		}
	}

	data, err := v.encode()
	if err != nil {
		return err
	}
	// Under the lock no other save is running, so any temporary file left
	// beside the vault is from a save that was killed.
	removeStaleTemps(v.path)
	if old != nil {
		bak := old
		if v.rekeyed {
			// The previous file, and a damaged copy kept by RestoreBackup,
			// open under the old protection (a damaged payload still
			// decrypts, tag aside). So they go first, and the backup is
			// the new file: at every instant, only the vault itself may
			// still be under the old protection.
			if err := os.Remove(damagedPath(v.path)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("vault: removing the damaged copy under the old protection failed: %v", err)
			}
			bak = data
		}
		if err := writeAtomic(backupPath(v.path), bak); err != nil {
			return fmt.Errorf("vault: keeping the backup failed: %v", err)
		}
	}
	if err := writeAtomic(v.path, data); err != nil {
		if v.rekeyed && old != nil {
			// The backup already holds the new file, under a protection
			// the caller is now told was not applied (Protect puts the old
			// one back in memory). Make it a copy of the vault again, so
			// it opens the way the vault does; if even that fails, it
			// still holds every account, under the protection just typed.
			_ = writeAtomic(backupPath(v.path), old)
		}
		return fmt.Errorf("vault: saving failed: %v", err)
	}
	sum := sha256.Sum256(data)
	v.onDisk = sum[:]
	v.rekeyed = false
	if v.forgetOS != nil {
		// Best effort: the vault no longer needs it, and a leftover key
		// only opens copies of the file as it was.
		_ = v.forgetOS.Delete(vaultIDString(v.id))
		v.forgetOS = nil
	}
	return nil
}

// encode builds the file bytes and verifies them by decoding them again.
func (v *Vault) encode() ([]byte, error) {
	plain, err := encodeContents(v.accounts, v.Settings)
	defer wipe(plain)
	if err != nil {
		return nil, fmt.Errorf("vault: %v", err)
	}
	h := header{ID: v.id}
	if _, err := rand.Read(h.Nonce[:]); err != nil {
		return nil, err
	}
	if v.wantPassword {
		if v.pwSlot == nil {
			if v.password == nil {
				return nil, ErrPasswordRequired
			}
			s, err := newPasswordSlot(v.id, v.password, v.master, v.cost)
			if err != nil {
				return nil, err
			}
			// The slot stays valid for this master key, whether or not
			// this save succeeds: the password is no longer needed.
			v.pwSlot = s
			wipe(v.password)
			v.password = nil
		}
		h.Password = v.pwSlot
	}
	if v.wantOS {
		if v.osBlob == nil {
			if v.store == nil {
				return nil, fmt.Errorf("%w: cannot keep the OS protection", keystore.ErrUnavailable)
			}
			blob, err := v.store.Wrap(vaultIDString(v.id), v.master)
			if err != nil {
				return nil, fmt.Errorf("OS key store could not protect the vault: %w", err)
			}
			if len(blob) == 0 || len(blob) > maxOSBlobLen {
				return nil, fmt.Errorf("OS key store returned a %d-byte blob (want 1..%d)", len(blob), maxOSBlobLen)
			}
			if key, err := openOSSlot(v.store, v.id, &osSlot{Blob: blob}); err != nil || !bytes.Equal(key, v.master) {
				return nil, fmt.Errorf("OS key store did not give back the key it protected: %v", err)
			}
			v.osBlob = blob
		}
		h.OS = &osSlot{Blob: v.osBlob}
	}
	aead, err := chacha20poly1305.NewX(v.master)
	if err != nil {
		return nil, err
	}
	data := encodeFile(&h, func(ad []byte) []byte { return aead.Seal(nil, h.Nonce[:], plain, ad) })
	if err := v.verify(data, plain); err != nil {
		return nil, fmt.Errorf("vault: the new file failed its check, nothing was written: %v", err)
	}
	return data, nil
}

// verify decodes data as Open would and checks it yields plain again, so a
// bug or a bit flip in memory never reaches the disk.
func (v *Vault) verify(data, plain []byte) error {
	parts, err := decodeFile(data)
	if err != nil {
		return err
	}
	// The slot was checked against the master key when it was made (or
	// opened); here it must come back from the bytes exactly as it went in.
	if s := parts.Header.Password; (s == nil) != (v.pwSlot == nil) || s != nil && !s.equal(v.pwSlot) {
		return errors.New("the password slot does not read back")
	}
	aead, err := chacha20poly1305.NewX(v.master)
	if err != nil {
		return err
	}
	got, err := aead.Open(nil, parts.Header.Nonce[:], parts.Ciphertext, parts.AD)
	defer wipe(got)
	if err != nil || !bytes.Equal(got, plain) {
		return errors.New("the payload does not decrypt")
	}
	return nil
}

// Close releases the lock and wipes what the vault holds in memory: the
// master key, a pending password, and every account's secret (so an Account
// copied out of Accounts reads an all-zero secret afterwards: take codes
// before Close). The Vault cannot be saved afterwards. Close is safe to call
// twice. README's "What locking does" says what it cannot wipe.
func (v *Vault) Close() error {
	if v.closed {
		return nil
	}
	v.closed = true
	wipe(v.master)
	wipe(v.password)
	v.master, v.password = nil, nil
	for i := range v.accounts {
		wipe(v.accounts[i].Secret)
	}
	if v.lock != nil {
		releaseLock(v.lock)
		v.lock = nil
	}
	return nil
}

// RestoreBackup replaces a damaged vault file with its intact backup. The
// damaged file is kept as path+".damaged" rather than deleted.
func RestoreBackup(link string) error {
	path, err := resolvePath(link, false)
	if err != nil {
		return err
	}
	l, err := acquireLock(path)
	if err != nil {
		return err
	}
	defer releaseLock(l)
	if cur, err := readVaultFile(path); err == nil {
		_, err := decodeFile(cur)
		if err == nil {
			return fmt.Errorf("%s is not damaged, so its backup was not restored", path)
		}
		if errors.Is(err, ErrNewerVersion) {
			return fmt.Errorf("%s: %w; its backup was not restored", path, err)
		}
	}
	bak, ok := intactBackup(path)
	if !ok {
		return fmt.Errorf("%w: no intact backup at %s", ErrCorrupt, backupPath(path))
	}
	if old, err := os.ReadFile(path); err == nil {
		if err := writeAtomic(damagedPath(path), old); err != nil {
			return fmt.Errorf("vault: keeping the damaged file failed: %v", err)
		}
	}
	if err := writeAtomic(path, bak.data); err != nil {
		return fmt.Errorf("vault: restoring the backup failed: %v", err)
	}
	return nil
}

func backupPath(path string) string { return path + ".bak" }

func damagedPath(path string) string { return path + ".damaged" }

type backupFile struct {
	path string
	data []byte
	mod  time.Time
}

// intactBackup reads path's backup and reports whether its framing and
// checksum are sound. It cannot check the password: that is Open's job.
func intactBackup(path string) (backupFile, bool) {
	b := backupFile{path: backupPath(path)}
	fi, err := os.Stat(b.path)
	if err != nil {
		return b, false
	}
	if b.data, err = readVaultFile(b.path); err != nil {
		return b, false
	}
	if _, err := decodeFile(b.data); err != nil {
		return b, false
	}
	b.mod = fi.ModTime()
	return b, true
}

// maxFileLen is the largest file a v1 vault can be; anything bigger is not
// read into memory at all.
const maxFileLen = prefixLen + maxHeaderLen + 4 + maxPayloadLen + trailerLen

// readVaultFile reads a vault file, refusing (as damaged) one too large to be
// a vault rather than loading gigabytes.
func readVaultFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > int64(maxFileLen) {
		return nil, corruptf("the file is larger than any vault (over %d MiB)", maxFileLen>>20)
	}
	// The limit still holds for files whose size Stat cannot tell.
	data, err := io.ReadAll(io.LimitReader(f, int64(maxFileLen)+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFileLen {
		return nil, corruptf("the file is larger than any vault (over %d MiB)", maxFileLen>>20)
	}
	return data, nil
}

func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}
