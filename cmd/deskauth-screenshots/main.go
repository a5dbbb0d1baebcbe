// Command deskauth-screenshots writes a PNG of every DeskAuth screen, in
// English and Japanese, light and dark, with sample accounts:
//
//	deskauth-screenshots [-o DIR]
//
// It opens a real window, so it needs a display; `make screenshots` runs it
// under Xvfb. Nothing it does touches the user's vault or key store.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/deskauth/deskauth/app"
)

func main() {
	out := flag.String("o", "screenshots", "folder to write the PNGs to")
	flag.Parse()
	if err := app.Screenshots(*out); err != nil {
		fmt.Fprintln(os.Stderr, "deskauth-screenshots:", err)
		os.Exit(1)
	}
}
