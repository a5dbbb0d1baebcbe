package filedialog

import (
	"fmt"
	"os"
	"testing"
)

// TestDialogUnderWine shows a real comdlg32 dialog and prints its answer.
// scripts/test-wine-dialog.sh runs it under Wine and Xvfb and answers the
// dialog with xdotool; FILEDIALOG_WINE says which dialog to show.
func TestDialogUnderWine(t *testing.T) {
	var path string
	var err error
	switch os.Getenv("FILEDIALOG_WINE") {
	case "open":
		path, err = Open("DeskAuth open test", []string{".png", ".jpg"})
	case "save":
		path, err = Save("DeskAuth save test", "backup.vault")
	default:
		t.Skip("run by scripts/test-wine-dialog.sh")
	}
	fmt.Printf("RESULT path=%q err=%v\n", path, err)
}
