package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2/widget"

	"concurrencylab/jobs"
	"concurrencylab/jobs/gallery"
	"concurrencylab/results"
	"concurrencylab/source"
)

// smoothMaxMs is the worst lag a run may show and still be called smooth:
// three frames.
const smoothMaxMs = 50

// Run starts a run with the settings the controls show. In Blocking mode it
// does the whole run here, on the UI goroutine, and the window freezes.
func (l *Lab) Run() { l.startRun(nil) }

// startRun is Run, with onRecord told the run's record when it ends; it
// reports whether the run started.
func (l *Lab) startRun(onRecord func(RunRecord)) bool {
	if l.run != nil || l.stopped() {
		return false
	}
	s, err := l.ctl.choice()
	if err != nil {
		l.setBanner(fmt.Sprintf("Cannot run: %v", err), widget.DangerImportance)
		return false
	}
	if l.Persist && l.app != nil {
		saveSettings(l.app.Preferences(), s)
	}
	a := l.begin("run")
	if a == nil {
		return false
	}
	a.settings, a.onRecord = s, onRecord
	l.gallery.clear()
	var cs jobs.ClusterSpec
	if a.cluster = s.Mode == jobs.Cluster; a.cluster {
		cs = l.cluster.spec() // read here, on the UI goroutine
		l.cluster.showJoined(nil)
	}
	l.setBanner("Preparing the pictures…", widget.MediumImportance)
	l.settleLayout() // as a frame does: one repaint for all of the above
	// The pictures are prepared off the UI goroutine, with their own
	// progress, and are no part of the run's figures; then the run starts,
	// on the UI goroutine itself in Blocking mode: that freeze is the lesson.
	l.work.Go(func() {
		src, err := l.prepare(a.ctx, s, a.dir)
		if err != nil {
			l.bridge.note(runEnd{run: a, err: err, start: a.start})
			return
		}
		defer src.Close()
		spec := jobs.Spec{Task: s.Task, Mode: s.Mode, Workers: s.Workers, Size: 256, OutDir: a.dir, Items: src.Items,
			Decoder: s.Decoder, Cluster: cs}
		belowWindow(&spec)
		if s.Mode == jobs.Blocking {
			l.doWait(func() {
				rec := l.startRunClock(a, spec, src)
				res, err := jobs.Run(a.ctx, spec, jobs.Reporters(l.bridge, rec))
				l.bridge.note(runEnd{run: a, res: res, err: err, start: a.start, wall: time.Since(a.start)})
			})
			return
		}
		var rec jobs.Reporter
		l.doWait(func() { rec = l.startRunClock(a, spec, src) })
		res, err := jobs.Run(a.ctx, spec, jobs.Reporters(l.bridge, rec))
		l.bridge.note(runEnd{run: a, res: res, err: err, start: a.start, wall: time.Since(a.start)})
	})
	return true
}

// prepare readies a run's pictures, off the UI goroutine: generating the
// built-in gallery the first time (with its progress in the summary), or
// downloading a URL list for a thumbnail run.
func (l *Lab) prepare(ctx context.Context, s Settings, out string) (*source.Source, error) {
	opt := source.Options{Images: s.Images, Network: gallery.Network{Latency: s.Latency, Bandwidth: gallery.CDN.Bandwidth},
		Progress: l.bridge.prepared}
	return source.Prepare(ctx, s.Source, opt, s.Task, filepath.Join(out, "source"))
}

// startRunClock starts the clock of a run whose pictures are ready, and
// its timeline, and says what runs; it runs on the UI goroutine.
func (l *Lab) startRunClock(a *activeRun, spec jobs.Spec, src *source.Source) jobs.Reporter {
	rec := l.startClock(a, results.Title(spec), time.Now())
	s := a.settings
	msg := fmt.Sprintf("Running: %s, %s…", taskLabels[s.Task], modeLabels[s.Mode])
	imp := widget.MediumImportance
	if s.Mode == jobs.Blocking {
		msg, imp = "Running on the UI thread: the window is frozen until it ends…", widget.WarningImportance
	}
	if len(src.Skipped) > 0 {
		msg += " Skipped in the folder: " + strings.Join(src.Skipped, ", ") + "."
	}
	l.setBanner(msg, imp)
	return rec
}

// startClock starts the clock of a's next run of items at start (Progress,
// the bridge) and its timeline, titled title; it runs on the UI goroutine.
// What the bridge holds of the run before (its end, which a lesson's next
// run may come before a frame has shown) is applied first.
func (l *Lab) startClock(a *activeRun, title string, start time.Time) jobs.Reporter {
	l.applyNotes()
	a.start = start
	l.bridge.reset(start)
	l.prog.reset()
	return l.timeline.startRun(title, start)
}

// runEnd is the end of a run of items, the Run button's or one of a
// lesson's: its result, or why it did not start, and its clock.
type runEnd struct {
	run   *activeRun
	res   jobs.Result
	err   error
	start time.Time
	wall  time.Duration
}

