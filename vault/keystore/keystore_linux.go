package keystore

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
)

const linuxHint = "start and unlock a Secret Service (GNOME Keyring, KWallet or KeePassXC) in your desktop session, or protect the vault with a password instead"

func platformStore() (Store, error) {
	if !sessionBusKnown() {
		return nil, unavailable(errors.New("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)"), linuxHint)
	}
	return &kekStore{secrets: osKeyring{hint: linuxHint}}, nil
}

// sessionBusKnown reports whether a session bus address can be found the way
// godbus looks for one, short of dbus-launch --autolaunch: autolaunching would
// start a private bus, and a keyring daemon on it, that outlives this process
// and holds keys nobody will find again.
func sessionBusKnown() bool {
	if a := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" && a != "autolaunch:" {
		return true
	}
	// godbus looks in /run/user/UID, not $XDG_RUNTIME_DIR.
	dir := filepath.Join("/run/user", strconv.Itoa(os.Getuid()))
	for _, name := range []string{"bus", "dbus-session"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return true
		}
	}
	return false
}
