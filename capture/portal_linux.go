package capture

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/godbus/dbus/v5"
)

// The xdg-desktop-portal Screenshot interface: the one way a Wayland client
// may see other windows. The call returns a Request object at once; the
// answer comes later as that Request's Response signal, after the desktop
// has perhaps asked the user.
const (
	portalBus       = "org.freedesktop.portal.Desktop"
	portalPath      = dbus.ObjectPath("/org/freedesktop/portal/desktop")
	portalMethod    = "org.freedesktop.portal.Screenshot.Screenshot"
	requestIface    = "org.freedesktop.portal.Request"
	requestResponse = requestIface + ".Response"
)

// portalScreen takes one screenshot of the whole desktop through the portal
// and presents it as a single display at the origin: the portal does not say
// where each monitor is.
type portalScreen struct {
	connect func() (*dbus.Conn, error)
	shot    image.Image
}

func sessionBus() (*dbus.Conn, error) { return dbus.ConnectSessionBus() }

func (p *portalScreen) name() string { return "screenshot portal" }

func (p *portalScreen) displays(ctx context.Context) ([]display, error) {
	if p.shot == nil {
		img, err := p.screenshot(ctx)
		if err != nil {
			return nil, err
		}
		p.shot = img
	}
	b := p.shot.Bounds()
	return []display{{index: 0, bounds: b.Sub(b.Min)}}, nil
}

func (p *portalScreen) grab(ctx context.Context, d display, r image.Rectangle) (image.Image, error) {
	if p.shot == nil {
		return nil, errors.New("no screenshot taken")
	}
	b := p.shot.Bounds()
	if r == b.Sub(b.Min) {
		return p.shot, nil
	}
	sub, ok := p.shot.(interface {
		SubImage(image.Rectangle) image.Image
	})
	if !ok {
		return nil, fmt.Errorf("cannot crop a %T screenshot", p.shot)
	}
	return sub.SubImage(r.Add(b.Min)), nil
}

// screenshot asks the portal for a non-interactive screenshot and loads it.
func (p *portalScreen) screenshot(ctx context.Context) (image.Image, error) {
	conn, err := p.connect()
	if err != nil {
		return nil, fmt.Errorf("%w: no D-Bus session bus for the screenshot portal: %v", ErrNoDisplay, err)
	}
	defer conn.Close()

	token, err := randomToken()
	if err != nil {
		return nil, err
	}
	// Listen before calling: a fast portal may answer before the call
	// returns. The Request path is predictable from our bus name and token.
	signals := make(chan *dbus.Signal, 8)
	conn.Signal(signals)
	defer conn.RemoveSignal(signals)
	if err := conn.AddMatchSignalContext(ctx, dbus.WithMatchInterface(requestIface), dbus.WithMatchMember("Response")); err != nil {
		return nil, fmt.Errorf("cannot listen for the screenshot portal's answer: %v", err)
	}
	var names []string
	if n := conn.Names(); len(n) > 0 {
		names = n[:1]
	}
	expected := requestPath(names, token)

	var handle dbus.ObjectPath
	call := conn.Object(portalBus, portalPath).CallWithContext(ctx, portalMethod, 0, "", map[string]dbus.Variant{
		"handle_token": dbus.MakeVariant(token),
		"interactive":  dbus.MakeVariant(false),
		"modal":        dbus.MakeVariant(true),
	})
	if err := call.Store(&handle); err != nil {
		return nil, portalCallError(err)
	}
	uri, err := awaitResponse(ctx, signals, func(p dbus.ObjectPath) bool { return p == expected || p == handle })
	if err != nil {
		return nil, err
	}
	return loadScreenshot(uri)
}

// requestPath is where the portal puts the Request for token:
// /org/freedesktop/portal/desktop/request/SENDER/TOKEN, with SENDER our
// unique bus name without the ':' and with '.' as '_'.
func requestPath(names []string, token string) dbus.ObjectPath {
	if len(names) == 0 {
		return ""
	}
	sender := strings.ReplaceAll(strings.TrimPrefix(names[0], ":"), ".", "_")
	return dbus.ObjectPath("/org/freedesktop/portal/desktop/request/" + sender + "/" + token)
}

