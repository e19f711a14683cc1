package ui

import (
	"fmt"
	"image"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"gonum.org/v1/plot"

	"concurrencylab/jobs"
	"concurrencylab/jobs/gallery"
	"concurrencylab/lesson"
	"concurrencylab/lesson/chart"
	"concurrencylab/lesson/report"
	"concurrencylab/results"
)

// RunLesson runs the lesson shown, with the prediction entered.
func (l *Lab) RunLesson() { l.startLesson(nil, nil) }

// startLesson is RunLesson, with onRecord told each of its runs' records
// and onLesson the lesson's; it reports whether the lesson started.
func (l *Lab) startLesson(onRecord func(RunRecord), onLesson func(lessonRecord)) bool {
	ls, guess := l.lessons.chosen()
	if l.run != nil || ls == nil || l.stopped() {
		return false
	}
	pred, err := parsePrediction(guess, ls.Unit)
	if err != nil {
		l.setBanner("Cannot run the lesson: "+err.Error(), widget.DangerImportance)
		return false
	}
	a := l.begin("lesson") // its steps that are not runs show as one
	if a == nil {
		return false
	}
	a.lesson, a.onRecord, a.onLesson = ls, onRecord, onLesson
	l.lessons.showStarted()
	l.prog.say(fmt.Sprintf("Lesson %s under way", ls.Name))
	l.setBanner(fmt.Sprintf("Lesson %s: its runs go one after another…", ls.Name), widget.MediumImportance)
	l.settleLayout()
	scale := float64(l.scale)
	py := strings.TrimSpace(l.lessons.python.Text)
	l.work.Go(func() {
		live := l.liveChart(ls, scale)
		env := lesson.Env{Dir: a.dir, Quick: l.LessonQuick, UI: labUI{l}, Window: true, Python: py,
			Reporter: func(s jobs.Spec) jobs.Reporter { return l.lessonRun(a, s, live) },
			Adjust:   belowWindow,
			Kill:     func(int) bool { return a.killAsked.CompareAndSwap(true, false) },
			Logf: func(format string, args ...any) {
				l.bridge.status(fmt.Sprintf("Lesson %s: %s", ls.Name, fmt.Sprintf(format, args...)), widget.MediumImportance)
			}}
		o, err := ls.Run(a.ctx, env)
		os.RemoveAll(a.dir)
		end := lessonEnd{run: a, outcome: o, prediction: pred, err: err}
		if err == nil {
			if p, ok := chart.For(o); ok {
				end.plot, end.img = p, chart.ImageScaled(p, chartW, chartH, scale) // drawn here, off the UI goroutine
			}
		}
		l.bridge.note(end)
	})
	return true
}

// UsePython makes path the Python the lessons measure beside Go for this
// launch (--python), without changing the one kept in the preferences.
func (l *Lab) UsePython(path string) {
	l.lessons.python.SetText(strings.TrimSpace(path))
	l.lessons.pythonFound.SetText("")
	if l.lessons.current != nil && l.lessons.current.Python {
		l.lessons.findPython()
	}
}

// killWorker is Kill a worker: the next worker process of the lesson under
// way to start an item is killed.
func (l *Lab) killWorker() {
	if l.run == nil {
		return
	}
	l.run.killAsked.Store(true)
	l.setBanner("Killing the next worker process to start an item…", widget.WarningImportance)
}

// labUI is the window's UI thread, where the freeze lesson runs its blocking
// run, and its lag meter.
type labUI struct{ l *Lab }

func (u labUI) Do(f func()) { u.l.doWait(f) }

func (u labUI) Lag(from, to time.Time) time.Duration {
	u.l.waitFrames(3) // the probe that waited out a freeze runs, and counts
	return time.Duration(u.l.beat.between(from, to).LagMaxMs * float64(time.Millisecond))
}

// liveChart returns what to do with each finished run of lesson ls, on the
// lesson's goroutine: for the scaling lesson, draw its chart so far (there,
// off the UI goroutine) and show it, so the curves fill in run by run.
func (l *Lab) liveChart(ls *lesson.Lesson, scale float64) func(jobs.Result) {
	if ls.Name != "scaling" {
		return nil
	}
	var runs []jobs.Result
	cores := runtime.NumCPU()
	return func(r jobs.Result) {
		runs = append(runs, r)
		p, err := chart.Scaling(lesson.ScalingFrom(runs, cores), cores)
		if err != nil {
			return
		}
		img := chart.ImageScaled(p, chartW, chartH, scale)
		l.bridge.post(func() {
			if v := l.lessons; v.current == ls {
				v.showChart(p, img)
			}
		})
	}
}

