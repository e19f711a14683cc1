package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/jobs"
	"concurrencylab/lesson"
	"concurrencylab/results"
)

// TestMain serves as a pool worker when a Process pool run re-executes the
// test binary.
func TestMain(m *testing.M) {
	jobs.ServeIfWorker(lesson.WorkerOps())
	// One gallery cache for the whole package: generating photos is slow under -race.
	cache, err := os.MkdirTemp("", "ui-test-cache")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CACHE_HOME", cache)
	os.Setenv("GORACE", "atexit_sleep_ms=0") // workers under -race exit at once
	code := m.Run()
	os.RemoveAll(cache)
	os.Exit(code)
}

// mainLoop stands in for Fyne's UI goroutine: the lab posts functions to it,
// and the test goroutine runs them, so widgets are only touched by one goroutine.
type mainLoop chan func()

func (q mainLoop) do(f func()) { q <- f }

// until runs posted functions until cond holds, failing after the deadline.
func (q mainLoop) until(t *testing.T, what string, deadline time.Duration, cond func() bool) {
	t.Helper()
	timeout := time.After(deadline)
	for !cond() {
		select {
		case f := <-q:
			f()
		case <-timeout:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func newTestLab(t *testing.T) (*Lab, mainLoop) {
	t.Helper()
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	q := make(mainLoop, 1024)
	l := New(a, w, q.do)
	w.SetContent(l.Content())
	w.Resize(fyne.NewSize(1200, 800))
	l.Start()
	t.Cleanup(func() {
		l.Close()
		for len(q) > 0 { // let posted work finish before the app goes
			(<-q)()
		}
	})
	return l, q
}

// newFramelessLab is newTestLab without its frame loop: the test calls
// l.frame itself, and nothing else is queued for the UI goroutine.
func newFramelessLab(t *testing.T) *Lab {
	t.Helper()
	l, q := newTestLab(t)
	close(l.stop)
	for len(q) > 0 {
		(<-q)()
	}
	return l
}

func TestRunShowsProgressResultsAndThumbnails(t *testing.T) {
	for _, mode := range []jobs.Mode{jobs.Sequential, jobs.Goroutines, jobs.Processes} {
		t.Run(string(mode), func(t *testing.T) {
			l, q := newTestLab(t)
			s := DefaultSettings()
			s.Images, s.Latency, s.Task, s.Mode, s.Workers = 3, 0, jobs.Pipeline, mode, 2
			l.show(s)
			var finished []RunRecord
			l.OnRunFinished = func(r RunRecord) { finished = append(finished, r) }

			test.Tap(l.ctl.run)
			if l.ctl.cancel.Disabled() || !l.ctl.run.Disabled() {
				t.Fatal("Run stays enabled while running")
			}
			q.until(t, "the run to finish", 2*time.Minute, func() bool { return len(finished) == 1 })

			r := finished[0]
			if r.Err != "" || r.OK != 3 || r.Mode != mode {
				t.Fatalf("run: %+v", r)
			}
			if len(l.gallery.items) != 3 || l.gallery.grid.Length() != 3 {
				t.Fatalf("gallery has %d items", len(l.gallery.items))
			}
			if got := l.prog.summary.Text; got != "3 / 3 done" {
				t.Errorf("summary %q", got)
			}
			// The rate ends as the run's, and no ETA is left for a run that has ended.
			if got := l.prog.rate.Text; !strings.HasSuffix(got, " img/s") || l.prog.eta.Text != "" {
				t.Errorf("rate %q, ETA %q", got, l.prog.eta.Text)
			}
			if l.prog.bar.Value != 3 {
				t.Errorf("progress bar at %v", l.prog.bar.Value)
			}
			if rows, _ := l.results.table.Length(); rows != 1 {
				t.Errorf("results table has %d rows", rows)
			}
			if l.ctl.run.Disabled() || !l.ctl.cancel.Disabled() {
				t.Error("buttons not reset after the run")
			}
			wantKind := map[jobs.Mode]string{jobs.Sequential: "goroutine", jobs.Goroutines: "goroutine", jobs.Processes: "process"}[mode]
			found := false
			for _, ln := range l.prog.rows {
				found = found || ln.Worker.Kind == wantKind
			}
			if !found {
				t.Errorf("no %s lane in %+v", wantKind, l.prog.rows)
			}
			// Each worker has a row of widgets saying who it is and what it did.
			if len(l.prog.rowViews) != len(l.prog.rows) || len(l.prog.rowBox.Objects) != len(l.prog.rows) {
				t.Fatalf("%d row views, %d rows in the box, for %d lanes", len(l.prog.rowViews), len(l.prog.rowBox.Objects), len(l.prog.rows))
			}
			total := 0
			for i, ln := range l.prog.rows {
				v := l.prog.rowViews[i]
				if v.name.Text != ln.Worker.String() || v.done.Text != fmt.Sprintf("%d done", ln.Finished) || v.stage.Text != "idle" || v.item.Text != "" {
					t.Errorf("row %d shows %q %q %q %q for %+v", i, v.name.Text, v.stage.Text, v.item.Text, v.done.Text, ln)
				}
				total += ln.Finished
			}
			if total < 3 {
				t.Errorf("rows count %d items done, want at least 3", total)
			}

			// The grid's cells show the thumbnails, decoded off the UI
			// goroutine and made at the cell's size in the format Fyne makes
			// textures of without converting.
			cellImages := func() (n int) {
				test.WidgetRenderer(l.gallery.grid).Layout(l.gallery.grid.Size())
				for _, o := range test.LaidOutObjects(l.gallery.grid) {
					img, ok := o.(*canvas.Image)
					if !ok || img.Resource != nil || img.File != "" || img.Image == nil {
						continue
					}
					pic, ok := img.Image.(*image.RGBA)
					if b := img.Image.Bounds(); !ok || b.Dx() < 1 || b.Dx() > 120 || b.Dy() > 96 {
						t.Fatalf("cell picture %T %v, want an *image.RGBA within 120×96", img.Image, b)
					}
					if pic.Rect.Dx() != 120 && pic.Rect.Dy() != 96 {
						t.Fatalf("cell picture %v does not fill the 120×96 cell on either side", pic.Rect)
					}
					n++
				}
				return n
			}
			q.until(t, "three thumbnails in the grid", 10*time.Second, func() bool { return cellImages() == 3 })

			// Selecting a thumbnail shows where its time went.
			l.gallery.grid.Select(0)
			if txt := l.gallery.detailText.Text; !strings.Contains(txt, "decode") || !strings.Contains(txt, "Made by") {
				t.Errorf("detail: %q", txt)
			}
		})
	}
}

func TestBlockingRunFreezesAndSaysSo(t *testing.T) {
	l, q := newTestLab(t)
	s := DefaultSettings()
	s.Images, s.Task, s.Mode = 2, jobs.Thumbnail, jobs.Blocking
	l.show(s)
	var rec RunRecord
	var runner int64
	l.OnRunFinished = func(r RunRecord) { rec, runner = r, goid() }
	// Tapping Run prepares the pictures off the UI goroutine, then does the
	// whole run in one function posted to it: here, this test's goroutine.
	test.Tap(l.ctl.run)
	q.until(t, "the blocking run", time.Minute, func() bool { return rec.Mode != "" })
	if rec.OK != 2 || rec.Mode != jobs.Blocking || runner != goid() {
		t.Fatalf("the run did not finish on the UI goroutine: %+v", rec)
	}
	if rec.UI.FrozenSeconds < rec.WallSeconds {
		t.Errorf("frozen %v s, run %v s", rec.UI.FrozenSeconds, rec.WallSeconds)
	}
	if !strings.Contains(l.banner.Text, "frozen for") {
		t.Errorf("banner %q", l.banner.Text)
	}
	if len(l.prog.rows) != 1 || l.prog.rows[0].Worker.Kind != "ui" {
		t.Errorf("lanes of a blocking run: %+v", l.prog.rows)
	}
	// Frames do not pile up behind the freeze: of what was posted to the UI
	// goroutine meanwhile (thumbnails being decoded post too), at most one
	// is a frame.
	before := l.frames.Load()
	for n := len(q); n > 0; n-- {
		(<-q)()
	}
	if frames := l.frames.Load() - before; frames > 1 {
		t.Errorf("%d frames queued up behind the frozen UI goroutine, want at most 1", frames)
	}
}

func TestCancelStopsARun(t *testing.T) {
	l, q := newTestLab(t)
	s := DefaultSettings()
	s.Images, s.Latency, s.Task, s.Mode, s.Workers = 12, 100*time.Millisecond, jobs.Download, jobs.Processes, 1
	l.show(s)
	var rec *RunRecord
	l.OnRunFinished = func(r RunRecord) { rec = &r }
	test.Tap(l.ctl.run)
	q.until(t, "the first download", time.Minute, func() bool { return l.bridge.take().done > 0 || l.prog.bar.Value > 0 })
	start := time.Now()
	test.Tap(l.ctl.cancel)
	q.until(t, "the run to stop", 10*time.Second, func() bool { return rec != nil })
	if d := time.Since(start); d > time.Second {
		t.Errorf("cancel took %v", d)
	}
	if rec.Canceled == 0 || !strings.Contains(l.banner.Text, "Cancelled") {
		t.Errorf("run %+v, banner %q", rec, l.banner.Text)
	}
	// Nothing is left saying it is under way.
	for _, v := range l.prog.rowViews {
		if v.stage.Text != "idle" || v.item.Text != "" {
			t.Errorf("after cancel a row says %q %q", v.stage.Text, v.item.Text)
		}
	}
	if l.prog.eta.Text != "" {
		t.Errorf("ETA %q after cancel", l.prog.eta.Text)
	}
}

// TestRowsInWorkerOrder: the rows follow the workers (a pipeline's
// downloaders first), whatever order they first reported in.
func TestRowsInWorkerOrder(t *testing.T) {
	b := newBridge()
	b.reset(time.Now())
	for _, w := range []jobs.Worker{{Kind: "goroutine", Role: "thumbnail", Index: 2}, {Kind: "goroutine", Role: "download", Index: 2},
		{Kind: "goroutine", Role: "thumbnail", Index: 1}, {Kind: "goroutine", Role: "download", Index: 1}} {
		b.Report(jobs.Event{Kind: jobs.StepStarted, Worker: w, Name: "x"})
	}
	var got []string
	for _, ln := range b.take().lanes {
		got = append(got, ln.Worker.String())
	}
	want := "download goroutine 1, download goroutine 2, thumbnail goroutine 1, thumbnail goroutine 2"
	if strings.Join(got, ", ") != want {
		t.Errorf("rows %q", got)
	}
}

func TestBadSourceIsReported(t *testing.T) {
	l, q := newTestLab(t)
	s := DefaultSettings()
	s.Source, s.Images = "dir:/does/not/exist", 3
	l.show(s)
	var rec *RunRecord
	l.OnRunFinished = func(r RunRecord) { rec = &r }
	test.Tap(l.ctl.run)
	q.until(t, "the run to fail", 10*time.Second, func() bool { return rec != nil })
	if rec.Err == "" || !strings.Contains(l.banner.Text, "could not start") {
		t.Errorf("err %q, banner %q", rec.Err, l.banner.Text)
	}
	if len(l.results.runs) != 0 {
		t.Error("a run that never started is in the results")
	}
}

// TestFailedItemsTurnTheBannerAmber: a run whose items failed does not end
// with the green "responsive" banner.
func TestFailedItemsTurnTheBannerAmber(t *testing.T) {
	l, q := newTestLab(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "broken.jpg"), []byte("not a picture"), 0o644)
	os.WriteFile(filepath.Join(dir, "empty.png"), nil, 0o644)
	s := DefaultSettings()
	s.Source, s.Task, s.Mode = "dir:"+dir, jobs.Thumbnail, jobs.Goroutines
	l.show(s)
	var rec *RunRecord
	l.OnRunFinished = func(r RunRecord) { rec = &r }
	test.Tap(l.ctl.run)
	q.until(t, "the run to finish", time.Minute, func() bool { return rec != nil })
	if rec.Failed != 2 || l.banner.Importance != widget.WarningImportance || !strings.Contains(l.banner.Text, "2 of 2 items failed") {
		t.Errorf("failed %d; banner %v %q", rec.Failed, l.banner.Importance, l.banner.Text)
	}
}

func TestSettingsPersist(t *testing.T) {
	a := test.NewTempApp(t)
	s := DefaultSettings()
	s.Images, s.Mode, s.Workers, s.Latency, s.Decoder = 7, jobs.Processes, 1, 400*time.Millisecond, "std"
	saveSettings(a.Preferences(), s)
	if got := loadSettings(a.Preferences()); got != s {
		t.Fatalf("loaded %+v, saved %+v", got, s)
	}
	a.Preferences().SetString(prefMode, "threads")
	if got := loadSettings(a.Preferences()); got != DefaultSettings() {
		t.Fatalf("bad preferences not replaced by defaults: %+v", got)
	}
}

func TestParseAutorun(t *testing.T) {
	plan, err := ParseAutorun("task=thumbnail,mode=processes,workers=2,images=24;mode=blocking", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if len(plan) != 2 || plan[0].Mode != jobs.Processes || plan[0].Images != 24 || plan[1].Mode != jobs.Blocking || plan[1].Images != 24 {
		t.Fatalf("%+v", plan)
	}
	for _, bad := range []string{"", "task=resize", "mode=threads", "workers=0", "images=x", "colour=red", "task", "decoder=libjpeg",
		fmt.Sprintf("workers=%d", MaxWorkers()+1), "images=100000"} {
		if _, err := ParseAutorun(bad, DefaultSettings()); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestWorkersReachWhatDownloadsNeed: the slider goes to 64 workers (the
// IO lessons need 16 to 64), and shows what a run uses.
func TestWorkersReachWhatDownloadsNeed(t *testing.T) {
	l, _ := newTestLab(t)
	plan, err := ParseAutorun("task=download,mode=goroutines,workers=64", DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	l.show(plan[0])
	if MaxWorkers() < 64 || l.ctl.workers.Value != 64 || l.ctl.workersLbl.Text != "64" || l.ctl.chosen.Workers != 64 {
		t.Fatalf("max %d; slider %v, label %q, chosen %d", MaxWorkers(), l.ctl.workers.Value, l.ctl.workersLbl.Text, l.ctl.chosen.Workers)
	}
}

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
		l.maybeRender()
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
		"csv":   func() error { return l.writeResultsCSV(&csvOut) },
		"json":  func() error { return l.writeResultsJSON(&jsonOut) },
		"png":   func() error { return l.writeTimelinePNG(&pngOut) },
		"trace": func() error { return l.writeTrace(&traceOut) },
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

func TestChartShowsSpeedupAgainstIdeal(t *testing.T) {
	one, two := 1.0, 1.5
	runs := []RunRecord{
		{Result: jobs.Result{Task: jobs.Thumbnail, Mode: jobs.Sequential, Workers: 1, WallSeconds: 3, Speedup: &one}},
		{Result: jobs.Result{Task: jobs.Thumbnail, Mode: jobs.Goroutines, Workers: 2, WallSeconds: 2, Speedup: &two}},
		{Result: jobs.Result{Task: jobs.Download, Mode: jobs.Goroutines, Workers: 8, WallSeconds: 1}},
	}
	rows := chartRows(runs)
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	text := rows[1].(*fyne.Container).Objects[1].(*fyne.Container).Objects[1].(*widget.Label).Text
	if want := fmt.Sprintf("1.50× of %d× ideal", min(2, runtime.NumCPU())); !strings.HasPrefix(text, want) {
		t.Errorf("row text %q, want %q", text, want)
	}
	if got := results.Ideal(runs[2].Result); got != 8 {
		t.Errorf("download ideal %v, want 8 (not capped by CPUs)", got)
	}
}

// TestASpeedupAboveTheIdealSaysWhy: a bar past 100% comes with the reason,
// from the two runs' CPU per item.
func TestASpeedupAboveTheIdealSaysWhy(t *testing.T) {
	if runtime.NumCPU() < 2 {
		t.Skip("the ideal of two workers is 1× on one core")
	}
	one, sup := 1.0, 2.4
	cpu7, cpu6 := 7.2, 6.2
	runs := []RunRecord{
		{Result: jobs.Result{Task: jobs.Thumbnail, Mode: jobs.Sequential, Workers: 1, OK: 24, WallSeconds: 7.2, WorkCPUSeconds: &cpu7, Speedup: &one, Decoder: "std"}},
		{Result: jobs.Result{Task: jobs.Thumbnail, Mode: jobs.Goroutines, Workers: 2, OK: 24, WallSeconds: 3.0, WorkCPUSeconds: &cpu6, Speedup: &sup, Decoder: "std"}},
	}
	rows := chartRows(runs)
	if len(rows) != 3 {
		t.Fatalf("%d rows, want the two runs and a note", len(rows))
	}
	note := rows[2].(*widget.Label).Text
	if !strings.Contains(note, "Above the ideal of 2×") || !strings.Contains(note, "16% more CPU") {
		t.Errorf("note %q", note)
	}
}

func TestFitsA1024x700Screen(t *testing.T) {
	l, _ := newTestLab(t)
	min := l.win.Content().MinSize()
	if min.Width > 1024 || min.Height > 700 {
		t.Fatalf("the window needs at least %v", min)
	}
	t.Logf("minimum content size %v", min)
}

// TestCellImageFitsTheCell checks the loader's side of thumb.Preview (tested
// in jobs/thumb): a picture for the cell, or a nil image.Image, not a nil
// *image.RGBA in one, when there is none.
func TestCellImageFitsTheCell(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 256, 192)), nil); err != nil {
		t.Fatal(err)
	}
	ok := dir + "/ok.jpg"
	os.WriteFile(ok, buf.Bytes(), 0o644)
	for box, want := range map[image.Point]image.Rectangle{
		image.Pt(120, 96):  image.Rect(0, 0, 120, 90),
		image.Pt(240, 192): image.Rect(0, 0, 240, 180), // a 2× canvas
	} {
		if pic, isRGBA := cellImage(ok, box).(*image.RGBA); !isRGBA || pic.Rect != want {
			t.Errorf("in %v: got %T, want an *image.RGBA %v", box, cellImage(ok, box), want)
		}
	}
	bad := dir + "/bad.jpg"
	os.WriteFile(bad, []byte("not a picture"), 0o644)
	for _, path := range []string{bad, dir + "/missing.jpg"} {
		if got := cellImage(path, image.Pt(120, 96)); got != nil {
			t.Errorf("%s: got %v, want nil (the cell stays empty)", path, got.Bounds())
		}
	}
}

func TestThumbLoaderRunsOneJobAtATimeAndEnds(t *testing.T) {
	var ld thumbLoader
	var mu sync.Mutex
	running, most := 0, 0
	done := make(chan struct{}, 20)
	for i := 0; i < 20; i++ {
		ld.load("/does/not/exist", image.Pt(120, 96), func(image.Image) {
			mu.Lock()
			running++
			most = max(most, running)
			mu.Unlock()
			time.Sleep(time.Millisecond) // overlap, if there were a second loader
			mu.Lock()
			running--
			mu.Unlock()
			done <- struct{}{}
		})
	}
	for i := 0; i < 20; i++ {
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%d of 20 jobs done", i)
		}
	}
	if most != 1 {
		t.Errorf("%d jobs ran at once, want 1", most)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		ld.mu.Lock()
		r := ld.running
		ld.mu.Unlock()
		if !r {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the loader goroutine did not end with its queue empty")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestExitIfStuck(t *testing.T) {
	ended := make(chan struct{})
	close(ended)
	exitIfStuck(ended, time.Hour, func() { t.Error("exit called although the window ended") })

	called := make(chan struct{})
	go exitIfStuck(make(chan struct{}), 10*time.Millisecond, func() { close(called) })
	select {
	case <-called:
	case <-time.After(10 * time.Second):
		t.Fatal("exit not called for a window that never ended")
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
func (w *layoutCounter) Canvas() fyne.Canvas  { return w.canvas }

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

func TestLoadedPicturesWaitForTheFrame(t *testing.T) {
	l, q := newTestLab(t)
	dir := t.TempDir()
	path := dir + "/a.png"
	var buf bytes.Buffer
	png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 40, 30)))
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	close(l.stop) // no more frames but the test's own
	for len(q) > 0 {
		(<-q)()
	}
	g := &l.gallery
	if g.thumbnail(path) != nil {
		t.Fatal("a picture before it was loaded")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		g.ready.mu.Lock()
		n := len(g.ready.pics)
		g.ready.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the loader did not make the picture")
		}
		time.Sleep(time.Millisecond)
	}
	// Made, but not shown: the loader asks nothing of the UI goroutine (each
	// request would be a repaint of its own); a frame takes the picture.
	if len(q) != 0 {
		t.Fatalf("the loader posted %d functions to the UI goroutine", len(q))
	}
	for range 6 { // a tenth of a second of frames
		l.frame(time.Now())
	}
	if pic, _ := g.thumbs.get(path); pic == nil || pic.Bounds().Dx() != 40 {
		t.Fatalf("after six frames the cache holds %v", pic)
	}
}

func TestLagReadoutComesInTwoParts(t *testing.T) {
	l := newFramelessLab(t)
	now := time.Now()
	l.beat.samples, l.beat.last = nil, 0
	l.beat.record(now.Add(-300*time.Millisecond), now.Add(-240*time.Millisecond)) // 60 ms late
	l.beat.record(now.Add(-2*time.Millisecond), now)
	if !l.updateMeter() {
		t.Fatal("the readout did not change")
	}
	m := l.meter
	if m.lag.Text != "UI lag now 2 ms" || m.peak.Text != "max over the last second 60 ms" {
		t.Errorf("readout %q + %q", m.lag.Text, m.peak.Text)
	}
	if m.lag.Importance != widget.WarningImportance || m.peak.Importance != widget.WarningImportance {
		t.Errorf("a 60 ms lag shown as %v, %v", m.lag.Importance, m.peak.Importance)
	}
	if l.updateMeter() {
		t.Error("the same figures changed the readout again")
	}
}

// TestNewCellsComeOnTheirOwnFrame checks that finished items join the grid
// on another frame than the progress texts (each a new picture to upload),
// and all of them at the end of a run.
func TestNewCellsComeOnTheirOwnFrame(t *testing.T) {
	l := newFramelessLab(t)
	l.running = true
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
	l.finish(DefaultSettings(), jobs.Result{}, nil, time.Second)
	if len(l.gallery.items) != 3 {
		t.Fatalf("after the run %d cells, want 3", len(l.gallery.items))
	}
}

// TestGalleryDetailSaysTheWarning: an item made despite a flaw in its file
// says what the flaw was when it is selected.
func TestGalleryDetailSaysTheWarning(t *testing.T) {
	l := newFramelessLab(t)
	l.running = true
	l.bridge.reset(time.Now())
	const warning = "Corrupt JPEG data: 5 extraneous bytes before marker 0xdb"
	l.bridge.Report(jobs.Event{Kind: jobs.ItemDone, Item: 0, Name: "clean.jpg"})
	l.bridge.Report(jobs.Event{Kind: jobs.ItemDone, Item: 1, Name: "photoshop.jpg", Info: jobs.Info{Warning: warning}})
	l.finish(DefaultSettings(), jobs.Result{}, nil, time.Second)
	for i, want := range []bool{false, true} {
		l.gallery.grid.Select(i)
		if txt := l.gallery.detailText.Text; strings.Contains(txt, "Warning: "+warning) != want {
			t.Errorf("item %d: %q", i, txt)
		}
	}
}

func TestWorkerRowSaysStageAndItem(t *testing.T) {
	l := newFramelessLab(t)
	l.running = true
	l.bridge.reset(time.Now())
	w := jobs.Worker{Kind: "process", Index: 1, PID: 42}
	row := func() string {
		l.flush()
		v := l.prog.rowViews[0]
		return v.name.Text + " | " + v.stage.Text + " | " + v.item.Text + " | " + v.done.Text
	}
	l.bridge.Report(jobs.Event{Kind: jobs.StepStarted, Item: 0, Name: "a.jpg", Stage: "thumbnail", Worker: w})
	if got, want := row(), "process 1 (pid 42) | thumbnail | a.jpg | 0 done"; got != want {
		t.Errorf("working: %q, want %q", got, want)
	}
	l.bridge.Report(jobs.Event{Kind: jobs.StepFinished, Item: 0, Name: "a.jpg", Stage: "thumbnail", Worker: w})
	if got, want := row(), "process 1 (pid 42) | idle |  | 1 done"; got != want {
		t.Errorf("idle: %q, want %q", got, want)
	}
	l.bridge.Report(jobs.Event{Kind: jobs.StepStarted, Item: 1, Name: "b.jpg", Stage: "download", Worker: w})
	l.bridge.Report(jobs.Event{Kind: jobs.ItemFailed, Item: 1, Name: "b.jpg", Stage: "download", Worker: w, Err: errors.New("404")})
	if got, want := row(), "process 1 (pid 42) | idle |  | 1 done"; got != want {
		t.Errorf("after a failure: %q, want %q", got, want)
	}
}

// TestChangesDuringARunChooseTheNext checks that the settings stay live while
// a run goes on, and that what is chosen then is the next run's, not this one's.
func TestChangesDuringARunChooseTheNext(t *testing.T) {
	l, q := newTestLab(t)
	s := DefaultSettings()
	s.Images, s.Latency, s.Task, s.Mode, s.Workers = 4, 50*time.Millisecond, jobs.Download, jobs.Goroutines, 2
	l.show(s)
	var finished []RunRecord
	l.OnRunFinished = func(r RunRecord) { finished = append(finished, r) }
	test.Tap(l.ctl.run)
	for _, w := range []fyne.Disableable{l.ctl.source, l.ctl.images, l.ctl.latency, l.ctl.task, l.ctl.mode, l.ctl.workers, l.ctl.decoder} {
		if w.Disabled() {
			t.Fatalf("%T disabled during a run", w)
		}
	}
	l.ctl.mode.SetSelected(modeLabels[jobs.Sequential])
	l.ctl.images.SetText("2")
	test.Tap(l.ctl.run) // Run is disabled: nothing happens
	q.until(t, "the first run to finish", time.Minute, func() bool { return len(finished) == 1 })
	if r := finished[0]; r.Mode != jobs.Goroutines || r.Workers != 2 || r.OK != 4 {
		t.Fatalf("the first run changed under its feet: %+v", r)
	}
	test.Tap(l.ctl.run)
	q.until(t, "the second run to finish", time.Minute, func() bool { return len(finished) == 2 })
	if r := finished[1]; r.Mode != jobs.Sequential || r.Workers != 1 || r.OK != 2 {
		t.Fatalf("the second run is not what was chosen during the first: %+v", r)
	}
}

func TestNoStoppedHookToRaceFynesShutdown(t *testing.T) {
	a := test.NewTempApp(t)
	lc, ok := a.Lifecycle().(interface {
		SetOnStoppedHookExecuted(func())
		OnStopped() func()
	})
	if !ok {
		t.Fatalf("Fyne's lifecycle %T has no stopped hook to remove", a.Lifecycle())
	}
	lc.SetOnStoppedHookExecuted(func() {}) // as app.New does
	withoutStoppedHook(a)
	if lc.OnStopped() != nil {
		t.Fatal("a stopped hook is left for Fyne's shutdown to post")
	}
}

// cells returns the grid's laid-out cells: each its picture and its name.
func cells(t *testing.T, g *galleryView) (imgs []*canvas.Image, names []*widget.Label) {
	t.Helper()
	test.WidgetRenderer(g.grid).Layout(g.grid.Size())
	for _, o := range test.LaidOutObjects(g.grid) {
		c, ok := o.(*fyne.Container)
		if !ok || len(c.Objects) != 2 {
			continue
		}
		img, ok1 := c.Objects[0].(*canvas.Image)
		box, ok2 := c.Objects[1].(*fyne.Container)
		if !ok1 || !ok2 || len(box.Objects) != 3 {
			continue
		}
		if name, ok := box.Objects[1].(*widget.Label); ok {
			imgs, names = append(imgs, img), append(names, name)
		}
	}
	return imgs, names
}

func TestCellsShowPicturesWithoutCaptionsAndNamesWithoutPictures(t *testing.T) {
	l, _ := newTestLab(t)
	close(l.stop) // no frames but the test's own
	g := &l.gallery
	g.grid.Resize(fyne.NewSize(400, 300))
	g.thumbs.put("a.png", image.NewRGBA(image.Rect(0, 0, 120, 90)))
	g.add([]galleryItem{
		{Index: 0, Name: "a.jpg", Info: jobs.Info{Thumbnail: "a.png"}},
		{Index: 1, Name: "b.jpg"}, // downloaded only: no thumbnail
	})
	g.applyReady()
	imgs, names := cells(t, g)
	if len(imgs) != 2 {
		t.Fatalf("%d cells laid out, want 2", len(imgs))
	}
	if !imgs[0].Visible() || imgs[0].Image == nil || names[0].Visible() {
		t.Errorf("a thumbnail's cell: picture shown %v (%v), caption shown %v", imgs[0].Visible(), imgs[0].Image != nil, names[0].Visible())
	}
	if imgs[1].Visible() || !names[1].Visible() || names[1].Text != "b.jpg" {
		t.Errorf("a download's cell: picture shown %v, name shown %v %q", imgs[1].Visible(), names[1].Visible(), names[1].Text)
	}
	// Cells are reused as the grid scrolls: a cell that showed a name shows
	// a picture, and no name, when it is given a thumbnail's item.
	cell := g.grid.CreateItem().(*fyne.Container)
	img, name := cell.Objects[0].(*canvas.Image), cell.Objects[1].(*fyne.Container).Objects[1].(*widget.Label)
	g.grid.UpdateItem(1, cell)
	if img.Visible() || !name.Visible() {
		t.Fatalf("a download's cell: picture shown %v, name shown %v", img.Visible(), name.Visible())
	}
	g.grid.UpdateItem(0, cell)
	if !img.Visible() || img.Image == nil || name.Visible() {
		t.Errorf("the same cell given a thumbnail: picture shown %v (%v), name shown %v", img.Visible(), img.Image != nil, name.Visible())
	}
}

func TestLabThemeIsTheDefaultWithSquareCorners(t *testing.T) {
	lab, def := newLabTheme(), theme.DefaultTheme()
	for _, n := range []fyne.ThemeSizeName{theme.SizeNameInputRadius, theme.SizeNameSelectionRadius} {
		if lab.Size(n) != 0 || def.Size(n) == 0 {
			t.Errorf("%s: %v, default %v", n, lab.Size(n), def.Size(n))
		}
	}
	if lab.Size(theme.SizeNamePadding) != def.Size(theme.SizeNamePadding) {
		t.Error("other sizes differ from the default theme's")
	}
	// Light or dark as the system says: the variant reaches the default theme.
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		if lab.Color(theme.ColorNameBackground, v) != def.Color(theme.ColorNameBackground, v) {
			t.Errorf("variant %d: background %v, default %v", v, lab.Color(theme.ColorNameBackground, v), def.Color(theme.ColorNameBackground, v))
		}
	}
	if lab.Color(theme.ColorNameBackground, theme.VariantLight) == lab.Color(theme.ColorNameBackground, theme.VariantDark) {
		t.Error("light and dark backgrounds are the same")
	}
}

// TestPresentationScale: a larger scale makes every size larger, is kept for
// the next launch, and at the largest the window still fits a 1366×768
// screen (less a title bar and a panel).
func TestPresentationScale(t *testing.T) {
	l, _ := newTestLab(t)
	base := theme.DefaultTheme().Size(theme.SizeNameText)
	l.Zoom(1)
	if l.scale != Scales[1] || l.app.Settings().Theme().Size(theme.SizeNameText) != base*Scales[1] {
		t.Fatalf("scale %v, text %v", l.scale, l.app.Settings().Theme().Size(theme.SizeNameText))
	}
	for range Scales {
		l.Zoom(1)
	}
	top := Scales[len(Scales)-1]
	if l.scale != top {
		t.Fatalf("scale %v after zooming past the top", l.scale)
	}
	// A 1366×768 screen less a desktop's top bar and the window's title bar.
	l.win.Resize(fyne.NewSize(1366, 768-64))
	min := l.win.Content().MinSize()
	if min.Width > 1366 || min.Height > 768-64 {
		t.Errorf("at %v× the window needs %v", top, min)
	}
	t.Logf("at %v× the content needs %v", top, min)
	if l2 := New(l.app, nil, l.do); l2.scale != top {
		t.Errorf("a new window starts at %v", l2.scale)
	}
	l.Zoom(0)
	if l.scale != 1 || l.app.Preferences().Float(prefScale) != 1 {
		t.Errorf("normal size: %v", l.scale)
	}
}

// TestEmptyTabsSayWhatWillAppear: before any run, each tab says what will
// appear and how to fill it, and the note goes once there is something.
func TestEmptyTabsSayWhatWillAppear(t *testing.T) {
	l, _ := newTestLab(t)
	for name, n := range map[string]*widget.Label{"results": l.results.noRuns, "errors": l.results.noErrs, "gallery": l.gallery.empty, "timeline": l.timeline.empty} {
		if !n.Visible() || !strings.Contains(n.Text, "No ") {
			t.Errorf("%s: visible %v, %q", name, n.Visible(), n.Text)
		}
	}
	l.results.add(RunRecord{Result: jobs.Result{Task: jobs.Thumbnail, Mode: jobs.Sequential, Workers: 1, WallSeconds: 1}})
	l.results.addErrors([]jobs.ItemError{{Name: "x.jpg", Stage: "thumbnail", Error: "broken"}})
	l.gallery.add([]galleryItem{{Name: "x.jpg"}})
	l.gallery.addPending()
	if l.results.noRuns.Visible() || l.results.noErrs.Visible() || l.gallery.empty.Visible() {
		t.Error("a note stays over content")
	}
	l.gallery.clear()
	if !l.gallery.empty.Visible() {
		t.Error("the gallery's note does not come back for a new run")
	}
}

// TestShortcutsWorkInTextFields: Ctrl+R runs and Ctrl+= zooms while the
// Images field has the focus; copy and paste stay the field's.
func TestShortcutsWorkInTextFields(t *testing.T) {
	l, q := newTestLab(t)
	ran := 0
	l.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierShortcutDefault}, func() { ran++ })
	l.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyEqual, Modifier: fyne.KeyModifierShortcutDefault}, func() { l.Zoom(1) })
	l.win.Canvas().Focus(l.ctl.images)
	l.ctl.images.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierShortcutDefault})
	l.ctl.images.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyEqual, Modifier: fyne.KeyModifierShortcutDefault})
	if ran != 1 || l.scale != Scales[1] {
		t.Errorf("ran %d, scale %v", ran, l.scale)
	}
	l.ctl.images.SetText("48")
	l.ctl.images.TypedShortcut(&fyne.ShortcutSelectAll{})
	if l.ctl.images.SelectedText() != "48" {
		t.Errorf("select all in the field: %q", l.ctl.images.SelectedText())
	}
	_ = q
}

