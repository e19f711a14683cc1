// Package ui is Concurrency Lab's window. It holds Fyne code only: the engine
// (concurrencylab/jobs) does the work and reports events, which one bridge
// turns into widget updates on the UI goroutine, at most once a frame.
package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/jobs"
	"concurrencylab/jobs/gallery"
	"concurrencylab/results"
	"concurrencylab/source"
)

// frameInterval is how often the UI is updated and the heartbeat probes it.
const frameInterval = 16 * time.Millisecond

// smoothMaxMs is the worst lag a run may show and still be called smooth:
// three frames.
const smoothMaxMs = 50

// Lab is the window's content and its state. Its widgets are fields so that
// tests can tap and read them.
type Lab struct {
	app fyne.App
	win fyne.Window
	// do runs f on the UI goroutine: fyne.Do in the app, a queue in tests.
	do func(f func())
	// Persist saves the settings of each run as preferences.
	Persist bool
	// OnRunFinished, if set, is called on the UI goroutine after each run.
	OnRunFinished func(RunRecord)
	// OnLessonFinished, if set, is called on the UI goroutine after each
	// lesson.
	OnLessonFinished func(lessonRecord)
	// LessonQuick runs the lessons' small forms (tests).
	LessonQuick bool

	ctl      controls
	prog     progressView
	meter    meterView
	gallery  galleryView
	results  resultsView
	timeline timelineView
	lessons  lessonsView
	cluster  clusterView
	banner   *widget.Label
	tabs     *container.AppTabs

	bridge  *bridge
	beat    heartbeat
	scale   float32 // the presentation scale (see SetScale)
	zoomLbl *widget.Label
	keys    []keyAction // the window's shortcuts (see AddShortcut)
	workDir string
	runs    int

	running     bool
	clusterRun  bool // the run under way (or the last) is a Cluster run
	cancel      context.CancelFunc
	work        sync.WaitGroup // the goroutines of runs and lessons
	runStart    time.Time
	probeQueued atomic.Bool
	frames      atomic.Int64
	stop        chan struct{}
}

// RunRecord is a finished run as the results table and --stats-json know it.
type RunRecord struct {
	jobs.Result
	UI  lagStats `json:"ui"`
	Err string   `json:"error,omitempty"`
}

// New builds the lab for window w (nil in some tests); do runs a function on
// the UI goroutine. Start begins its frame loop; Close ends it.
func New(a fyne.App, w fyne.Window, do func(func())) *Lab {
	l := &Lab{app: a, win: w, do: do, bridge: newBridge(), stop: make(chan struct{}), scale: 1}
	if a != nil {
		l.scale = nearestScale(float32(a.Preferences().FloatWithFallback(prefScale, 1)))
	}
	l.banner = widget.NewLabel("Pick a mode and press Run. Watch the moving bar: it stops when the UI thread is busy.")
	l.banner.Wrapping = fyne.TextWrapWord
	return l
}

// Content builds the widgets.
func (l *Lab) Content() fyne.CanvasObject {
	left := container.NewVScroll(container.NewVBox(
		section("Run", l.buildControls()),
		widget.NewSeparator(),
		section("Responsiveness", l.buildMeter()),
		widget.NewSeparator(),
		l.buildZoom(),
	))
	progress := section("Progress", l.buildProgress())
	timelineTab := container.NewTabItem("Timeline", l.buildTimeline())
	l.results.errItem = container.NewTabItem("Errors", l.buildErrors())
	l.tabs = container.NewAppTabs(
		container.NewTabItem("Lessons", l.buildLessons()),
		container.NewTabItem("Gallery", l.buildGallery()),
		timelineTab,
		container.NewTabItem("Results", l.buildResults()),
		l.results.errItem,
	)
	l.timeline.visible = func() bool { return l.tabs.Selected() == timelineTab }
	right := container.NewBorder(container.NewVBox(l.banner, progress), nil, nil, nil, l.tabs)
	split := container.NewHSplit(left, right)
	split.Offset = 0.34
	if l.app != nil {
		l.show(loadSettings(l.app.Preferences()))
	} else {
		l.show(DefaultSettings())
	}
	return split
}

// section is a titled group of widgets. It is not a widget.Card: a card's
// shadow is eight gradients and its background a filled shape, and every
// repaint draws the whole window again, which with a software renderer costs
// about as much per shape as per pixel.
func section(title string, content fyne.CanvasObject) fyne.CanvasObject {
	head := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.SizeName = theme.SizeNameSubHeadingText
	return container.NewBorder(head, nil, nil, nil, content)
}

