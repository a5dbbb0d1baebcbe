package app

import (
	"github.com/godbus/dbus/v5"
)

// hasTrayHost reports whether the session runs a StatusNotifierItem host,
// the only kind of tray Fyne's systray speaks on Linux: a desktop without one
// (stock GNOME) shows no icon, so closing the window must quit there. The
// host registers org.kde.StatusNotifierWatcher on the session bus.
func hasTrayHost() bool {
	conn, err := dbus.SessionBusPrivate()
	if err != nil {
		return false
	}
	defer conn.Close()
	if err := conn.Auth(nil); err != nil {
		return false
	}
	if err := conn.Hello(); err != nil {
		return false
	}
	return nameHasOwner(conn, "org.kde.StatusNotifierWatcher")
}

func nameHasOwner(conn *dbus.Conn, name string) bool {
	var owned bool
	err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, name).Store(&owned)
	return err == nil && owned
}
