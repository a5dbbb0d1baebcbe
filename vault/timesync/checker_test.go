package timesync

import (
	"context"
	"errors"
	"math"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/deskauth/deskauth/vault/timesync/ntptest"
)

// switchable is a responder whose offset and health the test changes.
type switchable struct {
	clock  func() time.Time
	offset atomic.Int64 // nanoseconds
	broken atomic.Bool  // answer garbage
}

func (s *switchable) handle(req []byte) []byte {
	if s.broken.Load() {
		return []byte("not an NTP packet")
	}
	now := s.clock().Add(time.Duration(s.offset.Load()))
	return ntptest.Reply(req, now, now)
}

func newSwitchable(t *testing.T, clock func() time.Time, offset time.Duration) (*switchable, Source) {
	s := &switchable{clock: clock}
	s.offset.Store(int64(offset))
	srv := startNTPFunc(t, s.handle)
	return s, mustParse(t, srv.URL)
}

func TestCheckerAppliesOnlyAboveThreshold(t *testing.T) {
	for _, tc := range []struct {
		offset  time.Duration
		applied bool
		state   State
	}{
		{42 * time.Second, true, StateCorrected},
		{-7 * time.Second, true, StateCorrected},
		{-(3*time.Minute + 5*time.Second), true, StateCorrected},
		{3 * time.Second, false, StateRight},
		{-2 * time.Second, false, StateRight},
		{0, false, StateRight},
	} {
		// A frozen fake clock: every reading is the same instant, so the
		// measured offset is exact and Now is checked to the nanosecond.
		frozen := time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)
		clock := func() time.Time { return frozen }
		_, src := newSwitchable(t, clock, tc.offset)
		c := NewChecker(src, Options{Clock: clock})
		if !c.Now().Equal(frozen) {
			t.Errorf("%s: Now before any check = %s, want the OS clock", tc.offset, c.Now())
		}
		st, err := c.Check(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", tc.offset, err)
		}
		if st.Offset.Round(time.Millisecond) != tc.offset || st.Applied != tc.applied || st.RTT != 0 {
			t.Errorf("%s: status %+v", tc.offset, st)
		}
		want := frozen
		if tc.applied {
			want = frozen.Add(tc.offset)
		}
		if got := c.Now(); got.Sub(want).Abs() > time.Millisecond {
			t.Errorf("%s: Now = %s, want %s", tc.offset, got, want)
		}
		if got := st.State(); got != tc.state {
			t.Errorf("%s: state %d, want %d", tc.offset, got, tc.state)
		}
		if !st.Checked.Equal(frozen) || !st.Good.Equal(frozen) || st.Err != nil {
			t.Errorf("%s: checked %s good %s err %v", tc.offset, st.Checked, st.Good, st.Err)
		}
	}
}

// A failed check keeps the last good offset in effect and says so.
func TestCheckerKeepsLastGoodOffset(t *testing.T) {
	base := time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)
	clock := fakeClock(base)
	resp, src := newSwitchable(t, clock, 42*time.Second)
	var updates []Status
	c := NewChecker(src, Options{Clock: clock, OnUpdate: func(s Status) { updates = append(updates, s) }})

	if _, err := c.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	resp.broken.Store(true)
	st, err := c.Check(context.Background())
	if !errors.Is(err, ErrBadAnswer) || !errors.Is(st.Err, ErrBadAnswer) {
		t.Fatalf("err = %v, status err = %v; want ErrBadAnswer", err, st.Err)
	}
	if math.Abs(st.Offset.Seconds()-42) > 1 || !st.Applied || !st.Checked.After(st.Good) {
		t.Errorf("status after a failure = %+v; want the last good 42 s still applied", st)
	}
	if d := c.Now().Sub(clock()); math.Abs(d.Seconds()-42) > 1 {
		t.Errorf("Now - OS clock = %s after a failure, want the last good 42 s", d)
	}
	if got := st.State(); got != StateFailedKeepsOffset {
		t.Errorf("state %d, want StateFailedKeepsOffset", got)
	}

	// Recovery clears the error and takes the new offset.
	resp.broken.Store(false)
	resp.offset.Store(int64(-10 * time.Second))
	st, err = c.Check(context.Background())
	if err != nil || st.Err != nil || math.Abs(st.Offset.Seconds()+10) > 1 {
		t.Errorf("after recovery: %+v, %v", st, err)
	}
	if len(updates) != 3 || updates[1].Err == nil || updates[2].Err != nil {
		t.Errorf("OnUpdate saw %d updates: %+v", len(updates), updates)
	}
}

