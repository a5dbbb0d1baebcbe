package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math"
	"os"
	"strings"
	"time"

	"github.com/deskauth/deskauth/vault"
	"github.com/deskauth/deskauth/vault/timesync"
)

// timeJSON is the --json form of a time check. A positive offset means the PC
// clock is behind.
type timeJSON struct {
	Source        string  `json:"source"`
	OffsetSeconds float64 `json:"offset_seconds"`
	RTTSeconds    float64 `json:"rtt_seconds"`
}

func runTime(c *cli, args []string) error {
	fset := c.flags("time")
	vf := c.vaultFlags(fset)
	source := fset.String("time-source", "", "check against this `URL`: ntp://host[:port] or https://host/ (default: the vault's time source)")
	set := fset.String("set", "", "save this time source `URL` in the vault (none trusts the PC clock) instead of checking")
	asJSON := fset.Bool("json", false, `print {"source", "offset_seconds", "rtt_seconds"} as JSON`)
	pos, err := c.parse(fset, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("time takes no arguments")
	}
	setGiven := false
	fset.Visit(func(f *flag.Flag) { setGiven = setGiven || f.Name == "set" })
	if setGiven {
		if *source != "" || *asJSON {
			return usagef("time --set takes no --time-source or --json")
		}
		return c.setTimeSource(vf, *set)
	}

	src, err := c.timeSource(vf, *source)
	if err != nil {
		return err
	}
	if src.Kind == timesync.None {
		return errors.New("the time source is none, so the PC clock is trusted; check one with " +
			"--time-source ntp://pool.ntp.org (or https://host/), or save one with deskauth-cli time --set URL")
	}
	ck := timesync.NewChecker(src, timesync.Options{Clock: c.now})
	st, err := ck.Check(context.Background())
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(c.stdout).Encode(timeJSON{Source: src.String(),
			OffsetSeconds: seconds(st.Offset), RTTSeconds: seconds(st.RTT)})
	}
	fmt.Fprintf(c.stdout, "source:     %s\n", src)
	fmt.Fprintf(c.stdout, "offset:     %+.3f s (%s)\n", seconds(st.Offset), statusLine(st))
	fmt.Fprintf(c.stdout, "round trip: %.3f s\n", seconds(st.RTT))
	return nil
}

// timeSource picks the source: the flag if given, else the vault's setting.
// No vault at all is not an error here: it means no source.
func (c *cli) timeSource(vf *vaultFlags, flagValue string) (timesync.Source, error) {
	if flagValue != "" {
		src, err := timesync.ParseSource(flagValue)
		if err != nil {
			return src, usageError{"--time-source: " + err.Error()}
		}
		return src, nil
	}
	path, err := c.vaultPath(vf)
	if err != nil {
		return timesync.Source{}, err
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) && vf.path == "" {
		return timesync.Source{}, nil
	}
	v, err := c.readVault(vf)
	if err != nil {
		return timesync.Source{}, err
	}
	defer v.Close()
	src, err := timesync.ParseSource(v.Settings.TimeSource)
	if err != nil {
		return src, fmt.Errorf("the vault's time source: %w (fix it with deskauth-cli time --set URL)", err)
	}
	return src, nil
}

// setTimeSource saves a time source in the vault's settings, in canonical
// form ("" for none), after checking that it parses.
func (c *cli) setTimeSource(vf *vaultFlags, value string) error {
	src, err := timesync.ParseSource(value)
	if err != nil {
		return usageError{"--set: " + err.Error()}
	}
	v, err := c.openVault(vf)
	if err != nil {
		return err
	}
	defer v.Close()
	setting := ""
	if src.Kind != timesync.None {
		setting = src.String()
	}
	if err := v.UpdateSettings(func(s *vault.Settings) { s.TimeSource = setting }); err != nil {
		return err
	}
	if src.Kind == timesync.None {
		fmt.Fprintln(c.stdout, "time source: none (codes use the PC clock)")
		return nil
	}
	fmt.Fprintf(c.stdout, "time source: %s (codes are corrected when the PC clock is more than %s off)\n", src, timesync.Threshold)
	return nil
}

