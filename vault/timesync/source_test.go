package timesync

import (
	"errors"
	"strings"
	"testing"
)

var sourceCases = []struct {
	in   string
	want Source
	err  string // substring of the error; "" means success
}{
	{"", Source{}, ""},
	{"none", Source{}, ""},
	{"  NONE ", Source{}, ""},
	{"ntp://", Source{NTP, "pool.ntp.org:123"}, ""},
	{"ntp:///", Source{NTP, "pool.ntp.org:123"}, ""},
	{"ntp://:4123", Source{NTP, "pool.ntp.org:4123"}, ""},
	{"ntp://time.corp.example", Source{NTP, "time.corp.example:123"}, ""},
	{"NTP://ntp.nict.jp:123/", Source{NTP, "ntp.nict.jp:123"}, ""},
	{"ntp://127.0.0.1:5123", Source{NTP, "127.0.0.1:5123"}, ""},
	{"ntp://[::1]:5123", Source{NTP, "[::1]:5123"}, ""},
	{"ntp://[fe80::1]", Source{NTP, "[fe80::1]:123"}, ""},
	{"https://intranet.corp.example", Source{HTTPS, "https://intranet.corp.example/"}, ""},
	{"https://intranet.corp.example:8443/health?x=1#frag", Source{HTTPS, "https://intranet.corp.example:8443/health?x=1"}, ""},
	{"HTTPS://Google.com/", Source{HTTPS, "https://Google.com/"}, ""},
	{"ntp://host:0", Source{}, "port"},
	{"ntp://host:65536", Source{}, "port"},
	{"ntp://host:", Source{}, "empty port"},
	{"ntp://host/path", Source{}, "only host[:port]"},
	{"ntp://host?q=1", Source{}, "only host[:port]"},
	{"ntp:host", Source{}, "only host[:port]"},
	{"ntp://user:pw@host", Source{}, "passwords are not supported"},
	{"https://user:secret@host/", Source{}, "passwords are not supported"},
	{"https://", Source{}, "no host"},
	{"https:///path", Source{}, "no host"},
	{"https://host:99999/", Source{}, "port"},
	{"http://intranet/", Source{}, "use https://"},
	{"pool.ntp.org", Source{}, "is not none"},
	{"ftp://x/", Source{}, "unknown scheme"},
	{"ntp://ho st", Source{}, "is not none"},
	{"%zz", Source{}, "is not none"},
	// Found by FuzzParseSource.
	{"ntp://::1", Source{}, "not a host name or IP address"},
	{"https://::1/", Source{}, "is not none"},
	{"ntp://ex%41mple.com", Source{}, "is not none"},
	{"https://ex%20ample.com/", Source{}, "is not none"},
	{"ntp://.", Source{}, "not a host name or IP address"},
}

func TestParseSource(t *testing.T) {
	for _, tc := range sourceCases {
		got, err := ParseSource(tc.in)
		if tc.err != "" {
			if err == nil || !errors.Is(err, ErrBadSource) || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseSource(%q) = %v, %v; want an ErrBadSource error containing %q", tc.in, got, err, tc.err)
			}
			if err != nil && strings.ContainsAny(err.Error(), "\n\r") {
				t.Errorf("ParseSource(%q) error is not one line: %q", tc.in, err)
			}
			if strings.Contains(tc.in, "secret") && err != nil && strings.Contains(err.Error(), "secret") {
				t.Errorf("ParseSource(%q) error quotes the password: %v", tc.in, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseSource(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			continue
		}
		// String is the canonical form and parses back to the same source.
		again, err := ParseSource(got.String())
		if err != nil || again != got {
			t.Errorf("ParseSource(%q).String() = %q does not round-trip: %+v, %v", tc.in, got.String(), again, err)
		}
	}
}

func TestSourceString(t *testing.T) {
	for _, tc := range []struct {
		src  Source
		want string
	}{
		{Source{}, "none"},
		{Source{NTP, "pool.ntp.org:123"}, "ntp://pool.ntp.org:123"},
		{Source{HTTPS, "https://intranet/"}, "https://intranet/"},
	} {
		if got := tc.src.String(); got != tc.want {
			t.Errorf("%+v.String() = %q, want %q", tc.src, got, tc.want)
		}
	}
}

func FuzzParseSource(f *testing.F) {
	for _, tc := range sourceCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		src, err := ParseSource(s)
		if err != nil {
			if !errors.Is(err, ErrBadSource) {
				t.Fatalf("ParseSource(%q) error %v does not wrap ErrBadSource", s, err)
			}
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("ParseSource(%q) error is not one line: %q", s, err)
			}
			return
		}
		again, err := ParseSource(src.String())
		if err != nil || again != src {
			t.Fatalf("ParseSource(%q) = %+v, but its String %q parses to %+v, %v", s, src, src.String(), again, err)
		}
	})
}