func TestCheckerFailureWithoutGoodOffset(t *testing.T) {
	frozen := time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)
	clock := func() time.Time { return frozen }
	resp, src := newSwitchable(t, clock, 0)
	resp.broken.Store(true)
	c := NewChecker(src, Options{Clock: clock})
	st, err := c.Check(context.Background())
	if err == nil || st.Applied || st.Offset != 0 || !st.Good.IsZero() {
		t.Fatalf("status %+v, err %v", st, err)
	}
	if !c.Now().Equal(frozen) {
		t.Errorf("Now = %s, want the OS clock", c.Now())
	}
	if got := st.State(); got != StateFailed {
		t.Errorf("state %d, want StateFailed", got)
	}
	// A failure after a good check that found the clock right.
	resp.broken.Store(false)
	c.Check(context.Background())
	resp.broken.Store(true)
	st, _ = c.Check(context.Background())
	if got := st.State(); got != StateFailedWasRight {
		t.Errorf("state %d, want StateFailedWasRight", got)
	}
}

func TestCheckerNone(t *testing.T) {
	frozen := time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)
	called := false
	c := NewChecker(Source{}, Options{Clock: func() time.Time { return frozen }, OnUpdate: func(Status) { called = true }})
	done := c.Start(context.Background())
	select {
	case <-done:
	default:
		t.Fatal("Start with no source left something running")
	}
	st, err := c.Check(context.Background())
	if err != nil || !st.Checked.IsZero() || called {
		t.Errorf("Check with no source: %+v, %v, OnUpdate called %v", st, err, called)
	}
	if !c.Now().Equal(frozen) {
		t.Errorf("Now = %s, want the OS clock", c.Now())
	}
	if got := st.State(); got != StateNoSource {
		t.Errorf("state %d, want StateNoSource", got)
	}
	if got := NewChecker(mustParse(t, "ntp://"), Options{}).Status().State(); got != StateUnchecked {
		t.Errorf("state %d, want StateUnchecked", got)
	}
}

// Start checks at once, then every interval, and its goroutine exits when
// the context is cancelled. Checks, Now and Status run concurrently here, for
// the race detector.
func TestCheckerStartLoop(t *testing.T) {
	_, src := newSwitchable(t, time.Now, 30*time.Second)
	var mu sync.Mutex
	n := 0
	enough := make(chan struct{})
	c := NewChecker(src, Options{Interval: 10 * time.Millisecond, OnUpdate: func(st Status) {
		mu.Lock()
		defer mu.Unlock()
		if n++; n == 4 {
			close(enough)
		}
	}})
	ctx, cancel := context.WithCancel(context.Background())
	done := c.Start(ctx)
	go c.Check(ctx) // "Check time now" while the loop runs
	for i := 0; i < 100; i++ {
		_ = c.Now()
		_ = c.Status().State()
	}
	select {
	case <-enough:
	case <-time.After(30 * time.Second):
		t.Fatal("Start made fewer than 4 checks in 30 s with a 10 ms interval")
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the check loop did not stop after cancel")
	}
	if st := c.Status(); !st.Applied || math.Abs(st.Offset.Seconds()-30) > 1 {
		t.Errorf("status %+v", st)
	}
}

