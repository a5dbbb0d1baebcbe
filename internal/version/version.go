// Package version tells which DeskAuth release a binary is. The release build
// (make dist) sets it at link time from the git tag:
//
//	go build -ldflags "-X github.com/deskauth/deskauth/internal/version.Version=1.2.0"
//
// scripts/dist/version.sh computes that value: the tag without its "v" for a
// tagged commit (1.2.0), the tag plus build metadata for commits after it
// (1.2.0+3.gabc1234), or 0.0.0-dev+<short hash> where there is no tag.
package version

import "runtime/debug"

// Version is the release version, set by the linker. Read it through String,
// which also covers builds made without the Makefile.
var Version string

// Dev is the version of a build that was given none: a plain go build.
const Dev = "0.0.0-dev"

// String returns the version shown by the About box and deskauth-cli version:
// Version when the build set it, else Dev plus the commit hash Go recorded
// (0.0.0-dev+abc1234), else Dev.
func String() string {
	if Version != "" {
		return Version
	}
	return fromBuildInfo(debug.ReadBuildInfo())
}

func fromBuildInfo(info *debug.BuildInfo, ok bool) string {
	if !ok {
		return Dev
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if len(rev) > 7 {
		rev = rev[:7]
	}
	if rev == "" {
		return Dev
	}
	if dirty {
		return Dev + "+" + rev + ".dirty"
	}
	return Dev + "+" + rev
}
