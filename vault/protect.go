package vault

import (
	"bytes"

	"github.com/deskauth/deskauth/vault/keystore"
)

// Protect replaces the vault's key slots (see SetProtection) and saves, as one
// step: when the save fails, the vault keeps its previous protection in memory
// as well as on disk, so a later Save does not quietly apply a change the
// caller was told had failed. This is how the app changes the password or
// switches between password, OS key store and both.
func (v *Vault) Protect(p Protection) error {
	before := v.protectionState()
	if err := v.SetProtection(p); err != nil {
		before.wipe()
		return err
	}
	if err := v.Save(); err != nil {
		wipe(v.master)
		wipe(v.password)
		v.restoreProtection(before)
		return err
	}
	before.wipe()
	return nil
}

// protectionState is a copy of everything SetProtection changes.
type protectionState struct {
	master, password []byte
	pwSlot           *passwordSlot
	wantPassword     bool
	store            keystore.Store
	osBlob           []byte
	wantOS           bool
	forgetOS         keystore.Store
	rekeyed          bool
	cost             Argon2Cost
}

func (v *Vault) protectionState() protectionState {
	return protectionState{
		master: bytes.Clone(v.master), password: bytes.Clone(v.password),
		pwSlot: v.pwSlot, wantPassword: v.wantPassword,
		store: v.store, osBlob: bytes.Clone(v.osBlob), wantOS: v.wantOS, forgetOS: v.forgetOS,
		rekeyed: v.rekeyed, cost: v.cost,
	}
}

func (v *Vault) restoreProtection(s protectionState) {
	v.master, v.password = s.master, s.password
	v.pwSlot, v.wantPassword = s.pwSlot, s.wantPassword
	v.store, v.osBlob, v.wantOS, v.forgetOS = s.store, s.osBlob, s.wantOS, s.forgetOS
	v.rekeyed, v.cost = s.rekeyed, s.cost
}

func (s protectionState) wipe() {
	wipe(s.master)
	wipe(s.password)
}
