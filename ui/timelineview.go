package ui

import (
	"fmt"
	"image"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/timeline"
)

// keepRuns is how many finished runs the timeline keeps to compare.
const keepRuns = 4

// timelineView draws the runs' lanes. The picture is rendered off the UI
// goroutine (timeline.Render), at most once in flight and about ten times a
// second while a run goes on; the UI goroutine only swaps it in, in a frame.
type timelineView struct {
	done      []doneRun
	live      *timeline.Recorder
	liveStart time.Time
	area      *timelineArea
	scroll    *container.Scroll
	info      *widget.Label
	rendering atomic.Bool // a render is in flight or waits in ready
	ready     atomic.Pointer[rendered]
	dirty     bool
	maxMs     float64       // the longest render so far
	visible   func() bool   // whether the Timeline tab is shown; nil: always
	empty     *widget.Label // over the picture until there is one
	box       fyne.CanvasObject
	scale     float32 // the presentation scale
	// lag is the heartbeat's probes from start to end (heartbeat.lagWindow).
	lag func(start, end time.Time) []timeline.LagSample
}

// doneRun is a finished run and when it ran, for its heartbeat lane.
type doneRun struct {
	run        timeline.Run
	start, end time.Time
}

// timelineArea is the picture, with hover and tap naming the bar under the pointer.
type timelineArea struct {
	widget.BaseWidget
	img    *canvas.Image
	runs   []timeline.Run // what the picture shows
	layout timeline.Layout
	onHit  func(string)
}

func newTimelineArea(onHit func(string)) *timelineArea {
	a := &timelineArea{img: canvas.NewImageFromImage(image.NewRGBA(image.Rect(0, 0, 1, 1))), onHit: onHit}
	a.img.FillMode = canvas.ImageFillStretch
	a.img.ScaleMode = canvas.ImageScalePixels
	a.ExtendBaseWidget(a)
	return a
}

func (a *timelineArea) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(a.img) }

func (a *timelineArea) MouseIn(e *desktop.MouseEvent)    { a.describe(e.Position) }
func (a *timelineArea) MouseMoved(e *desktop.MouseEvent) { a.describe(e.Position) }
func (a *timelineArea) MouseOut()                        {}
func (a *timelineArea) Tapped(e *fyne.PointEvent)        { a.describe(e.Position) }

// describe names what is under pos, in picture pixels.
func (a *timelineArea) describe(pos fyne.Position) {
	b := a.img.Image.Bounds()
	size := a.Size()
	if size.Width == 0 || size.Height == 0 {
		return
	}
	pt := image.Pt(int(pos.X*float32(b.Dx())/size.Width), int(pos.Y*float32(b.Dy())/size.Height))
	h, ok := a.layout.At(a.runs, pt)
	if !ok {
		return
	}
	w := a.runs[h.Run].Lanes[h.Lane].Worker
	if h.Span == nil {
		a.onHit(fmt.Sprintf("%s, %s: idle here", a.runs[h.Run].Title, w))
		return
	}
	s := h.Span
	var parts []string
	for _, p := range s.Phases {
		parts = append(parts, fmt.Sprintf("%s %.1f ms", p.Name, ms(p.Dur)))
	}
	text := fmt.Sprintf("%s: %s of %s on %s, %.2f–%.2f s", a.runs[h.Run].Title, s.Stage, s.Name, w, s.Start.Seconds(), s.End.Seconds())
	if s.Failed != "" {
		text += " — failed: " + s.Failed
	} else if len(parts) > 0 {
		text += " — " + strings.Join(parts, ", ")
	}
	a.onHit(text)
}

// newTimelineView builds the Timeline tab at presentation scale scale;
// lag gives the window's lag over a run, drawn as its heartbeat lane.
func newTimelineView(lag func(start, end time.Time) []timeline.LagSample, scale float32) *timelineView {
	v := &timelineView{lag: lag, scale: scale}
	v.info = widget.NewLabel("Each lane is a worker; each bar an item, coloured by phase. Point at a bar.")
	v.info.Truncation = fyne.TextTruncateEllipsis
	v.area = newTimelineArea(v.info.SetText)
	// In a box that keeps it at its own height: a scroll's content is
	// stretched to fill the view, which stretched a short picture's text.
	v.scroll = container.NewScroll(container.NewVBox(v.area))
	v.empty = emptyNote("No runs yet. Press Run: each worker gets a lane here, and each item a bar coloured by where its time went (network, decode, resize, encode, between processes). The last four runs stay, on one time scale, to compare.")
	v.box = container.NewBorder(v.info, nil, nil, nil, container.NewStack(v.scroll, container.NewPadded(v.empty)))
	return v
}

