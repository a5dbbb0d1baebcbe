// Command gui-idle is the yardstick for bench/gui-idle.sh: a bare Fyne window
// of DeskAuth's size that updates one label and one progress bar every
// second, the least a live code list must do. DeskAuth's idle CPU and memory
// are compared against it in the same run.
package main

import (
	"fmt"
	"os"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("io.github.deskauth.bench")
	w := a.NewWindow("gui-idle")
	label := widget.NewLabel("")
	bar := widget.NewProgressBar()
	bar.Max = 30
	tick := func() {
		now := time.Now()
		label.SetText(fmt.Sprintf("%06d", now.Unix()%1000000))
		bar.SetValue(float64(30 - now.Unix()%30))
	}
	tick()
	go func() {
		for range time.Tick(time.Second) {
			fyne.Do(tick)
		}
	}()
	w.SetContent(container.NewVBox(label, bar))
	w.Resize(fyne.NewSize(440, 600))
	if path := os.Getenv("DESKAUTH_TEST_FIRST_CODE_LOG"); path != "" {
		// The same test-only hook as DeskAuth's: noted after the first frame.
		go fyne.Do(func() { os.WriteFile(path, []byte(time.Now().Format(time.RFC3339Nano)+"\n"), 0o600) })
	}
	w.ShowAndRun()
}