// prefScale keeps the presentation scale between launches.
const prefScale = "scale"

// SetScale makes every text, the timeline and the charts scale times their
// normal size (the nearest of Scales), and keeps it for the next launch.
func (l *Lab) SetScale(scale float32) {
	l.scale = nearestScale(scale)
	if l.app != nil {
		l.app.Settings().SetTheme(newScaledTheme(l.scale))
		l.app.Preferences().SetFloat(prefScale, float64(l.scale))
	}
	l.timeline.dirty = true // drawn again at the new size
	l.prog.fitRoom()
	l.results.sizeColumns()
	l.lessons.rescale(l)
	l.zoomLbl.SetText(fmt.Sprintf("%.0f%%", 100*l.scale))
	l.settleLayout()
}

// Zoom moves the presentation scale by steps of Scales: +1 larger, -1
// smaller, 0 back to normal.
func (l *Lab) Zoom(step int) {
	if step == 0 {
		l.SetScale(1)
		return
	}
	i := slices.Index(Scales, l.scale)
	l.SetScale(Scales[max(0, min(len(Scales)-1, i+step))])
}

// buildZoom is the presentation scale's control: text size, smaller and
// larger, as Ctrl+- and Ctrl+= do.
func (l *Lab) buildZoom() fyne.CanvasObject {
	l.zoomLbl = widget.NewLabel(fmt.Sprintf("%.0f%%", 100*l.scale))
	smaller := widget.NewButtonWithIcon("", theme.ZoomOutIcon(), func() { l.Zoom(-1) })
	larger := widget.NewButtonWithIcon("", theme.ZoomInIcon(), func() { l.Zoom(1) })
	return container.NewVBox(container.NewHBox(widget.NewLabel("Text size"), smaller, l.zoomLbl, larger), hintLabel("Ctrl+= / Ctrl+- for a projector"))
}

// ShowTab selects the tab called name (case-insensitive prefix of its title).
func (l *Lab) ShowTab(name string) bool {
	for _, it := range l.tabs.Items {
		if strings.HasPrefix(strings.ToLower(it.Text), strings.ToLower(name)) {
			l.tabs.Select(it)
			return true
		}
	}
	return false
}

// Start begins the frame loop: every frame it asks the UI goroutine to run
// one probe (the heartbeat) which also applies what the engine reported.
func (l *Lab) Start() {
	go func() {
		t := time.NewTicker(frameInterval)
		defer t.Stop()
		for {
			select {
			case <-l.stop:
				return
			case tick := <-t.C:
				if l.probeQueued.CompareAndSwap(false, true) {
					l.do(func() { l.frame(tick) })
				}
			}
		}
	}()
}

// Close stops the frame loop and any run, and removes the run files.
func (l *Lab) Close() {
	select {
	case <-l.stop:
	default:
		close(l.stop)
	}
	if l.cancel != nil {
		l.cancel()
	}
	l.cluster.close()
	if l.workDir != "" {
		os.RemoveAll(l.workDir)
	}
}

// stopped reports whether Close has been called.
func (l *Lab) stopped() bool {
	select {
	case <-l.stop:
		return true
	default:
		return false
	}
}

