package timesync

import (
	"context"
	"math"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/beevik/ntp"
	"github.com/deskauth/deskauth/vault"
	"github.com/deskauth/deskauth/vault/timesync/ntptest"
)

// The responder and the client are both written here, so a shared
// misreading of RFC 5905 would go unnoticed. github.com/beevik/ntp, an
// independent client, checks the responder: it must accept the reply and
// measure the same offset as ours.
func TestResponderAgreesWithBeevikNTP(t *testing.T) {
	srv := startNTP(t, ahead(time.Now, 90*time.Second))
	host, port := splitAddr(t, srv.Addr)
	resp, err := ntp.QueryWithOptions(host, ntp.QueryOptions{Port: port, Timeout: MaxTimeout})
	if err != nil {
		t.Fatalf("beevik/ntp query: %v", err)
	}
	if err := resp.Validate(); err != nil {
		t.Fatalf("beevik/ntp rejects the responder's reply: %v", err)
	}
	ours, err := Query(context.Background(), mustParse(t, srv.URL), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(resp.ClockOffset.Seconds()-90) > 1 || math.Abs((resp.ClockOffset-ours.Offset).Seconds()) > 0.5 {
		t.Errorf("beevik/ntp offset %s, ours %s; want both 90 s ± 1 s and within 0.5 s of each other", resp.ClockOffset, ours.Offset)
	}
	if resp.Stratum != 2 {
		t.Errorf("stratum %d, want 2", resp.Stratum)
	}
}

func splitAddr(t *testing.T, addr string) (string, int) {
	t.Helper()
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		t.Fatal(err)
	}
	return host, port
}

func newBenchServer() (*ntptest.Server, error) {
	return ntptest.NewServer(time.Now)
}

// BenchmarkQueryNTP is one full exchange over the loopback: socket, request,
// reply, validation.
func BenchmarkQueryNTP(b *testing.B) {
	srv, err := newBenchServer()
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	src, _ := ParseSource(srv.URL)
	for b.Loop() {
		if _, err := Query(context.Background(), src, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckerNow is what the UI pays per code refresh.
func BenchmarkCheckerNow(b *testing.B) {
	c := NewChecker(Source{Kind: NTP, Addr: "127.0.0.1:1"}, Options{})
	acct, _ := vault.NewAccount("x", "y", "JBSWY3DPEHPK3PXP")
	for b.Loop() {
		if _, err := acct.Code(c.Now()); err != nil {
			b.Fatal(err)
		}
	}
}
