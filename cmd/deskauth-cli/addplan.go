package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/deskauth/deskauth/vault"
)

// reenrolChoice is what --replace and --keep-both say about re-enrolments:
// an account already in the vault under the same label whose secret has
// changed, as when a console resets its 2FA. Without either flag the
// command stops and asks for one; a re-enrolment is never skipped silently.
type reenrolChoice struct{ replace, keepBoth bool }

func reenrolFlags(fs *flag.FlagSet, r *reenrolChoice) {
	fs.BoolVar(&r.replace, "replace", false, "on a re-enrolment (same issuer and name, new secret) put the new secret in place of the old")
	fs.BoolVar(&r.keepBoth, "keep-both", false, "on a re-enrolment keep the old account and add the new one under a free name")
}

// apply sets the plan's choices, or explains which accounts need one.
func (r reenrolChoice) apply(v *vault.Vault, plan []vault.Planned) error {
	if r.replace && r.keepBoth {
		return usagef("--replace and --keep-both do not go together")
	}
	for i, p := range plan {
		if p.Outcome != vault.Reenrolment {
			continue
		}
		switch {
		case r.replace:
			plan[i].Choice = vault.Replace
		case r.keepBoth:
			plan[i].Choice = vault.KeepBoth
		default:
			return fmt.Errorf("%s is already in the vault with another secret (a re-enrolment): "+
				"run again with --replace to use the new secret, or --keep-both to keep both; nothing was changed",
				printable(v.Accounts()[p.Existing].Label()))
		}
	}
	return nil
}

// addPlan carries out plan, saving once, and says what happened to each
// account on out.
func (c *cli) addPlan(v *vault.Vault, plan []vault.Planned, choice reenrolChoice, out io.Writer) error {
	if err := choice.apply(v, plan); err != nil {
		return err
	}
	r, err := v.AddPlanned(plan)
	if err != nil {
		return err
	}
	for _, a := range r.Skipped {
		fmt.Fprintf(out, "already in the vault, skipped: %s\n", printable(a.Label()))
	}
	for _, a := range r.Replaced {
		fmt.Fprintf(out, "replaced the secret of %s (re-enrolment)\n", printable(a.Label()))
	}
	for _, a := range r.Renamed {
		fmt.Fprintf(out, "added %s beside the account it re-enrols\n", printable(a.Label()))
	}
	if n := len(r.Added) + len(r.Renamed) + len(r.Replaced); n > 0 {
		fmt.Fprintf(out, "added %d account(s) to %s\n", n, v.Path())
	}
	return nil
}

// describeMatchError words Find's errors for the CLI.
func describeMatchError(v *vault.Vault, query string, err error) error {
	var amb *vault.AmbiguousError
	switch {
	case errors.As(err, &amb):
		var labels []string
		for _, i := range amb.Matches {
			labels = append(labels, printable(v.Accounts()[i].Label()))
		}
		return fmt.Errorf("%q matches %d accounts (%s): be more specific", query, len(labels), joinComma(labels))
	case errors.Is(err, vault.ErrNoMatch) && len(v.Accounts()) == 0:
		return errors.New("the vault has no accounts yet (add one with deskauth-cli add)")
	case errors.Is(err, vault.ErrNoMatch):
		return fmt.Errorf("no account matches %q (see deskauth-cli list)", query)
	}
	return err
}
