package vault

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The use cases below are the only way the account list changes. Each one
// saves the vault, and when the save fails it puts memory back as it was, so
// what the app or the CLI shows always matches the file.

var (
	// ErrNoAccount means an account index is out of range (the list changed
	// under the caller).
	ErrNoAccount = errors.New("no such account")
	// ErrNoMatch means a query names no account.
	ErrNoMatch = errors.New("no account matches")
)

// AmbiguousError is what Find returns when a query names several accounts.
type AmbiguousError struct {
	Query   string
	Matches []int // indexes into Accounts()
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%q matches %d accounts", e.Query, len(e.Matches))
}

// Accounts returns the accounts in display order. The slice belongs to the
// vault: read it, never change it, and do not keep it across a change. Its
// secrets are the vault's own memory, which Close wipes: take codes before
// Close, and copy (then wipe) any secret to be kept after it.
func (v *Vault) Accounts() []Account { return v.accounts }

// Snapshot returns copies of the accounts whose secrets the caller owns, for
// work that may outlive the vault's unlocked state (an export in the
// background). The caller wipes them with Wipe when done.
func (v *Vault) Snapshot() []Account {
	out := slices.Clone(v.accounts)
	for i := range out {
		out[i].Secret = bytes.Clone(out[i].Secret)
	}
	return out
}

// Wipe overwrites the secrets of accts with zeros.
func Wipe(accts []Account) {
	for i := range accts {
		clear(accts[i].Secret)
	}
}

// Outcome is what adding one account would do.
type Outcome int

const (
	// New: no account like it; it is added.
	New Outcome = iota
	// Duplicate: an account with the same issuer and the same secret is
	// already there (or earlier in the same batch); it is skipped.
	Duplicate
	// Reenrolment: an account with the same issuer and name but another
	// secret is there, as when a console resets its 2FA. The caller chooses
	// what happens: see Choice.
	Reenrolment
)

// Choice is the caller's decision on a re-enrolment.
type Choice int

const (
	// Replace puts the new secret in place of the old one, keeping the
	// account's place in the list. It is the default: the new secret is the
	// one the console now expects.
	Replace Choice = iota
	// KeepBoth adds the new account under a free name ("name (2)").
	KeepBoth
	// Skip leaves the vault as it is.
	Skip
)

// Planned is one account of a Plan and what adding it will do.
type Planned struct {
	Account Account
	Outcome Outcome
	// Existing is the index in Accounts() of the account this one duplicates
	// or re-enrols, or -1 (also for a duplicate of an earlier entry of the
	// same batch).
	Existing int
	// Choice applies to a Reenrolment.
	Choice Choice
	// CodeShown says the caller showed this account's code before adding it
	// (to verify it in the console). For an HOTP account that code counts as
	// used, so the account is stored with its counter past it.
	CodeShown bool
}

// AddReport says what AddPlanned did, account by account.
type AddReport struct {
	Added    []Account // new accounts, as stored
	Replaced []Account // re-enrolments that replaced the old secret
	Renamed  []Account // re-enrolments kept beside the old account, under their new names
	Skipped  []Account // duplicates, and re-enrolments the caller chose to skip
}

// Changed reports whether the vault changed.
func (r AddReport) Changed() bool { return len(r.Added)+len(r.Replaced)+len(r.Renamed) > 0 }

// sameLabel reports whether two accounts are shown under the same label.
func sameLabel(a, b Account) bool {
	return strings.EqualFold(a.Issuer, b.Issuer) && strings.EqualFold(a.Name, b.Name)
}

// sameKey reports whether two accounts of one issuer hold the same secret:
// the same account, whatever it is called.
func sameKey(a, b Account) bool {
	return strings.EqualFold(a.Issuer, b.Issuer) && string(a.Secret) == string(b.Secret)
}

// Plan says what adding accts would do, changing nothing. Re-enrolments get
// the default Choice, Replace; the caller may change it before AddPlanned.
func (v *Vault) Plan(accts []Account) []Planned {
	plan := make([]Planned, 0, len(accts))
	for i, a := range accts {
		p := Planned{Account: a, Outcome: New, Existing: -1}
		for j, b := range v.accounts {
			if sameKey(a, b) {
				p.Outcome, p.Existing = Duplicate, j
				break
			}
			if sameLabel(a, b) && p.Outcome == New {
				p.Outcome, p.Existing = Reenrolment, j
			}
		}
		if p.Outcome != Duplicate && slices.ContainsFunc(accts[:i], func(b Account) bool { return sameKey(a, b) }) {
			p.Outcome, p.Existing = Duplicate, -1
		}
		plan = append(plan, p)
	}
	return plan
}

