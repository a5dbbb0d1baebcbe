package timesync

import (
	"context"
	"sync"
	"time"
)

// Checker keeps the PC clock's offset against one source up to date and gives
// the corrected time. A failed check keeps the last good offset, so a laptop
// that goes offline keeps producing the right codes. Its methods are safe for
// concurrent use.
type Checker struct {
	src Source
	opt Options

	// mono measures elapsed time on a clock that nobody sets (Go's
	// monotonic reading); watch is how often Start compares it with the OS
	// clock to notice a step.
	mono  func() time.Duration
	watch time.Duration
	retry time.Duration // first retry delay after a failed check in Start

	mu      sync.Mutex
	st      Status
	started uint64 // checks started so far
	landed  uint64 // the number of the newest check whose result is in st
	// wallAt and monoAt are the OS clock and mono when the offset in st
	// was measured.
	wallAt time.Time
	monoAt time.Duration
}

// stepTolerance is how far the OS clock may drift from the monotonic clock
// between two looks before it counts as stepped.
const stepTolerance = 2 * time.Second

// defaultWatch is how often Start looks for a stepped OS clock: often
// enough that a correction outlives a fixed clock by a minute at most.
const defaultWatch = time.Minute

// defaultRetry is the first retry delay after a failed check.
const defaultRetry = time.Minute

// Status is what the UI shows about the time check.
type Status struct {
	Source Source
	// Offset is the last good offset (positive: PC clock behind) and RTT the
	// round trip of that check; both are zero until a check succeeds.
	Offset time.Duration
	RTT    time.Duration
	// Checked is the PC time of the last check, good or failed; Good that of
	// the last good one. Zero means never.
	Checked time.Time
	Good    time.Time
	// Err is the last check's error, nil if it succeeded.
	Err error
	// Applied reports whether Now adds Offset: only when |Offset| > Threshold.
	Applied bool
}

// NewChecker returns a Checker for src. It does not measure anything until
// Check or Start is called; until then Now is the OS clock.
func NewChecker(src Source, opt Options) *Checker {
	start := time.Now()
	return &Checker{src: src, opt: opt, st: Status{Source: src},
		mono: func() time.Duration { return time.Since(start) }, watch: defaultWatch, retry: defaultRetry}
}

// Now returns the corrected time: the OS clock plus the last good offset when
// that offset is larger than Threshold, else the OS clock as is.
func (c *Checker) Now() time.Time {
	now := c.opt.clock()()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.st.Applied {
		return now.Add(c.st.Offset)
	}
	return now
}

// Status returns the state of the last check.
func (c *Checker) Status() Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.st
}

// Check measures the offset now ("Check time now"). On success the new
// offset takes effect; on failure the last good offset stays in effect and
// the error is recorded in the status and returned. With the None source it
// does nothing and returns the status.
func (c *Checker) Check(ctx context.Context) (Status, error) {
	if c.src.Kind == None {
		return c.Status(), nil
	}
	c.mu.Lock()
	c.started++
	n := c.started
	c.mu.Unlock()
	m, err := Query(ctx, c.src, c.opt)
	c.mu.Lock()
	if n < c.landed {
		// A newer check (say "Check time now" while the timer's check
		// waited for a slow source) has already landed; keep its result.
		st := c.st
		c.mu.Unlock()
		return st, err
	}
	c.landed = n
	if err != nil {
		c.st.Err = err
		c.st.Checked = c.opt.clock()()
	} else {
		c.st.Offset, c.st.RTT, c.st.Err = m.Offset, m.RTT, nil
		c.st.Checked, c.st.Good = m.At, m.At
		c.wallAt, c.monoAt = m.At, c.mono()
		c.st.Applied = m.Offset > Threshold || m.Offset < -Threshold
	}
	st := c.st
	c.mu.Unlock()
	if c.opt.OnUpdate != nil {
		c.opt.OnUpdate(st)
	}
	return st, err
}

// Start checks at once and then every Options.Interval (six hours by
// default) in a goroutine, until ctx is done. A failed check is retried
// sooner, after one minute and then twice as long each time up to the
// interval, so a PC that starts before its network still gets corrected. It
// also checks again within a minute of the OS clock being stepped (the admin
// or Windows fixed it, or the PC woke from sleep): the old offset would
// otherwise be applied to a clock that no longer needs it. The returned
// channel is closed when the goroutine has exited. With the None source
// nothing is started and the channel is already closed.
func (c *Checker) Start(ctx context.Context) <-chan struct{} {
	done := make(chan struct{})
	if c.src.Kind == None {
		close(done)
		return done
	}
	interval := c.opt.Interval
	if interval <= 0 {
		interval = DefaultInterval
	}
	go func() {
		defer close(done)
		retry := min(c.retry, interval)
		// next checks and says when to check again.
		next := func() time.Duration {
			if _, err := c.Check(ctx); err == nil {
				retry = min(c.retry, interval)
				return interval
			}
			wait := retry
			retry = min(2*retry, interval)
			return wait
		}
		timer := time.NewTimer(next())
		defer timer.Stop()
		watch := time.NewTicker(min(c.watch, interval))
		defer watch.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-timer.C:
				timer.Reset(next())
			case <-watch.C:
				if c.stepped() {
					timer.Reset(next())
				}
			}
		}
	}()
	return done
}

// stepped reports whether the OS clock has been set since the last good
// check: its elapsed time differs from the monotonic clock's. Sleep looks the
// same (the monotonic clock may pause), and a re-check is right then too.
func (c *Checker) stepped() bool {
	now := c.opt.clock()()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.st.Good.IsZero() {
		return false
	}
	// Round(0) strips Go's monotonic reading, so Sub compares wall times.
	drift := now.Round(0).Sub(c.wallAt.Round(0)) - (c.mono() - c.monoAt)
	return drift > stepTolerance || drift < -stepTolerance
}

// State sums up a Status for the faces, which word it.
type State int

const (
	// StateNoSource: no time source is set; codes use the PC clock.
	StateNoSource State = iota
	// StateUnchecked: a source is set but no check has finished yet.
	StateUnchecked
	// StateRight: the last check found the PC clock within Threshold.
	StateRight
	// StateCorrected: the PC clock is off by Offset, which Now adds.
	StateCorrected
	// StateFailed: the last check failed (Err) and none ever succeeded;
	// codes use the PC clock.
	StateFailed
	// StateFailedKeepsOffset: the last check failed, and the last good
	// Offset is still applied.
	StateFailedKeepsOffset
	// StateFailedWasRight: the last check failed; the last good one found
	// the PC clock right.
	StateFailedWasRight
)

// State sums the status up.
func (s Status) State() State {
	switch {
	case s.Source.Kind == None:
		return StateNoSource
	case s.Checked.IsZero():
		return StateUnchecked
	case s.Err != nil && s.Good.IsZero():
		return StateFailed
	case s.Err != nil && s.Applied:
		return StateFailedKeepsOffset
	case s.Err != nil:
		return StateFailedWasRight
	case s.Applied:
		return StateCorrected
	}
	return StateRight
}

// ForSetting returns the Checker for a vault's time-source setting, the one
// clock both faces compute codes with: "" or "none" trusts the PC clock. A
// setting that does not parse gives a Checker on the PC clock together with
// the error (wrapping ErrBadSource), so codes still come.
func ForSetting(setting string, opt Options) (*Checker, error) {
	src, err := ParseSource(setting)
	if err != nil {
		return NewChecker(Source{}, opt), err
	}
	return NewChecker(src, opt), nil
}
