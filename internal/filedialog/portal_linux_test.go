package filedialog

import (
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/deskauth/deskauth/internal/testenv"
)

// fakePortal answers FileChooser calls on a private session bus the way
// xdg-desktop-portal does: the call returns the Request path at once, and
// the answer comes as that Request's Response signal.
type fakePortal struct {
	conn *dbus.Conn
	uri  string

	mu      sync.Mutex // the bus calls the portal from its own goroutines
	code    uint32
	title   string
	options map[string]dbus.Variant
}

func (p *fakePortal) answer(sender dbus.Sender, title string, options map[string]dbus.Variant) (dbus.ObjectPath, *dbus.Error) {
	p.mu.Lock()
	p.title, p.options = title, options
	code := p.code
	p.mu.Unlock()
	token, _ := options["handle_token"].Value().(string)
	who := strings.ReplaceAll(strings.TrimPrefix(string(sender), ":"), ".", "_")
	path := dbus.ObjectPath("/org/freedesktop/portal/desktop/request/" + who + "/" + token)
	go func() {
		time.Sleep(50 * time.Millisecond)
		results := map[string]dbus.Variant{}
		if p.uri != "" {
			results["uris"] = dbus.MakeVariant([]string{p.uri})
		}
		p.conn.Emit(path, "org.freedesktop.portal.Request.Response", code, results)
	}()
	return path, nil
}

// seen returns the title and options of the last call.
func (p *fakePortal) seen() (string, map[string]dbus.Variant) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.title, p.options
}

func (p *fakePortal) OpenFile(sender dbus.Sender, parent, title string, options map[string]dbus.Variant) (dbus.ObjectPath, *dbus.Error) {
	return p.answer(sender, title, options)
}

func (p *fakePortal) SaveFile(sender dbus.Sender, parent, title string, options map[string]dbus.Variant) (dbus.ObjectPath, *dbus.Error) {
	return p.answer(sender, title, options)
}

// TestPortalFileChooser runs itself again inside dbus-run-session, where it
// plays the portal and calls Open and Save through it.
func TestPortalFileChooser(t *testing.T) {
	if os.Getenv("FILEDIALOG_PORTAL_CHILD") != "1" {
		testenv.Require(t, "dbus-run-session")
		cmd := exec.Command("dbus-run-session", "--", os.Args[0], "-test.run=^TestPortalFileChooser$", "-test.v")
		cmd.Env = append(os.Environ(), "FILEDIALOG_PORTAL_CHILD=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestPortalFileChooser") {
			t.Fatalf("child: %v\n%s", err, out)
		}
		return
	}
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	p := &fakePortal{conn: conn, uri: "file:///home/yamada/QR%20%E3%82%B3%E3%83%BC%E3%83%89.png"}
	if err := conn.Export(p, "/org/freedesktop/portal/desktop", "org.freedesktop.portal.FileChooser"); err != nil {
		t.Fatal(err)
	}
	if reply, err := conn.RequestName("org.freedesktop.portal.Desktop", dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("RequestName: %v %v", reply, err)
	}

	got, err := Open("QR コードの画像を選択", []string{".png", ".jpg"})
	if err != nil || got != "/home/yamada/QR コード.png" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	title, options := p.seen()
	if title != "QR コードの画像を選択" {
		t.Errorf("title = %q", title)
	}
	if f := options["filters"].String(); !strings.Contains(f, "*.png") || !strings.Contains(f, "*.jpg") {
		t.Errorf("filters = %s", f)
	}

	p.mu.Lock()
	p.code = 1 // the user cancelled
	p.mu.Unlock()
	if got, err := Save("保存", "backup.vault"); got != "" || err != nil {
		t.Errorf("cancelled Save = %q, %v", got, err)
	}
	_, options = p.seen()
	if name, _ := options["current_name"].Value().(string); name != "backup.vault" {
		t.Errorf("current_name = %q", name)
	}
}
