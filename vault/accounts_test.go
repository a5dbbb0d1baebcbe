package vault

import (
	"bytes"
	"io/fs"

	"errors"
	"github.com/deskauth/deskauth/vault/keystore"
	"os"
	"slices"
	"testing"
	"time"
)

// openSample creates a password vault holding sampleAccounts and opens it.
func openSample(t *testing.T) *Vault {
	t.Helper()
	path := newVault(t, Protection{Argon2: testCost, Password: []byte("pw")}, sampleAccounts())
	v, err := Open(path, pw("pw"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

// reopen reads the vault's file again, to check what was saved.
func reopen(t *testing.T, v *Vault) []Account {
	t.Helper()
	r, err := Read(v.Path(), pw("pw"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	// Close wipes the secrets, so the caller gets copies.
	out := slices.Clone(r.Accounts())
	for i := range out {
		out[i].Secret = bytes.Clone(out[i].Secret)
	}
	return out
}

// breakSaves makes the next Save fail with ErrChangedOnDisk, as when a sync
// client rewrote the file meanwhile.
func breakSaves(t *testing.T, v *Vault) {
	t.Helper()
	f, err := os.OpenFile(v.Path(), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte{0})
	f.Close()
}

func labels(accts []Account) []string {
	var out []string
	for _, a := range accts {
		out = append(out, a.Label())
	}
	return out
}

func TestPlanOutcomes(t *testing.T) {
	v := &Vault{accounts: sampleAccounts()}
	gh := sampleAccounts()[0]

	dupOtherName := gh
	dupOtherName.Name = "renamed@example.com" // same issuer and secret: the same account
	reenrol := gh
	reenrol.Secret = []byte("a brand new secret!!")
	reenrol.Issuer = "github" // case does not matter
	fresh := gh
	fresh.Issuer, fresh.Secret = "GitLab", []byte("gitlab-secret-123456")
	otherIssuerSameSecret := gh
	otherIssuerSameSecret.Issuer = "Bitbucket"

	plan := v.Plan([]Account{gh, dupOtherName, reenrol, fresh, fresh, otherIssuerSameSecret})
	want := []struct {
		o        Outcome
		existing int
	}{{Duplicate, 0}, {Duplicate, 0}, {Reenrolment, 0}, {New, -1}, {Duplicate, -1}, {New, -1}}
	for i, w := range want {
		if plan[i].Outcome != w.o || plan[i].Existing != w.existing || plan[i].Choice != Replace {
			t.Errorf("plan[%d] = outcome %d existing %d choice %d, want %d %d Replace", i, plan[i].Outcome, plan[i].Existing, plan[i].Choice, w.o, w.existing)
		}
	}
	if len(v.accounts) != 3 {
		t.Fatal("Plan changed the vault")
	}
}

func TestAddReenrolmentChoices(t *testing.T) {
	newSecret := []byte("a brand new secret!!")
	for _, tc := range []struct {
		choice Choice
		want   []string
		secret []byte // of GitHub (alice@example.com) afterwards
	}{
		{Replace, []string{"GitHub (alice@example.com)", "銀行 (山田)", "Steam (gamer)"}, newSecret},
		{KeepBoth, []string{"GitHub (alice@example.com)", "銀行 (山田)", "Steam (gamer)", "GitHub (alice@example.com (2))"}, []byte("12345678901234567890")},
		{Skip, []string{"GitHub (alice@example.com)", "銀行 (山田)", "Steam (gamer)"}, []byte("12345678901234567890")},
	} {
		v := openSample(t)
		a := sampleAccounts()[0]
		a.Secret = newSecret
		plan := v.Plan([]Account{a})
		plan[0].Choice = tc.choice
		r, err := v.AddPlanned(plan)
		if err != nil {
			t.Fatal(err)
		}
		for _, accts := range [][]Account{v.Accounts(), reopen(t, v)} {
			if got := labels(accts); !slices.Equal(got, tc.want) {
				t.Errorf("choice %d: accounts %q, want %q", tc.choice, got, tc.want)
			}
			if string(accts[0].Secret) != string(tc.secret) {
				t.Errorf("choice %d: first account's secret not as expected", tc.choice)
			}
		}
		switch tc.choice {
		case Replace:
			if len(r.Replaced) != 1 || r.Changed() == false {
				t.Errorf("report %+v", r)
			}
		case KeepBoth:
			if len(r.Renamed) != 1 || r.Renamed[0].Name != "alice@example.com (2)" {
				t.Errorf("report %+v", r)
			}
		case Skip:
			if len(r.Skipped) != 1 || r.Changed() {
				t.Errorf("report %+v", r)
			}
		}
	}
}

func TestAddShownHOTPCodeCountsAsUsed(t *testing.T) {
	v := openSample(t)
	h := Account{Issuer: "VPN", Name: "admin", Kind: HOTP, Algorithm: SHA1, Digits: 6, Counter: 7, Secret: []byte("12345678901234567890")}
	shown, _ := h.Code(time.Time{})
	plan := v.Plan([]Account{h})
	plan[0].CodeShown = true
	if _, err := v.AddPlanned(plan); err != nil {
		t.Fatal(err)
	}
	i := len(v.Accounts()) - 1
	got, err := v.UseCode(i, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if got == shown || v.Accounts()[i].Counter != 9 {
		t.Fatalf("first code after saving = %s (shown %s), counter %d: the shown code was handed out again", got, shown, v.Accounts()[i].Counter)
	}
}

func TestFailedSaveLeavesMemoryAsItWas(t *testing.T) {
	newAcct := Account{Issuer: "GitLab", Name: "bob", Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte("gitlab-secret-123456")}
	reenrol := sampleAccounts()[0]
	reenrol.Secret = []byte("a brand new secret!!")
	for name, change := range map[string]func(v *Vault) error{
		"add":      func(v *Vault) error { _, err := v.Add(newAcct, reenrol); return err },
		"rename":   func(v *Vault) error { return v.Rename(0, "GitHub", "carol") },
		"remove":   func(v *Vault) error { return v.Remove(1) },
		"move":     func(v *Vault) error { return v.Move(2, -2) },
		"hotp":     func(v *Vault) error { _, err := v.UseCode(1, time.Now()); return err },
		"settings": func(v *Vault) error { return v.UpdateSettings(func(s *Settings) { s.TimeSource = "none" }) },
	} {
		v := openSample(t)
		before, settings := slices.Clone(v.Accounts()), v.Settings
		breakSaves(t, v)
		if err := change(v); !errors.Is(err, ErrChangedOnDisk) {
			t.Fatalf("%s: err = %v, want ErrChangedOnDisk", name, err)
		}
		sameAccounts(t, v.Accounts(), before)
		if v.Settings != settings {
			t.Errorf("%s: settings changed", name)
		}
	}
}

func TestUseCodeHOTPSavesBeforeHandingOut(t *testing.T) {
	v := openSample(t)
	want, _ := sampleAccounts()[1].Code(time.Time{})
	code, err := v.UseCode(1, time.Now())
	if err != nil || code != want {
		t.Fatalf("UseCode = %q, %v; want %q", code, err, want)
	}
	if got := reopen(t, v)[1].Counter; got != 43 {
		t.Fatalf("saved counter %d, want 43", got)
	}
	breakSaves(t, v)
	if code, err := v.UseCode(1, time.Now()); code != "" || err == nil {
		t.Fatalf("UseCode after a failed save = %q, %v; want no code", code, err)
	}
	// A TOTP code changes nothing and needs no save.
	at := time.Unix(59, 0)
	if code, err := v.UseCode(0, at); err != nil || code == "" {
		t.Fatalf("TOTP UseCode = %q, %v", code, err)
	}
}

func TestRenameRemoveMove(t *testing.T) {
	v := openSample(t)
	if err := v.Rename(0, " GitHub ", "bob"); err != nil {
		t.Fatal(err)
	}
	if err := v.Rename(1, "github", "BOB"); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("rename onto another's label: %v", err)
	}
	var fe *FieldError
	if err := v.Rename(1, " ", ""); !errors.As(err, &fe) || fe.Field != FieldName || fe.Reason != ReasonMissing {
		t.Fatalf("rename to nothing: %v", err)
	}
	if err := v.Move(2, -5); err != nil {
		t.Fatal(err)
	}
	if err := v.Remove(2); err != nil {
		t.Fatal(err)
	}
	want := []string{"Steam (gamer)", "GitHub (bob)"}
	for _, accts := range [][]Account{v.Accounts(), reopen(t, v)} {
		if got := labels(accts); !slices.Equal(got, want) {
			t.Fatalf("accounts %q, want %q", got, want)
		}
	}
	for _, err := range []error{v.Remove(5), v.Move(-1, 1), v.Rename(9, "a", "b")} {
		if !errors.Is(err, ErrNoAccount) {
			t.Errorf("out of range: %v", err)
		}
	}
	if _, err := v.UseCode(2, time.Now()); !errors.Is(err, ErrNoAccount) {
		t.Errorf("UseCode out of range: %v", err)
	}
}

func TestFind(t *testing.T) {
	v := &Vault{accounts: sampleAccounts()}
	v.accounts = append(v.accounts, Account{Issuer: "GitHub Enterprise", Name: "alice@example.com"})
	if i, err := v.Find("steam"); err != nil || i != 2 {
		t.Errorf("Find(steam) = %d, %v", i, err)
	}
	if _, err := v.Find("nothing"); !errors.Is(err, ErrNoMatch) {
		t.Errorf("Find(nothing): %v", err)
	}
	var amb *AmbiguousError
	if _, err := v.Find("git"); !errors.As(err, &amb) || !slices.Equal(amb.Matches, []int{0, 3}) {
		t.Errorf("Find(git): %v", err)
	}
	if _, err := v.Find("  "); !errors.Is(err, ErrNoMatch) {
		t.Errorf("Find(blank): %v", err)
	}
}

func TestAddInvalidChangesNothing(t *testing.T) {
	v := openSample(t)
	bad := sampleAccounts()[0]
	bad.Issuer, bad.Secret = "X", nil
	good := bad
	good.Secret = []byte("fine-secret-12345678")
	if _, err := v.Add(good, bad); !errors.Is(err, ErrInvalidAccount) {
		t.Fatalf("err = %v", err)
	}
	sameAccounts(t, v.Accounts(), sampleAccounts())
	sameAccounts(t, reopen(t, v), sampleAccounts())
}

// On a vault with both slots, a typed password decides: a wrong one fails
// even though the OS key store could open the vault.
func TestPasswordOnlyAndSlots(t *testing.T) {
	store := keystore.NewMemory()
	path := newVault(t, Protection{Argon2: testCost, Password: []byte("pw"), Store: store}, sampleAccounts())
	if pw, os, err := Slots(path); err != nil || !pw || !os {
		t.Fatalf("Slots = %v %v %v, want both", pw, os, err)
	}
	wrong := Unlocker{Store: store, Password: func() ([]byte, error) { return []byte("nope"), nil }, PasswordOnly: true}
	if _, err := Read(path, wrong); !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("wrong password with PasswordOnly: %v", err)
	}
	wrong.PasswordOnly = false
	v, err := Read(path, wrong)
	if err != nil {
		t.Fatalf("OS slot first without PasswordOnly: %v", err)
	}
	v.Close()
	right := Unlocker{Store: store, Password: func() ([]byte, error) { return []byte("pw"), nil }, PasswordOnly: true}
	if v, err := Read(path, right); err != nil {
		t.Fatal(err)
	} else {
		v.Close()
	}
	osOnly := newVault(t, Protection{Store: store}, nil)
	if pw, os, err := Slots(osOnly); err != nil || pw || !os {
		t.Fatalf("Slots(os only) = %v %v %v", pw, os, err)
	}
	// PasswordOnly cannot lock anyone out of an OS-only vault.
	if v, err := Read(osOnly, Unlocker{Store: store, PasswordOnly: true}); err != nil {
		t.Fatal(err)
	} else {
		v.Close()
	}
	if _, _, err := Slots(path + ".missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Slots(missing) = %v", err)
	}
}

// An HOTP account scanned again and skipped as a duplicate: its code was
// shown (and typed), so the stored counter moves past it.
func TestShownCodeOfDuplicateHOTPIsUsed(t *testing.T) {
	v := openSample(t)
	again := sampleAccounts()[1] // HOTP, counter 42, already in the vault
	plan := v.Plan([]Account{again})
	if plan[0].Outcome != Duplicate {
		t.Fatalf("outcome %d", plan[0].Outcome)
	}
	plan[0].CodeShown = true
	r, err := v.AddPlanned(plan)
	if err != nil || len(r.Skipped) != 1 {
		t.Fatalf("AddPlanned: %+v %v", r, err)
	}
	if got := reopen(t, v)[1].Counter; got != 43 {
		t.Fatalf("saved counter %d, want 43", got)
	}
	shown, _ := again.Code(time.Time{})
	if code, _ := v.UseCode(1, time.Time{}); code == shown {
		t.Fatal("the code shown when scanning again was handed out")
	}
}

func TestSnapshotOwnsItsSecrets(t *testing.T) {
	v := openSample(t)
	snap := v.Snapshot()
	v.Close()
	sameAccounts(t, snap, sampleAccounts())
	Wipe(snap)
	for _, a := range snap {
		for _, b := range a.Secret {
			if b != 0 {
				t.Fatal("Wipe left a secret")
			}
		}
	}
}
