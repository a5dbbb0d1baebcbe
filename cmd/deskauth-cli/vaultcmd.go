package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/deskauth/deskauth/vault"
	"github.com/deskauth/deskauth/vault/keystore"
)

// keyStore returns the OS key store. The CLI's tests replace it with a store
// that keeps its keys in files, so that scripts run without a keyring.
var keyStore = keystore.Default

// testOnlyArgon2 is the Argon2id cost of the password slots the CLI makes;
// zero is the vault's own. Only the CLI's tests set it (as age's tests set
// testOnlyConfigureScryptIdentity): no flag or variable reaches it.
var testOnlyArgon2 vault.Argon2Cost

// vaultFlags are the flags every vault command takes, plus what opening the
// vault learned (the password typed, if one was needed).
type vaultFlags struct {
	path         string
	passwordFile string

	password []byte // the password that unlocked the vault, if one did
}

// vaultFlags registers --vault and --password-file on fs.
func (c *cli) vaultFlags(fs *flag.FlagSet) *vaultFlags {
	vf := &vaultFlags{}
	fs.StringVar(&vf.path, "vault", "", "the vault `file` (default: $DESKAUTH_VAULT, else deskauth.vault beside the program if present, else the user config folder)")
	fs.StringVar(&vf.passwordFile, "password-file", "", "read the vault password from the first line of `file` (for automation; $DESKAUTH_PASSWORD also works)")
	return vf
}

// vaultPath resolves which vault file to use.
func (c *cli) vaultPath(vf *vaultFlags) (string, error) {
	if vf.path != "" {
		return vf.path, nil
	}
	if p := c.getenv(vault.EnvVault); p != "" {
		return p, nil
	}
	return vault.DefaultPath()
}

// unlocker asks the OS key store first and the password sources only when the
// vault needs its password.
func (c *cli) unlocker(vf *vaultFlags, path string) vault.Unlocker {
	u := vault.Unlocker{Password: func() ([]byte, error) {
		pw, err := c.existingPassword(vf.passwordFile, path)
		if err == nil {
			vf.password = pw
		}
		return pw, err
	}}
	s, err := keyStore()
	if err != nil {
		// Keep the reason (no D-Bus session, say) for when the vault turns
		// out to need the OS key store.
		s = unavailableStore{err}
	}
	u.Store = s
	return u
}

// unavailableStore stands in for an OS key store that could not be reached.
type unavailableStore struct{ err error }

func (s unavailableStore) Wrap(string, []byte) ([]byte, error)   { return nil, s.err }
func (s unavailableStore) Unwrap(string, []byte) ([]byte, error) { return nil, s.err }
func (s unavailableStore) Delete(string) error                   { return s.err }

// openVault opens the vault for editing: its lock is held until Close, so
// another DeskAuth cannot write it meanwhile. Errors are ready to print.
func (c *cli) openVault(vf *vaultFlags) (*vault.Vault, error) {
	return c.openWith(vf, vault.Open)
}

// readVault opens a snapshot of the vault, for reading: a running DeskAuth
// window does not block it. Its Save still locks, and refuses to overwrite a
// file that changed meanwhile.
func (c *cli) readVault(vf *vaultFlags) (*vault.Vault, error) {
	return c.openWith(vf, vault.Read)
}

func (c *cli) openWith(vf *vaultFlags, open func(string, vault.Unlocker) (*vault.Vault, error)) (*vault.Vault, error) {
	path, err := c.vaultPath(vf)
	if err != nil {
		return nil, err
	}
	v, err := open(path, c.unlocker(vf, path))
	var be *vault.BackupError
	switch {
	case err == nil:
		c.warnPlace(v)
		return v, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("no vault at %s (create one with deskauth-cli init)", path)
	case errors.As(err, &be):
		return nil, fmt.Errorf("%w; run deskauth-cli restore to use it", err)
	}
	return nil, err
}

// protectionName describes a vault's slots as init --protect spells them.
func protectionName(v *vault.Vault) string {
	pw, os := v.Protection()
	switch {
	case pw && os:
		return "both"
	case os:
		return "os"
	}
	return "password"
}

