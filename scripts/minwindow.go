//go:build ignore

// minwindow measures the UI lag of a nearly empty Fyne window: the same size
// as Concurrency Lab's, with the same moving bar (30 Hz) and the same
// heartbeat (a probe posted with fyne.Do every 16 ms, its lag the time from
// its tick to when it runs). It is the floor the real window is compared
// with in the README. Optional filler: -labels N text labels, -rects N filled
// rectangles covering the window.
//
//	go run -tags migrated_fynedo scripts/minwindow.go -labels 60
package main

import (
	"flag"
	"fmt"
	"image/color"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

func main() {
	labels := flag.Int("labels", 0, "text labels to add")
	rects := flag.Int("rects", 0, "filled rectangles to add, covering the window between them")
	seconds := flag.Duration("for", 5*time.Second, "how long to measure (after 2 s to settle)")
	flag.Parse()

	a := app.NewWithID("io.concurrencylab.minwindow")
	w := a.NewWindow("minwindow")
	bar := canvas.NewRectangle(color.NRGBA{0x30, 0x70, 0xf0, 0xff})
	bar.CornerRadius = 4
	bar.Resize(fyne.NewSize(40, 12))
	grid := container.NewGridWithColumns(4)
	for i := 0; i < *labels; i++ {
		grid.Add(widget.NewLabel(fmt.Sprintf("label number %d with some text", i)))
	}
	for i := 0; i < *rects; i++ {
		grid.Add(canvas.NewRectangle(color.NRGBA{uint8(i * 4), 0x60, 0x60, 0xff}))
	}
	w.SetContent(container.NewStack(grid, container.NewWithoutLayout(bar)))
	w.Resize(fyne.NewSize(1200, 800))

	var mu sync.Mutex
	var lags []time.Duration
	var queued atomic.Bool
	var n int
	go func() {
		t := time.NewTicker(16 * time.Millisecond)
		for tick := range t.C {
			if queued.CompareAndSwap(false, true) {
				fyne.Do(func() {
					mu.Lock()
					lags = append(lags, time.Since(tick))
					mu.Unlock()
					queued.Store(false)
					if n++; n%2 == 0 { // the bar moves at 30 Hz, as in the app
						bar.Move(fyne.NewPos(float32(n%200)*5, 100))
					}
				})
			}
		}
	}()
	go func() {
		time.Sleep(2 * time.Second)
		mu.Lock()
		lags = nil
		mu.Unlock()
		time.Sleep(*seconds)
		mu.Lock()
		l := slices.Clone(lags)
		mu.Unlock()
		slices.Sort(l)
		p := func(q int) float64 { return float64(l[(len(l)*q+99)/100-1].Microseconds()) / 1000 }
		fmt.Printf("%d probes: lag p50 %.1f ms, p90 %.1f, p99 %.1f, max %.1f\n", len(l), p(50), p(90), p(99), p(100))
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
}
