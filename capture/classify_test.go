package capture

import (
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		text string
		want Kind
	}{
		{"otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP", OTPAuth},
		{"OTPAUTH://TOTP/ACME:alice?secret=JBSWY3DPEHPK3PXP", OTPAuth},
		{"  otpauth://hotp/x?secret=A&counter=1\n", OTPAuth},
		{"otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SEmpvaG5AZXhhbXBsZS5jb20aB0V4YW1wbGUgASgBMAIQARgBIAA%3D", OTPAuthMigration},
		{"phonefactor://activate_account?code=123456789&url=https://mobileappcommunicator.auth.microsoft.com/activate/123", PhoneFactor},
		{"PhoneFactor://activate_account?code=1", PhoneFactor},
		{"https://example.com/otpauth://totp", Other},
		{"otpauth", Other},
		{"", Other},
		{"WIFI:S:office;T:WPA;P:secret;;", Other},
		{"otpauthx://totp/a", Other},
	} {
		if got := Classify(tc.text); got != tc.want {
			t.Errorf("Classify(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestKindString(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range []Kind{Other, OTPAuth, OTPAuthMigration, PhoneFactor} {
		s := k.String()
		if s == "" || seen[s] {
			t.Errorf("Kind %d has name %q, empty or shared", k, s)
		}
		seen[s] = true
	}
}

// The help text is shown as one line, and must tell the admin what to pick
// on Microsoft's page.
func TestPhoneFactorHelp(t *testing.T) {
	if strings.ContainsAny(PhoneFactorHelp, "\n\r") {
		t.Error("PhoneFactorHelp spans several lines")
	}
	if !strings.Contains(PhoneFactorHelp, "different authenticator app") {
		t.Errorf("PhoneFactorHelp does not name the %q option: %s", "use a different authenticator app", PhoneFactorHelp)
	}
}
