package ui

import (
	"encoding/json"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gonum.org/v1/plot"

	"concurrencylab/jobs"
	"concurrencylab/jobs/gallery"
	"concurrencylab/lesson"
	"concurrencylab/lesson/chart"
	"concurrencylab/lesson/report"
	"concurrencylab/results"
)

// lessonsView is the Lessons tab: pick a lesson, read its claim, predict the
// outcome, run it (its runs show in Progress, Timeline and Results as any
// run does), then see the answer beside the prediction, the verdict for
// this machine, why, and the lesson's chart.
type lessonsView struct {
	pick       *widget.Select
	current    *lesson.Lesson
	title      *widget.Label
	claim      *widget.Label
	question   *widget.Label
	prediction *fieldEntry
	unit       *widget.Label
	run        *widget.Button
	answer     *widget.Label
	verdict    *widget.Label
	expected   *widget.Label
	why        *widget.Label
	notes      *widget.Label
	chart      *canvas.Image
	plot       *plot.Plot     // what chart shows, to draw again at another scale
	kill       *widget.Button // the isolation lesson's Kill a worker
	killAsked  atomic.Bool
	save       *widget.Button
	stepper    *stepperView // in the race lesson
	scroll     *container.Scroll
	// userRun is the Run section's settings from before a lesson set them to
	// its runs', given back when it ends.
	userRun *Settings
	// ran says the lesson under way has started a run of items (race and
	// startup count other things: Progress then names the lesson). UI
	// goroutine only.
	ran bool
	// outcomes are this session's and the last launches', by lesson name;
	// full are this session's, for the report.
	outcomes map[string]lessonRecord
	full     map[string]*lesson.Outcome
}

// lessonRecord is a lesson's outcome as the window keeps it (in Preferences,
// between launches) and as --stats-json reports it.
type lessonRecord struct {
	Lesson     string   `json:"lesson"`
	Holds      bool     `json:"holds"`
	Answer     float64  `json:"answer"`
	Prediction *float64 `json:"prediction,omitempty"`
	Verdict    string   `json:"verdict"`
	Expected   string   `json:"expected"`
	Notes      []string `json:"notes,omitempty"`
	Measured   any      `json:"measured,omitempty"`
	Err        string   `json:"error,omitempty"`
}

// lessonOption is how a lesson is listed: "1. io-bound: Waiting needs no cores".
func lessonOption(i int, l *lesson.Lesson) string {
	return fmt.Sprintf("%d. %s: %s", i+1, l.Name, l.Title)
}

func (l *Lab) buildLessons() fyne.CanvasObject {
	v := &l.lessons
	v.outcomes = map[string]lessonRecord{}
	v.full = map[string]*lesson.Outcome{}
	var opts []string
	for i, ls := range lesson.All {
		opts = append(opts, lessonOption(i, ls))
	}
	wrap := func(s string) *widget.Label {
		lbl := widget.NewLabel(s)
		lbl.Wrapping = fyne.TextWrapWord
		return lbl
	}
	v.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.title.SizeName = theme.SizeNameSubHeadingText
	v.claim = wrap("")
	v.question = wrap("")
	v.question.TextStyle = fyne.TextStyle{Bold: true}
	v.prediction = newFieldEntry(l.shortcut)
	v.prediction.SetPlaceHolder("your guess")
	v.prediction.OnSubmitted = func(string) { l.RunLesson() }
	v.unit = widget.NewLabel("")
	v.run = widget.NewButtonWithIcon("Run lesson", theme.MediaPlayIcon(), func() { l.RunLesson() })
	v.run.Importance = widget.HighImportance
	v.answer = wrap("")
	v.verdict = wrap("")
	v.expected = wrap("")
	v.why = wrap("")
	v.notes = wrap("")
	v.chart = canvas.NewImageFromImage(nil)
	v.chart.FillMode = canvas.ImageFillContain
	v.chart.SetMinSize(fyne.NewSize(chartW*l.scale, chartH*l.scale))
	v.chart.Hide()
	v.pick = widget.NewSelect(opts, func(opt string) {
		for i, ls := range lesson.All {
			if opt == lessonOption(i, ls) {
				l.showLesson(ls)
			}
		}
	})
	v.kill = widget.NewButtonWithIcon("Kill a worker", theme.CancelIcon(), func() {
		v.killAsked.Store(true) // the next worker to start an item
		l.setBanner("Killing the next worker process to start an item…", widget.WarningImportance)
	})
	v.kill.Importance = widget.DangerImportance
	v.kill.Disable()
	v.kill.Hide()
	v.save = widget.NewButtonWithIcon("Save my results…", theme.DocumentSaveIcon(), l.chooseReportFolder)
	v.save.Disable()
	guess := container.NewBorder(nil, nil, nil, container.NewHBox(v.unit, v.run, v.kill), v.prediction)
	v.stepper = newStepperView()
	body := container.NewVBox(v.title, v.claim, v.question, guess, widget.NewSeparator(),
		v.answer, v.verdict, v.expected, v.notes, v.chart, v.why, v.stepper.box)
	v.pick.SetSelectedIndex(0)
	v.scroll = container.NewVScroll(body)
	return container.NewBorder(container.NewBorder(nil, nil, nil, v.save, v.pick), nil, nil, nil, v.scroll)
}

