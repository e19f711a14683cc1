package ui

import (
	"bytes"
	"encoding/json"
	"image/png"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/jobs"
	"concurrencylab/timeline"
)

func TestTimelineAndExports(t *testing.T) {
	l, q := newTestLab(t)
	if !l.ShowTab("timeline") || l.ShowTab("nope") {
		t.Fatal("ShowTab")
	}
	s := DefaultSettings()
	s.Images, s.Latency, s.Task, s.Mode, s.Workers = 3, 0, jobs.Pipeline, jobs.Processes, 2
	l.show(s)
	done := false
	l.OnRunFinished = func(RunRecord) { done = true }
	test.Tap(l.ctl.run)
	q.until(t, "the run", 2*time.Minute, func() bool { return done })
	// The finished run's picture: rendered off the UI goroutine, swapped in here.
	q.until(t, "the timeline", 30*time.Second, func() bool {
		l.timeline.maybeRender()
		return len(l.timeline.area.runs) == 1 && !l.timeline.rendering.Load()
	})
	run := l.timeline.area.runs[0]
	if len(run.Lanes) != 4 || run.Lag == nil { // 2 download goroutines, 2 thumbnail processes
		t.Fatalf("lanes %d, lag samples %d", len(run.Lanes), len(run.Lag))
	}
	// Pointing at the first bar of the first lane names it.
	span := run.Lanes[0].Spans[0]
	lay := l.timeline.area.layout
	img := l.timeline.area.img.Image.Bounds()
	size := l.timeline.area.Size()
	px := fyne.NewPos(float32(lay.X((span.Start+span.End)/2))*size.Width/float32(img.Dx()),
		float32(lay.Lane(l.timeline.area.runs, 0, 0).Min.Y+lay.LaneHeight/2)*size.Height/float32(img.Dy()))
	test.Tap(l.timeline.area) // a tap at the centre: something is named
	l.timeline.area.Tapped(&fyne.PointEvent{Position: px})
	if txt := l.timeline.info.Text; !strings.Contains(txt, span.Name) || !strings.Contains(txt, "download") {
		t.Errorf("info %q, want %s", txt, span.Name)
	}

	var csvOut, jsonOut, pngOut, traceOut bytes.Buffer
	for name, f := range map[string]func() error{
		"csv":   func() error { return l.resultsCSV()(&csvOut) },
		"json":  func() error { return l.resultsJSON()(&jsonOut) },
		"png":   func() error { return l.timelinePNG()(&pngOut) },
		"trace": func() error { return l.timelineTrace()(&traceOut) },
	} {
		if err := f(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if lines := strings.Count(csvOut.String(), "\n"); lines != 2 {
		t.Errorf("csv has %d lines", lines)
	}
	var recs []RunRecord
	if err := json.Unmarshal(jsonOut.Bytes(), &recs); err != nil || len(recs) != 1 || recs[0].OK != 3 {
		t.Errorf("json: %v %+v", err, recs)
	}
	if _, err := png.Decode(&pngOut); err != nil {
		t.Errorf("png: %v", err)
	}
	if !json.Valid(traceOut.Bytes()) || !strings.Contains(traceOut.String(), `"traceEvents"`) {
		t.Error("trace is not a trace-event JSON file")
	}
	// No one-worker run yet: no speed-up to chart, and the chart says how to get one.
	if objs := l.results.chart.Objects; len(objs) != 1 || !strings.Contains(objs[0].(*widget.Label).Text, "No speed-up yet") {
		t.Errorf("chart without a baseline: %d rows", len(objs))
	}
}

// recordingFile is a file to save an export to: it records who wrote it.
type recordingFile struct {
	buf    bytes.Buffer
	writer int64 // the goroutine that wrote
	closed atomic.Bool
}

func (f *recordingFile) Write(p []byte) (int, error) { f.writer = goid(); return f.buf.Write(p) }

func (f *recordingFile) Close() error { f.closed.Store(true); return nil }

func (f *recordingFile) URI() fyne.URI { return storage.NewFileURI("/tmp/timeline.png") }

// TestExportsAreWrittenOffTheUIGoroutine: saving the timeline as a picture
// renders it off the UI goroutine, which goes on drawing meanwhile.
func TestExportsAreWrittenOffTheUIGoroutine(t *testing.T) {
	l, q := newTestLab(t)
	l.timeline.done = []doneRun{{run: timeline.Run{Title: "a run", Wall: time.Second}, start: time.Now().Add(-time.Second), end: time.Now()}}
	f := &recordingFile{}
	l.writeExport(f, l.timelinePNG)
	q.until(t, "the file written", time.Minute, func() bool { return f.closed.Load() })
	if f.writer == 0 || f.writer == goid() {
		t.Errorf("written by goroutine %d, the UI goroutine is %d", f.writer, goid())
	}
	if _, err := png.Decode(&f.buf); err != nil {
		t.Errorf("png: %v", err)
	}
}
