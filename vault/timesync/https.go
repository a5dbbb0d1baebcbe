package timesync

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync"
	"time"
)

// The HTTPS source reads the Date header (RFC 9110 §6.6.1), which every HTTP
// server sends. It works through company proxies and firewalls that block
// UDP 123, and an intranet server with the company's own CA works as long as
// that CA is in the system's trust store (the default client uses it).
//
// Accuracy: Date has whole-second resolution and servers truncate, so the
// server's time when it answered lies in [Date, Date+1 s). We take Date+0.5 s
// at the midpoint of the exchange, which is right to within ±(0.5 s + rtt/2).
// That is ten times finer than the 5 s threshold for applying an offset.

// dateMidpoint is added to the truncated Date to centre the estimate.
const dateMidpoint = 500 * time.Millisecond

// queryHTTPS performs one HEAD request to addr and derives the offset from its
// Date header. ctx bounds the whole exchange.
func queryHTTPS(ctx context.Context, addr string, client *http.Client, clock func() time.Time) (offset, rtt time.Duration, err error) {
	// Copy the client so that redirects are not followed: any response,
	// a 301 or a 404 included, carries a Date, and following a redirect
	// would only add round trips to the measurement.
	cl := *client
	cl.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	// The round trip is timed from the moment the request is written to the
	// first byte of the answer, so that DNS, TCP and TLS set-up do not count.
	var mu sync.Mutex
	var wrote, first time.Time
	trace := &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) {
			now := clock()
			mu.Lock()
			wrote = now
			mu.Unlock()
		},
		GotFirstResponseByte: func() {
			now := clock()
			mu.Lock()
			first = now
			mu.Unlock()
		},
	}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodHead, addr, nil)
	if err != nil {
		return 0, 0, badAnswer("cannot build a request for %s", addr)
	}
	// A cache on the way could answer with a stored Date.
	req.Header.Set("Cache-Control", "no-cache")
	start := clock()
	resp, err := cl.Do(req)
	end := clock()
	if err != nil {
		var cert *tls.CertificateVerificationError
		if errors.As(err, &cert) {
			return 0, 0, badAnswer("the server's certificate is not trusted (%v)", cert.Err)
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // drop the `Head "https://…":` prefix; the source is named anyway
		}
		return 0, 0, err
	}
	resp.Body.Close()

	mu.Lock()
	t1, t4 := wrote, first
	mu.Unlock()
	if t1.IsZero() || t4.IsZero() || t4.Before(t1) {
		t1, t4 = start, end
	}
	date := resp.Header.Get("Date")
	if date == "" {
		return 0, 0, badAnswer("the HTTPS response (%s) has no Date header", resp.Status)
	}
	server, err := http.ParseTime(date)
	if err != nil {
		return 0, 0, badAnswer("the Date header %q is not an HTTP date", clip(date, 40))
	}
	rtt = t4.Sub(t1)
	midpoint := t1.Add(rtt / 2)
	return server.Add(dateMidpoint).Sub(midpoint), rtt, nil
}

// clip shortens untrusted text for an error message.
func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
