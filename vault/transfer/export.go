package transfer

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"image"
	"image/png"
	"net/url"
	"strings"

	"github.com/deskauth/deskauth/vault"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// ExportFormats lists the formats Export writes.
var ExportFormats = []Format{OTPAuth, DeskAuth, Aegis, QR, GoogleQR}

// The QR export formats: one PNG per account (its otpauth URI), and Google
// Authenticator migration codes in batches of up to MigrationBatch
// accounts.
const (
	QR       Format = "qr"
	GoogleQR Format = "google-qr"
)

// MigrationBatch is the most accounts one migration QR code carries, as
// Google Authenticator itself does, so each code stays easy to scan.
const MigrationBatch = 10

// ExportOTPAuth writes one otpauth:// URI a line (LF line ends). The text
// holds every secret in the clear.
func ExportOTPAuth(accts []vault.Account) []byte {
	var b strings.Builder
	for _, a := range accts {
		b.WriteString(a.URI())
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// Image is one exported QR code.
type Image struct {
	// Name suggests a file name without extension: "01-GitHub-alice" or
	// "google-1-of-2".
	Name string
	// Text is what the code encodes (a secret: show it only on request).
	Text string
	// Labels names the accounts the code holds ("Issuer:account"): what
	// a caption may show instead of Text.
	Labels []string
	PNG    []byte
}

// ExportQR makes one QR code per account, holding its otpauth:// URI.
func ExportQR(accts []vault.Account) ([]Image, error) {
	out := make([]Image, 0, len(accts))
	for i, a := range accts {
		png, err := qrPNG(a.URI())
		if err != nil {
			return nil, fmt.Errorf("account %d (%s): %v", i+1, a.Label(), err)
		}
		out = append(out, Image{Name: fmt.Sprintf("%02d-%s", i+1, fileSafe(a.Label())), Text: a.URI(), Labels: []string{a.Label()}, PNG: png})
	}
	return out, nil
}

// ExportMigrationQR makes Google Authenticator migration QR codes, up to
// MigrationBatch accounts each, all sharing one random batch ID. Accounts
// the migration format cannot carry (Steam, a period other than 30 s,
// digits other than 6 or 8) are left out and returned as problems.
func ExportMigrationQR(accts []vault.Account) ([]Image, []Problem, error) {
	uris, labels, problems := migrationBatches(accts)
	out := make([]Image, 0, len(uris))
	for i, u := range uris {
		png, err := qrPNG(u)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, Image{Name: fmt.Sprintf("google-%d-of-%d", i+1, len(uris)), Text: u, Labels: labels[i], PNG: png})
	}
	return out, problems, nil
}

// MigrationURIs encodes accts as otpauth-migration://offline?data=… URIs of
// up to MigrationBatch accounts each. See ExportMigrationQR for what is
// left out.
func MigrationURIs(accts []vault.Account) ([]string, []Problem) {
	uris, _, problems := migrationBatches(accts)
	return uris, problems
}

// migrationBatches is MigrationURIs, also giving the labels of the
// accounts in each URI.
func migrationBatches(accts []vault.Account) ([]string, [][]string, []Problem) {
	var ok []vault.Account
	var problems []Problem
	for i, a := range accts {
		var why string
		switch {
		case a.Kind == vault.Steam:
			why = "Google Authenticator has no Steam accounts"
		case a.Kind == vault.TOTP && a.Period != vault.DefaultPeriod:
			why = fmt.Sprintf("Google Authenticator exports only 30-second codes, not %d", a.Period)
		case a.Digits != 6 && a.Digits != 8:
			why = fmt.Sprintf("Google Authenticator exports only 6 or 8 digits, not %d", a.Digits)
		}
		if why != "" {
			problems = append(problems, Problem{Entry: i + 1, Label: a.Label(), Err: unsupported("%s", why)})
			continue
		}
		ok = append(ok, a)
	}
	var idb [4]byte
	rand.Read(idb[:])
	id := binary.BigEndian.Uint32(idb[:]) & 0x7fffffff
	n := (len(ok) + MigrationBatch - 1) / MigrationBatch
	uris := make([]string, 0, n)
	labels := make([][]string, 0, n)
	for i := 0; i < n; i++ {
		batch := ok[i*MigrationBatch : min(len(ok), (i+1)*MigrationBatch)]
		var p []byte
		var names []string
		for _, a := range batch {
			p = appendBytes(p, 1, otpParameters(a))
			names = append(names, a.Label())
		}
		labels = append(labels, names)
		p = appendVarint(p, 2, 1) // version
		p = appendVarint(p, 3, uint64(n))
		p = appendVarint(p, 4, uint64(i))
		p = appendVarint(p, 5, uint64(id))
		uris = append(uris, "otpauth-migration://offline?data="+url.QueryEscape(base64.StdEncoding.EncodeToString(p)))
	}
	return uris, labels, problems
}

// otpParameters encodes one OtpParameters message: secret=1, name=2,
// issuer=3, algorithm=4 (1 SHA1, 2 SHA256, 3 SHA512), digits=5 (1 six,
// 2 eight), type=6 (1 HOTP, 2 TOTP), counter=7.
func otpParameters(a vault.Account) []byte {
	var m []byte
	m = appendBytes(m, 1, a.Secret)
	m = appendBytes(m, 2, []byte(a.Name))
	m = appendBytes(m, 3, []byte(a.Issuer))
	alg := map[vault.Algorithm]uint64{vault.SHA1: 1, vault.SHA256: 2, vault.SHA512: 3}[a.Algorithm]
	m = appendVarint(m, 4, alg)
	digits := uint64(1)
	if a.Digits == 8 {
		digits = 2
	}
	m = appendVarint(m, 5, digits)
	if a.Kind == vault.HOTP {
		m = appendVarint(m, 6, 1)
		m = appendVarint(m, 7, a.Counter)
	} else {
		m = appendVarint(m, 6, 2)
	}
	return m
}

func appendVarint(b []byte, field int, v uint64) []byte {
	b = binary.AppendUvarint(b, uint64(field)<<3)
	return binary.AppendUvarint(b, v)
}

func appendBytes(b []byte, field int, v []byte) []byte {
	b = binary.AppendUvarint(b, uint64(field)<<3|2)
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

// qrModule is the size of one QR module in pixels: big enough for a phone
// camera pointed at a screen or a print-out.
const qrModule = 8

// qrPNG renders text as a QR code PNG (error correction M, 4-module quiet
// zone).
func qrPNG(text string) ([]byte, error) {
	hints := map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_ERROR_CORRECTION: "M", gozxing.EncodeHintType_MARGIN: 4}
	m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0, hints)
	if err != nil {
		return nil, fmt.Errorf("the QR encoder failed: %v", err)
	}
	w, h := m.GetWidth(), m.GetHeight()
	img := image.NewGray(image.Rect(0, 0, w*qrModule, h*qrModule))
	for y := 0; y < h; y++ {
		row := img.Pix[y*qrModule*img.Stride : y*qrModule*img.Stride+w*qrModule]
		for x := 0; x < w; x++ {
			v := byte(255)
			if m.Get(x, y) {
				v = 0
			}
			for i := range qrModule {
				row[x*qrModule+i] = v
			}
		}
		for i := 1; i < qrModule; i++ {
			copy(img.Pix[(y*qrModule+i)*img.Stride:], row)
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// fileSafe turns a label into a file name part: letters (any script),
// digits, '-', '_' and '.', other runs becoming one '-'.
func fileSafe(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		ok := r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r > 0x7f && r != 0xfeff
		if ok && !(r == '.' && b.Len() == 0) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() > 60 {
			break
		}
	}
	out := strings.Trim(b.String(), "-")
	if out == "" {
		return "account"
	}
	return out
}
