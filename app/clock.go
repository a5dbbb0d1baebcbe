package app

import (
	"context"
	"fmt"
	"math"
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/deskauth/deskauth/vault/timesync"
)

// clock gives the time codes are computed for: the OS clock, corrected by the
// vault's time source when one is set and the PC clock is off.
type clock struct {
	osNow   func() time.Time
	checker *timesync.Checker
	cancel  context.CancelFunc
	badSrc  error
}

func newClock(osNow func() time.Time, source string) *clock {
	c := &clock{osNow: osNow}
	src, err := timesync.ParseSource(source)
	if err != nil {
		c.badSrc = err
		return c
	}
	if src.Kind == timesync.None {
		return c
	}
	c.checker = timesync.NewChecker(src, timesync.Options{Clock: osNow})
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	c.checker.Start(ctx)
	return c
}

// Now is the corrected time.
func (c *clock) Now() time.Time {
	if c.checker == nil {
		return c.osNow()
	}
	return c.checker.Now()
}

func (c *clock) stop() {
	if c.cancel != nil {
		c.cancel()
	}
}

// notice is the line shown above the codes, or "" when the PC clock is
// trusted and fine.
func (c *clock) notice() string {
	if c.badSrc != nil {
		return lang.L("The time source in this vault is not valid; codes use the PC clock")
	}
	if c.checker == nil {
		return ""
	}
	st := c.checker.Status()
	secs := fmt.Sprint(int(math.Round(math.Abs(st.Offset.Seconds()))))
	switch {
	case st.Checked.IsZero():
		return ""
	case st.Err != nil && st.Applied:
		return lang.L("Time check failed; using the last good correction of {{.Seconds}} s", map[string]any{"Seconds": secs})
	case st.Err != nil:
		return lang.L("Time check failed; codes use the PC clock")
	case st.Applied && st.Offset > 0:
		return lang.L("PC clock is {{.Seconds}} s behind; codes corrected", map[string]any{"Seconds": secs})
	case st.Applied:
		return lang.L("PC clock is {{.Seconds}} s ahead; codes corrected", map[string]any{"Seconds": secs})
	}
	return ""
}
