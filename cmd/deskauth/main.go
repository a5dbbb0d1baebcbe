// Command deskauth is DeskAuth's desktop app: scan the console's QR code from
// the screen, check the live code, and keep the secret in an encrypted vault.
//
// Usage:
//
//	deskauth [--vault PATH]
//
// Without --vault it uses $DESKAUTH_VAULT, a deskauth.vault beside the
// program (portable mode), or the user's config folder, in that order.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/deskauth/deskauth/app"
	"github.com/deskauth/deskauth/vault"
)

func main() {
	path := flag.String("vault", "", "the vault file to open")
	flag.Parse()
	if *path == "" {
		p, err := vault.DefaultPath()
		if err != nil {
			fmt.Fprintln(os.Stderr, "deskauth:", err)
			os.Exit(1)
		}
		*path = p
	}
	app.Run(*path)
}
