package timesync

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"syscall"
	"time"
)

// Options tune a Query or a Checker. The zero value is ready to use.
type Options struct {
	// Clock is the OS clock; nil means time.Now. It may be called from
	// several goroutines. Tests pass a fake.
	Clock func() time.Time
	// HTTPClient makes HTTPS requests; nil means a client that trusts the
	// system's certificate pool and honours the proxy environment variables.
	HTTPClient *http.Client
	// Timeout bounds each exchange; zero or anything above MaxTimeout means
	// MaxTimeout.
	Timeout time.Duration
	// Interval is how often Checker.Start re-checks; zero means
	// DefaultInterval.
	Interval time.Duration
	// OnUpdate, if set, is called with the new status after every check a
	// Checker makes, from the goroutine that made it. A GUI hands the status
	// to its UI thread.
	OnUpdate func(Status)
}

func (o Options) clock() func() time.Time {
	if o.Clock == nil {
		return time.Now
	}
	return o.Clock
}

func (o Options) timeout() time.Duration {
	if o.Timeout <= 0 || o.Timeout > MaxTimeout {
		return MaxTimeout
	}
	return o.Timeout
}

var defaultClient = &http.Client{Transport: http.DefaultTransport}

// Measurement is the result of one successful exchange with a source.
type Measurement struct {
	Source Source
	// Offset is the source's time minus the PC clock's: positive when the PC
	// clock is behind.
	Offset time.Duration
	// RTT is the network round trip of the exchange.
	RTT time.Duration
	// At is the PC clock's time when the answer arrived.
	At time.Time
}

// Query measures the PC clock's offset against src once. It returns within
// the timeout (at most MaxTimeout) or as soon as ctx is done. Its errors are
// one line starting with the source, and wrap ErrNoAnswer, ErrBadAnswer or
// ErrImplausible. Querying the None source is an error wrapping ErrBadSource.
func Query(ctx context.Context, src Source, opt Options) (Measurement, error) {
	clock := opt.clock()
	ctx, cancel := context.WithTimeout(ctx, opt.timeout())
	defer cancel()
	var offset, rtt time.Duration
	var err error
	switch src.Kind {
	case NTP:
		offset, rtt, err = queryNTP(ctx, src.Addr, clock)
	case HTTPS:
		client := opt.HTTPClient
		if client == nil {
			client = defaultClient
		}
		offset, rtt, err = queryHTTPS(ctx, src.Addr, client, clock)
	default:
		return Measurement{}, badSource("the time source is none: there is nothing to query")
	}
	if err != nil {
		if !errors.Is(err, ErrBadAnswer) {
			err = fmt.Errorf("%w: %s", ErrNoAnswer, describe(err, opt.timeout()))
		}
		return Measurement{}, fmt.Errorf("%s: %w", src, err)
	}
	m := Measurement{Source: src, Offset: offset, RTT: rtt, At: clock()}
	if offset > MaxOffset || offset < -MaxOffset {
		return Measurement{}, fmt.Errorf("%s: %w: it says %s, %s %s the PC clock; "+
			"offsets over 24 h are refused, as such a source is more likely broken "+
			"than the PC clock that wrong (check the source, or set the PC date by hand)",
			src, ErrImplausible, m.At.Add(offset).UTC().Format("2006-01-02 15:04 MST"),
			HumanDuration(offset), aheadOf(offset))
	}
	return m, nil
}

// describe turns a network error into a short phrase: the system's wording
// for a refusal or a DNS failure, a plain "timed out" for a deadline, rather
// than Go's full "read udp 127.0.0.1:4242->…: recvfrom: …" chain.
func describe(err error, timeout time.Duration) string {
	var dns *net.DNSError
	switch {
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Sprintf("timed out after %s", timeout)
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.As(err, &dns):
		if dns.IsNotFound {
			return fmt.Sprintf("host %q not found", dns.Name)
		}
		return fmt.Sprintf("cannot resolve %q: %s", dns.Name, dns.Err)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Sprintf("timed out after %s", timeout)
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err.Error()
	}
	return err.Error()
}

func badAnswer(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadAnswer, fmt.Sprintf(format, args...))
}

// aheadOf says where the source is relative to the PC clock.
func aheadOf(offset time.Duration) string {
	if offset < 0 {
		return "behind"
	}
	return "ahead of"
}

// HumanDuration writes the size of an offset for a one-line message: "0.4 s",
// "42 s", "3 min 5 s", "2 h 12 min", "3 days", "5 years".
func HumanDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	const day = 24 * time.Hour
	switch {
	case d < time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < 120*time.Second:
		return fmt.Sprintf("%d s", int64(d.Round(time.Second)/time.Second))
	case d < 2*time.Hour:
		d = d.Round(time.Second)
		return fmt.Sprintf("%d min %d s", int64(d/time.Minute), int64(d%time.Minute/time.Second))
	case d < 2*day:
		d = d.Round(time.Minute)
		return fmt.Sprintf("%d h %d min", int64(d/time.Hour), int64(d%time.Hour/time.Minute))
	case d < 730*day:
		return fmt.Sprintf("%d days", int64(d.Round(day)/day))
	}
	return fmt.Sprintf("%d years", int64(d.Round(365*day)/(365*day)))
}
