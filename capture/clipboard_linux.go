package capture

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// clipboardTypes are the image targets asked for, best first. Browsers and
// screenshot tools offer image/png; some older programs only image/bmp.
var clipboardTypes = []string{"image/png", "image/bmp", "image/jpeg", "image/gif", "image/webp"}

// clipboardWait bounds each step of the selection protocol: the owner is
// another program, and a hung one must not hang us.
const clipboardWait = 5 * time.Second

// readClipboard asks the owner of the X11 CLIPBOARD selection for an image,
// as ICCCM describes: ask which targets it offers, request the best image
// type into a property of our own window, wait for SelectionNotify, and read
// the property, in INCR chunks when the owner sends it piecewise.
func readClipboard(ctx context.Context) (image.Image, error) {
	name := os.Getenv("DISPLAY")
	if name == "" {
		return nil, fmt.Errorf("%w: DISPLAY is not set, so there is no X clipboard to read", ErrNoDisplay)
	}
	quietXGB.Do(func() { xgb.Logger = log.New(io.Discard, "", 0) })
	c, err := xgb.NewConnDisplay(name)
	if err != nil {
		return nil, fmt.Errorf("%w: cannot open X display %q: %v", ErrNoDisplay, name, err)
	}
	done := make(chan struct{})
	defer func() {
		close(done)
		c.Close()
	}()
	s := &selection{conn: c, events: make(chan xgb.Event, 64)}
	go func() {
		for {
			ev, xerr := c.WaitForEvent()
			if ev == nil && xerr == nil {
				close(s.events)
				return
			}
			if ev == nil {
				continue
			}
			select {
			case s.events <- ev:
			case <-done:
				return
			}
		}
	}()
	if err := s.init(); err != nil {
		return nil, err
	}

	owner, err := xproto.GetSelectionOwner(c, s.atom("CLIPBOARD")).Reply()
	if err != nil {
		return nil, fmt.Errorf("X clipboard: %v", err)
	}
	if owner.Owner == xproto.WindowNone {
		return nil, fmt.Errorf("%w (it is empty)", ErrNoImage)
	}

	targets, err := s.convert(ctx, "TARGETS")
	if err != nil {
		return nil, err
	}
	offered := map[xproto.Atom]bool{}
	for i := 0; i+4 <= len(targets); i += 4 {
		offered[xproto.Atom(xgb.Get32(targets[i:]))] = true
	}
	for _, t := range clipboardTypes {
		if !offered[s.atom(t)] {
			continue
		}
		data, err := s.convert(ctx, t)
		if err != nil {
			return nil, err
		}
		return loadClipboardData(data)
	}
	var names []string
	for a := range offered {
		if r, err := xproto.GetAtomName(c, a).Reply(); err == nil && !strings.HasPrefix(r.Name, "image/") {
			names = append(names, r.Name)
		}
		if len(names) == 4 {
			break
		}
	}
	if len(names) > 0 {
		return nil, fmt.Errorf("%w (it offers %s)", ErrNoImage, strings.Join(names, ", "))
	}
	return nil, ErrNoImage
}

// selection is one conversation with the clipboard owner.
type selection struct {
	conn   *xgb.Conn
	events chan xgb.Event
	win    xproto.Window
	atoms  map[string]xproto.Atom
}

func (s *selection) init() error {
	s.atoms = map[string]xproto.Atom{}
	for _, n := range append([]string{"CLIPBOARD", "TARGETS", "INCR", "DESKAUTH_CLIPBOARD"}, clipboardTypes...) {
		r, err := xproto.InternAtom(s.conn, false, uint16(len(n)), n).Reply()
		if err != nil {
			return fmt.Errorf("X clipboard: %v", err)
		}
		s.atoms[n] = r.Atom
	}
	screen := xproto.Setup(s.conn).DefaultScreen(s.conn)
	win, err := xproto.NewWindowId(s.conn)
	if err != nil {
		return fmt.Errorf("X clipboard: %v", err)
	}
	// An unmapped window to receive the data: PropertyChange events drive
	// INCR transfers.
	err = xproto.CreateWindowChecked(s.conn, 0, win, screen.Root, 0, 0, 1, 1, 0,
		xproto.WindowClassInputOnly, 0, xproto.CwEventMask, []uint32{xproto.EventMaskPropertyChange}).Check()
	if err != nil {
		return fmt.Errorf("X clipboard: %v", err)
	}
	s.win = win
	return nil
}

