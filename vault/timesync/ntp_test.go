package timesync

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/deskauth/deskauth/vault"
	"github.com/deskauth/deskauth/vault/timesync/ntptest"
)

// fakeClock starts at base and advances with the real (monotonic) time, so
// that round trips stay real while the wall time is whatever the test wants.
func fakeClock(base time.Time) func() time.Time {
	start := time.Now()
	return func() time.Time { return base.Add(time.Since(start)) }
}

// ahead returns clock shifted by d: the responder's idea of the time.
func ahead(clock func() time.Time, d time.Duration) func() time.Time {
	return func() time.Time { return clock().Add(d) }
}

func startNTP(t *testing.T, clock func() time.Time) *ntptest.Server {
	t.Helper()
	s, err := ntptest.NewServer(clock)
	if err != nil {
		t.Fatalf("starting the NTP responder: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

func startNTPFunc(t *testing.T, h ntptest.Handler) *ntptest.Server {
	t.Helper()
	s, err := ntptest.NewServerFunc(h)
	if err != nil {
		t.Fatalf("starting the NTP responder: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

func mustParse(t *testing.T, s string) Source {
	t.Helper()
	src, err := ParseSource(s)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestNTPTimestamps(t *testing.T) {
	for _, tc := range []struct {
		t  time.Time
		ts uint64
	}{
		// The Unix epoch is 2208988800 s after the NTP epoch.
		{time.Unix(0, 0), 2208988800 << 32},
		{time.Unix(1, 500_000_000), (2208988801 << 32) | 1<<31},
		// 2036-02-07 06:28:16 UTC: the seconds field wraps to 0 (era 1).
		{time.Date(2036, 2, 7, 6, 28, 16, 0, time.UTC), 0},
		{time.Date(2036, 2, 7, 6, 28, 17, 0, time.UTC), 1 << 32},
		// RFC 5905's example: 1968-01-20 03:14:08 UTC is the top of era 0.
		{time.Date(1968, 1, 20, 3, 14, 8, 0, time.UTC), 0x80000000 << 32},
	} {
		if got := toNTPTime(tc.t); got != tc.ts {
			t.Errorf("toNTPTime(%s) = %#x, want %#x", tc.t.UTC(), got, tc.ts)
		}
		if got := fromNTPTime(tc.ts); !got.Equal(tc.t) {
			t.Errorf("fromNTPTime(%#x) = %s, want %s", tc.ts, got.UTC(), tc.t.UTC())
		}
		// The test responder's independent encoder agrees.
		if got := ntptest.Timestamp(tc.t); got != tc.ts {
			t.Errorf("ntptest.Timestamp(%s) = %#x, want %#x", tc.t.UTC(), got, tc.ts)
		}
	}
	// The fraction keeps sub-nanosecond precision through a round trip.
	now := time.Date(2026, 11, 24, 18, 0, 0, 123456789, time.UTC)
	if d := fromNTPTime(toNTPTime(now)).Sub(now); d < -time.Nanosecond || d > time.Nanosecond {
		t.Errorf("round trip of %s is off by %s", now, d)
	}
}

// replyCases are NTP replies to a request sent with transmit timestamp
// sentTS, as tweaks on a good reply.
const sentTS = uint64(0xec0a_1b2c_1234_5678)

var replyCases = []struct {
	name  string
	tweak func(b []byte) []byte
	err   string
}{
	{"good", func(b []byte) []byte { return b }, ""},
	{"with extension bytes", func(b []byte) []byte { return append(b, make([]byte, 20)...) }, ""},
	{"version 3", func(b []byte) []byte { b[0] = 3<<3 | 4; return b }, ""},
	{"empty", func(b []byte) []byte { return nil }, "0 bytes"},
	{"short", func(b []byte) []byte { return b[:47] }, "47 bytes"},
	{"text", func([]byte) []byte { return []byte("HTTP/1.1 400 Bad Request\r\n\r\n<html>nope, nope.</html>") }, "mode 0"},
	{"client mode", func(b []byte) []byte { b[0] = 4<<3 | 3; return b }, "mode 3"},
	{"version 0", func(b []byte) []byte { b[0] = 0<<3 | 4; return b }, "version 0"},
	{"version 7", func(b []byte) []byte { b[0] = 7<<3 | 4; return b }, "version 7"},
	{"kiss RATE", func(b []byte) []byte { b[1] = 0; copy(b[12:], "RATE"); return b }, "kiss code RATE"},
	{"kiss binary", func(b []byte) []byte { b[1] = 0; copy(b[12:], "\x00\n\x01x"); return b }, "kiss code 0x000a0178"},
	{"leap alarm", func(b []byte) []byte { b[0] |= 3 << 6; return b }, "not synchronised"},
	{"stratum 16", func(b []byte) []byte { b[1] = 16; return b }, "not synchronised"},
	{"wrong originate", func(b []byte) []byte { b[31] ^= 1; return b }, "does not answer our request"},
	{"zero transmit", func(b []byte) []byte { clear(b[40:48]); return b }, "no timestamps"},
	{"zero receive", func(b []byte) []byte { clear(b[32:40]); return b }, "no timestamps"},
	{"root distance", func(b []byte) []byte { binary.BigEndian.PutUint32(b[8:], 17<<16); return b }, "too far from its reference"},
	{"sent before received", func(b []byte) []byte {
		binary.BigEndian.PutUint64(b[40:], binary.BigEndian.Uint64(b[32:])-1<<32)
		return b
	}, "sent before"},
}

func goodReply() []byte {
	req := make([]byte, 48)
	req[0] = 4<<3 | 3
	binary.BigEndian.PutUint64(req[40:], sentTS)
	at := time.Date(2026, 11, 24, 18, 0, 0, 0, time.UTC)
	return ntptest.Reply(req, at, at.Add(time.Millisecond))
}

func TestParseNTPReply(t *testing.T) {
	for _, tc := range replyCases {
		b := tc.tweak(goodReply())
		r, err := parseNTPReply(b, sentTS)
		if tc.err != "" {
			if !errors.Is(err, ErrBadAnswer) || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err = %v, want ErrBadAnswer containing %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		want := time.Date(2026, 11, 24, 18, 0, 0, 0, time.UTC)
		if !r.received.Equal(want) || r.transmitted.Sub(r.received).Round(time.Microsecond) != time.Millisecond || r.stratum != 2 {
			t.Errorf("%s: got %+v", tc.name, r)
		}
	}
}

func FuzzParseNTPReply(f *testing.F) {
	for _, tc := range replyCases {
		f.Add(tc.tweak(goodReply()))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parseNTPReply(b, sentTS)
		if err != nil {
			if !errors.Is(err, ErrBadAnswer) || strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("bad error %q", err)
			}
			return
		}
		if r.transmitted.Before(r.received) || r.stratum < 1 || r.stratum > 15 {
			t.Fatalf("accepted an inconsistent reply: %+v", r)
		}
	})
}

// The acceptance test: a real UDP exchange with a responder 90 s ahead of the
// real OS clock.
func TestQueryNTPRealClock90sAhead(t *testing.T) {
	srv := startNTP(t, ahead(time.Now, 90*time.Second))
	m, err := Query(context.Background(), mustParse(t, srv.URL), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(m.Offset.Seconds()-90) > 1 {
		t.Errorf("offset = %s, want 90 s ± 1 s", m.Offset)
	}
	if m.RTT < 0 || m.RTT > MaxTimeout {
		t.Errorf("rtt = %s, want within [0, %s]", m.RTT, MaxTimeout)
	}
	if m.Source.String() != srv.URL {
		t.Errorf("source = %s, want %s", m.Source, srv.URL)
	}
}

// With a fake OS clock the codes computed from Checker.Now must be the codes
// at OS time + 90 s. The fake clock puts OS time + 90 s in the middle of a
// period, so measurement noise of up to 1 s cannot cross a boundary.
func TestCheckerNTPCodesMatchNowPlus90(t *testing.T) {
	acct, err := vault.NewAccount("Example", "alice", "JBSWY3DPEHPK3PXP")
	if err != nil {
		t.Fatal(err)
	}
	periodStart := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	osTime := periodStart.Add(15*time.Second - 90*time.Second) // 11:58:45
	clock := fakeClock(osTime)
	srv := startNTP(t, ahead(clock, 90*time.Second))

	c := NewChecker(mustParse(t, srv.URL), Options{Clock: clock})
	st, err := c.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(st.Offset.Seconds()-90) > 1 || !st.Applied {
		t.Fatalf("status = %+v, want offset 90 s ± 1 s, applied", st)
	}
	if st.State() != StateCorrected {
		t.Errorf("state = %d, want StateCorrected", st.State())
	}
	got, err := acct.Code(c.Now())
	if err != nil {
		t.Fatal(err)
	}
	want, _ := acct.Code(periodStart.Add(15 * time.Second))
	uncorrected, _ := acct.Code(clock())
	if got != want {
		t.Errorf("code with corrected time = %s, want the code at OS time + 90 s %s", got, want)
	}
	if want == uncorrected {
		t.Fatalf("test is void: the codes at OS time and OS time + 90 s are both %s", want)
	}
}

func TestQueryNTPRefused(t *testing.T) {
	// Bind a port, then free it: nothing listens there, and the kernel
	// answers with ICMP port unreachable.
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	_, err = Query(context.Background(), mustParse(t, "ntp://"+addr), Options{})
	if !errors.Is(err, ErrNoAnswer) {
		t.Fatalf("err = %v, want ErrNoAnswer", err)
	}
	checkOneLine(t, err, "ntp://"+addr+": no answer: ")
}

// A source that never answers costs exactly the default timeout (3 s), never
// a hang.
func TestQueryNTPTimeout(t *testing.T) {
	srv := startNTPFunc(t, func([]byte) []byte { return nil })
	start := time.Now()
	_, err := Query(context.Background(), mustParse(t, srv.URL), Options{})
	took := time.Since(start)
	if !errors.Is(err, ErrNoAnswer) {
		t.Fatalf("err = %v, want ErrNoAnswer", err)
	}
	checkOneLine(t, err, srv.URL+": no answer: timed out after 3s")
	if took < MaxTimeout-100*time.Millisecond || took > 10*time.Second {
		t.Errorf("a silent source took %s, want about %s", took, MaxTimeout)
	}
}

// Cancelling the context (the app quitting) stops a pending exchange at once.
func TestQueryNTPCancel(t *testing.T) {
	srv := startNTPFunc(t, func([]byte) []byte { return nil })
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := Query(ctx, mustParse(t, srv.URL), Options{})
	if !errors.Is(err, ErrNoAnswer) || !strings.Contains(err.Error(), "cancelled") {
		t.Fatalf("err = %v, want ErrNoAnswer … cancelled", err)
	}
	if took := time.Since(start); took >= MaxTimeout {
		t.Errorf("cancel took %s; it waited for the timeout", took)
	}
}

func TestQueryNTPGarbage(t *testing.T) {
	for _, tc := range []struct {
		name string
		h    ntptest.Handler
		want string
	}{
		{"text", func([]byte) []byte { return []byte("garbage garbage garbage garbage garbage garbage!") }, "not an NTP server reply"},
		{"short", func([]byte) []byte { return []byte{0x24, 2} }, "2 bytes"},
		{"echo", func(req []byte) []byte { return req }, "mode 3"},
		{"stale originate", func(req []byte) []byte {
			now := time.Now()
			return ntptest.Reply(make([]byte, 48), now, now)
		}, "does not answer our request"},
		{"kiss of death", func(req []byte) []byte {
			b := ntptest.Reply(req, time.Now(), time.Now())
			b[1] = 0
			copy(b[12:], "DENY")
			return b
		}, "kiss code DENY"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startNTPFunc(t, tc.h)
			_, err := Query(context.Background(), mustParse(t, srv.URL), Options{})
			if !errors.Is(err, ErrBadAnswer) {
				t.Fatalf("err = %v, want ErrBadAnswer", err)
			}
			checkOneLine(t, err, srv.URL+": bad answer: ")
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

func TestQueryNTPYearsOff(t *testing.T) {
	for _, tc := range []struct {
		off  time.Duration
		want string
	}{
		{5 * 365 * 24 * time.Hour, "5 years ahead of the PC clock"},
		{-3 * 24 * time.Hour, "3 days behind the PC clock"},
		{24*time.Hour + time.Minute, "24 h 1 min ahead of the PC clock"},
	} {
		srv := startNTP(t, ahead(time.Now, tc.off))
		_, err := Query(context.Background(), mustParse(t, srv.URL), Options{})
		if !errors.Is(err, ErrImplausible) {
			t.Fatalf("offset %s: err = %v, want ErrImplausible", tc.off, err)
		}
		checkOneLine(t, err, srv.URL+": offset too large: it says ")
		for _, s := range []string{tc.want, "offsets over 24 h are refused"} {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("offset %s: err = %v, want it to say %q", tc.off, err, s)
			}
		}
	}
	// Just under the limit is accepted: a PC whose date is a day off is
	// rare but real (a dead CMOS battery, a wrong time zone).
	srv := startNTP(t, ahead(time.Now, 23*time.Hour))
	if m, err := Query(context.Background(), mustParse(t, srv.URL), Options{}); err != nil || m.Offset < 22*time.Hour {
		t.Errorf("23 h ahead: %+v, %v; want accepted", m, err)
	}
}

func TestQueryNone(t *testing.T) {
	if _, err := Query(context.Background(), Source{}, Options{}); !errors.Is(err, ErrBadSource) {
		t.Errorf("Query(none) err = %v, want ErrBadSource", err)
	}
}

func checkOneLine(t *testing.T, err error, prefix string) {
	t.Helper()
	msg := err.Error()
	if strings.ContainsAny(msg, "\r\n") {
		t.Errorf("error is not one line: %q", msg)
	}
	if !strings.HasPrefix(msg, prefix) {
		t.Errorf("error %q does not start with %q", msg, prefix)
	}
}