// showLesson shows ls with its last outcome, if it has one, and the
// prediction made for it.
func (l *Lab) showLesson(ls *lesson.Lesson) {
	v := &l.lessons
	v.current = ls
	v.title.SetText(ls.Title)
	v.claim.SetText("The claim: " + ls.Claim)
	v.question.SetText("Predict: " + ls.Question)
	v.unit.SetText(unitText(ls.Unit))
	v.prediction.SetText("")
	v.kill.Hidden = ls.Name != "isolation"
	v.stepper.box.Hidden = ls.Name != "race"
	v.kill.Refresh()
	v.stepper.box.Refresh()
	rec, ok := v.outcomes[ls.Name]
	if !ok && l.app != nil {
		ok = json.Unmarshal([]byte(l.app.Preferences().String(lessonPref(ls.Name))), &rec) == nil
	}
	if ok && rec.Prediction != nil {
		v.prediction.SetText(strconv.FormatFloat(*rec.Prediction, 'f', -1, 64))
	}
	v.chart.Hide()
	v.plot = nil
	if !ok {
		v.answer.SetText("Make your prediction, then press Run lesson. The runs show in Progress, Timeline and Results as they happen; the answer comes here.")
		for _, lbl := range []*widget.Label{v.verdict, v.expected, v.why, v.notes} {
			lbl.SetText("")
		}
		return
	}
	l.revealLesson(ls, rec, nil, nil)
}

// chartW and chartH are a lesson chart's size at the normal scale.
const chartW, chartH = 640, 360

// rescale draws the chart shown again at the window's scale, off the UI
// goroutine. It runs on the UI goroutine.
func (v *lessonsView) rescale(l *Lab) {
	s := l.scale
	v.chart.SetMinSize(fyne.NewSize(chartW*s, chartH*s))
	p := v.plot
	if p == nil {
		return
	}
	go func() {
		img := chart.ImageScaled(p, chartW, chartH, float64(s))
		l.do(func() {
			if v.plot == p {
				v.chart.Image = img
				v.chart.Refresh()
			}
		})
	}()
}

func unitText(unit string) string {
	switch unit {
	case "×":
		return "× faster"
	case "lost":
		return "lost (0 to 1, or %)"
	case "times":
		return "times as long"
	}
	return unit
}

func lessonPref(name string) string { return "lesson." + name }

// parsePrediction reads a guess: a number, "7x", "40%" (a fraction for the
// race lesson), or nothing.
func parsePrediction(text, unit string) (*float64, error) {
	t := strings.TrimSpace(strings.TrimRight(strings.TrimSpace(text), "×xX"))
	if t == "" {
		return nil, nil
	}
	pct := strings.HasSuffix(t, "%")
	v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(t, "%")), 64)
	if err != nil || v < 0 {
		return nil, fmt.Errorf("%q is not a number (for example 1.5)", text)
	}
	if pct || (unit == "lost" && v > 1) {
		v /= 100
	}
	return &v, nil
}

