package vault

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Where a vault lives: the file a link points to, and who else can write to
// its folder.

// resolvePath follows path once if it is a symbolic link (a vault linked
// into a sync folder, say), so that every save replaces the link's target
// and the link itself stays. A path that is not a link, or does not exist,
// is returned as it is. A link to nothing is an error, unless creating is
// set: Create makes the vault where the link points.
func resolvePath(path string, creating bool) (string, error) {
	fi, err := os.Lstat(path)
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return path, nil
	}
	real, err := filepath.EvalSymlinks(path)
	if errors.Is(err, fs.ErrNotExist) && creating {
		target, err := os.Readlink(path)
		if err != nil {
			return "", fmt.Errorf("vault: %v", err)
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(path), target)
		}
		if fi, err := os.Lstat(target); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return "", fmt.Errorf("vault: %s links to %s, another link to nothing", path, target)
		}
		return target, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("no vault at %s: it is a link to a file that does not exist: %w", path, fs.ErrNotExist)
	}
	if err != nil {
		return "", fmt.Errorf("vault: %v", err)
	}
	return real, nil
}

// WarningKind says what a Warning is about.
type WarningKind int

const (
	// WarnFolderWritable: users other than the vault's owner can write to
	// Warning.Path, the vault's folder (or the folder of a link to it). They
	// cannot read the vault, but they can replace or delete it, or plant
	// files beside it.
	WarnFolderWritable WarningKind = iota + 1
)

// Warning is something about the vault's surroundings the user should know,
// though it does not stop the vault from opening. Faces word it.
type Warning struct {
	Kind WarningKind
	Path string      // the folder
	Mode fs.FileMode // its permissions
}

// Warnings lists what Open, Read or Create noticed about where the vault
// lives.
func (v *Vault) Warnings() []Warning { return v.warnings }

// placeWarnings checks the folders of path and, when it is a link, of the
// link.
func placeWarnings(link, path string) []Warning {
	var out []Warning
	seen := map[string]bool{}
	for _, p := range []string{link, path} {
		dir := filepath.Dir(p)
		if abs, err := filepath.Abs(dir); err == nil {
			dir = abs
		}
		if seen[dir] {
			continue
		}
		seen[dir] = true
		if mode, ok := othersCanWrite(dir); ok {
			out = append(out, Warning{Kind: WarnFolderWritable, Path: dir, Mode: mode})
		}
	}
	return out
}