// codeClock returns how `code` picks the instant to compute codes for, once
// the vault's settings are known (URI mode passes empty settings): the --at
// instant as is; else now, corrected against --time-source if given, else
// against the vault's time source if it has one. The code is for a human
// about to type it, so a failed check warns on stderr and falls back to the
// PC clock rather than printing nothing.
func (c *cli) codeClock(at, timeSource string) (func(vault.Settings) time.Time, error) {
	var flagSrc *timesync.Source
	if timeSource != "" {
		src, err := timesync.ParseSource(timeSource)
		if err != nil {
			return nil, usageError{"--time-source: " + err.Error()}
		}
		flagSrc = &src
	}
	if at != "" {
		if flagSrc != nil && flagSrc.Kind != timesync.None {
			return nil, usagef("--at and --time-source do not go together: --at is already the true time")
		}
		t, err := c.instant(at)
		return func(vault.Settings) time.Time { return t }, err
	}
	return func(s vault.Settings) time.Time {
		setting := s.TimeSource
		if flagSrc != nil {
			setting = flagSrc.String()
		}
		ck, err := timesync.ForSetting(setting, timesync.Options{Clock: c.now})
		if err != nil {
			fmt.Fprintf(c.stderr, "deskauth-cli: warning: the vault's time source: %v; codes use the PC clock\n", err)
			return c.now()
		}
		return c.correctedNow(ck)
	}, nil
}

// correctedNow checks the source once and returns now, corrected when the PC clock
// is more than timesync.Threshold off. A correction or a failed check is
// reported on stderr; stdout stays the bare code for scripts.
func (c *cli) correctedNow(ck *timesync.Checker) time.Time {
	if ck.Status().Source.Kind == timesync.None {
		return c.now()
	}
	st, err := ck.Check(context.Background())
	switch {
	case err != nil:
		fmt.Fprintf(c.stderr, "deskauth-cli: warning: %v; codes use the PC clock\n", err)
	case st.Applied:
		fmt.Fprintf(c.stderr, "deskauth-cli: %s\n", statusLine(st))
	}
	return ck.Now()
}

func seconds(d time.Duration) float64 {
	return math.Round(d.Seconds()*1000) / 1000
}

// statusLine words a check's status in one line, such as "PC clock is 42 s
// behind; codes corrected" or "Time check failed (no answer: connection
// refused); using the last good offset of 42 s".
func statusLine(s timesync.Status) string {
	cause := ""
	if s.Err != nil {
		// The source is shown elsewhere; keep the cause short.
		cause = strings.TrimPrefix(s.Err.Error(), s.Source.String()+": ")
	}
	switch s.State() {
	case timesync.StateNoSource:
		return "No time source set; codes use the PC clock"
	case timesync.StateUnchecked:
		return "Time not checked yet; codes use the PC clock"
	case timesync.StateFailed:
		return fmt.Sprintf("Time check failed (%s); using the PC clock", cause)
	case timesync.StateFailedKeepsOffset:
		sign := ""
		if s.Offset < 0 {
			sign = "-"
		}
		return fmt.Sprintf("Time check failed (%s); using the last good offset of %s%s", cause, sign, timesync.HumanDuration(s.Offset))
	case timesync.StateFailedWasRight:
		return fmt.Sprintf("Time check failed (%s); the last check found the PC clock right", cause)
	case timesync.StateCorrected:
		dir := "behind"
		if s.Offset < 0 {
			dir = "ahead"
		}
		return fmt.Sprintf("PC clock is %s %s; codes corrected", timesync.HumanDuration(s.Offset), dir)
	}
	return fmt.Sprintf("PC clock is right (off by %s)", timesync.HumanDuration(s.Offset))
}
