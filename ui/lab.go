// Package ui is Concurrency Lab's window. It holds Fyne code only: the engine
// (concurrencylab/jobs) does the work and reports events, which one bridge
// turns into widget updates on the UI goroutine, at most once a frame.
//
// The window is a set of views (see view), each a file, which the Lab
// places and connects; the run under way is an activeRun; frame.go is the
// frame loop that applies what the bridge holds.
package ui

import (
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/jobs"
	"concurrencylab/room"
)

// Lab is the window's content: its views, the run under way, and the frame
// loop. Its views are fields so that tests can tap and read their widgets.
type Lab struct {
	app fyne.App
	win fyne.Window
	// do runs f on the UI goroutine: fyne.Do in the app, a queue in tests.
	// Only the frame loop and doWait use it; everything else goes through
	// the bridge.
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

	ctl      *controls
	prog     *progressView
	meter    *meterView
	gallery  *galleryView
	results  *resultsView
	errors   *errorsView
	timeline *timelineView
	lessons  *lessonsView
	cluster  *clusterView
	join     *joinView // a participant's room, under the Lessons tab
	host     *hostView // the Room tab: the facilitator's room
	zoom     *zoomView
	views    []view // all of the above, for what every view hears
	banner   *widget.Label
	tabs     *container.AppTabs

	bridge  *bridge
	bg      background
	beat    heartbeat
	scale   float32     // the presentation scale (see SetScale)
	keys    []keyAction // the window's shortcuts (see AddShortcut)
	workDir string
	runs    int

	run         *activeRun     // the run or lesson under way; nil when idle
	work        sync.WaitGroup // the goroutines of runs, lessons and background work
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

// New builds the lab and its views for window w (nil in some tests); do
// runs a function on the UI goroutine. Content lays the views out; Start
// begins the frame loop; Close ends it.
func New(a fyne.App, w fyne.Window, do func(func())) *Lab {
	l := &Lab{app: a, win: w, do: do, bridge: newBridge(), stop: make(chan struct{}), scale: 1}
	var prefs fyne.Preferences
	if a != nil {
		prefs = a.Preferences()
		l.scale = nearestScale(float32(prefs.FloatWithFallback(prefScale, 1)))
	}
	l.bg = background{work: &l.work, post: l.bridge.post}
	l.banner = widget.NewLabel("Pick a mode and press Run. Watch the moving bar: it stops when the UI thread is busy.")
	l.banner.Wrapping = fyne.TextWrapWord

	l.cluster = newClusterView(l.clipboard, l.shortcut, l.bg, l.stopped)
	l.ctl = newControls(w, l.shortcut, l.Run, l.Cancel, l.cluster.showFor)
	l.prog = newProgressView(prefs, l.settleLayout)
	l.meter = newMeterView()
	l.zoom = newZoomView(l.scale, l.Zoom)
	l.gallery = newGalleryView(l.canvasScale)
	l.timeline = newTimelineView(l.beat.lagWindow, l.scale)
	l.errors = newErrorsView(l.refreshTabs)
	l.results = newResultsView(l.exportButtons())
	l.lessons = newLessonsView(prefs, l.scale, l.shortcut, l.bg, lessonActions{
		run: l.RunLesson, kill: l.killWorker, save: l.chooseReportFolder,
	})
	l.join = newJoinView(w, prefs, l.shortcut, l.bg)
	var newWindow func(string) fyne.Window
	if a != nil {
		newWindow = a.NewWindow
	}
	l.host = newHostView(l.scale, newWindow, l.clipboard, l.shortcut, l.bg, l.stopped, l.chooseRoomFolder,
		func(s string) { l.bridge.status(s, widget.WarningImportance) })
	l.host.onHosting = func(h *room.Host) { // one server serves the room and cluster runs
		if h == nil {
			l.cluster.useRoom(nil) // not a nil *room.Host: an interface holding one is not nil
		} else {
			l.cluster.useRoom(h)
		}
	}
	l.views = []view{l.ctl, l.cluster, l.prog, l.meter, l.zoom, l.gallery, l.timeline, l.results, l.errors, l.lessons, l.join, l.host}
	return l
}

// Content lays out the views and shows the settings kept from last time.
func (l *Lab) Content() fyne.CanvasObject {
	left := container.NewVScroll(container.NewVBox(
		section("Run", container.NewVBox(l.ctl.object(), l.cluster.object())),
		widget.NewSeparator(),
		section("Responsiveness", l.meter.object()),
		widget.NewSeparator(),
		l.zoom.object(),
	))
	progress := section("Progress", l.prog.object())
	timelineTab := container.NewTabItem("Timeline", l.timeline.object())
	l.tabs = container.NewAppTabs(
		container.NewTabItem("Lessons", container.NewBorder(nil, l.join.object(), nil, nil, l.lessons.object())),
		container.NewTabItem("Gallery", l.gallery.object()),
		timelineTab,
		container.NewTabItem("Results", l.results.object()),
		container.NewTabItem("Room", l.host.object()),
		l.errors.tabItem(),
	)
	l.timeline.showWhen(func() bool { return l.tabs.Selected() == timelineTab })
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

// show puts s into the controls, and the cluster panel's visibility with it.
func (l *Lab) show(s Settings) { l.ctl.show(s) }

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

// refreshTabs draws the tabs' titles again (the Errors tab counts them).
func (l *Lab) refreshTabs() {
	if l.tabs != nil {
		l.tabs.Refresh()
	}
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

// clipboard is the app's, nil in tests without an app.
func (l *Lab) clipboard() fyne.Clipboard {
	if l.app == nil {
		return nil
	}
	return l.app.Clipboard()
}

// canvasScale is the canvas's pixels per unit.
func (l *Lab) canvasScale() float32 {
	if l.win == nil {
		return 1
	}
	return l.win.Canvas().Scale()
}

// Close stops the frame loop and any run, and removes the run files.
func (l *Lab) Close() {
	select {
	case <-l.stop:
	default:
		close(l.stop)
	}
	if l.run != nil {
		l.run.cancel()
	}
	for _, v := range l.views {
		if c, ok := v.(closer); ok {
			c.close()
		}
	}
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

func (l *Lab) setBanner(text string, imp widget.Importance) {
	l.banner.Importance = imp
	l.banner.SetText(text)
}