// WaitWork waits up to d for the runs and lessons under way to end, as they
// do soon after Close cancels them (a process pool waits for its workers to
// exit), and reports whether they did.
func (l *Lab) WaitWork(d time.Duration) bool {
	done := make(chan struct{})
	go func() { l.work.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// frame runs on the UI goroutine once per frame: the heartbeat's probe,
// then, every barEvery frames, the moving bar and one slot of frameSlots.
func (l *Lab) frame(tick time.Time) {
	l.beat.record(tick, time.Now())
	l.probeQueued.Store(false)
	n := l.frames.Add(1)
	if n%barEvery != 0 {
		return
	}
	l.moveIndicator(tick)
	slot := frameSlots[n/barEvery%int64(len(frameSlots))]
	if slot.update(l) { // the moving bar alone resizes nothing
		l.settleLayout()
	}
}

// barEvery is how often the window changes, in frames: the moving bar at
// 30 Hz is smooth to the eye, and half the repaints of 60 (a repaint
// redraws the whole window). The heartbeat still probes every frame.
const barEvery = 2

// frameSlots are the window's updates, one a bar frame, in turn: each comes
// ten times a second, and no repaint carries all of them. Progress's text
// must be laid out again at every change; the readout comes with the
// timeline's picture; the gallery's new cells and pictures are new
// textures. Nothing else changes the window between frames (the gallery's
// loader and the timeline's renderer leave their pictures for the gallery
// and timeline slots), so each change costs one repaint, right after the
// probe that made it. update reports whether it changed anything.
var frameSlots = []struct {
	name   string
	update func(*Lab) bool
}{
	{"progress", func(l *Lab) bool { return l.running && l.flush() }},
	{"meter and timeline", func(l *Lab) bool {
		changed := l.updateMeter()
		changed = l.applyRender() || changed
		l.maybeRender()
		return changed
	}},
	{"gallery", func(l *Lab) bool { return l.gallery.applyReady() }},
}

// settleLayout lays out again, now, whatever this frame's changes resized.
// Fyne 2.7's GL window does it at the start of its next repaint, after it
// has marked the window clean, and laying out moves objects, which marks it
// dirty again: every change of a text's width cost a second, identical
// repaint right after the first (measured: about 10 a second during a run),
// and a probe that came during the first waited for both. Done here, the
// repaint finds nothing left to lay out. EnsureMinSize is the GL canvas's
// own method, not fyne.Canvas's: a canvas without it is left alone.
func (l *Lab) settleLayout() {
	if l.win == nil {
		return
	}
	c, ok := l.win.Canvas().(interface{ EnsureMinSize() bool })
	if ok && c.EnsureMinSize() {
		// The content outgrew the window: grow it, as the repaint would have.
		l.win.Resize(l.win.Content().MinSize().Max(l.win.Canvas().Size()))
	}
}

// Run starts a run with the settings the controls show. In Blocking mode it
// does the whole run here, on the UI goroutine, and the window freezes.
func (l *Lab) Run() {
	if l.running || l.stopped() {
		return
	}
	s, err := l.ctl.chosen.check()
	if err != nil || l.ctl.images.Validate() != nil {
		l.setBanner(fmt.Sprintf("Cannot run: %v", firstErr(err, l.ctl.images.Validate())), widget.DangerImportance)
		return
	}
	if l.Persist && l.app != nil {
		saveSettings(l.app.Preferences(), s)
	}
	ctx, out, ok := l.begin("run")
	if !ok {
		return
	}
	l.gallery.clear()
	var cs jobs.ClusterSpec
	if l.clusterRun = s.Mode == jobs.Cluster; l.clusterRun {
		cs = l.cluster.spec() // read here, on the UI goroutine
		l.cluster.showJoined(nil)
	}
	l.setBanner("Preparing the pictures…", widget.MediumImportance)
	l.settleLayout() // as a frame does: one repaint for all of the above
	// The pictures are prepared off the UI goroutine, with their own
	// progress, and are no part of the run's figures; then the run starts,
	// on the UI goroutine itself in Blocking mode: that freeze is the lesson.
	l.work.Go(func() {
		src, err := l.prepare(ctx, s, out)
		if err != nil {
			l.do(func() { l.finish(s, jobs.Result{}, err, 0) })
			return
		}
		defer src.Close()
		spec := jobs.Spec{Task: s.Task, Mode: s.Mode, Workers: s.Workers, Size: 256, OutDir: out, Items: src.Items,
			Decoder: s.Decoder, Cluster: cs}
		belowWindow(&spec)
		if s.Mode == jobs.Blocking {
			l.doWait(func() {
				rec := l.startRun(s, spec, src)
				res, err := jobs.Run(ctx, spec, jobs.Reporters(l.bridge, rec))
				l.finish(s, res, err, time.Since(l.runStart))
			})
			return
		}
		var rec jobs.Reporter
		var start time.Time
		l.doWait(func() { rec, start = l.startRun(s, spec, src), l.runStart })
		res, err := jobs.Run(ctx, spec, jobs.Reporters(l.bridge, rec))
		wall := time.Since(start)
		l.do(func() { l.finish(s, res, err, wall) })
	})
}

// prepare readies a run's pictures, off the UI goroutine: generating the
// built-in gallery the first time (with its progress in the summary), or
// downloading a URL list for a thumbnail run.
func (l *Lab) prepare(ctx context.Context, s Settings, out string) (*source.Source, error) {
	var shown atomic.Int64
	opt := source.Options{Images: s.Images, Network: gallery.Network{Latency: s.Latency, Bandwidth: gallery.CDN.Bandwidth},
		Progress: func(made, toMake int) {
			if shown.Swap(int64(made)) < int64(made) {
				l.do(func() {
					if int64(made) == shown.Load() { // the latest only
						setText(l.prog.summary, fmt.Sprintf("Generating the gallery, once: %d / %d photos", made, toMake))
					}
				})
			}
		}}
	return source.Prepare(ctx, s.Source, opt, s.Task, filepath.Join(out, "source"))
}

// startRun starts the clock of a run whose pictures are ready, and its
// timeline; it runs on the UI goroutine.
func (l *Lab) startRun(s Settings, spec jobs.Spec, src *source.Source) jobs.Reporter {
	rec := l.startClock(results.Title(spec), time.Now())
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

// startClock starts a run's clock at start (Progress, the bridge) and its
// timeline, titled title; it runs on the UI goroutine.
func (l *Lab) startClock(title string, start time.Time) jobs.Reporter {
	l.runStart = start
	l.bridge.reset(start)
	l.resetProgress()
	return l.timeline.startRun(title, start)
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

// recordRun adds a finished run to Results and tells OnRunFinished.
func (l *Lab) recordRun(rec RunRecord) {
	if rec.Task != "" {
		l.results.add(rec)
	}
	if l.OnRunFinished != nil {
		l.OnRunFinished(rec)
	}
}

// end undoes begin's running state once a run or a lesson is over.
func (l *Lab) end() {
	l.running = false
	l.cancel = nil
	l.setRunning(false)
}

// begin starts a run or a lesson: a folder for its files (name-N), a
// context that Cancel ends, and Progress and the buttons set for running.
// It says so on the banner and returns false when it cannot.
func (l *Lab) begin(name string) (context.Context, string, bool) {
	if l.workDir == "" {
		var err error
		if l.workDir, err = os.MkdirTemp("", "concurrencylab-"); err != nil {
			l.setBanner("Cannot run: "+err.Error(), widget.DangerImportance)
			return nil, "", false
		}
	}
	l.runs++
	dir := filepath.Join(l.workDir, fmt.Sprintf("%s-%d", name, l.runs))
	ctx, cancel := context.WithCancel(context.Background())
	l.cancel = cancel
	l.running = true
	l.clusterRun = false // until Run says it is one
	l.runStart = time.Now()
	l.bridge.reset(l.runStart)
	l.resetProgress()
	l.setRunning(true)
	return ctx, dir, true
}

// Cancel stops the current run.
func (l *Lab) Cancel() {
	if l.running && l.cancel != nil {
		l.cancel()
		l.setBanner("Cancelling…", widget.WarningImportance)
	}
}

// finish shows a run's outcome; it runs on the UI goroutine.
func (l *Lab) finish(s Settings, res jobs.Result, err error, wall time.Duration) {
	rec := l.closeRun(res, l.runStart, l.runStart.Add(wall))
	l.end()
	if s.Mode == jobs.Blocking {
		// The UI goroutine was in this callback from runStart to now: the
		// next probe will show it; the frozen time is that whole stretch.
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
	l.recordRun(rec)
	l.settleLayout()
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

func (l *Lab) setBanner(text string, imp widget.Importance) {
	l.banner.Importance = imp
	l.banner.SetText(text)
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// emptyNote is what an empty tab says: what will appear there and how to
// fill it. Stack it over the tab's content and hide it once there is some.
func emptyNote(text string) *widget.Label {
	n := hintLabel(text)
	n.Wrapping = fyne.TextWrapWord
	n.Alignment = fyne.TextAlignCenter
	return n
}

// hintLabel is a hint or a note beside what it explains: italic in the
// normal text colour (the theme's low-importance grey is too faint on a
// projector).
func hintLabel(text string) *widget.Label {
	n := widget.NewLabel(text)
	n.TextStyle = fyne.TextStyle{Italic: true}
	return n
}

// setText changes a label only when its text changes: SetText lays the text
// out again (shaping it, and for a truncated label measuring it), a few
// milliseconds for a screenful of labels.
// setText sets l's text if it differs, and reports whether it did.
func setText(l *widget.Label, s string) bool {
	if l.Text == s {
		return false
	}
	l.SetText(s)
	return true
}

// belowWindow runs a spec's workers (a goroutine pool's threads, worker
// processes, a cluster's local workers) below the window's own priority, so
// that the window keeps drawing while they fill every core. Every run the
// window starts, its own and the lessons', goes through it.
func belowWindow(spec *jobs.Spec) { spec.WorkerNice, spec.WorkerIdle = 10, true }