// Add adds accounts with the default choices (see Plan) and saves.
func (v *Vault) Add(accts ...Account) (AddReport, error) {
	return v.AddPlanned(v.Plan(accts))
}

// AddPlanned carries out a plan made by Plan and saves once. Every account
// is validated first; an invalid one fails the whole plan. A new account
// whose label is taken (by a re-enrolment kept beside, or an earlier entry of
// the batch) gets a free name. On any error the vault is as it was.
func (v *Vault) AddPlanned(plan []Planned) (AddReport, error) {
	var r AddReport
	if v.closed {
		return r, ErrClosed
	}
	for _, p := range plan {
		if err := p.Account.Validate(); err != nil {
			return AddReport{}, err
		}
		if p.Existing >= len(v.accounts) {
			return AddReport{}, ErrNoAccount
		}
	}
	moved := false // an HOTP counter moved past a code shown
	err := v.change(func() {
		for _, p := range plan {
			a := p.Account
			if p.CodeShown && a.Kind == HOTP {
				a.Advance()
			}
			switch {
			case p.Outcome == Duplicate && p.CodeShown && a.Kind == HOTP && p.Existing >= 0 &&
				v.accounts[p.Existing].Kind == HOTP && v.accounts[p.Existing].Counter < a.Counter:
				// The code shown was typed into the console: the account
				// already here must not hand it out again.
				v.accounts[p.Existing].Counter = a.Counter
				moved = true
				r.Skipped = append(r.Skipped, a)
			case p.Outcome == Duplicate || (p.Outcome == Reenrolment && p.Choice == Skip):
				r.Skipped = append(r.Skipped, a)
			case p.Outcome == Reenrolment && p.Choice == Replace:
				a.Secret = bytes.Clone(a.Secret) // the vault's own copy, wiped by Close
				v.accounts[p.Existing] = a
				r.Replaced = append(r.Replaced, a)
			default:
				a.Secret = bytes.Clone(a.Secret)
				renamed := v.freeName(&a)
				v.accounts = append(v.accounts, a)
				if p.Outcome == Reenrolment || renamed {
					r.Renamed = append(r.Renamed, a)
				} else {
					r.Added = append(r.Added, a)
				}
			}
		}
	}, func() bool { return r.Changed() || moved })
	if err != nil {
		return AddReport{}, err
	}
	return r, nil
}

// freeName renames a when its label is taken, to "name (2)", "name (3)"…,
// and reports whether it did.
func (v *Vault) freeName(a *Account) bool {
	taken := func(b Account) bool { return sameLabel(*a, b) }
	if !slices.ContainsFunc(v.accounts, taken) {
		return false
	}
	base := a.Name
	for n := 2; ; n++ {
		a.Name = strings.TrimSpace(base + " (" + strconv.Itoa(n) + ")")
		if !slices.ContainsFunc(v.accounts, taken) {
			return true
		}
	}
}

// Rename gives account i a new issuer and name (trimmed). It fails with
// ErrDuplicate when another account has that label.
func (v *Vault) Rename(i int, issuer, name string) error {
	if i < 0 || i >= len(v.accounts) {
		return ErrNoAccount
	}
	a := v.accounts[i]
	a.Issuer, a.Name = strings.TrimSpace(issuer), strings.TrimSpace(name)
	if a.Issuer == "" && a.Name == "" {
		return fieldErr(FieldName, ReasonMissing, "")
	}
	if err := a.Validate(); err != nil {
		return err
	}
	for j, b := range v.accounts {
		if j != i && sameLabel(a, b) {
			return fmt.Errorf("%w: %s", ErrDuplicate, a.Label())
		}
	}
	return v.change(func() { v.accounts[i] = a }, nil)
}

// Remove deletes account i. The file before the change stays as the backup
// until the next save.
func (v *Vault) Remove(i int) error {
	if i < 0 || i >= len(v.accounts) {
		return ErrNoAccount
	}
	return v.change(func() { v.accounts = slices.Delete(slices.Clone(v.accounts), i, i+1) }, nil)
}