func randomToken() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "deskauth_" + hex.EncodeToString(b[:]), nil
}

// portalCallError turns a failed Screenshot call into what to do about it.
func portalCallError(err error) error {
	var de dbus.Error
	if errors.As(err, &de) {
		switch de.Name {
		case "org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner":
			return fmt.Errorf("%w: xdg-desktop-portal is not running; install xdg-desktop-portal and your desktop's backend "+
				"(xdg-desktop-portal-gnome, -kde or -wlr), or scan an image file or the clipboard instead", ErrNoDisplay)
		case "org.freedesktop.DBus.Error.UnknownMethod", "org.freedesktop.DBus.Error.UnknownInterface",
			"org.freedesktop.DBus.Error.UnknownObject":
			return fmt.Errorf("%w: this desktop's portal has no Screenshot interface; install the portal backend for your desktop, "+
				"or scan an image file or the clipboard instead", ErrNoDisplay)
		case "org.freedesktop.portal.Error.NotAllowed":
			return fmt.Errorf("%w: the desktop does not allow screenshots (allow them for DeskAuth in the desktop's privacy settings)", ErrPermission)
		}
	}
	return fmt.Errorf("screenshot portal: %v", err)
}

// awaitResponse waits for the Response signal of the Request that mine
// accepts and returns the screenshot's URI. Response codes: 0 success, 1 the
// user cancelled, 2 anything else (refused, failed).
func awaitResponse(ctx context.Context, signals <-chan *dbus.Signal, mine func(dbus.ObjectPath) bool) (string, error) {
	for {
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case s, ok := <-signals:
			if !ok {
				return "", errors.New("screenshot portal: the D-Bus connection closed before an answer came")
			}
			if s == nil || s.Name != requestResponse || !mine(s.Path) {
				continue
			}
			return parseResponse(s.Body)
		}
	}
}

// parseResponse reads the body of a Request's Response signal: (u response,
// a{sv} results) with the file URI in results["uri"].
func parseResponse(body []any) (string, error) {
	if len(body) != 2 {
		return "", fmt.Errorf("screenshot portal: malformed answer (%d values)", len(body))
	}
	code, ok := body[0].(uint32)
	if !ok {
		return "", fmt.Errorf("screenshot portal: malformed answer (response is %T)", body[0])
	}
	switch code {
	case 0:
	case 1:
		return "", fmt.Errorf("%w: the screenshot was cancelled", ErrPermission)
	default:
		return "", fmt.Errorf("%w: the desktop refused the screenshot (allow screenshots for DeskAuth in the desktop's privacy settings)", ErrPermission)
	}
	results, ok := body[1].(map[string]dbus.Variant)
	if !ok {
		return "", fmt.Errorf("screenshot portal: malformed answer (results are %T)", body[1])
	}
	v, ok := results["uri"]
	if !ok {
		return "", errors.New("screenshot portal: the answer has no uri")
	}
	uri, ok := v.Value().(string)
	if !ok || uri == "" {
		return "", errors.New("screenshot portal: the answer's uri is not a string")
	}
	return uri, nil
}

// loadScreenshot reads the file the portal wrote and deletes it when it sits
// in a temporary directory: it may show a secret. A file in the user's own
// folders (GNOME may save to ~/Pictures) is theirs and is left alone.
func loadScreenshot(uri string) (image.Image, error) {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" || u.Path == "" {
		return nil, fmt.Errorf("screenshot portal: unexpected uri %q", uri)
	}
	path := filepath.Clean(u.Path)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("screenshot portal: %v", err)
	}
	img, err := LoadImage(f)
	f.Close()
	if isTempPath(path) {
		os.Remove(path)
	}
	if err != nil {
		return nil, fmt.Errorf("screenshot portal: %s: %w", path, err)
	}
	return img, nil
}

// isTempPath reports whether path is inside a directory for temporary files.
func isTempPath(path string) bool {
	dirs := []string{os.TempDir(), "/tmp", "/var/tmp", "/dev/shm"}
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		if d == "" {
			continue
		}
		rel, err := filepath.Rel(filepath.Clean(d), path)
		if err == nil && rel != "." && !strings.HasPrefix(rel, "..") {
			return true
		}
	}
	return false
}
