package timesync_test

import (
	"context"
	"fmt"

	"github.com/deskauth/deskauth/vault"
	"github.com/deskauth/deskauth/vault/timesync"
)

// How both faces get their time: the Checker for the vault's setting, checks
// started for the life of the window, codes computed from Now, and the
// status's State worded as a notice when a correction is applied or a check
// failed. The "Check time now" button calls Check.
func ExampleForSetting() {
	settings := vault.Settings{TimeSource: "none"} // e.g. "ntp://ntp.nict.jp" or "https://intranet.example/"
	ck, err := timesync.ForSetting(settings.TimeSource, timesync.Options{
		OnUpdate: func(st timesync.Status) {
			// From the checker's goroutine: hand over to the UI thread
			// (fyne.Do) before touching widgets.
			_ = st.State()
		},
	})
	if err != nil {
		fmt.Println(err) // show it next to the setting; the codes use the PC clock
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // when the window closes
	done := ck.Start(ctx)

	acct, _ := vault.NewAccount("Example", "alice", "JBSWY3DPEHPK3PXP")
	code, _ := acct.Code(ck.Now())
	_ = code
	fmt.Println(ck.Status().State() == timesync.StateNoSource)

	cancel()
	<-done
	// Output: true
}
