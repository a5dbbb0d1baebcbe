package app

import (
	"testing"

	"github.com/godbus/dbus/v5"

	"github.com/deskauth/deskauth/internal/testenv"
)

// hasTrayHost asks a real session bus (a private dbus-daemon) whether a
// StatusNotifierWatcher runs: no at first, yes once one owns the name.
func TestTrayHostDetection(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", testenv.SessionBus(t))
	if hasTrayHost() {
		t.Fatal("a bare session bus reported a tray host")
	}
	conn, err := dbus.SessionBusPrivate()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.Auth(nil); err != nil {
		t.Fatal(err)
	}
	if err := conn.Hello(); err != nil {
		t.Fatal(err)
	}
	if r, err := conn.RequestName("org.kde.StatusNotifierWatcher", 0); err != nil || r != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("RequestName: %v %v", r, err)
	}
	if !hasTrayHost() {
		t.Error("a StatusNotifierWatcher runs but no tray host was seen")
	}
}
