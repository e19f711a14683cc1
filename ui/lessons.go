package ui

import (
	"encoding/json"
	"fmt"
	"image"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gonum.org/v1/plot"

	"concurrencylab/lesson"
	"concurrencylab/lesson/chart"
)

// lessonsView is the Lessons tab: pick a lesson, read its claim, predict the
// outcome, run it (its runs show in Progress, Timeline and Results as any
// run does), then see the answer beside the prediction, the verdict for
// this machine, why, and the lesson's chart. Running it is the Lab's (see
// lessonrun.go); the view shows it.
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
	measured   *widget.Label // the lesson's figures, as the terminal lists them
	expected   *widget.Label
	why        *widget.Label
	notes      *widget.Label
	chart      *canvas.Image
	plot       *plot.Plot     // what chart shows, to draw again at another scale
	kill       *widget.Button // the isolation lesson's Kill a worker
	save       *widget.Button
	stepper    *stepperView // in the race lesson
	// python is the Python the lessons measure beside Go (Preferences,
	// or --python for this launch); pythonFound says what is there.
	python      *fieldEntry
	pythonFound *widget.Label
	pythonRow   *fyne.Container
	scroll      *container.Scroll
	box         fyne.CanvasObject

	prefs fyne.Preferences // keeps outcomes between launches; nil in some tests
	bg    background       // draws the chart again at another scale
	// outcomes are this session's and the last launches', by lesson name;
	// full are this session's, for the report.
	outcomes map[string]lessonRecord
	full     map[string]*lesson.Outcome
}

// lessonActions are what the Lessons tab's buttons do.
type lessonActions struct {
	run  func() // Run lesson (and Enter in the prediction)
	kill func() // Kill a worker
	save func() // Save my results…
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
	// Figures are Measured as a learner reads them (lesson.Describe), kept
	// so that an outcome from an earlier launch shows them too.
	Figures []lesson.Figure `json:"figures,omitempty"`
	Err     string          `json:"error,omitempty"`
}

// lessonOption is how a lesson is listed: "1. io-bound: Waiting needs no cores".
func lessonOption(i int, ls *lesson.Lesson) string {
	return fmt.Sprintf("%d. %s: %s", i+1, ls.Name, ls.Title)
}

// newLessonsView builds the Lessons tab at presentation scale scale, on the
// first lesson; prefs keeps outcomes, shortcut is the window's (the
// prediction field hands them on), act what its buttons do.
func newLessonsView(prefs fyne.Preferences, scale float32, shortcut func(fyne.Shortcut) bool, bg background, act lessonActions) *lessonsView {
	v := &lessonsView{prefs: prefs, bg: bg, outcomes: map[string]lessonRecord{}, full: map[string]*lesson.Outcome{}}
	var opts []string
	for i, ls := range lesson.All {
		opts = append(opts, lessonOption(i, ls))
	}
	v.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.title.SizeName = theme.SizeNameSubHeadingText
	v.claim = wrapped("")
	v.question = wrapped("")
	v.question.TextStyle = fyne.TextStyle{Bold: true}
	v.prediction = newFieldEntry(shortcut)
	v.prediction.SetPlaceHolder("your guess")
	v.prediction.OnSubmitted = func(string) { act.run() }
	v.unit = widget.NewLabel("")
	v.run = widget.NewButtonWithIcon("Run lesson", theme.MediaPlayIcon(), act.run)
	v.run.Importance = widget.HighImportance
	v.answer = wrapped("")
	v.verdict = wrapped("")
	v.measured = wrapped("")
	v.expected = wrapped("")
	v.why = wrapped("")
	v.notes = wrapped("")
	v.chart = canvas.NewImageFromImage(nil)
	v.chart.FillMode = canvas.ImageFillContain
	v.chart.SetMinSize(fyne.NewSize(chartW*scale, chartH*scale))
	v.chart.Hide()
	v.pick = widget.NewSelect(opts, func(opt string) {
		for i, ls := range lesson.All {
			if opt == lessonOption(i, ls) {
				v.show(ls)
			}
		}
	})
	v.kill = widget.NewButtonWithIcon("Kill a worker", theme.CancelIcon(), act.kill)
	v.kill.Importance = widget.DangerImportance
	v.kill.Disable()
	v.kill.Hide()
	v.save = widget.NewButtonWithIcon("Save my results…", theme.DocumentSaveIcon(), act.save)
	v.save.Disable()
	guess := container.NewBorder(nil, nil, nil, container.NewHBox(v.unit, v.run, v.kill), v.prediction)
	v.python = newFieldEntry(shortcut)
	v.python.SetPlaceHolder("python3 on PATH")
	if prefs != nil {
		v.python.SetText(prefs.String(prefPython))
	}
	v.python.OnSubmitted = func(string) { v.setPython(v.python.Text) }
	v.pythonFound = wrapped("")
	v.pythonRow = container.NewVBox(container.NewBorder(nil, nil, widget.NewLabel("Python beside Go:"),
		widget.NewButton("Find", func() { v.setPython(v.python.Text) }), v.python), v.pythonFound)
	v.stepper = newStepperView()
	body := container.NewVBox(v.title, v.claim, v.question, guess, widget.NewSeparator(),
		v.answer, v.verdict, v.measured, v.expected, v.notes, v.chart, v.why, v.stepper.box)
	v.pick.SetSelectedIndex(0)
	v.scroll = container.NewVScroll(body)
	// The Python row sits above the scroll, not in it: an entry scrolled out
	// of view there still drew its text above the view (Fyne 2.7, GL).
	v.box = container.NewBorder(container.NewVBox(container.NewBorder(nil, nil, nil, v.save, v.pick), v.pythonRow), nil, nil, nil, v.scroll)
	return v
}

