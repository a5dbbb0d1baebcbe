package filedialog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Without a desktop portal, the file dialogs fall back to zenity: here a
// stand-in that records its arguments, answers a path, or cancels (exit 1).
func TestNativeDialogsFallBackToZenity(t *testing.T) {
	dir := t.TempDir()
	argsFile := filepath.Join(dir, "args")
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + argsFile + "\n[ -n \"$CANCEL\" ] && exit 1\necho /home/yamada/qr.png\n"
	if err := os.WriteFile(filepath.Join(dir, "zenity"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(dir, "no-bus"))
	got, err := Open("QR コードの画像を選択", []string{".png", ".jpg"})
	if err != nil || got != "/home/yamada/qr.png" {
		t.Fatalf("nativeOpen = %q, %v", got, err)
	}
	args, _ := os.ReadFile(argsFile)
	if want := "--file-selection\n--title=QR コードの画像を選択\n--file-filter=*.png *.jpg\n"; string(args) != want {
		t.Errorf("zenity args = %q, want %q", args, want)
	}
	t.Setenv("CANCEL", "1")
	if got, err := Save("保存", "backup.vault"); got != "" || err != nil {
		t.Errorf("cancelled save = %q, %v", got, err)
	}
	args, _ = os.ReadFile(argsFile)
	if !strings.Contains(string(args), "--save") || !strings.Contains(string(args), "--filename=backup.vault") {
		t.Errorf("save args = %q", args)
	}
	t.Setenv("PATH", t.TempDir())
	if _, err := Open("x", nil); err == nil {
		t.Error("no dialog program and no portal: want errors.ErrUnsupported")
	}
}
