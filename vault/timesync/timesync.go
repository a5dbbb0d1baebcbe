// Package timesync measures how far the PC clock is off, against a time source
// the admin chooses, so that one-time codes can be computed with the corrected
// time.
//
// A drifting PC clock is the usual reason a console rejects a code. Companies
// often block the public NTP pool and run their own time server, so the source
// is configurable (ParseSource):
//
//	""  or "none"        trust the OS clock; nothing is measured
//	ntp://host[:port]    SNTP (RFC 4330) over UDP; "ntp://" alone means pool.ntp.org
//	https://host/path    the Date header of an HTTPS response (an intranet server works)
//
// Query measures once. A Checker keeps the last good measurement, re-checks at
// start and every six hours, and gives the corrected time (Checker.Now) and a
// status line for the UI (Checker.Status).
//
// Sign convention: a positive offset means the PC clock is BEHIND the source,
// so the true time is the PC time plus the offset.
//
// Every network exchange is bounded by MaxTimeout, so a source that is offline
// or silent costs at most three seconds, never a hang.
//
// Trust: SNTP is unauthenticated, so anyone on the path can shift the answer;
// an HTTPS source is authenticated by its certificate. Either way an offset
// over MaxOffset is refused, and nothing is ever written to the OS clock:
// the correction applies to DeskAuth's codes only.
package timesync

import (
	"errors"
	"time"
)

// Errors a caller can react to. Query and Checker.Check wrap exactly one of
// ErrNoAnswer, ErrBadAnswer and ErrImplausible; ParseSource wraps ErrBadSource.
var (
	// ErrBadSource: the time source string is not none, ntp://… or https://….
	ErrBadSource = errors.New("invalid time source")
	// ErrNoAnswer: the source could not be reached, refused, or stayed silent
	// past the timeout.
	ErrNoAnswer = errors.New("no answer")
	// ErrBadAnswer: the source answered with something that is not a usable
	// time (garbage, an unsynchronised server, a missing Date header).
	ErrBadAnswer = errors.New("bad answer")
	// ErrImplausible: the source is more than MaxOffset away from the PC
	// clock. Such a source is far more likely broken than the PC clock is
	// that wrong, and trusting it would silently make every code fail.
	ErrImplausible = errors.New("offset too large")
)

const (
	// MaxTimeout bounds every network exchange.
	MaxTimeout = 3 * time.Second
	// MaxOffset is the largest offset accepted from a source.
	MaxOffset = 24 * time.Hour
	// Threshold is the smallest offset that is applied: codes live for 30 s
	// and servers accept a neighbouring period, so a few seconds do not
	// matter, and applying measurement noise would only confuse.
	Threshold = 5 * time.Second
	// DefaultInterval is how often a Checker started with Start re-checks.
	DefaultInterval = 6 * time.Hour
)
