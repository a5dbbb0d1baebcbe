package vault

import (
	"strings"
)

// PayloadKind is what a decoded QR code (or a pasted line) is for.
type PayloadKind int

const (
	// PayloadOther is any text DeskAuth does not add: shown, never stored.
	PayloadOther PayloadKind = iota
	// PayloadOTPAuth is an otpauth:// URI: one account.
	PayloadOTPAuth
	// PayloadMigration is an otpauth-migration:// URI: one QR code of a
	// Google Authenticator export.
	PayloadMigration
	// PayloadPhoneFactor is Microsoft Authenticator's phonefactor://
	// activation code. It is not TOTP: Microsoft's setup page can show a
	// standard code instead, which the faces explain.
	PayloadPhoneFactor
)

// String names the kind for JSON and logs.
func (k PayloadKind) String() string {
	switch k {
	case PayloadOTPAuth:
		return "otpauth"
	case PayloadMigration:
		return "otpauth-migration"
	case PayloadPhoneFactor:
		return "phonefactor"
	}
	return "other"
}

// ClassifyPayload says what a payload is, by its URI scheme (any case,
// surrounding white space ignored). It does not validate the rest.
func ClassifyPayload(text string) PayloadKind {
	scheme, _, ok := strings.Cut(strings.TrimSpace(text), ":")
	if !ok {
		return PayloadOther
	}
	switch strings.ToLower(scheme) {
	case "otpauth":
		return PayloadOTPAuth
	case "otpauth-migration":
		return PayloadMigration
	case "phonefactor":
		return PayloadPhoneFactor
	}
	return PayloadOther
}

// NoteKind is what a Note reports.
type NoteKind int

const (
	// NoteUnusable: an otpauth or migration payload that does not parse; Err
	// says why (a *FieldError, or an error wrapping ErrInvalidMigration).
	NoteUnusable NoteKind = iota
	// NoteSkipped: one account of an export cannot be imported; Label names
	// it and Err says why.
	NoteSkipped
	// NoteBatch: the payload is code Index+1 of Size of one export
	// (BatchID); the others are needed too.
	NoteBatch
	// NotePhoneFactor: a Microsoft Authenticator activation code.
	NotePhoneFactor
	// NoteNotOTP: a QR code that is not for an authenticator; Text is the
	// start of it.
	NoteNotOTP
)

// Note is something the faces tell the admin about payloads besides the
// accounts found. It carries values, not sentences.
type Note struct {
	Kind        NoteKind
	Payload     int // which of the texts given to ReadPayloads (from 0)
	Err         error
	Label       string
	Index, Size int
	BatchID     int64
	Text        string
}

// Payloads is what ReadPayloads found: accounts to verify and add, and notes.
type Payloads struct {
	Accounts []Account
	Notes    []Note
}

// ReadPayloads turns decoded QR texts (or pasted lines) into accounts and
// notes. Texts are read in order and the same text twice counts once.
// Nothing is added to any vault: pass the accounts to Plan or Add.
func ReadPayloads(texts ...string) Payloads {
	var p Payloads
	seen := map[string]bool{}
	for i, t := range texts {
		t = strings.TrimSpace(t)
		if seen[t] {
			continue
		}
		seen[t] = true
		switch ClassifyPayload(t) {
		case PayloadOTPAuth:
			a, err := ParseURI(t)
			if err != nil {
				p.Notes = append(p.Notes, Note{Kind: NoteUnusable, Payload: i, Err: err})
				continue
			}
			p.Accounts = append(p.Accounts, a)
		case PayloadMigration:
			m, err := ParseMigration(t)
			if err != nil {
				p.Notes = append(p.Notes, Note{Kind: NoteUnusable, Payload: i, Err: err})
				continue
			}
			p.Accounts = append(p.Accounts, m.Accounts...)
			for _, s := range m.Skipped {
				p.Notes = append(p.Notes, Note{Kind: NoteSkipped, Payload: i, Label: s.Label, Err: s.Err})
			}
			if m.Size > 1 {
				p.Notes = append(p.Notes, Note{Kind: NoteBatch, Payload: i, Index: m.Index, Size: m.Size, BatchID: m.BatchID})
			}
		case PayloadPhoneFactor:
			p.Notes = append(p.Notes, Note{Kind: NotePhoneFactor, Payload: i})
		default:
			p.Notes = append(p.Notes, Note{Kind: NoteNotOTP, Payload: i, Text: clipText(t, 60)})
		}
	}
	return p
}

// clipText shortens text shown back to the admin, by runes.
func clipText(s string, n int) string {
	s = strings.ToValidUTF8(s, "?")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
