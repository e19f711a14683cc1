package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2/widget"

	"concurrencylab/lesson"
)

// activeRun is what is under way: one press of Run, or one lesson with its
// runs. Lab.begin makes it and Lab.end ends it, on the UI goroutine; while
// it lives (Lab.run), Run and Run lesson do nothing, Cancel ends it, and
// Progress follows it. Its fields are the UI goroutine's but for ctx,
// dir and killAsked.
type activeRun struct {
	ctx    context.Context
	cancel context.CancelFunc
	dir    string // its files: the work folder's kind-N

	// start is when the run of items under way started (a lesson has
	// several, one after another), which Progress and the bridge time from.
	start time.Time

	// A press of Run: what it runs, and whether that is a Cluster run
	// (Progress then lists who joined).
	settings Settings
	cluster  bool

	// A lesson: which, whether it has started a run of items yet (race and
	// startup count other things: Progress then names the lesson), the
	// Run section's settings from before its runs set theirs, to give back
	// when it ends, and whether Kill a worker was pressed (read by the
	// lesson's goroutine).
	lesson    *lesson.Lesson
	ran       bool
	userRun   *Settings
	killAsked atomic.Bool

	// Told on the UI goroutine, besides the Lab's public hooks: each run's
	// record, and a lesson's (Autorun waits for them).
	onRecord func(RunRecord)
	onLesson func(lessonRecord)
}

// begin starts a run or a lesson (kind names its folder: kind-N): a
// context that Cancel ends, and Progress and the buttons set for running.
// It says so on the banner and returns nil when it cannot.
func (l *Lab) begin(kind string) *activeRun {
	if l.workDir == "" {
		var err error
		if l.workDir, err = os.MkdirTemp("", "concurrencylab-"); err != nil {
			l.setBanner("Cannot run: "+err.Error(), widget.DangerImportance)
			return nil
		}
	}
	l.runs++
	a := &activeRun{dir: filepath.Join(l.workDir, fmt.Sprintf("%s-%d", kind, l.runs)), start: time.Now()}
	a.ctx, a.cancel = context.WithCancel(context.Background())
	l.run = a
	l.bridge.reset(a.start)
	l.prog.reset()
	l.showRunning(true)
	return a
}

// end undoes begin once a run or a lesson is over.
func (l *Lab) end() {
	if l.run != nil {
		l.run.cancel() // its context's resources
	}
	l.run = nil
	l.showRunning(false)
}

// showRunning tells the views that a run or a lesson started (on) or ended.
func (l *Lab) showRunning(on bool) {
	for _, v := range l.views {
		if r, ok := v.(runShower); ok {
			r.showRunning(on)
		}
	}
}

// Cancel stops the current run.
func (l *Lab) Cancel() {
	if l.run != nil {
		l.run.cancel()
		l.setBanner("Cancelling…", widget.WarningImportance)
	}
}