func (s *selection) atom(name string) xproto.Atom { return s.atoms[name] }

// wait returns the next event that match accepts.
func (s *selection) wait(ctx context.Context, what string, match func(xgb.Event) bool) (xgb.Event, error) {
	timer := time.NewTimer(clipboardWait)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-timer.C:
			return nil, fmt.Errorf("X clipboard: the program holding the clipboard did not answer within %v (%s)", clipboardWait, what)
		case ev, ok := <-s.events:
			if !ok {
				return nil, errors.New("X clipboard: the X connection closed")
			}
			if match(ev) {
				return ev, nil
			}
		}
	}
}

// convert asks the owner for the clipboard as target and returns the bytes.
func (s *selection) convert(ctx context.Context, target string) ([]byte, error) {
	prop := s.atom("DESKAUTH_CLIPBOARD")
	xproto.ConvertSelection(s.conn, s.win, s.atom("CLIPBOARD"), s.atom(target), prop, xproto.TimeCurrentTime)
	ev, err := s.wait(ctx, "asked for "+target, func(ev xgb.Event) bool {
		n, ok := ev.(xproto.SelectionNotifyEvent)
		return ok && n.Requestor == s.win
	})
	if err != nil {
		return nil, err
	}
	if ev.(xproto.SelectionNotifyEvent).Property == xproto.AtomNone {
		if target == "TARGETS" {
			return nil, fmt.Errorf("%w (the clipboard owner lists no formats)", ErrNoImage)
		}
		return nil, fmt.Errorf("%w (the clipboard owner refused to give %s)", ErrNoImage, target)
	}
	reply, err := s.readProperty(prop, true)
	if err != nil {
		return nil, err
	}
	if reply.Type != s.atom("INCR") {
		return reply.Value, nil
	}
	return s.readIncremental(ctx, prop)
}

// readProperty reads the whole property, deleting it when del is set.
func (s *selection) readProperty(prop xproto.Atom, del bool) (*xproto.GetPropertyReply, error) {
	// Ask for the length first, so one request fetches it all.
	head, err := xproto.GetProperty(s.conn, false, s.win, prop, xproto.GetPropertyTypeAny, 0, 0).Reply()
	if err != nil {
		return nil, fmt.Errorf("X clipboard: %v", err)
	}
	if head.BytesAfter > maxClipboardBytes {
		return nil, fmt.Errorf("%w: the clipboard holds %d MB", ErrImageTooLarge, head.BytesAfter>>20)
	}
	r, err := xproto.GetProperty(s.conn, del, s.win, prop, xproto.GetPropertyTypeAny, 0, (head.BytesAfter+3)/4).Reply()
	if err != nil {
		return nil, fmt.Errorf("X clipboard: %v", err)
	}
	return r, nil
}

// readIncremental collects an INCR transfer: after we delete the INCR
// property, the owner writes the data in chunks, each one after we delete
// the last, and ends with an empty chunk.
func (s *selection) readIncremental(ctx context.Context, prop xproto.Atom) ([]byte, error) {
	var data []byte
	for {
		_, err := s.wait(ctx, "sending the image in parts", func(ev xgb.Event) bool {
			n, ok := ev.(xproto.PropertyNotifyEvent)
			return ok && n.Window == s.win && n.Atom == prop && n.State == xproto.PropertyNewValue
		})
		if err != nil {
			return nil, err
		}
		r, err := s.readProperty(prop, true)
		if err != nil {
			return nil, err
		}
		if len(r.Value) == 0 {
			return data, nil
		}
		if len(data)+len(r.Value) > maxClipboardBytes {
			return nil, fmt.Errorf("%w: the clipboard holds more than %d MB", ErrImageTooLarge, maxClipboardBytes>>20)
		}
		data = append(data, r.Value...)
	}
}
