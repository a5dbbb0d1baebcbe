package transfer

import (
	"testing"

	"github.com/deskauth/deskauth/vault"
)

func TestResultMerge(t *testing.T) {
	a := vault.Account{Issuer: "A", Name: "a"}
	b := vault.Account{Issuer: "B", Name: "b"}
	empty := &Result{Format: Google}
	empty.Merge(&Result{Format: OTPAuth, Accounts: []vault.Account{a}, Problems: []Problem{{Entry: 2}}})
	if empty.Format != OTPAuth || len(empty.Accounts) != 1 || len(empty.Problems) != 1 {
		t.Errorf("merge into an empty result: %+v", empty)
	}
	full := &Result{Format: Google, Accounts: []vault.Account{b}}
	full.Merge(&Result{Format: OTPAuth, Accounts: []vault.Account{a}})
	if full.Format != Google || len(full.Accounts) != 2 || full.Accounts[1].Issuer != "A" {
		t.Errorf("merge into a full result: %+v", full)
	}
}
