package ui

import (
	"image"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/jobs"
)

func TestHeartbeatStats(t *testing.T) {
	var h heartbeat
	t0 := time.Now()
	for i := 0; i < 100; i++ {
		due := t0.Add(time.Duration(i) * 16 * time.Millisecond)
		lag := time.Millisecond
		if i == 50 {
			lag = 2 * time.Second // a freeze
		}
		h.record(due, due.Add(lag))
	}
	st := h.between(t0, t0.Add(2*time.Second))
	if st.Samples != 100 || st.LagMaxMs != 2000 || st.FrozenSeconds != 2 || st.LagP50Ms != 1 {
		t.Fatalf("%+v", st)
	}
}

// layoutCounter is a window whose canvas counts the layout passes asked of it.
type layoutCounter struct {
	fyne.Window
	canvas *countingCanvas
}

type countingCanvas struct {
	fyne.Canvas
	calls int
}

func (c *countingCanvas) EnsureMinSize() bool { c.calls++; return false }

func (w *layoutCounter) Canvas() fyne.Canvas { return w.canvas }

func TestFrameSettlesLayoutBeforeTheRepaint(t *testing.T) {
	l, _ := newTestLab(t)
	close(l.stop) // no frames but the test's own
	w := &layoutCounter{Window: l.win, canvas: &countingCanvas{Canvas: l.win.Canvas()}}
	l.win = w
	galleryFrame := func() { // the frame that shows the gallery's new pictures
		l.frames.Store(3)
		l.frame(time.Now())
	}
	galleryFrame()
	if w.canvas.calls != 0 {
		t.Errorf("a frame that moved only the bar asked for %d layout passes", w.canvas.calls)
	}
	// A frame that changes the window lays it out at once, so the repaint
	// after it has nothing left to lay out.
	l.gallery.ready.add("a.png", image.NewRGBA(image.Rect(0, 0, 4, 4)))
	galleryFrame()
	if w.canvas.calls != 1 {
		t.Errorf("a frame that showed a picture asked for %d layout passes, want 1", w.canvas.calls)
	}
	for range 11 { // odd frames change nothing; the window follows the others
		l.frame(time.Now())
	}
	if w.canvas.calls > 6 {
		t.Errorf("%d layout passes in 12 frames, want at most one per bar frame", w.canvas.calls)
	}
}

func TestLagReadoutComesInTwoParts(t *testing.T) {
	l := newFramelessLab(t)
	now := time.Now()
	l.beat.samples, l.beat.last = nil, 0
	l.beat.record(now.Add(-300*time.Millisecond), now.Add(-240*time.Millisecond)) // 60 ms late
	l.beat.record(now.Add(-2*time.Millisecond), now)
	if !l.meter.show(l.beat.now()) {
		t.Fatal("the readout did not change")
	}
	m := l.meter
	if m.lag.Text != "UI lag now 2 ms" || m.peak.Text != "max over the last second 60 ms" {
		t.Errorf("readout %q + %q", m.lag.Text, m.peak.Text)
	}
	if m.lag.Importance != widget.WarningImportance || m.peak.Importance != widget.WarningImportance {
		t.Errorf("a 60 ms lag shown as %v, %v", m.lag.Importance, m.peak.Importance)
	}
	if l.meter.show(l.beat.now()) {
		t.Error("the same figures changed the readout again")
	}
}

// TestNewCellsComeOnTheirOwnFrame checks that finished items join the grid
// on another frame than the progress texts (each a new picture to upload),
// and all of them at the end of a run.
func TestNewCellsComeOnTheirOwnFrame(t *testing.T) {
	l := newFramelessLab(t)
	l.begin("run") // under way: frames show its progress
	l.bridge.reset(time.Now())
	for i, name := range []string{"a.jpg", "b.jpg"} {
		l.bridge.Report(jobs.Event{Kind: jobs.ItemDone, Item: i, Name: name})
	}
	var summaryAt, cellsAt []int64
	for range 12 { // a flush, then the gallery's turn, whatever the frame count

		before := len(l.gallery.items)
		l.frame(time.Now())
		n := l.frames.Load()
		if l.prog.summary.Text == "2 / 0 done" && summaryAt == nil {
			summaryAt = append(summaryAt, n)
		}
		if len(l.gallery.items) != before {
			cellsAt = append(cellsAt, n)
		}
	}
	if len(summaryAt) != 1 || len(cellsAt) != 1 || summaryAt[0] == cellsAt[0] {
		t.Fatalf("summary shown at frames %v, cells added at %v: want one frame each, not the same", summaryAt, cellsAt)
	}
	if len(l.gallery.items) != 2 {
		t.Fatalf("%d cells, want 2", len(l.gallery.items))
	}

	// At the end of a run the last items are in the grid at once.
	l.bridge.Report(jobs.Event{Kind: jobs.ItemDone, Item: 2, Name: "c.jpg"})
	runEnd{run: l.run, start: l.run.start, wall: time.Second}.apply(l)
	if len(l.gallery.items) != 3 {
		t.Fatalf("after the run %d cells, want 3", len(l.gallery.items))
	}
}