// TestAWrongImageCountDoesNotMoveRun: the field's message takes the line its
// hint keeps, so the Run button stays where it was.
func TestAWrongImageCountDoesNotMoveRun(t *testing.T) {
	l, _ := newTestLab(t)
	before := l.ctl.run.Position()
	test.Type(l.ctl.images, "x")
	l.ctl.images.Validate()
	l.win.Content().Refresh()
	if after := l.ctl.run.Position(); after != before || l.ctl.images.Validate() == nil {
		t.Errorf("Run moved from %v to %v", before, after)
	}
}

// goid is the calling goroutine's ID, from its stack's first line.
func goid() int64 {
	b := make([]byte, 64)
	b = b[:runtime.Stack(b, false)]
	f := strings.Fields(string(b))
	n, _ := strconv.ParseInt(f[1], 10, 64)
	return n
}

// TestPreparingTheGalleryIsItsOwnStep: the first run on an empty cache
// generates the gallery off the UI goroutine, with its progress in the
// summary, and the run's figures (a blocking run's freeze above all) start
// after it.
func TestPreparingTheGalleryIsItsOwnStep(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	l, q := newTestLab(t)
	s := DefaultSettings()
	s.Images, s.Task, s.Mode = 3, jobs.Thumbnail, jobs.Blocking
	l.show(s)
	var rec RunRecord
	l.OnRunFinished = func(r RunRecord) { rec = r }
	tap := time.Now()
	test.Tap(l.ctl.run)
	sawProgress := false
	q.until(t, "the run", 2*time.Minute, func() bool {
		sawProgress = sawProgress || strings.HasPrefix(l.prog.summary.Text, "Generating the gallery, once:")
		return rec.Mode != ""
	})
	total := time.Since(tap).Seconds()
	if !sawProgress {
		t.Error("no progress shown while the gallery was generated")
	}
	if rec.OK != 3 || rec.WallSeconds > total-0.1 || rec.UI.FrozenSeconds > total-0.1 {
		t.Errorf("run %.2f s, frozen %.2f s, of %.2f s from the tap: the preparation was counted", rec.WallSeconds, rec.UI.FrozenSeconds, total)
	}
}