// Move moves account i by delta places (negative is up), stopping at either
// end. Moving nowhere saves nothing.
func (v *Vault) Move(i, delta int) error {
	if i < 0 || i >= len(v.accounts) {
		return ErrNoAccount
	}
	j := min(max(i+delta, 0), len(v.accounts)-1)
	if j == i {
		return nil
	}
	return v.change(func() {
		a := v.accounts[i]
		accts := slices.Delete(slices.Clone(v.accounts), i, i+1)
		v.accounts = slices.Insert(accts, j, a)
	}, nil)
}

// UseCode returns the code of account i to hand out at time at. For an HOTP
// account the counter moves past the code and is saved before the code is
// returned, so a code is never handed out twice; when the save fails no code
// is returned and the counter is as it was.
func (v *Vault) UseCode(i int, at time.Time) (string, error) {
	if i < 0 || i >= len(v.accounts) {
		return "", ErrNoAccount
	}
	a := v.accounts[i]
	if a.Kind == HOTP && a.Counter >= MaxCounter {
		// The next counter would pass the bound (and, near 2^64, wrap to
		// 0 and hand out old codes again).
		return "", rangeErr(FieldCounter, strconv.FormatUint(a.Counter+1, 10), 0, MaxCounter)
	}
	code, err := a.Code(at)
	if err != nil || a.Kind != HOTP {
		return code, err
	}
	if err := v.change(func() { v.accounts[i].Advance() }, nil); err != nil {
		return "", err
	}
	return code, nil
}

// UpdateSettings changes the settings with edit and saves them; when the
// save fails the settings are as they were.
func (v *Vault) UpdateSettings(edit func(*Settings)) error {
	return v.change(func() { edit(&v.Settings) }, nil)
}

// change applies edit and saves. When the save fails, or changed (if given)
// says nothing changed, the accounts and settings are put back as they were
// (and nothing is written in the latter case).
func (v *Vault) change(edit func(), changed func() bool) error {
	if v.closed {
		return ErrClosed
	}
	accounts, settings := slices.Clone(v.accounts), v.Settings
	edit()
	if changed != nil && !changed() {
		wipeDropped(v.accounts, accounts)
		v.accounts, v.Settings = accounts, settings
		return nil
	}
	if err := v.Save(); err != nil {
		wipeDropped(v.accounts, accounts)
		v.accounts, v.Settings = accounts, settings
		return err
	}
	wipeDropped(accounts, v.accounts)
	return nil
}

// wipeDropped zeroes the secrets of the accounts in from whose secret is not
// (the same memory) in any account of kept: a removed or replaced account's
// key once its removal is saved, or the vault's copies of accounts a failed
// change added.
func wipeDropped(from, kept []Account) {
	for _, a := range from {
		if len(a.Secret) == 0 || slices.ContainsFunc(kept, func(b Account) bool {
			return len(b.Secret) > 0 && &b.Secret[0] == &a.Secret[0]
		}) {
			continue
		}
		wipe(a.Secret)
	}
}

// Match returns the indexes of the accounts whose label contains query,
// ignoring case. An account whose label equals query (ignoring case) is
// returned alone, so "GitHub" picks GitHub even when "GitHub Enterprise"
// exists. An empty query matches every account.
func (v *Vault) Match(query string) []int {
	q := strings.ToLower(strings.TrimSpace(query))
	var out []int
	for i, a := range v.accounts {
		label := strings.ToLower(a.Label())
		if q != "" && (label == q || strings.ToLower(a.Issuer+":"+a.Name) == q) {
			return []int{i}
		}
		if strings.Contains(label, q) {
			out = append(out, i)
		}
	}
	return out
}

// Find resolves query to exactly one account: ErrNoMatch when none matches,
// *AmbiguousError when several do.
func (v *Vault) Find(query string) (int, error) {
	if strings.TrimSpace(query) == "" {
		return 0, ErrNoMatch
	}
	idx := v.Match(query)
	switch len(idx) {
	case 0:
		return 0, ErrNoMatch
	case 1:
		return idx[0], nil
	}
	return 0, &AmbiguousError{Query: query, Matches: idx}
}
