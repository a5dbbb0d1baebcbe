package timesync

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"net"
	"time"
)

// An SNTP client (RFC 4330): one 48-byte request, one 48-byte reply, four
// timestamps. It is small enough to own, which keeps the timeout, the
// validation and the error wording under our control.

const ntpPacketLen = 48

// ntpEpochOffset is the number of seconds from 1900-01-01 (the NTP epoch) to
// 1970-01-01 (the Unix epoch).
const ntpEpochOffset = 2208988800

// maxRootDistance is the root distance beyond which a server is considered
// unsynchronised (the NTPv4 MAXDIST default is 1.5 s; RFC 5905 allows up to 16 s).
const maxRootDistance = 16 * time.Second

// ntpReply is what we keep from a server's answer.
type ntpReply struct {
	received    time.Time // T2: when the server got the request, by its clock
	transmitted time.Time // T3: when the server sent the reply, by its clock
	stratum     int
}

// queryNTP performs one exchange with addr. The connection's deadline comes
// from ctx, which the caller bounds by the timeout.
func queryNTP(ctx context.Context, addr string, clock func() time.Time) (offset, rtt time.Duration, err error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "udp", addr)
	if err != nil {
		return 0, 0, err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	// Cancelling ctx must unblock the read at once, not at the deadline.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	// The transmit field is echoed back as the originate field. Its seconds are
	// our clock (handy in a packet capture) and its fraction is random, so a
	// forged or stale reply does not match.
	var nonce [4]byte
	rand.Read(nonce[:])
	t1 := clock()
	sent := toNTPTime(t1)&^0xffffffff | uint64(binary.BigEndian.Uint32(nonce[:]))
	req := make([]byte, ntpPacketLen)
	req[0] = 0<<6 | 4<<3 | 3 // leap 0, version 4, mode 3 (client)
	binary.BigEndian.PutUint64(req[40:], sent)
	if _, err := conn.Write(req); err != nil {
		return 0, 0, err
	}
	buf := make([]byte, 512)
	n, err := conn.Read(buf)
	t4 := clock()
	if ctx.Err() != nil {
		return 0, 0, ctx.Err()
	}
	if err != nil {
		return 0, 0, err
	}
	r, err := parseNTPReply(buf[:n], sent)
	if err != nil {
		return 0, 0, err
	}
	// The classic SNTP formulas: the offset assumes the two legs take
	// equally long, and the round trip excludes the server's own time.
	offset = (r.received.Sub(t1) + r.transmitted.Sub(t4)) / 2
	rtt = t4.Sub(t1) - r.transmitted.Sub(r.received)
	if rtt < 0 {
		rtt = 0
	}
	return offset, rtt, nil
}

// parseNTPReply checks a server's reply to the request whose transmit
// timestamp was sent, and extracts the server's timestamps. It never panics,
// whatever the bytes. Its errors wrap ErrBadAnswer.
func parseNTPReply(b []byte, sent uint64) (ntpReply, error) {
	if len(b) < ntpPacketLen {
		return ntpReply{}, badAnswer("the NTP reply has %d bytes, want at least %d", len(b), ntpPacketLen)
	}
	leap, version, mode := b[0]>>6, (b[0]>>3)&7, b[0]&7
	if version < 1 || version > 4 {
		return ntpReply{}, badAnswer("NTP version %d is not supported", version)
	}
	if mode != 4 {
		return ntpReply{}, badAnswer("the packet is not an NTP server reply (mode %d)", mode)
	}
	stratum := int(b[1])
	if stratum == 0 {
		// A kiss-o'-death packet: the reference ID is a four-letter code
		// such as RATE or DENY.
		return ntpReply{}, badAnswer("the NTP server refused (kiss code %s)", kissCode(b[12:16]))
	}
	if leap == 3 || stratum > 15 {
		return ntpReply{}, badAnswer("the NTP server's own clock is not synchronised")
	}
	if origin := binary.BigEndian.Uint64(b[24:]); origin != sent {
		return ntpReply{}, badAnswer("the NTP reply does not answer our request")
	}
	recv, xmit := binary.BigEndian.Uint64(b[32:]), binary.BigEndian.Uint64(b[40:])
	if recv == 0 || xmit == 0 {
		return ntpReply{}, badAnswer("the NTP reply has no timestamps")
	}
	rootDelay := shortToDuration(binary.BigEndian.Uint32(b[4:]))
	rootDisp := shortToDuration(binary.BigEndian.Uint32(b[8:]))
	if rootDelay/2+rootDisp > maxRootDistance {
		return ntpReply{}, badAnswer("the NTP server is too far from its reference clock")
	}
	r := ntpReply{received: fromNTPTime(recv), transmitted: fromNTPTime(xmit), stratum: stratum}
	if r.transmitted.Before(r.received) {
		return ntpReply{}, badAnswer("the NTP reply was sent before the request arrived")
	}
	return r, nil
}

// kissCode renders a kiss-o'-death code safely: printable ASCII as is,
// anything else in hex, so a hostile server cannot inject text.
func kissCode(b []byte) string {
	for _, c := range b {
		if c < '!' || c > '~' {
			return fmt.Sprintf("0x%x", b)
		}
	}
	return string(b)
}

// toNTPTime converts t to a 64-bit NTP timestamp: seconds since 1900 in the
// high half, the fraction of a second in the low half. Seconds wrap every
// 2^32 s (era 1 starts in 2036).
func toNTPTime(t time.Time) uint64 {
	secs := uint64(t.Unix()+ntpEpochOffset) & 0xffffffff
	frac := (uint64(t.Nanosecond()) << 32) / uint64(time.Second)
	return secs<<32 | frac
}

// fromNTPTime converts an NTP timestamp to a time. Following RFC 4330 §3,
// seconds with the top bit clear are in era 1 (2036-2104), so the mapping
// covers 1968-2104.
func fromNTPTime(ts uint64) time.Time {
	secs := int64(ts >> 32)
	if secs&0x80000000 == 0 {
		secs += 1 << 32
	}
	nanos := (int64(ts&0xffffffff) * int64(time.Second)) >> 32
	return time.Unix(secs-ntpEpochOffset, nanos)
}

// shortToDuration converts an NTP short format value (16.16 fixed point
// seconds) to a duration.
func shortToDuration(v uint32) time.Duration {
	return time.Duration((uint64(v) * uint64(time.Second)) >> 16)
}