// RunLesson runs the lesson shown, with the prediction entered.
func (l *Lab) RunLesson() {
	v := &l.lessons
	if l.running || v.current == nil || l.stopped() {
		return
	}
	ls := v.current
	pred, err := parsePrediction(v.prediction.Text, ls.Unit)
	if err != nil {
		l.setBanner("Cannot run the lesson: "+err.Error(), widget.DangerImportance)
		return
	}
	ctx, dir, ok := l.begin("lesson") // its steps that are not runs show as one
	if !ok {
		return
	}
	v.run.Disable()
	v.killAsked.Store(false)
	v.ran = false
	l.prog.summary.SetText(fmt.Sprintf("Lesson %s under way", ls.Name))
	v.kill.Enable()
	v.answer.SetText("Running… the answer comes when every run of the lesson has finished.")
	l.setBanner(fmt.Sprintf("Lesson %s: its runs go one after another…", ls.Name), widget.MediumImportance)
	l.settleLayout()
	scale := float64(l.scale)
	l.work.Go(func() {
		live := l.liveChart(ls, scale)
		env := lesson.Env{Dir: dir, Quick: l.LessonQuick, UI: labUI{l}, Window: true,
			Reporter: func(s jobs.Spec) jobs.Reporter { return l.lessonRun(s, live) },
			Adjust:   belowWindow,
			Kill:     func(int) bool { return v.killAsked.CompareAndSwap(true, false) },
			Logf: func(format string, a ...any) {
				msg := fmt.Sprintf(format, a...)
				l.do(func() { l.setBanner(fmt.Sprintf("Lesson %s: %s", ls.Name, msg), widget.MediumImportance) })
			}}
		o, err := ls.Run(ctx, env)
		os.RemoveAll(dir)
		var img image.Image
		var p *plot.Plot
		if err == nil {
			var ok bool
			if p, ok = chart.For(o); ok {
				img = chart.ImageScaled(p, chartW, chartH, scale) // drawn here, off the UI goroutine
			}
		}
		l.do(func() { l.finishLesson(ls, o, pred, p, img, err) })
	})
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
		l.do(func() {
			if v := &l.lessons; v.current == ls {
				v.showChart(p, img)
			}
		})
	}
}

