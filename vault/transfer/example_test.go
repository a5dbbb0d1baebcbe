package transfer_test

import (
	"errors"
	"fmt"

	"github.com/deskauth/deskauth/vault"
	"github.com/deskauth/deskauth/vault/transfer"
)

// An import: parse the file (the password callback runs only for an
// encrypted file), plan it against the vault, show the plan and the
// problems, then apply it.
func ExampleParseFile() {
	res, err := transfer.ParseFile("testdata/import-samples/aegis_encrypted.json", transfer.Options{
		Password: func() ([]byte, error) { return []byte("test"), nil }, // the app asks here
	})
	switch {
	case errors.Is(err, vault.ErrWrongPassword):
		fmt.Println("wrong password: ask again")
		return
	case err != nil:
		fmt.Println(err)
		return
	}
	fmt.Println(res.Format, len(res.Accounts), "accounts,", len(res.Problems), "problems")
	// plan := v.Plan(res.Accounts) … show it … report, err := v.AddPlanned(plan)
	// Output: aegis 7 accounts, 0 problems
}

// Pasted or dropped text: any mix of otpauth:// and otpauth-migration://
// lines, or the text of any export file.
func ExampleParseText() {
	res, err := transfer.ParseText("otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP\nnot a uri\n", transfer.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range res.Accounts {
		fmt.Println("account:", a.Label())
	}
	for _, p := range res.Problems {
		fmt.Println("problem: line", p.Entry, errors.Is(p.Err, transfer.ErrMalformed))
	}
	// Output:
	// account: GitHub (alice)
	// problem: line 2 true
}

// The scan flow: add each migration QR code as it is decoded, show "2 of 3
// scanned", and take the accounts once an export is complete.
func ExampleBatches() {
	accts := []vault.Account{}
	for i := 0; i < 12; i++ {
		a, _ := vault.NewAccount("Example", fmt.Sprint("user", i), "JBSWY3DPEHPK3PX"+string(rune('A'+i)))
		accts = append(accts, a)
	}
	uris, _ := transfer.MigrationURIs(accts) // what a phone would show, 10 a code

	b := transfer.NewBatches()
	for _, u := range uris {
		st, err := b.Add(u)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%d of %d scanned\n", st.Scanned, st.Size)
	}
	fmt.Println(len(b.Take().Accounts), "accounts ready to plan")
	// Output:
	// 1 of 2 scanned
	// 2 of 2 scanned
	// 12 accounts ready to plan
}
