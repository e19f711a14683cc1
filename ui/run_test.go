package ui

import (
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/jobs"
)

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
			wantKind := map[jobs.Mode]jobs.WorkerKind{jobs.Sequential: jobs.Goroutine, jobs.Goroutines: jobs.Goroutine, jobs.Processes: jobs.Process}[mode]
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
	if len(l.prog.rows) != 1 || l.prog.rows[0].Worker.Kind != jobs.UIThread {
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
	// Stopped, not finished: items were left undone. (How long it took is
	// the machine's: no test asserts a wall time.)
	t.Logf("the run stopped %v after Cancel", time.Since(start))
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
