package keystoretest_test

import (
	"testing"

	"github.com/deskauth/deskauth/vault/keystore/keystoretest"
)

// TestFileStore keeps the file-backed fake honest: it passes the suite the
// real stores pass.
func TestFileStore(t *testing.T) {
	keystoretest.Run(t, keystoretest.FileStore{Dir: t.TempDir()}, keystoretest.Options{DeleteForgets: true})
}