func runInit(c *cli, args []string) error {
	fset := c.flags("init")
	vf := c.vaultFlags(fset)
	protect := fset.String("protect", "password", "how to protect the vault: `password`, os (the OS key store) or both (either one unlocks it)")
	if err := c.parseNoArgs(fset, args); err != nil {
		return err
	}
	path, err := c.vaultPath(vf)
	if err != nil {
		return err
	}
	p := vault.Protection{Argon2: testOnlyArgon2}
	switch *protect {
	case "password", "os", "both":
	default:
		return usagef("--protect must be password, os or both, not %q", *protect)
	}
	if *protect != "password" {
		if p.Store, err = keyStore(); err != nil {
			return err
		}
	}
	if *protect != "os" {
		if p.Password, err = c.newPassword("--password-file", vf.passwordFile, envPassword); err != nil {
			return err
		}
	}
	v, err := vault.Create(path, p)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("a vault already exists at %s; nothing was changed", path)
	}
	if err != nil {
		return err
	}
	defer v.Close()
	c.warnPlace(v)
	fmt.Fprintf(c.stdout, "created a vault protected by %s at %s\n", describeProtection(*protect), path)
	return nil
}

func describeProtection(p string) string {
	switch p {
	case "os":
		return "the OS key store"
	case "both":
		return "a password and the OS key store (either one opens it)"
	}
	return "a password"
}

func runAdd(c *cli, args []string) error {
	fs := c.flags("add")
	vf := c.vaultFlags(fs)
	issuer := fs.String("issuer", "", "the service, e.g. GitHub")
	name := fs.String("name", "", "the account name, e.g. alice@example.com")
	secret := fs.String("secret", "", "the Base32 `key`; - reads it from stdin, which keeps it out of the process list")
	algorithm := fs.String("algorithm", "SHA1", "SHA1, SHA256 or SHA512")
	digits := fs.Int("digits", vault.DefaultDigits, "code length")
	period := fs.Int("period", vault.DefaultPeriod, "seconds per code (TOTP)")
	isHOTP := fs.Bool("hotp", false, "a counter-based (HOTP) account")
	counter := fs.Uint64("counter", 0, "the HOTP counter of the next code")
	var reenrol reenrolChoice
	reenrolFlags(fs, &reenrol)
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	var a vault.Account
	switch {
	case len(pos) == 1:
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		for _, f := range []string{"issuer", "name", "secret", "algorithm", "digits", "period", "hotp", "counter"} {
			if set[f] {
				return usagef("add takes a URI or --%s and the other fields, not both", f)
			}
		}
		uri, err := c.stdinArg(pos[0], "URI", "otpauth:// URI: ")
		if err != nil {
			return err
		}
		if a, err = vault.ParseURI(uri); err != nil {
			return err
		}
	case len(pos) > 1:
		return usagef("add takes one URI (quote it)")
	case *secret == "":
		return usagef("add needs an otpauth:// URI, or --secret with --issuer and/or --name")
	case *issuer == "" && *name == "":
		return usagef("add needs --issuer or --name to label the account")
	default:
		s := *secret
		if s == "-" {
			if s, err = c.readLine(); err != nil {
				return fmt.Errorf("reading the secret: %v", err)
			}
		}
		if a, err = vault.NewAccount(*issuer, *name, s); err != nil {
			return err
		}
		a.Algorithm = vault.Algorithm(strings.ToUpper(*algorithm))
		a.Digits, a.Period = *digits, *period
		if *isHOTP {
			a.Kind, a.Period, a.Counter = vault.HOTP, 0, *counter
		}
		if err := a.Validate(); err != nil {
			return err
		}
	}
	v, err := c.openVault(vf)
	if err != nil {
		return err
	}
	defer v.Close()
	plan := v.Plan([]vault.Account{a})
	if plan[0].Outcome == vault.Duplicate {
		return fmt.Errorf("%w: %s", vault.ErrDuplicate, printable(v.Accounts()[plan[0].Existing].Label()))
	}
	if err := reenrol.apply(v, plan); err != nil {
		return err
	}
	r, err := v.AddPlanned(plan)
	if err != nil {
		return err
	}
	switch {
	case len(r.Replaced) > 0:
		fmt.Fprintf(c.stdout, "replaced the secret of %s (re-enrolment)\n", printable(a.Label()))
	case len(r.Renamed) > 0:
		fmt.Fprintf(c.stdout, "added %s\n", printable(r.Renamed[0].Label()))
	default:
		fmt.Fprintf(c.stdout, "added %s\n", printable(a.Label()))
	}
	return nil
}

