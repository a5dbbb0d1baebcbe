package vault

import (
	"errors"
	"testing"
)

func TestClassifyPayload(t *testing.T) {
	for _, tc := range []struct {
		text string
		want PayloadKind
	}{
		{"otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP", PayloadOTPAuth},
		{"OTPAUTH://TOTP/ACME:alice?secret=JBSWY3DPEHPK3PXP", PayloadOTPAuth},
		{"  otpauth://hotp/x?secret=A&counter=1\n", PayloadOTPAuth},
		{"otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SEmpvaG5AZXhhbXBsZS5jb20aB0V4YW1wbGUgASgBMAIQARgBIAA%3D", PayloadMigration},
		{"phonefactor://activate_account?code=123456789&url=https://mobileappcommunicator.auth.microsoft.com/activate/123", PayloadPhoneFactor},
		{"PhoneFactor://activate_account?code=1", PayloadPhoneFactor},
		{"https://example.com/otpauth://totp", PayloadOther},
		{"otpauth", PayloadOther},
		{"", PayloadOther},
		{"WIFI:S:office;T:WPA;P:secret;;", PayloadOther},
		{"otpauthx://totp/a", PayloadOther},
	} {
		if got := ClassifyPayload(tc.text); got != tc.want {
			t.Errorf("ClassifyPayload(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
	seen := map[string]bool{}
	for _, k := range []PayloadKind{PayloadOther, PayloadOTPAuth, PayloadMigration, PayloadPhoneFactor} {
		if s := k.String(); s == "" || seen[s] {
			t.Errorf("kind %d has name %q, empty or shared", k, s)
		} else {
			seen[s] = true
		}
	}
}

func TestReadPayloads(t *testing.T) {
	const (
		gh      = "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP"
		badAlg  = "otpauth://totp/X:y?secret=JBSWY3DPEHPK3PXP&algorithm=MD4"
		phone   = "phonefactor://activate_account?code=1"
		wifi    = "WIFI:S:office;T:WPA;P:secret;;"
		badData = "otpauth-migration://offline?data=%%%"
	)
	p := ReadPayloads(gh, gh, googleExample, badAlg, phone, wifi, badData)
	if len(p.Accounts) != 2 || p.Accounts[0].Issuer != "GitHub" || p.Accounts[1].Issuer != "Example" {
		t.Fatalf("accounts = %+v", p.Accounts)
	}
	var kinds []NoteKind
	for _, n := range p.Notes {
		kinds = append(kinds, n.Kind)
	}
	want := []NoteKind{NoteUnusable, NotePhoneFactor, NoteNotOTP, NoteUnusable}
	if len(kinds) != len(want) {
		t.Fatalf("notes %+v, want kinds %v", p.Notes, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("notes %+v, want kinds %v", p.Notes, want)
		}
	}
	var fe *FieldError
	if !errors.As(p.Notes[0].Err, &fe) || fe.Field != FieldAlgorithm || fe.Reason != ReasonUnknown || fe.Value != "MD4" || p.Notes[0].Payload != 3 {
		t.Errorf("bad algorithm note %+v", p.Notes[0])
	}
	if p.Notes[2].Text != wifi {
		t.Errorf("other note text %q", p.Notes[2].Text)
	}
	if !errors.Is(p.Notes[3].Err, ErrInvalidMigration) {
		t.Errorf("bad migration note %+v", p.Notes[3])
	}
}