func (v *lessonsView) object() fyne.CanvasObject { return v.box }

// chosen is the lesson shown and the prediction entered for it.
func (v *lessonsView) chosen() (*lesson.Lesson, string) { return v.current, v.prediction.Text }

// choose picks ls in the list, which shows it, and puts prediction in its
// field (Autorun does what a participant would).
func (v *lessonsView) choose(ls *lesson.Lesson, prediction string) {
	for i, each := range lesson.All {
		if each == ls {
			v.pick.SetSelectedIndex(i)
		}
	}
	v.prediction.SetText(prediction)
}

// show shows ls with its last outcome, if it has one, and the prediction
// made for it.
func (v *lessonsView) show(ls *lesson.Lesson) {
	v.current = ls
	v.title.SetText(ls.Title)
	v.claim.SetText("The claim: " + ls.Claim)
	v.question.SetText("Predict: " + ls.Question)
	v.unit.SetText(unitText(ls.Unit))
	v.prediction.SetText("")
	v.kill.Hidden = ls.Name != "isolation"
	v.pythonRow.Hidden = !ls.Python
	v.pythonRow.Refresh()
	if ls.Python && v.pythonFound.Text == "" {
		v.findPython()
	}
	v.stepper.box.Hidden = ls.Name != "race"
	v.kill.Refresh()
	v.stepper.box.Refresh()
	rec, ok := v.outcomes[ls.Name]
	if !ok && v.prefs != nil {
		ok = json.Unmarshal([]byte(v.prefs.String(lessonPref(ls.Name))), &rec) == nil
	}
	if ok && rec.Prediction != nil {
		v.prediction.SetText(strconv.FormatFloat(*rec.Prediction, 'f', -1, 64))
	}
	v.chart.Hide()
	v.plot = nil
	if !ok {
		v.answer.SetText("Make your prediction, then press Run lesson. The runs show in Progress, Timeline and Results as they happen; the answer comes here.")
		for _, lbl := range []*widget.Label{v.verdict, v.measured, v.expected, v.why, v.notes} {
			lbl.SetText("")
		}
		return
	}
	v.reveal(ls, rec, nil, nil)
}

// showStarted shows the lesson shown running: Run lesson off, Kill a
// worker on, and the answer to come.
func (v *lessonsView) showStarted() {
	v.run.Disable()
	v.kill.Enable()
	v.answer.SetText("Running… the answer comes when every run of the lesson has finished.")
}

// showEnded shows that the lesson under way has ended.
func (v *lessonsView) showEnded() {
	v.run.Enable()
	v.kill.Disable()
}

// showFailed says that ls did not finish.
func (v *lessonsView) showFailed() {
	v.answer.SetText("The lesson did not finish, so there is no answer yet. Press Run lesson to try again.")
}

// keep keeps ls's outcome o, as rec, for this session's report and (in
// the preferences) the next launches; Save my results is then on.
func (v *lessonsView) keep(ls *lesson.Lesson, o *lesson.Outcome, rec lessonRecord) {
	v.outcomes[ls.Name] = rec
	v.full[ls.Name] = o
	v.save.Enable()
	if v.prefs != nil {
		if b, err := json.Marshal(rec); err == nil {
			v.prefs.SetString(lessonPref(ls.Name), string(b))
		}
	}
}

// reveal shows an outcome beside the prediction; img is its chart p
// drawn, nil when there is none (or it was not drawn: a result kept from an
// earlier launch).
func (v *lessonsView) reveal(ls *lesson.Lesson, rec lessonRecord, p *plot.Plot, img image.Image) {
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
	v.measured.SetText(measuredText(rec.Figures))
	v.expected.SetText("Expected here: " + rec.Expected + ".")
	v.notes.SetText(strings.Join(rec.Notes, "\n"))
	v.why.SetText("Why: " + ls.Why)
	if img != nil {
		v.showChart(p, img)
	}
}

// scrollToAnswer brings the answer into view: the question is above it.
func (v *lessonsView) scrollToAnswer() {
	v.scroll.ScrollToOffset(fyne.NewPos(0, v.answer.Position().Y-theme.Padding()))
}

// showChart shows a lesson's chart, drawn (img) from p.
func (v *lessonsView) showChart(p *plot.Plot, img image.Image) {
	v.plot = p
	v.chart.Image = img
	v.chart.Show()
	v.chart.Refresh()
}

// chartW and chartH are a lesson chart's size at the normal scale.
const chartW, chartH = 640, 360

// rescale draws the chart shown again at scale, off the UI goroutine.
func (v *lessonsView) rescale(scale float32) {
	v.chart.SetMinSize(fyne.NewSize(chartW*scale, chartH*scale))
	p := v.plot
	if p == nil {
		return
	}
	v.bg.run(func() func() {
		img := chart.ImageScaled(p, chartW, chartH, float64(scale))
		return func() {
			if v.plot == p {
				v.chart.Image = img
				v.chart.Refresh()
			}
		}
	})
}

// outcomesRun are the outcomes of this session's lessons, in teaching
// order, and the predictions made for them, for the report.
func (v *lessonsView) outcomesRun() ([]*lesson.Outcome, map[string]float64) {
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
	return outcomes, predictions
}

// measuredText lists a lesson's figures, one a line, as the terminal does:
// "without a lock: 270,148 of 1,000,000".
func measuredText(figs []lesson.Figure) string {
	if len(figs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("Measured:")
	for _, f := range figs {
		fmt.Fprintf(&b, "\n    %s: %s", f.Label, f.Text)
	}
	return b.String()
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