func TestHumanDuration(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0.0 s"},
		{-400 * time.Millisecond, "0.4 s"},
		{7 * time.Second, "7 s"},
		{42*time.Second + 130*time.Millisecond, "42 s"},
		{119 * time.Second, "119 s"},
		{185 * time.Second, "3 min 5 s"},
		{-(2*time.Hour + 12*time.Minute), "2 h 12 min"},
		{3 * 24 * time.Hour, "3 days"},
		{-5 * 365 * 24 * time.Hour, "5 years"},
	} {
		if got := HumanDuration(tc.d); got != tc.want {
			t.Errorf("HumanDuration(%s) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

// A slow check that started first must not overwrite the result of a newer
// one ("Check time now" pressed while the timer's check waits).
func TestCheckerStaleCheckDoesNotOverwrite(t *testing.T) {
	var n atomic.Int32
	firstSeen := make(chan struct{})
	srv := startNTPFunc(t, func(req []byte) []byte {
		if n.Add(1) == 1 {
			close(firstSeen)
			return nil // the first check times out
		}
		now := time.Now().Add(42 * time.Second)
		return ntptest.Reply(req, now, now)
	})
	c := NewChecker(mustParse(t, srv.URL), Options{Timeout: 500 * time.Millisecond})
	firstErr := make(chan error)
	go func() {
		_, err := c.Check(context.Background())
		firstErr <- err
	}()
	<-firstSeen
	if _, err := c.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := <-firstErr; !errors.Is(err, ErrNoAnswer) {
		t.Fatalf("first check: err = %v, want a timeout", err)
	}
	if st := c.Status(); st.Err != nil || math.Abs(st.Offset.Seconds()-42) > 1 {
		t.Errorf("status %+v: the stale failure overwrote the newer result", st)
	}
}

// When the OS clock is set after a check (the admin fixes it, Windows syncs
// it), the old offset must not stay applied until the next six-hourly check:
// Start notices the step against the monotonic clock and checks again.
func TestCheckerRechecksAfterClockStep(t *testing.T) {
	var shift atomic.Int64
	osClock := func() time.Time { return time.Now().Add(time.Duration(shift.Load())) }
	truth := func() time.Time { return time.Now().Add(42 * time.Second) }
	srv := startNTP(t, truth)
	updates := make(chan Status, 100)
	c := NewChecker(mustParse(t, srv.URL), Options{Clock: osClock, Interval: time.Hour,
		OnUpdate: func(st Status) { updates <- st }})
	c.watch = 10 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := c.Start(ctx)
	defer func() { cancel(); <-done }()

	if st := <-updates; !st.Applied || math.Abs(st.Offset.Seconds()-42) > 1 {
		t.Fatalf("first check: %+v", st)
	}
	// No step, no re-check: the watch ticks about 20 times meanwhile.
	select {
	case st := <-updates:
		t.Fatalf("re-checked without a clock step: %+v", st)
	case <-time.After(200 * time.Millisecond):
	}
	// The admin sets the PC clock right.
	shift.Store(int64(42 * time.Second))
	select {
	case st := <-updates:
		if st.Applied || math.Abs(st.Offset.Seconds()) > 1 {
			t.Errorf("after the step: %+v, want the offset back to about 0", st)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no re-check within 10 s of the clock step")
	}
	if d := c.Now().Sub(truth()); d.Abs() > time.Second {
		t.Errorf("Now is %s off the true time after the step", d)
	}
}

// A failed first check (the network not up yet at login) is retried soon,
// not after six hours.
func TestCheckerRetriesAfterFailure(t *testing.T) {
	resp, src := newSwitchable(t, time.Now, 42*time.Second)
	resp.broken.Store(true)
	updates := make(chan Status, 100)
	c := NewChecker(src, Options{Interval: time.Hour, OnUpdate: func(st Status) { updates <- st }})
	c.retry = 20 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := c.Start(ctx)
	defer func() { cancel(); <-done }()
	if st := <-updates; st.Err == nil {
		t.Fatalf("first check succeeded against a broken source: %+v", st)
	}
	resp.broken.Store(false)
	deadline := time.After(10 * time.Second)
	for {
		select {
		case st := <-updates:
			if st.Err == nil {
				if !st.Applied || math.Abs(st.Offset.Seconds()-42) > 1 {
					t.Errorf("after the retry: %+v", st)
				}
				return
			}
		case <-deadline:
			t.Fatal("no successful retry within 10 s of the source coming back")
		}
	}
}

func TestForSetting(t *testing.T) {
	frozen := time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)
	opt := Options{Clock: func() time.Time { return frozen }}
	for _, setting := range []string{"", "none"} {
		c, err := ForSetting(setting, opt)
		if err != nil || c.Status().State() != StateNoSource || !c.Now().Equal(frozen) {
			t.Errorf("ForSetting(%q): state %d, err %v", setting, c.Status().State(), err)
		}
	}
	c, err := ForSetting("ftp://example.com", opt)
	if !errors.Is(err, ErrBadSource) || c == nil || !c.Now().Equal(frozen) {
		t.Errorf("a bad setting: err %v, want ErrBadSource and the PC clock", err)
	}
	c, err = ForSetting("ntp://127.0.0.1:123", opt)
	if err != nil || c.Status().State() != StateUnchecked || c.Status().Source.String() != "ntp://127.0.0.1:123" {
		t.Errorf("ntp setting: state %d, err %v", c.Status().State(), err)
	}
}
