package main

import (
	"fmt"

	"github.com/deskauth/deskauth/internal/version"
)

// runVersion prints "deskauth-cli VERSION", the release this binary was built
// from (see internal/version).
func runVersion(c *cli, args []string) error {
	fs := c.flags("version")
	if err := c.parseNoArgs(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "deskauth-cli %s\n", version.String())
	return nil
}
