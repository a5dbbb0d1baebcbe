package main

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/deskauth/deskauth/vault/timesync"
)

func TestStatusLine(t *testing.T) {
	src, err := timesync.ParseSource("ntp://127.0.0.1:123")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)
	bad := fmt.Errorf("%s: %w: the NTP reply has 17 bytes, want at least 48", src, timesync.ErrBadAnswer)
	for _, tc := range []struct {
		st   timesync.Status
		want string
	}{
		{timesync.Status{}, "No time source set; codes use the PC clock"},
		{timesync.Status{Source: src}, "Time not checked yet; codes use the PC clock"},
		{timesync.Status{Source: src, Checked: at, Good: at, Offset: 42 * time.Second, Applied: true}, "PC clock is 42 s behind; codes corrected"},
		{timesync.Status{Source: src, Checked: at, Good: at, Offset: -7 * time.Second, Applied: true}, "PC clock is 7 s ahead; codes corrected"},
		{timesync.Status{Source: src, Checked: at, Good: at, Offset: -185 * time.Second, Applied: true}, "PC clock is 3 min 5 s ahead; codes corrected"},
		{timesync.Status{Source: src, Checked: at, Good: at, Offset: 3 * time.Second}, "PC clock is right (off by 3 s)"},
		{timesync.Status{Source: src, Checked: at, Good: at}, "PC clock is right (off by 0.0 s)"},
		{timesync.Status{Source: src, Checked: at, Err: bad}, "Time check failed (bad answer: the NTP reply has 17 bytes, want at least 48); using the PC clock"},
		{timesync.Status{Source: src, Checked: at, Good: at.Add(-time.Hour), Offset: 42 * time.Second, Applied: true, Err: bad},
			"Time check failed (bad answer: the NTP reply has 17 bytes, want at least 48); using the last good offset of 42 s"},
		{timesync.Status{Source: src, Checked: at, Good: at.Add(-time.Hour), Err: errors.New("x")}, "Time check failed (x); the last check found the PC clock right"},
	} {
		if got := statusLine(tc.st); got != tc.want {
			t.Errorf("statusLine(%+v)\n got %q\nwant %q", tc.st, got, tc.want)
		}
	}
}
