package filedialog

import (
	"errors"
	"fmt"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"
)

// On Windows the system dialog is comdlg32's GetOpenFileNameW and
// GetSaveFileNameW, in the language of Windows.

var (
	comdlg32             = windows.NewLazySystemDLL("comdlg32.dll")
	procGetOpenFileNameW = comdlg32.NewProc("GetOpenFileNameW")
	procGetSaveFileNameW = comdlg32.NewProc("GetSaveFileNameW")
	procCommDlgExtError  = comdlg32.NewProc("CommDlgExtendedError")
)

// openFileNameW is OPENFILENAMEW.
type openFileNameW struct {
	structSize      uint32
	owner           uintptr
	instance        uintptr
	filter          *uint16
	customFilter    *uint16
	maxCustomFilter uint32
	filterIndex     uint32
	file            *uint16
	maxFile         uint32
	fileTitle       *uint16
	maxFileTitle    uint32
	initialDir      *uint16
	title           *uint16
	flags           uint32
	fileOffset      uint16
	fileExtension   uint16
	defExt          *uint16
	custData        uintptr
	fnHook          uintptr
	templateName    *uint16
	reserved        uintptr
	reserved2       uint32
	flagsEx         uint32
}

const (
	ofnOverwritePrompt = 0x00000002
	ofnNoChangeDir     = 0x00000008
	ofnPathMustExist   = 0x00000800
	ofnFileMustExist   = 0x00001000
	ofnExplorer        = 0x00080000
)

func Open(title string, exts []string) (string, error) {
	return fileDialog(procGetOpenFileNameW, title, "", exts, ofnExplorer|ofnFileMustExist|ofnPathMustExist|ofnNoChangeDir)
}

func Save(title, name string) (string, error) {
	return fileDialog(procGetSaveFileNameW, title, name, nil, ofnExplorer|ofnOverwritePrompt|ofnPathMustExist|ofnNoChangeDir)
}

// filterUTF16 is the dialog's filter: pairs of a name and patterns, each
// NUL-terminated, with an extra NUL at the end. The name is the pattern
// list itself, which needs no translation.
func filterUTF16(exts []string) []uint16 {
	if len(exts) == 0 {
		return nil
	}
	globs := make([]string, len(exts))
	for i, e := range exts {
		globs[i] = "*" + e
	}
	p := strings.Join(globs, ";")
	var out []uint16
	for _, s := range []string{p, p, "*.*", "*.*"} {
		u, _ := windows.UTF16FromString(s)
		out = append(out, u...)
	}
	return append(out, 0)
}

func fileDialog(proc *windows.LazyProc, title, name string, exts []string, flags uint32) (string, error) {
	if err := proc.Find(); err != nil {
		return "", errors.ErrUnsupported
	}
	buf := make([]uint16, 32768)
	if name != "" {
		n, _ := windows.UTF16FromString(name)
		copy(buf, n)
	}
	t, _ := windows.UTF16PtrFromString(title)
	ofn := openFileNameW{file: &buf[0], maxFile: uint32(len(buf)), title: t, flags: flags}
	ofn.structSize = uint32(unsafe.Sizeof(ofn))
	if f := filterUTF16(exts); f != nil {
		ofn.filter = &f[0]
		ofn.filterIndex = 1
	}
	ok, _, _ := proc.Call(uintptr(unsafe.Pointer(&ofn)))
	if ok == 0 {
		code, _, _ := procCommDlgExtError.Call()
		if code == 0 {
			return "", nil // cancelled
		}
		return "", fmt.Errorf("file dialog error %#x", code)
	}
	return windows.UTF16ToString(buf), nil
}