func TestTooShortARunSaysSo(t *testing.T) {
	if tooShort(jobs.Result{WallSeconds: 0.4}) == "" || tooShort(jobs.Result{WallSeconds: 3}) != "" {
		t.Error("tooShort")
	}
}

func TestGalleryNamesFitTheirCell(t *testing.T) {
	test.NewTempApp(t)
	long := "photo-0001-4000x3000.jpg"
	got := fitName(long, cellPicture.Width)
	if got == long || !strings.HasPrefix(got, "photo-00") || !strings.HasSuffix(got, "jpg") || !strings.Contains(got, "…") {
		t.Errorf("fitName = %q", got)
	}
	if w := fyne.MeasureText(got, theme.TextSize(), fyne.TextStyle{}).Width; w > cellPicture.Width-2*theme.InnerPadding() {
		t.Errorf("%q is %v wide", got, w)
	}
	if fitName("a.jpg", cellPicture.Width) != "a.jpg" {
		t.Error("a short name was cut")
	}
}

// TestAFailureIsOneLineAndSpelledOutWhenSelected: long reasons do not run
// into the next row; the selected one is shown in full.
func TestAFailureIsOneLineAndSpelledOutWhenSelected(t *testing.T) {
	l, _ := newTestLab(t)
	long := jobs.ItemError{Name: "photo.png", Stage: "thumbnail", Error: strings.Repeat("a reason that goes on ", 12)}
	l.results.addErrors([]jobs.ItemError{long, {Name: "b.jpg", Stage: "download", Error: "404"}})
	l.results.errList.Select(0)
	if l.results.errDetail.Text != errText(long) || l.results.errDetail.Wrapping != fyne.TextWrapWord {
		t.Errorf("detail %q", l.results.errDetail.Text)
	}
}

