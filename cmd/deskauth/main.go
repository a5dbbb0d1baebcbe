// Command deskauth is DeskAuth's desktop app: scan the console's QR code from
// the screen, check the live code, and keep the secret in an encrypted vault.
//
// Usage:
//
//	deskauth [--vault PATH]
package main

import (
	"flag"

	"github.com/deskauth/deskauth/app"
)

func main() {
	vaultPath := flag.String("vault", "", "vault file (default: DESKAUTH_VAULT, a portable deskauth.vault, or the user config folder)")
	flag.Parse()
	app.Run(*vaultPath)
}
