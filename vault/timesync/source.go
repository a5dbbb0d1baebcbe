package timesync

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Kind says which protocol a Source speaks.
type Kind int

const (
	// None trusts the OS clock: nothing is measured.
	None Kind = iota
	// NTP asks an SNTP server over UDP.
	NTP
	// HTTPS reads the Date header of an HTTPS response.
	HTTPS
)

// DefaultNTPHost is used when the admin writes just "ntp://".
const DefaultNTPHost = "pool.ntp.org"

const ntpPort = "123"

// Source is a parsed time source. The zero value is None.
type Source struct {
	Kind Kind
	// Addr is host:port for NTP and the full URL for HTTPS.
	Addr string
}

// ParseSource parses a time source as stored in the vault settings or given
// on the command line: "" or "none", "ntp://host[:port]" or "https://host/…".
// Its errors wrap ErrBadSource and say what form is expected.
func ParseSource(s string) (Source, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "none") {
		return Source{}, nil
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		return Source{}, badSource("%q is not none, ntp://host[:port] or https://host/", s)
	}
	if u.User != nil {
		// A password in a settings string would be shown in every status line.
		return Source{}, badSource("%s://…: user names and passwords are not supported", strings.ToLower(u.Scheme))
	}
	switch strings.ToLower(u.Scheme) {
	case "ntp":
		return parseNTP(u)
	case "https":
		if u.Host == "" || u.Hostname() == "" {
			return Source{}, badSource("%q has no host (want https://host/)", s)
		}
		if err := checkHost(u.Hostname()); err != nil {
			return Source{}, err
		}
		if err := checkPort(u.Port()); err != nil {
			return Source{}, err
		}
		u.Scheme = "https"
		u.Fragment, u.RawFragment = "", ""
		if u.Path == "" {
			u.Path = "/"
		}
		return Source{Kind: HTTPS, Addr: u.String()}, nil
	case "http":
		return Source{}, badSource("plain http:// is refused, its Date header can be forged on the way; use https://")
	}
	return Source{}, badSource("unknown scheme %q (want none, ntp://host[:port] or https://host/)", u.Scheme)
}

func parseNTP(u *url.URL) (Source, error) {
	if u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return Source{}, badSource("ntp:// takes only host[:port], not a path or query")
	}
	host, port := u.Hostname(), u.Port()
	if host == "" {
		if u.Host != "" && u.Host != ":"+port {
			return Source{}, badSource("%q is not a host[:port]", u.Host)
		}
		host = DefaultNTPHost
	}
	if port == "" {
		if strings.HasSuffix(u.Host, ":") {
			return Source{}, badSource("ntp://%s has an empty port", u.Host)
		}
		port = ntpPort
	}
	if err := checkHost(host); err != nil {
		return Source{}, err
	}
	if err := checkPort(port); err != nil {
		return Source{}, err
	}
	return Source{Kind: NTP, Addr: net.JoinHostPort(host, port)}, nil
}

// checkHost accepts an IP address or a DNS name (letters, digits, '-', '_'
// and dots), which is all a time server can be; url.Parse alone lets through
// oddities such as "::1" without brackets.
func checkHost(host string) error {
	if net.ParseIP(host) != nil {
		return nil
	}
	for _, r := range host {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '.' || r == '_') {
			return badSource("%q is not a host name or IP address", host)
		}
	}
	if host == "" || strings.Trim(host, ".") == "" {
		return badSource("%q is not a host name or IP address", host)
	}
	return nil
}

func checkPort(port string) error {
	if port == "" {
		return nil
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return badSource("port %q is not a number from 1 to 65535", port)
	}
	return nil
}

// String returns the source in the form ParseSource accepts: "none",
// "ntp://host:port" or the HTTPS URL.
func (s Source) String() string {
	switch s.Kind {
	case NTP:
		return "ntp://" + s.Addr
	case HTTPS:
		return s.Addr
	}
	return "none"
}

func badSource(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadSource, fmt.Sprintf(format, args...))
}