// TestWorkerRowsFoldAway: the worker rows fold away to give the tabs (a
// lesson on a projector) their room, and stay folded for the next launch.
func TestWorkerRowsFoldAway(t *testing.T) {
	l, _ := newTestLab(t)
	p := &l.prog
	if !p.workers.Visible() || p.toggle.Text != "Hide workers" {
		t.Fatalf("rows shown %v, button %q at first", p.workers.Visible(), p.toggle.Text)
	}
	l.win.Content().Refresh()
	before := l.tabs.Size().Height
	test.Tap(p.toggle)
	l.win.Content().Refresh()
	if p.workers.Visible() || p.toggle.Text != "Show workers" || l.app.Preferences().Bool(prefWorkerRows) {
		t.Fatalf("after Hide workers: rows shown %v, button %q", p.workers.Visible(), p.toggle.Text)
	}
	if after := l.tabs.Size().Height; after < before+3*theme.TextSize() {
		t.Errorf("the tabs grew from %v to %v only", before, after)
	}
	if l2 := New(l.app, nil, l.do); l2.Content() != nil && l2.prog.workers.Visible() {
		t.Error("a new window shows the rows again")
	}
	test.Tap(p.toggle)
	l.win.Content().Refresh()
	if !p.workers.Visible() || l.tabs.Size().Height != before {
		t.Errorf("Show workers: rows shown %v, tabs %v (at first %v)", p.workers.Visible(), l.tabs.Size().Height, before)
	}
}
