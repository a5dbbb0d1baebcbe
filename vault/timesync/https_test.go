package timesync

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// dateServer starts an HTTPS server whose Date header comes from date
// (nil: no Date header at all).
func dateServer(t *testing.T, status int, date func() string) *httptest.Server {
	t.Helper()
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodHead {
			t.Errorf("method %s, want HEAD", r.Method)
		}
		if date == nil {
			w.Header()["Date"] = nil // suppresses net/http's own Date
		} else {
			w.Header().Set("Date", date())
		}
		if status == http.StatusFound {
			w.Header().Set("Location", "https://elsewhere.invalid/")
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func httpDate(clock func() time.Time) func() string {
	return func() string { return clock().UTC().Format(http.TimeFormat) }
}

func TestQueryHTTPS90sAhead(t *testing.T) {
	clock := fakeClock(time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC))
	for _, status := range []int{http.StatusOK, http.StatusNotFound, http.StatusFound} {
		ts := dateServer(t, status, httpDate(ahead(clock, 90*time.Second)))
		m, err := Query(context.Background(), mustParse(t, ts.URL), Options{Clock: clock, HTTPClient: ts.Client()})
		if err != nil {
			t.Fatalf("HTTP %d: %v", status, err)
		}
		// The Date header has whole seconds: ±0.5 s plus half the round trip.
		if math.Abs(m.Offset.Seconds()-90) > 1 {
			t.Errorf("HTTP %d: offset = %s, want 90 s ± 1 s", status, m.Offset)
		}
		if m.RTT < 0 || m.RTT > MaxTimeout {
			t.Errorf("HTTP %d: rtt = %s", status, m.RTT)
		}
	}
}

// An intranet server with the company's own CA: trusted once the CA is in
// the pool the client uses, refused with a clear line while it is not.
func TestQueryHTTPSCustomCA(t *testing.T) {
	ts := dateServer(t, http.StatusOK, httpDate(ahead(time.Now, -42*time.Second)))
	src := mustParse(t, ts.URL)

	// The default client trusts only the system pool, which lacks the test CA.
	_, err := Query(context.Background(), src, Options{})
	if !errors.Is(err, ErrBadAnswer) {
		t.Fatalf("untrusted certificate: err = %v, want ErrBadAnswer", err)
	}
	checkOneLine(t, err, ts.URL+"/: bad answer: the server's certificate is not trusted")

	pool := x509.NewCertPool()
	pool.AddCert(ts.Certificate())
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	m, err := Query(context.Background(), src, Options{HTTPClient: client})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(m.Offset.Seconds()+42) > 1 {
		t.Errorf("offset = %s, want -42 s ± 1 s", m.Offset)
	}
}

func TestQueryHTTPSBadDate(t *testing.T) {
	for _, tc := range []struct {
		name string
		date func() string
		want string
	}{
		{"missing", nil, "has no Date header"},
		{"garbage", func() string { return "yesterday, around lunch" }, `Date header "yesterday, around lunch" is not an HTTP date`},
		{"long garbage", func() string { return strings.Repeat("x", 200) }, `"` + strings.Repeat("x", 40) + `…"`},
	} {
		ts := dateServer(t, http.StatusOK, tc.date)
		_, err := Query(context.Background(), mustParse(t, ts.URL), Options{HTTPClient: ts.Client()})
		if !errors.Is(err, ErrBadAnswer) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want ErrBadAnswer containing %q", tc.name, err, tc.want)
			continue
		}
		checkOneLine(t, err, ts.URL+"/: bad answer: ")
	}
}

func TestQueryHTTPSYearsOff(t *testing.T) {
	ts := dateServer(t, http.StatusOK, func() string { return "Sun, 06 Nov 1994 08:49:37 GMT" })
	_, err := Query(context.Background(), mustParse(t, ts.URL), Options{HTTPClient: ts.Client()})
	if !errors.Is(err, ErrImplausible) {
		t.Fatalf("err = %v, want ErrImplausible", err)
	}
	checkOneLine(t, err, ts.URL+"/: offset too large: it says 1994-11-06 08:49 UTC, ")
	if !strings.Contains(err.Error(), "years behind the PC clock; offsets over 24 h are refused") {
		t.Errorf("err = %v, want the reason", err)
	}
}

func TestQueryHTTPSRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = Query(context.Background(), mustParse(t, "https://"+addr+"/"), Options{})
	if !errors.Is(err, ErrNoAnswer) {
		t.Fatalf("err = %v, want ErrNoAnswer", err)
	}
	checkOneLine(t, err, "https://"+addr+"/: no answer: connection refused")
}

// A server that accepts the request and never answers is cut off at the
// timeout (shortened here; the 3 s default is exercised over NTP).
func TestQueryHTTPSTimeout(t *testing.T) {
	release := make(chan struct{})
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
	}))
	defer ts.Close()
	defer close(release)
	start := time.Now()
	_, err := Query(context.Background(), mustParse(t, ts.URL), Options{HTTPClient: ts.Client(), Timeout: 300 * time.Millisecond})
	if !errors.Is(err, ErrNoAnswer) {
		t.Fatalf("err = %v, want ErrNoAnswer", err)
	}
	checkOneLine(t, err, ts.URL+"/: no answer: timed out after 300ms")
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %s despite a 300 ms timeout", took)
	}
}

// A Timeout above the 3 s cap is lowered to it.
func TestTimeoutCap(t *testing.T) {
	for _, tc := range []struct{ in, want time.Duration }{
		{0, MaxTimeout}, {-1, MaxTimeout}, {time.Second, time.Second}, {time.Minute, MaxTimeout},
	} {
		if got := (Options{Timeout: tc.in}).timeout(); got != tc.want {
			t.Errorf("timeout(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