func runList(c *cli, args []string) error {
	fs := c.flags("list")
	vf := c.vaultFlags(fs)
	asJSON := fs.Bool("json", false, "print the accounts as a JSON array (never the secrets)")
	if err := c.parseNoArgs(fs, args); err != nil {
		return err
	}
	v, err := c.readVault(vf)
	if err != nil {
		return err
	}
	defer v.Close()
	if *asJSON {
		out := []accountJSON{}
		for _, a := range v.Accounts() {
			out = append(out, newAccountJSON(a, false))
		}
		return json.NewEncoder(jsonOut(c.stdout)).Encode(out)
	}
	if len(v.Accounts()) == 0 {
		fmt.Fprintln(c.stderr, "the vault has no accounts yet (add one with deskauth-cli add)")
		return nil
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	for _, a := range v.Accounts() {
		detail := fmt.Sprintf("%s\t%s\t%d digits", a.Kind, a.Algorithm, a.Digits)
		if a.Kind == vault.HOTP {
			detail += fmt.Sprintf("\tcounter %d", a.Counter)
		} else {
			detail += fmt.Sprintf("\t%ds", a.Period)
		}
		fmt.Fprintf(tw, "%s\t%s\n", printable(a.Label()), detail)
	}
	return tw.Flush()
}

// vaultCodes is `code [QUERY]`: the codes of the accounts matching query, at
// the instant clock gives for the open vault. An HOTP account is used only
// when the query names it alone: its counter moves on and is saved before the
// code is shown, so a code is never shown twice.
func (c *cli) vaultCodes(vf *vaultFlags, query string, clock func(*vault.Vault) (time.Time, error), asJSON bool) error {
	v, err := c.readVault(vf)
	if err != nil {
		return err
	}
	defer v.Close()
	at, err := clock(v)
	if err != nil {
		return err
	}
	idx := v.Match(query)
	if len(idx) == 0 {
		return describeMatchError(v, query, vault.ErrNoMatch)
	}
	var show []vault.Account
	for _, i := range idx {
		a := v.Accounts()[i]
		if a.Kind == vault.HOTP {
			if len(idx) > 1 {
				fmt.Fprintf(c.stderr, "deskauth-cli: skipped HOTP account %s: name it alone to use its next code\n", printable(a.Label()))
				continue
			}
			// The counter moves past the code and is saved before the
			// code is printed, so a code is never shown twice.
			if _, err := v.UseCode(i, at); err != nil {
				return fmt.Errorf("the HOTP counter could not be saved, so no code is shown: %w", err)
			}
		}
		show = append(show, a)
	}
	if len(show) == 0 {
		return errors.New("every matching account is HOTP: name one alone to use its next code")
	}
	return c.printCodes(show, at, asJSON)
}

// pickOne resolves query to exactly one account.
func pickOne(v *vault.Vault, query string) (int, error) {
	if strings.TrimSpace(query) == "" {
		return 0, usagef("name the account (part of its issuer or name)")
	}
	i, err := v.Find(query)
	if err != nil {
		return 0, describeMatchError(v, query, err)
	}
	return i, nil
}

func runRename(c *cli, args []string) error {
	fs := c.flags("rename")
	vf := c.vaultFlags(fs)
	issuer := fs.String("issuer", "", "the new issuer")
	name := fs.String("name", "", "the new account name")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if len(pos) != 1 || (!set["issuer"] && !set["name"]) {
		return usagef("usage: rename QUERY [--issuer NEW] [--name NEW]")
	}
	return c.editOne(vf, pos[0], func(v *vault.Vault, i int) error {
		a := v.Accounts()[i]
		old := a.Label()
		if set["issuer"] {
			a.Issuer = *issuer
		}
		if set["name"] {
			a.Name = *name
		}
		if err := v.Rename(i, a.Issuer, a.Name); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "renamed %s to %s\n", printable(old), printable(v.Accounts()[i].Label()))
		return nil
	})
}

func runRemove(c *cli, args []string) error {
	fs := c.flags("rm")
	vf := c.vaultFlags(fs)
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("usage: rm QUERY")
	}
	return c.editOne(vf, pos[0], func(v *vault.Vault, i int) error {
		label := printable(v.Accounts()[i].Label())
		if err := v.Remove(i); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "removed %s (the previous vault is kept as %s.bak until the next change)\n", label, v.Path())
		return nil
	})
}

