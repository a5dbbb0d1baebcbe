// Package ntptest runs a small NTP server on 127.0.0.1 for tests, the way
// net/http/httptest runs an HTTP server. It answers SNTP requests with a clock
// the test chooses (for example the real time plus 90 s), or with whatever
// bytes a test handler returns, garbage and silence included.
//
// It is written from RFC 5905 independently of the timesync client, so that
// the two check each other.
package ntptest

import (
	"encoding/binary"
	"net"
	"sync"
	"time"
)

// Handler builds the reply to one request; nil means stay silent.
type Handler func(req []byte) []byte

// Server is a running NTP responder.
type Server struct {
	// Addr is host:port, URL the same as an ntp:// time source.
	Addr string
	URL  string

	conn *net.UDPConn
	wg   sync.WaitGroup
}

// NewServer starts a responder whose clock is clock: it answers mode 4,
// stratum 2, with the request's transmit time as the originate time and
// clock() as the receive and transmit times.
func NewServer(clock func() time.Time) (*Server, error) {
	return NewServerFunc(func(req []byte) []byte {
		now := clock()
		return Reply(req, now, now)
	})
}

// NewServerFunc starts a responder that answers every datagram with h's
// result.
func NewServerFunc(h Handler) (*Server, error) {
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return nil, err
	}
	s := &Server{Addr: conn.LocalAddr().String(), conn: conn}
	s.URL = "ntp://" + s.Addr
	s.wg.Add(1)
	go s.serve(h)
	return s, nil
}

func (s *Server) serve(h Handler) {
	defer s.wg.Done()
	buf := make([]byte, 1024)
	for {
		n, from, err := s.conn.ReadFromUDP(buf)
		if err != nil {
			return // closed
		}
		if out := h(append([]byte(nil), buf[:n]...)); out != nil {
			s.conn.WriteToUDP(out, from)
		}
	}
}

// Close stops the responder and waits for its goroutine to exit.
func (s *Server) Close() {
	s.conn.Close()
	s.wg.Wait()
}

// Reply builds a well-formed server reply to req: leap 0, the request's
// version (4 if it is unusable), mode 4, stratum 2, originate = the request's
// transmit timestamp, and the given receive and transmit times. A request
// shorter than 48 bytes gets a reply with a zero originate time.
func Reply(req []byte, recv, xmit time.Time) []byte {
	out := make([]byte, 48)
	version := byte(4)
	if len(req) >= 48 {
		if v := (req[0] >> 3) & 7; v >= 1 && v <= 4 {
			version = v
		}
		copy(out[24:32], req[40:48])
	}
	out[0] = version<<3 | 4
	out[1] = 2                                       // stratum: synchronised to a stratum 1 server
	out[2] = 6                                       // poll: 64 s
	out[3] = 0xec                                    // precision: 2^-20 s
	binary.BigEndian.PutUint32(out[4:], 0x0000_0200) // root delay ≈ 8 ms
	binary.BigEndian.PutUint32(out[8:], 0x0000_0100) // root dispersion ≈ 4 ms
	copy(out[12:16], "TEST")                         // reference ID
	binary.BigEndian.PutUint64(out[16:], Timestamp(recv.Add(-time.Minute)))
	binary.BigEndian.PutUint64(out[32:], Timestamp(recv))
	binary.BigEndian.PutUint64(out[40:], Timestamp(xmit))
	return out
}

// Timestamp encodes t in the 64-bit NTP format: seconds since 1900 (modulo
// 2^32) and a 32-bit binary fraction.
func Timestamp(t time.Time) uint64 {
	const unixToNTP = 2208988800
	secs := uint32(t.Unix() + unixToNTP)
	frac := uint32((uint64(t.Nanosecond()) << 32) / 1e9)
	return uint64(secs)<<32 | uint64(frac)
}
