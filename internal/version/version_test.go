package version

import (
	"runtime/debug"
	"testing"
)

func TestString(t *testing.T) {
	old := Version
	t.Cleanup(func() { Version = old })
	Version = "1.2.0"
	if got := String(); got != "1.2.0" {
		t.Fatalf("String() = %q with Version set, want 1.2.0", got)
	}
}

func TestFromBuildInfo(t *testing.T) {
	rev := debug.BuildSetting{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"}
	for _, tc := range []struct {
		name     string
		settings []debug.BuildSetting
		ok       bool
		want     string
	}{
		{"no build info", nil, false, "0.0.0-dev"},
		{"no vcs (-buildvcs=false)", nil, true, "0.0.0-dev"},
		{"clean", []debug.BuildSetting{rev, {Key: "vcs.modified", Value: "false"}}, true, "0.0.0-dev+0123456"},
		{"modified", []debug.BuildSetting{rev, {Key: "vcs.modified", Value: "true"}}, true, "0.0.0-dev+0123456.dirty"},
		{"short hash", []debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}}, true, "0.0.0-dev+abc"},
	} {
		got := fromBuildInfo(&debug.BuildInfo{Settings: tc.settings}, tc.ok)
		if got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
