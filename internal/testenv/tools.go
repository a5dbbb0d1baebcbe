package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// RequireToolsEnv is the variable make test sets to 1: every tool the tests
// use is installed then, so a missing one is a failure, not a skip.
const RequireToolsEnv = "DESKAUTH_REQUIRE_TOOLS"

// Strict reports whether missing tools fail tests (DESKAUTH_REQUIRE_TOOLS=1).
func Strict() bool { return os.Getenv(RequireToolsEnv) == "1" }

// Require skips t unless every named program is on PATH. Under
// DESKAUTH_REQUIRE_TOOLS=1 a missing program fails t instead, so a test run
// cannot pass by skipping the real component it needs.
func Require(t testing.TB, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if Strict() {
				t.Fatalf("%s is required (%s=1) but missing; scripts/install-deps.sh installs it: %v", tool, RequireToolsEnv, err)
			}
			t.Skipf("%s not installed: %v", tool, err)
		}
	}
}
