//go:build linux

// Package portal calls the xdg-desktop-portal, the desktop's broker for what
// a sandboxed or Wayland program may not do itself (pick a file, take a
// screenshot). A portal method returns a Request object at once and answers
// later with that Request's Response signal, once the desktop (or the user)
// has decided; Call hides that dance.
package portal

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/godbus/dbus/v5"
)

const (
	bus          = "org.freedesktop.portal.Desktop"
	path         = dbus.ObjectPath("/org/freedesktop/portal/desktop")
	requestIface = "org.freedesktop.portal.Request"
)

var (
	// ErrUnavailable means there is no portal, or no such method on it.
	ErrUnavailable = errors.New("no desktop portal")
	// ErrCancelled means the user dismissed the portal's dialog.
	ErrCancelled = errors.New("cancelled")
	// ErrRefused means the portal answered that it would not do it.
	ErrRefused = errors.New("the desktop portal refused")
)

// Call invokes method (for example "org.freedesktop.portal.FileChooser.OpenFile")
// on the session bus's portal with args followed by options, and returns
// the results of its Response. Call adds the handle_token option itself.
func Call(ctx context.Context, method string, args []any, options map[string]dbus.Variant) (map[string]dbus.Variant, error) {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	defer conn.Close()

	var raw [8]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, err
	}
	token := "deskauth_" + hex.EncodeToString(raw[:])
	if options == nil {
		options = map[string]dbus.Variant{}
	}
	options["handle_token"] = dbus.MakeVariant(token)

	// Subscribe before calling: the answer may come before the call returns.
	signals := make(chan *dbus.Signal, 8)
	conn.Signal(signals)
	defer conn.RemoveSignal(signals)
	if err := conn.AddMatchSignalContext(ctx, dbus.WithMatchInterface(requestIface), dbus.WithMatchMember("Response")); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	expected := dbus.ObjectPath("")
	if names := conn.Names(); len(names) > 0 {
		sender := strings.ReplaceAll(strings.TrimPrefix(names[0], ":"), ".", "_")
		expected = dbus.ObjectPath("/org/freedesktop/portal/desktop/request/" + sender + "/" + token)
	}

	var handle dbus.ObjectPath
	if err := conn.Object(bus, path).CallWithContext(ctx, method, 0, append(args, options)...).Store(&handle); err != nil {
		var de dbus.Error
		if errors.As(err, &de) && strings.HasPrefix(de.Name, "org.freedesktop.DBus.Error.") {
			return nil, fmt.Errorf("%w: %s", ErrUnavailable, de.Name)
		}
		return nil, err
	}
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case s, ok := <-signals:
			if !ok {
				return nil, errors.New("portal: the D-Bus connection closed before an answer came")
			}
			if s == nil || s.Name != requestIface+".Response" || (s.Path != expected && s.Path != handle) {
				continue
			}
			return response(s.Body)
		}
	}
}

// response reads a Response body: (u code, a{sv} results); code 0 is
// success, 1 cancelled, 2 anything else.
func response(body []any) (map[string]dbus.Variant, error) {
	if len(body) != 2 {
		return nil, fmt.Errorf("portal: malformed answer (%d values)", len(body))
	}
	code, _ := body[0].(uint32)
	switch code {
	case 0:
	case 1:
		return nil, ErrCancelled
	default:
		return nil, ErrRefused
	}
	results, ok := body[1].(map[string]dbus.Variant)
	if !ok {
		return nil, fmt.Errorf("portal: malformed answer (results are %T)", body[1])
	}
	return results, nil
}
