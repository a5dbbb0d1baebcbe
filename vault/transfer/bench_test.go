package transfer

import (
	"os"
	"strings"
	"testing"
)

func benchFile(b *testing.B, path, pw string) {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data, Options{Password: password(pw)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseAegisEncrypted is dominated by Aegis's scrypt (N=2^15, r=8).
func BenchmarkParseAegisEncrypted(b *testing.B) {
	benchFile(b, "testdata/import-samples/aegis_encrypted.json", "test")
}

func BenchmarkParse2FASEncrypted(b *testing.B) {
	benchFile(b, "testdata/import-samples/2fas_authenticator_encrypted_v4.2fas", "test")
}

func BenchmarkParseWinAuthPassword(b *testing.B) {
	benchFile(b, "testdata/winauth/password.xml", "winauth パスワード")
}

// BenchmarkParseText1000 reads a 1000-line otpauth export.
func BenchmarkParseText1000(b *testing.B) {
	data := []byte(strings.Repeat(gh+"\n", 1000))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExportMigrationQR encodes 100 accounts as 10 migration QR PNGs.
func BenchmarkExportMigrationQR(b *testing.B) {
	var accts = roundTripSet()[:4]
	for len(accts) < 100 {
		accts = append(accts, accts[len(accts)%4])
	}
	for b.Loop() {
		if _, _, err := ExportMigrationQR(accts); err != nil {
			b.Fatal(err)
		}
	}
}