// lessonRun readies the window for one run of lesson a, as Run does for a
// run of its own, and returns the reporter for it; live, if set, gets the
// run's result when it finishes. It is called on the lesson's goroutine
// before each run.
func (l *Lab) lessonRun(a *activeRun, spec jobs.Spec, live func(jobs.Result)) jobs.Reporter {
	start := time.Now()
	title := results.Title(spec)
	var rec jobs.Reporter
	l.doWait(func() {
		rec = l.startClock(a, title, start) // first: it shows the last run's end
		a.ran = true
		l.showLessonRun(a, spec)
		l.gallery.clear()
	})
	finished := jobs.ReporterFunc(func(e jobs.Event) {
		if e.Kind == jobs.RunFinished {
			res := *e.Result
			l.bridge.note(runEnd{run: a, res: res, start: start, wall: time.Duration(res.WallSeconds * float64(time.Second))})
			if live != nil {
				live(res)
			}
		}
	})
	return jobs.Reporters(l.bridge, rec, finished)
}

// showLessonRun sets the Run section to what a lesson's run does (its task,
// mode, workers, images and decoder), keeping the user's own settings to give
// back when the lesson ends. A cap on cores has no control: the run's name in
// Progress, Timeline and Results says it.
func (l *Lab) showLessonRun(a *activeRun, spec jobs.Spec) {
	if a.userRun == nil {
		user := l.ctl.shown()
		a.userRun = &user // as shown, even if it would not run
	}
	s := *a.userRun
	s.Source, s.Task, s.Mode = "builtin", spec.Task, spec.Mode
	s.Images = min(len(spec.Items), gallery.MaxImages)
	s.Workers = min(spec.Workers, MaxWorkers())
	if spec.Decoder != "" {
		s.Decoder = spec.Decoder
	}
	l.show(s)
}

// lessonEnd is the end of a lesson: its outcome or why it did not finish,
// the prediction made, and its chart, drawn (img) from plot.
type lessonEnd struct {
	run        *activeRun
	outcome    *lesson.Outcome
	prediction *float64
	plot       *plot.Plot
	img        image.Image
	err        error
}

// apply reveals a lesson's outcome; it runs on the UI goroutine.
func (e lessonEnd) apply(l *Lab) {
	a, ls, o, v := e.run, e.run.lesson, e.outcome, l.lessons
	l.flush()
	if !a.ran { // no items: the bar and count would say 0 of 0
		l.prog.complete(fmt.Sprintf("Lesson %s finished (its steps were not runs of items)", ls.Name))
	}
	l.end()
	v.showEnded()
	if a.userRun != nil { // the user's own settings again, for their next run
		l.show(*a.userRun)
	}
	rec := lessonRecord{Lesson: ls.Name, Prediction: e.prediction}
	if e.err != nil {
		rec.Err = e.err.Error()
		l.setBanner(fmt.Sprintf("Lesson %s did not finish: %v", ls.Name, e.err), widget.WarningImportance)
		v.showFailed()
	} else {
		rec.Holds, rec.Answer, rec.Verdict, rec.Expected, rec.Notes, rec.Measured = o.Holds, o.Answer, o.Verdict, o.Expected, o.Notes, o.Measured
		rec.Figures = lesson.Describe(o.Measured)
		v.keep(ls, o, rec)
		l.join.send(o, e.prediction) // to the room, if this window is in one
		l.setBanner(fmt.Sprintf("Lesson %s finished in %.0f s: the answer is in the Lessons tab.", ls.Name, o.Seconds), widget.SuccessImportance)
		if v.current == ls {
			v.reveal(ls, rec, e.plot, e.img)
			l.settleLayout() // the answer's place, for the scroll
			v.scrollToAnswer()
		}
	}
	if l.OnLessonFinished != nil {
		l.OnLessonFinished(rec)
	}
	if a.onLesson != nil {
		a.onLesson(rec)
	}
	l.settleLayout()
}

// chooseReportFolder asks where to save the report of this session's
// lessons, then saves it there.
func (l *Lab) chooseReportFolder() {
	if l.win == nil {
		return
	}
	dialog.ShowFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil || dir == nil {
			return
		}
		l.SaveLessonReport(filepath.Join(dir.Path(), "concurrencylab-lessons"), nil)
	}, l.win)
}

// SaveLessonReport writes the report of this session's lessons, with the
// predictions made, into dir (report.md, lessons.json and the charts), off
// the UI goroutine; done, if set, gets the outcome on the UI goroutine.
func (l *Lab) SaveLessonReport(dir string, done func(error)) {
	outcomes, predictions := l.lessons.outcomesRun()
	if len(outcomes) == 0 {
		l.setBanner("Run a lesson first: the report holds the lessons run since the app started.", widget.WarningImportance)
		return
	}
	l.setBanner("Saving your results…", widget.MediumImportance)
	l.bg.run(func() func() {
		err := report.Write(dir, outcomes, predictions)
		return func() {
			if err != nil {
				l.setBanner("Could not save your results: "+err.Error(), widget.DangerImportance)
			} else {
				l.setBanner(fmt.Sprintf("Saved %d lessons to %s (report.md, lessons.json and the charts).", len(outcomes), dir), widget.SuccessImportance)
			}
			if done != nil {
				done(err)
			}
		}
	})
}