func (v *timelineView) object() fyne.CanvasObject { return v.box }

// renderMaxMs is the longest a picture took to render so far.
func (v *timelineView) renderMaxMs() float64 { return v.maxMs }

// showWhen makes the picture rendered only while shown() (the Timeline tab
// is selected): a render is a good part of a frame's CPU.
func (v *timelineView) showWhen(shown func() bool) { v.visible = shown }

// rescale draws the picture again at the new scale.
func (v *timelineView) rescale(scale float32) {
	v.scale = scale
	v.dirty = true
}

// startRun begins recording a run's timeline.
func (v *timelineView) startRun(title string, start time.Time) *timeline.Recorder {
	v.live = timeline.NewRecorder(title, os.Getpid())
	v.liveStart = start
	v.dirty = true
	return v.live
}

// finishRun keeps the run among the last ones.
func (v *timelineView) finishRun(start, end time.Time) {
	if v.live == nil {
		return
	}
	v.done = append(v.done, doneRun{v.live.Run(), start, end})
	if len(v.done) > keepRuns {
		v.done = v.done[len(v.done)-keepRuns:]
	}
	v.live = nil
	v.dirty = true
}

// maybeRender starts a render off the UI goroutine when there is something
// new and none is in flight. It runs on the UI goroutine.
func (v *timelineView) maybeRender() {
	news := v.dirty || v.live != nil // a run under way changes at every frame
	shown := v.visible == nil || v.visible()
	if !news || !shown {
		return
	}
	if !v.rendering.CompareAndSwap(false, true) { // one render at a time
		return
	}
	v.dirty = v.live == nil && len(v.done) > 0 && time.Since(v.done[len(v.done)-1].end) < time.Second // until the last freeze's probe is in
	runs := v.runs()
	if v.live != nil {
		r := v.live.Run()
		r.Wall = time.Since(v.liveStart)
		r.Lag = v.lag(v.liveStart, time.Now())
		runs = append(runs, r)
	}
	// As wide as the visible area (not the last picture: that would feed back).
	width := int(max(v.scroll.Size().Width-theme.Padding()*2, 600))
	scale := float64(v.scale)
	go func() {
		t0 := time.Now()
		img := timeline.RenderScaled(runs, width, scale)
		v.ready.Store(&rendered{runs, width, scale, img, ms(time.Since(t0))})
	}()
}

// rendered is a timeline picture waiting for applyRender.
type rendered struct {
	runs  []timeline.Run
	width int
	scale float64
	img   image.Image
	took  float64 // ms
}

// applyRender shows the picture the last render made, if there is one, and
// reports whether there was. The frame calls it with its other updates: the
// render goroutine asks nothing of the UI goroutine, which would cost a
// repaint of its own.
func (v *timelineView) applyRender() bool {
	r := v.ready.Swap(nil)
	if r == nil {
		return false
	}
	a := v.area
	a.runs, a.layout = r.runs, timeline.NewScaledLayout(r.runs, r.width, r.scale)
	v.empty.Hide()
	a.img.Image = r.img
	a.img.SetMinSize(fyne.NewSize(float32(r.img.Bounds().Dx()), float32(r.img.Bounds().Dy())))
	a.img.Refresh()
	a.Refresh()
	v.maxMs = max(v.maxMs, r.took)
	v.rendering.Store(false)
	return true
}

// runs are the kept runs with their heartbeat lanes.
func (v *timelineView) runs() []timeline.Run {
	var runs []timeline.Run
	for _, d := range v.done {
		r := d.run
		r.Lag = v.lag(d.start, d.end)
		runs = append(runs, r)
	}
	return runs
}
