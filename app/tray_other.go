//go:build !linux

package app

// hasTrayHost: Windows and macOS always have a notification area / menu bar.
func hasTrayHost() bool { return true }
