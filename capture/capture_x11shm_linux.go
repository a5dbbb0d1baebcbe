package capture

import (
	"fmt"
	"image"

	"github.com/jezek/xgb/shm"
	"github.com/jezek/xgb/xproto"
	"golang.org/x/sys/unix"
)

// x11SHM is a System V shared-memory segment the X server writes frames
// into (the MIT-SHM extension). A 4K frame then costs one request instead of
// 33 MB pushed through the socket and copied twice on the way, which halves
// a live scan. It only works with a local server in the same IPC namespace;
// anywhere else (ssh -X, a container) the grab falls back to GetImage.
type x11SHM struct {
	seg  shm.Seg
	data []byte
}

// shmFor returns a segment of at least size bytes, reusing the last one when
// it is big enough, or nil when MIT-SHM cannot be used here.
func (x *x11Screen) shmFor(size int) *x11SHM {
	if x.noSHM {
		return nil
	}
	if x.shm != nil && len(x.shm.data) >= size {
		return x.shm
	}
	x.closeSHM()
	s, err := x.newSHM(size)
	if err != nil {
		x.noSHM = true
		return nil
	}
	x.shm = s
	return s
}

func (x *x11Screen) newSHM(size int) (*x11SHM, error) {
	if err := shm.Init(x.conn); err != nil {
		return nil, err
	}
	id, err := unix.SysvShmGet(unix.IPC_PRIVATE, size, unix.IPC_CREAT|0o600)
	if err != nil {
		return nil, err
	}
	// Marked for removal at once: the kernel frees it when the last of us
	// and the server detaches, even if this process dies.
	defer unix.SysvShmCtl(id, unix.IPC_RMID, nil)
	data, err := unix.SysvShmAttach(id, 0, 0)
	if err != nil {
		return nil, err
	}
	seg, err := shm.NewSegId(x.conn)
	if err == nil {
		err = shm.AttachChecked(x.conn, seg, uint32(id), false).Check()
	}
	if err != nil {
		unix.SysvShmDetach(data)
		return nil, err
	}
	return &x11SHM{seg: seg, data: data}, nil
}

func (x *x11Screen) closeSHM() {
	if x.shm == nil {
		return
	}
	if x.conn != nil {
		shm.DetachChecked(x.conn, x.shm.seg).Check()
	}
	unix.SysvShmDetach(x.shm.data)
	x.shm = nil
}

// grabSHM reads r of the root window through s into a new RGBA image.
func (x *x11Screen) grabSHM(s *x11SHM, r image.Rectangle) (*image.RGBA, error) {
	_, err := shm.GetImage(x.conn, xproto.Drawable(x.root.Root), int16(r.Min.X), int16(r.Min.Y),
		uint16(r.Dx()), uint16(r.Dy()), 0xffffffff, xproto.ImageFormatZPixmap, s.seg, 0).Reply()
	if err != nil {
		return nil, fmt.Errorf("X11 shared-memory GetImage: %v", err)
	}
	img := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	bgrxToRGBA(img, 0, r.Dy(), s.data)
	return img, nil
}