// apply shows the run's last progress and its record; a lesson goes on to
// its next run, a press of Run ends.
func (e runEnd) apply(l *Lab) {
	rec := l.closeRun(e.res, e.start, e.start.Add(e.wall))
	if e.run.lesson != nil {
		l.recordRun(e.run, rec)
		return
	}
	l.end()
	l.finish(e.run.settings, &rec, e.res, e.err, e.wall)
	l.recordRun(e.run, rec)
	l.settleLayout()
}

// closeRun applies the run's last events, shows its workers idle, and ends
// its timeline: the run from start to end, with the window's lag over it.
// It runs on the UI goroutine.
func (l *Lab) closeRun(res jobs.Result, start, end time.Time) RunRecord {
	l.flush()
	l.prog.idle()
	l.gallery.applyReady() // the last cells now, not a frame later
	l.timeline.finishRun(start, end)
	return RunRecord{Result: res, UI: l.beat.between(start, end)}
}

// recordRun adds a finished run to Results and tells OnRunFinished and a's
// onRecord.
func (l *Lab) recordRun(a *activeRun, rec RunRecord) {
	if rec.Task != "" {
		l.results.add(rec)
	}
	if l.OnRunFinished != nil {
		l.OnRunFinished(rec)
	}
	if a.onRecord != nil {
		a.onRecord(rec)
	}
}

// finish says on the banner how a press of Run ended, and completes its
// record: why it failed, and a Blocking run's freeze. It runs on the UI
// goroutine.
func (l *Lab) finish(s Settings, rec *RunRecord, res jobs.Result, err error, wall time.Duration) {
	if s.Mode == jobs.Blocking {
		// The UI goroutine was in the run from its start to now: the next
		// probe will show it; the frozen time is that whole stretch.
		rec.UI.FrozenSeconds = wall.Seconds()
		rec.UI.LagMaxMs = max(rec.UI.LagMaxMs, ms(wall))
	}
	switch {
	case err != nil && res.Task == "":
		rec.Err = err.Error()
		l.setBanner("The run could not start: "+err.Error(), widget.DangerImportance)
	case err != nil:
		rec.Err = err.Error()
		l.setBanner(fmt.Sprintf("Cancelled after %.1f s: %d done, %d failed, %d not started.",
			res.WallSeconds, res.OK, res.Failed, res.Canceled), widget.WarningImportance)
	case s.Mode == jobs.Blocking:
		l.setBanner(fmt.Sprintf("The window was frozen for %.1f s: the whole %.1f s run happened on the UI thread, so nothing could repaint or respond.",
			rec.UI.FrozenSeconds, res.WallSeconds), widget.DangerImportance)
	case res.Failed > 0:
		l.setBanner(fmt.Sprintf("Done in %.1f s, but %d of %d items failed: the Errors tab says why. UI lag at most %.0f ms (p99 %.0f ms).",
			res.WallSeconds, res.Failed, res.Items, rec.UI.LagMaxMs, rec.UI.LagP99Ms), widget.WarningImportance)
	case rec.UI.LagMaxMs <= smoothMaxMs:
		l.setBanner(fmt.Sprintf("Done in %.1f s with %s. The UI stayed responsive: lag at most %.0f ms (p99 %.0f ms).%s",
			res.WallSeconds, workersText(res), rec.UI.LagMaxMs, rec.UI.LagP99Ms, tooShort(res)), widget.SuccessImportance)
	default:
		l.setBanner(fmt.Sprintf("Done in %.1f s with %s. The UI lagged up to %.0f ms (p99 %.0f ms): the work competed with it for the CPU.%s",
			res.WallSeconds, workersText(res), rec.UI.LagMaxMs, rec.UI.LagP99Ms, tooShort(res)), widget.WarningImportance)
	}
	if res.Redeliveries > 0 { // not a failure: the item was done once, by another worker
		l.setBanner(l.banner.Text+" "+redeliveredText(res.Redeliveries), l.banner.Importance)
	}
}

// tooShort says, for a run too short to mean much (see results.Short), that
// its speed-up means little, and what to do about it.
func tooShort(r jobs.Result) string {
	if !results.TooShort(r) {
		return ""
	}
	return fmt.Sprintf(" It took under %.0f s: too short for its speed-up to mean much; try more images.", results.Short.Seconds())
}

func workersText(r jobs.Result) string {
	switch r.Mode {
	case jobs.Processes:
		return fmt.Sprintf("%d worker processes", r.Workers)
	case jobs.Goroutines:
		return fmt.Sprintf("%d goroutines on %d cores", r.Workers, r.Cores)
	case jobs.Cluster:
		return results.Name(r)
	}
	return "one goroutine on one core"
}

// redeliveredText says that n tasks went to another worker after theirs was
// lost: the queue's doing, not a failure.
func redeliveredText(n int) string {
	if n == 1 {
		return "1 item was redelivered: its worker was lost mid-item, and the queue gave it to another (done once, not failed)."
	}
	return fmt.Sprintf("%d items were redelivered: their workers were lost mid-item, and the queue gave them to others (each done once, not failed).", n)
}
