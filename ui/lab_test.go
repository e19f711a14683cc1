package ui

import (
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"concurrencylab/jobs"
)

// TestMain serves as a pool worker when a Process pool run re-executes the
// test binary.
func TestMain(m *testing.M) {
	jobs.ServeIfWorker()
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
			if got := l.prog.summary.Text; !strings.HasPrefix(got, "3 / 3 done") {
				t.Errorf("summary %q", got)
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
	l.OnRunFinished = func(r RunRecord) { rec = r }
	// Tapping Run does the whole run inside the callback, on this goroutine.
	test.Tap(l.ctl.run)
	if rec.OK != 2 || rec.Mode != jobs.Blocking {
		t.Fatalf("the run did not finish inside the tap: %+v", rec)
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
	if len(q) > 1 {
		t.Errorf("%d frames queued up behind the frozen UI goroutine, want at most 1", len(q))
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
	for _, bad := range []string{"", "task=resize", "mode=threads", "workers=0", "images=x", "colour=red", "task", "decoder=libjpeg"} {
		if _, err := ParseAutorun(bad, DefaultSettings()); err == nil {
			t.Errorf("%q accepted", bad)
		}
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