func runMove(c *cli, args []string) error {
	fs := c.flags("move")
	vf := c.vaultFlags(fs)
	by := fs.Int("by", 0, "move the account this many places: negative is up, positive down")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *by == 0 {
		return usagef("usage: move QUERY --by N (N < 0 moves up, N > 0 down)")
	}
	return c.editOne(vf, pos[0], func(v *vault.Vault, i int) error {
		a := v.Accounts()[i]
		if err := v.Move(i, *by); err != nil {
			return err
		}
		j := slices.IndexFunc(v.Accounts(), a.Equal)
		fmt.Fprintf(c.stdout, "moved %s to place %d of %d\n", printable(a.Label()), j+1, len(v.Accounts()))
		return nil
	})
}

// editOne opens the vault for editing and hands edit the index of the one
// account query names.
func (c *cli) editOne(vf *vaultFlags, query string, edit func(v *vault.Vault, i int) error) error {
	v, err := c.openVault(vf)
	if err != nil {
		return err
	}
	defer v.Close()
	i, err := pickOne(v, query)
	if err != nil {
		return err
	}
	return edit(v, i)
}

func runProtect(c *cli, args []string) error {
	fs := c.flags("protect")
	vf := c.vaultFlags(fs)
	usePW := fs.Bool("password", false, "protect the vault with a password only")
	useOS := fs.Bool("os", false, "protect the vault with the OS key store only")
	both := fs.Bool("both", false, "either the password or the OS key store opens the vault")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	n := 0
	for _, b := range []bool{*usePW, *useOS, *both} {
		if b {
			n++
		}
	}
	if n != 1 || len(pos) > 0 {
		return usagef("usage: protect --password | --os | --both")
	}
	v, err := c.openVault(vf)
	if err != nil {
		return err
	}
	defer v.Close()
	p := vault.Protection{Argon2: testOnlyArgon2}
	if *useOS || *both {
		if p.Store, err = keyStore(); err != nil {
			return err
		}
	}
	if *usePW || *both {
		// Keep the password that just opened the vault; if the OS key store
		// opened it, the vault gets a new password.
		if p.Password = vf.password; p.Password == nil {
			if p.Password, err = c.newPassword("--password-file", vf.passwordFile, envPassword); err != nil {
				return err
			}
		}
	}
	mode := "both"
	if *usePW {
		mode = "password"
	} else if *useOS {
		mode = "os"
	}
	if err := v.SetProtection(p); err != nil {
		return err
	}
	if err := v.Save(); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "the vault at %s is now protected by %s\n", v.Path(), describeProtection(mode))
	return nil
}

func runPasswd(c *cli, args []string) error {
	fs := c.flags("passwd")
	vf := c.vaultFlags(fs)
	newFile := fs.String("new-password-file", "", "read the new password from the first line of `file` ($DESKAUTH_NEW_PASSWORD also works)")
	if err := c.parseNoArgs(fs, args); err != nil {
		return err
	}
	v, err := c.openVault(vf)
	if err != nil {
		return err
	}
	defer v.Close()
	hasPW, hasOS := v.Protection()
	if !hasPW {
		return errors.New("this vault has no password (add one with deskauth-cli protect --password or --both)")
	}
	p := vault.Protection{Argon2: testOnlyArgon2}
	if hasOS {
		if p.Store, err = keyStore(); err != nil {
			return err
		}
	}
	if p.Password, err = c.newPassword("--new-password-file", *newFile, envNewPassword); err != nil {
		return err
	}
	if err := v.SetProtection(p); err != nil {
		return err
	}
	if err := v.Save(); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "changed the password of %s\n", v.Path())
	return nil
}

func runRestore(c *cli, args []string) error {
	fs := c.flags("restore")
	vf := c.vaultFlags(fs)
	if err := c.parseNoArgs(fs, args); err != nil {
		return err
	}
	path, err := c.vaultPath(vf)
	if err != nil {
		return err
	}
	if err := vault.RestoreBackup(path); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "restored %s from %s.bak; the damaged file is kept as %s.damaged\n", path, path, path)
	return nil
}
