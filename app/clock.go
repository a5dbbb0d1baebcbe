package app

import (
	"context"
	"fmt"
	"math"
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/deskauth/deskauth/vault/timesync"
)

// clock gives the time codes are computed for: the vault's time source
// (timesync.ForSetting), checked in the background while the vault is open.
type clock struct {
	*timesync.Checker
	cancel context.CancelFunc
	badSrc error
}

func newClock(osNow func() time.Time, setting string) *clock {
	ck, err := timesync.ForSetting(setting, timesync.Options{Clock: osNow})
	ctx, cancel := context.WithCancel(context.Background())
	ck.Start(ctx)
	return &clock{Checker: ck, cancel: cancel, badSrc: err}
}

func (c *clock) stop() { c.cancel() }

// notice is the line shown above the codes, or "" when the PC clock is
// trusted and fine.
func (c *clock) notice() string {
	if c.badSrc != nil {
		return lang.L("The time source in this vault is not valid; codes use the PC clock")
	}
	st := c.Status()
	secs := fmt.Sprint(int(math.Round(math.Abs(st.Offset.Seconds()))))
	switch st.State() {
	case timesync.StateFailedKeepsOffset:
		return lang.L("Time check failed; using the last good correction of {{.Seconds}} s", map[string]any{"Seconds": secs})
	case timesync.StateFailed, timesync.StateFailedWasRight:
		return lang.L("Time check failed; codes use the PC clock")
	case timesync.StateCorrected:
		if st.Offset > 0 {
			return lang.L("PC clock is {{.Seconds}} s behind; codes corrected", map[string]any{"Seconds": secs})
		}
		return lang.L("PC clock is {{.Seconds}} s ahead; codes corrected", map[string]any{"Seconds": secs})
	}
	return ""
}
