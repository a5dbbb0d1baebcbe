package capture

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"log"
	"os"
	"sync"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xinerama"
	"github.com/jezek/xgb/xproto"
)

// systemScreens returns X11, and under Wayland the screenshot portal after it.
//
// X11 is read with xgb directly rather than through kbinani/screenshot: on
// Linux that package switches to its own portal code whenever
// XDG_SESSION_TYPE=wayland (so X11 cannot be tried first), opens a new X
// connection for every call, and gives no reason when there is no display.
func systemScreens() ([]screen, error) {
	wayland := os.Getenv("WAYLAND_DISPLAY") != "" || os.Getenv("XDG_SESSION_TYPE") == "wayland"
	var screens []screen
	if os.Getenv("DISPLAY") != "" {
		screens = append(screens, &x11Screen{})
	}
	if wayland {
		screens = append(screens, &portalScreen{connect: sessionBus})
	}
	if len(screens) == 0 {
		return nil, fmt.Errorf("%w: neither DISPLAY nor WAYLAND_DISPLAY is set (run inside a desktop session)", ErrNoDisplay)
	}
	return screens, nil
}

// x11Screen captures the root window of $DISPLAY, one Xinerama head at a
// time. Root-window coordinates are the virtual desktop: X puts no head at a
// negative position.
type x11Screen struct {
	conn  *xgb.Conn
	root  xproto.ScreenInfo
	shm   *x11SHM
	noSHM bool // MIT-SHM failed here (or a test turned it off): use GetImage
}

func (x *x11Screen) name() string { return "X11" }

func (x *x11Screen) Close() error {
	x.closeSHM()
	if x.conn != nil {
		x.conn.Close()
		x.conn = nil
	}
	return nil
}

var quietXGB sync.Once

func (x *x11Screen) open() error {
	if x.conn != nil {
		return nil
	}
	// xgb logs to stderr on every connection without an Xauthority file,
	// which is normal under Xvfb; the errors that matter are returned.
	quietXGB.Do(func() { xgb.Logger = log.New(io.Discard, "", 0) })
	name := os.Getenv("DISPLAY")
	c, err := xgb.NewConnDisplay(name)
	if err != nil {
		return fmt.Errorf("%w: cannot open X display %q: %v", ErrNoDisplay, name, err)
	}
	setup := xproto.Setup(c)
	if len(setup.Roots) == 0 {
		c.Close()
		return fmt.Errorf("%w: X display %q has no screen", ErrNoDisplay, name)
	}
	x.conn = c
	x.root = *setup.DefaultScreen(c)
	return nil
}

func (x *x11Screen) displays(ctx context.Context) ([]display, error) {
	if err := x.open(); err != nil {
		return nil, err
	}
	whole := []display{{index: 0, bounds: image.Rect(0, 0, int(x.root.WidthInPixels), int(x.root.HeightInPixels))}}
	// Without Xinerama (or RandR's emulation of it) the root window is the
	// one display.
	if xinerama.Init(x.conn) != nil {
		return whole, nil
	}
	reply, err := xinerama.QueryScreens(x.conn).Reply()
	if err != nil || reply.Number == 0 {
		return whole, nil
	}
	ds := make([]display, len(reply.ScreenInfo))
	for i, s := range reply.ScreenInfo {
		ds[i] = display{index: i, bounds: image.Rect(int(s.XOrg), int(s.YOrg),
			int(s.XOrg)+int(s.Width), int(s.YOrg)+int(s.Height))}
	}
	return ds, nil
}

// stripRows bounds one GetImage request: a 4K frame comes in strips of about
// 4 MB rather than as one 33 MB reply, and cancellation is noticed between
// strips.
const stripRows = 256

func (x *x11Screen) grab(ctx context.Context, d display, r image.Rectangle) (image.Image, error) {
	if err := x.open(); err != nil {
		return nil, err
	}
	r = r.Intersect(image.Rect(0, 0, int(x.root.WidthInPixels), int(x.root.HeightInPixels)))
	if r.Empty() {
		return nil, errors.New("display lies outside the X root window")
	}
	if err := x.checkFormat(); err != nil {
		return nil, err
	}
	if s := x.shmFor(r.Dx() * r.Dy() * 4); s != nil {
		img, err := x.grabSHM(s, r)
		if err == nil {
			return img, nil
		}
		// A server that accepted the segment but cannot fill it: stop
		// trying, and read through the socket.
		x.closeSHM()
		x.noSHM = true
	}
	img := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	for y0 := r.Min.Y; y0 < r.Max.Y; y0 += stripRows {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		h := min(stripRows, r.Max.Y-y0)
		reply, err := xproto.GetImage(x.conn, xproto.ImageFormatZPixmap, xproto.Drawable(x.root.Root),
			int16(r.Min.X), int16(y0), uint16(r.Dx()), uint16(h), 0xffffffff).Reply()
		if err != nil {
			return nil, fmt.Errorf("X11 GetImage: %v", err)
		}
		if len(reply.Data) < r.Dx()*h*4 {
			return nil, fmt.Errorf("X11 GetImage returned %d bytes for %d×%d pixels", len(reply.Data), r.Dx(), h)
		}
		bgrxToRGBA(img, y0-r.Min.Y, h, reply.Data)
	}
	return img, nil
}

// checkFormat makes sure the root window's pixels are 32-bit little-endian
// BGRX, which is what every X server on a PC uses at depth 24 or 32.
func (x *x11Screen) checkFormat() error {
	setup := xproto.Setup(x.conn)
	depth := x.root.RootDepth
	bpp := 0
	for _, f := range setup.PixmapFormats {
		if f.Depth == depth {
			bpp = int(f.BitsPerPixel)
		}
	}
	var red uint32
	for _, d := range x.root.AllowedDepths {
		for _, v := range d.Visuals {
			if v.VisualId == x.root.RootVisual {
				red = v.RedMask
			}
		}
	}
	if bpp != 32 || setup.ImageByteOrder != xproto.ImageOrderLSBFirst || red != 0xff0000 {
		return fmt.Errorf("unsupported X pixel format (depth %d, %d bits per pixel, byte order %d, red mask %#x)",
			depth, bpp, setup.ImageByteOrder, red)
	}
	return nil
}

// bgrxToRGBA copies h rows of X's BGRX pixels into img from row y on.
func bgrxToRGBA(img *image.RGBA, y, h int, data []byte) {
	w := img.Rect.Dx()
	for row := 0; row < h; row++ {
		src := data[row*w*4 : (row+1)*w*4]
		dst := img.Pix[(y+row)*img.Stride : (y+row)*img.Stride+w*4]
		for i := 0; i+3 < len(src); i += 4 {
			s := src[i : i+4 : i+4]
			d := dst[i : i+4 : i+4]
			d[0], d[1], d[2], d[3] = s[2], s[1], s[0], 0xff
		}
	}
}

const noQRHint = ""
