package main

import (
	"fmt"

	"github.com/deskauth/deskauth/vault"
)

// warnPlace prints, as warnings on stderr, what the vault noticed about where
// it lives. The command goes on.
func (c *cli) warnPlace(v *vault.Vault) {
	for _, w := range v.Warnings() {
		switch w.Kind {
		case vault.WarnFolderWritable:
			fmt.Fprintf(c.stderr, "deskauth-cli: warning: other users can write to %s (%v): they cannot read the vault, but can replace or delete it; run chmod go-w on it\n", w.Path, w.Mode.Perm())
		}
	}
}
