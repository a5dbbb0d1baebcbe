package main

import (
	"bytes"
	"fmt"
	"io"

	"github.com/deskauth/deskauth/vault"
)

// warnPlace prints, as warnings on stderr, what the vault noticed about where
// it lives. The command goes on.
func (c *cli) warnPlace(v *vault.Vault) {
	for _, w := range v.Warnings() {
		switch w.Kind {
		case vault.WarnFolderWritable:
			fmt.Fprintf(c.stderr, "deskauth-cli: warning: other users can write to %s (%v): they cannot read the vault, but can replace or delete it; run chmod go-w on it\n", printable(w.Path), w.Mode.Perm())
		}
	}
}

// jsonOut is where the --json forms are encoded. encoding/json escapes
// control characters and U+2028/2029 but writes bidi overrides as they are;
// escaped here, they cannot reorder a terminal that shows the JSON. They can
// only occur inside JSON strings, so the \uXXXX form keeps the JSON valid.
func jsonOut(w io.Writer) io.Writer { return bidiEscaper{w} }

type bidiEscaper struct{ w io.Writer }

func (e bidiEscaper) Write(p []byte) (int, error) {
	if !bytes.ContainsFunc(p, bidi) {
		return e.w.Write(p)
	}
	var b bytes.Buffer
	for _, r := range string(p) {
		if bidi(r) {
			fmt.Fprintf(&b, `\u%04x`, r)
		} else {
			b.WriteRune(r)
		}
	}
	if _, err := e.w.Write(b.Bytes()); err != nil {
		return 0, err
	}
	return len(p), nil
}
