package vault

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// When a console rejects a code, the admin wants to know whether the PC clock
// is to blame. A code pins down a period, so comparing it with the codes of
// the neighbouring periods tells how far, and which way, the PC clock is off,
// without any network.

// DiagnoseWindow is how many periods either side of the PC's current period
// a diagnosis searches: ±3 periods is ±90 s for the usual 30 s period.
const DiagnoseWindow = 3

// ErrNotTimeBased is returned when a diagnosis is asked of an HOTP account,
// whose codes do not depend on the clock.
var ErrNotTimeBased = errors.New("this account's codes do not depend on the clock")

// Diagnosis is what one code tells about the PC clock.
type Diagnosis struct {
	// Match reports whether the code is one of the account's codes within
	// DiagnoseWindow periods of the PC time. The other fields are meaningful
	// only when it is true.
	Match bool
	// Periods is the code's period relative to the PC's current one: +2
	// means the code is the one the PC will show two periods from now.
	Periods int
	// MinOffset and MaxOffset bound the true time minus the PC time (as in
	// timesync, positive means the PC clock is behind) implied by a code the
	// console accepted: MinOffset <= offset < MaxOffset. Both are zero for a
	// failed code, which tells only that the console disagreed.
	MinOffset, MaxOffset time.Duration
	// Verdict is what the code says about the clock; the faces word it.
	Verdict Verdict
	// Expired is, for VerdictExpired, how long before it was typed the code
	// had stopped being current.
	Expired time.Duration
}

// Verdict is the conclusion of a diagnosis.
type Verdict int

const (
	// VerdictNoMatch: the code is none of the account's codes within
	// DiagnoseWindow periods either side of the PC time.
	VerdictNoMatch Verdict = iota
	// VerdictClockRight: an accepted code of the current period.
	VerdictClockRight
	// VerdictClockBehind: the console is Periods ahead; the PC clock is late.
	VerdictClockBehind
	// VerdictClockAhead: the console is -Periods behind; the PC clock is early.
	VerdictClockAhead
	// VerdictCurrentRejected: the rejected code was the current one, so the
	// clocks differ by more than the console allows, or the secret differs.
	VerdictCurrentRejected
	// VerdictExpired: the rejected code belonged to an earlier period.
	VerdictExpired
	// VerdictFuture: the rejected code belongs to a later period (computed
	// with a corrected or changed clock).
	VerdictFuture
)

// DiagnoseAccepted compares a code that the console accepts (for example the
// one another authenticator or the console itself shows) with the codes
// around the PC time at, and says whether the PC clock is behind (late) or
// ahead (early), and by how many periods and seconds. Pass the OS clock's
// time as at, not a corrected one: it is the OS clock being diagnosed.
func (a Account) DiagnoseAccepted(code string, at time.Time) (Diagnosis, error) {
	k, found, err := a.findPeriod(code, at)
	if err != nil || !found {
		return a.noMatch(found, err)
	}
	period := time.Duration(a.Period) * time.Second
	// The console's clock lies in period n+k, where the PC's lies in n, so
	// the offset d satisfies (n+k)P <= t+d < (n+k+1)P.
	into := at.Sub(a.periodStart(at))
	d := Diagnosis{Match: true, Periods: k,
		MinOffset: time.Duration(k)*period - into, MaxOffset: time.Duration(k+1)*period - into}
	switch {
	case k == 0:
		d.Verdict = VerdictClockRight
	case k > 0:
		d.Verdict = VerdictClockBehind
	default:
		d.Verdict = VerdictClockAhead
	}
	return d, nil
}

// DiagnoseFailed explains why a code DeskAuth showed was rejected, given the
// PC time at when it was typed. A rejected code cannot tell which way the
// clock is off; it can tell whether the code had simply expired, and whether
// it belongs to this account at all.
func (a Account) DiagnoseFailed(shown string, at time.Time) (Diagnosis, error) {
	k, found, err := a.findPeriod(shown, at)
	if err != nil || !found {
		return a.noMatch(found, err)
	}
	d := Diagnosis{Match: true, Periods: k}
	switch {
	case k == 0:
		d.Verdict = VerdictCurrentRejected
	case k < 0:
		d.Verdict = VerdictExpired
		d.Expired = at.Sub(a.periodStart(at).Add(time.Duration(k+1) * time.Duration(a.Period) * time.Second)).Round(time.Second)
	default:
		d.Verdict = VerdictFuture
	}
	return d, nil
}

// findPeriod normalises code and looks for it in the periods around at,
// nearest first, so that a coincidental match further away never wins.
func (a Account) findPeriod(code string, at time.Time) (k int, found bool, err error) {
	if err := a.validateKey(); err != nil {
		return 0, false, err
	}
	if a.Kind == HOTP {
		return 0, false, ErrNotTimeBased
	}
	code = normalizeCode(code, a.Kind)
	if n := len([]rune(code)); n != a.Digits {
		return 0, false, &FieldError{Field: FieldCode, Reason: ReasonLength, Value: strconv.Itoa(n), Min: int64(a.Digits)}
	}
	if _, err := a.Code(at); err != nil {
		return 0, false, err
	}
	now := a.CounterAt(at)
	for _, k := range []int{0, 1, -1, 2, -2, 3, -3} {
		if k < 0 && uint64(-k) > now {
			continue
		}
		c, err := a.codeFor(now + uint64(k))
		if err != nil {
			return 0, false, err
		}
		if c == code {
			return k, true, nil
		}
	}
	return 0, false, nil
}

func (a Account) noMatch(found bool, err error) (Diagnosis, error) {
	if err != nil {
		return Diagnosis{}, err
	}
	return Diagnosis{Verdict: VerdictNoMatch}, nil
}

// normalizeCode drops the spaces and dashes people type for readability and
// folds the full-width digits and letters a Japanese input method produces;
// Steam codes are upper case.
func normalizeCode(code string, kind Kind) string {
	code = strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-' || r == '\t' || r == '\u3000' || r == '\uff0d':
			return -1
		case '０' <= r && r <= '９':
			return r - '０' + '0'
		case 'Ａ' <= r && r <= 'Ｚ':
			return r - 'Ａ' + 'A'
		case 'ａ' <= r && r <= 'ｚ':
			return r - 'ａ' + 'a'
		}
		return r
	}, code)
	if kind == Steam {
		code = strings.ToUpper(code)
	}
	return code
}

func (a Account) periodStart(at time.Time) time.Time {
	return time.Unix(int64(a.CounterAt(at))*int64(a.Period), 0)
}
