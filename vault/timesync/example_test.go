package timesync_test

import (
	"context"
	"fmt"

	"github.com/deskauth/deskauth/vault"
	"github.com/deskauth/deskauth/vault/timesync"
)

// How the desktop app uses a Checker: parse the vault's setting, start the
// checks for the life of the window, compute codes from Now, and show
// Status().Message() as a notice when a correction is applied or a check
// failed. The "Check time now" button calls Check.
func ExampleChecker() {
	settings := vault.Settings{TimeSource: "none"} // e.g. "ntp://ntp.nict.jp" or "https://intranet.example/"
	src, err := timesync.ParseSource(settings.TimeSource)
	if err != nil {
		fmt.Println(err) // show it next to the setting; the codes use the PC clock
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // when the window closes
	ck := timesync.NewChecker(src, timesync.Options{
		OnUpdate: func(st timesync.Status) {
			// From the checker's goroutine: hand over to the UI thread
			// (fyne.Do) before touching widgets.
			_ = st.Message()
		},
	})
	done := ck.Start(ctx)

	acct, _ := vault.NewAccount("Example", "alice", "JBSWY3DPEHPK3PXP")
	code, _ := acct.Code(ck.Now())
	_ = code
	fmt.Println(ck.Status().Message())

	cancel()
	<-done
	// Output: No time source set; codes use the PC clock
}