// lessonRun readies the window for one run of a lesson, as Run does for a
// run of its own, and returns the reporter for it; live, if set, gets the
// run's result when it finishes. It is called on the lesson's goroutine
// before each run.
func (l *Lab) lessonRun(spec jobs.Spec, live func(jobs.Result)) jobs.Reporter {
	start := time.Now()
	title := results.Title(spec)
	var rec jobs.Reporter
	l.doWait(func() {
		l.lessons.ran = true
		l.showLessonRun(spec)
		rec = l.startClock(title, start)
		l.gallery.clear()
	})
	finished := jobs.ReporterFunc(func(e jobs.Event) {
		if e.Kind == jobs.RunFinished {
			res := *e.Result
			l.do(func() { l.finishLessonRun(res, start) })
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
func (l *Lab) showLessonRun(spec jobs.Spec) {
	v := &l.lessons
	if v.userRun == nil {
		user := l.ctl.chosen
		v.userRun = &user
	}
	s := *v.userRun
	s.Source, s.Task, s.Mode = "builtin", spec.Task, spec.Mode
	s.Images = min(len(spec.Items), gallery.MaxImages)
	s.Workers = min(spec.Workers, MaxWorkers())
	if spec.Decoder != "" {
		s.Decoder = spec.Decoder
	}
	l.show(s)
}

// finishLessonRun shows one finished run of a lesson, as finish does.
func (l *Lab) finishLessonRun(res jobs.Result, start time.Time) {
	l.recordRun(l.closeRun(res, start, start.Add(time.Duration(res.WallSeconds*float64(time.Second)))))
}

// finishLesson reveals a lesson's outcome; it runs on the UI goroutine.
func (l *Lab) finishLesson(ls *lesson.Lesson, o *lesson.Outcome, pred *float64, p *plot.Plot, img image.Image, err error) {
	v := &l.lessons
	l.flush()
	if !v.ran { // no items: the bar and count would say 0 of 0
		l.prog.bar.SetValue(l.prog.bar.Max)
		l.prog.summary.SetText(fmt.Sprintf("Lesson %s finished (its steps were not runs of items)", ls.Name))
	}
	l.end()
	v.run.Enable()
	v.kill.Disable()
	if v.userRun != nil { // the user's own settings again, for their next run
		l.show(*v.userRun)
		v.userRun = nil
	}
	rec := lessonRecord{Lesson: ls.Name, Prediction: pred}
	if err != nil {
		rec.Err = err.Error()
		l.setBanner(fmt.Sprintf("Lesson %s did not finish: %v", ls.Name, err), widget.WarningImportance)
		v.answer.SetText("The lesson did not finish, so there is no answer yet. Press Run lesson to try again.")
	} else {
		rec.Holds, rec.Answer, rec.Verdict, rec.Expected, rec.Notes, rec.Measured = o.Holds, o.Answer, o.Verdict, o.Expected, o.Notes, o.Measured
		v.outcomes[ls.Name] = rec
		v.full[ls.Name] = o
		v.save.Enable()
		if l.app != nil {
			if b, err := json.Marshal(rec); err == nil {
				l.app.Preferences().SetString(lessonPref(ls.Name), string(b))
			}
		}
		l.setBanner(fmt.Sprintf("Lesson %s finished in %.0f s: the answer is in the Lessons tab.", ls.Name, o.Seconds), widget.SuccessImportance)
		if v.current == ls {
			l.revealLesson(ls, rec, p, img)
			// Bring the answer into view: the question is above it.
			l.settleLayout()
			v.scroll.ScrollToOffset(fyne.NewPos(0, v.answer.Position().Y-theme.Padding()))
		}
	}
	if l.OnLessonFinished != nil {
		l.OnLessonFinished(rec)
	}
	l.settleLayout()
}

// revealLesson shows an outcome beside the prediction; img is its chart p
// drawn, nil when there is none (or it was not drawn: a result kept from an
// earlier launch).
func (l *Lab) revealLesson(ls *lesson.Lesson, rec lessonRecord, p *plot.Plot, img image.Image) {
	v := &l.lessons
	guess := "You made no prediction."
	if rec.Prediction != nil {
		guess = "You predicted " + ls.AnswerText(*rec.Prediction) + "."
	}
	v.answer.SetText(fmt.Sprintf("Measured on this computer: %s. %s", ls.AnswerText(rec.Answer), guess))
	v.verdict.Importance = widget.SuccessImportance
	if !rec.Holds {
		v.verdict.Importance = widget.WarningImportance
	}
	v.verdict.SetText(rec.Verdict)
	v.expected.SetText("Expected here: " + rec.Expected + ".")
	v.notes.SetText(strings.Join(rec.Notes, "\n"))
	v.why.SetText("Why: " + ls.Why)
	if img != nil {
		v.showChart(p, img)
	}
}

// showChart shows a lesson's chart, drawn (img) from p.
func (v *lessonsView) showChart(p *plot.Plot, img image.Image) {
	v.plot = p
	v.chart.Image = img
	v.chart.Show()
	v.chart.Refresh()
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
	v := &l.lessons
	var outcomes []*lesson.Outcome
	predictions := map[string]float64{}
	for _, ls := range lesson.All {
		if o, ok := v.full[ls.Name]; ok {
			outcomes = append(outcomes, o)
			if p := v.outcomes[ls.Name].Prediction; p != nil {
				predictions[ls.Name] = *p
			}
		}
	}
	if len(outcomes) == 0 {
		l.setBanner("Run a lesson first: the report holds the lessons run since the app started.", widget.WarningImportance)
		return
	}
	l.setBanner("Saving your results…", widget.MediumImportance)
	go func() {
		err := report.Write(dir, outcomes, predictions)
		l.do(func() {
			if err != nil {
				l.setBanner("Could not save your results: "+err.Error(), widget.DangerImportance)
			} else {
				l.setBanner(fmt.Sprintf("Saved %d lessons to %s (report.md, lessons.json and the charts).", len(outcomes), dir), widget.SuccessImportance)
			}
			if done != nil {
				done(err)
			}
		})
	}()
}
