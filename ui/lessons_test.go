package ui

import (
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"concurrencylab/jobs"
	"concurrencylab/lesson"
)

// TestLessonPredictRunReveal drives a lesson as a participant does: pick it,
// enter a prediction, press Run lesson, and read the answer beside the
// prediction; its runs land in Results like any run, and the outcome is kept
// for the next launch.
func TestLessonPredictRunReveal(t *testing.T) {
	if l, _ := newTestLab(t); l.lessons.current != lesson.All[0] || !strings.Contains(l.lessons.question.Text, "UI thread") {
		t.Fatalf("the tab opens on %v: %q", l.lessons.current, l.lessons.question.Text)
	}
	l, q, done := quickLesson(t, "io-bound")
	v := l.lessons
	user := l.ctl.chosen
	var modes []string // the Run section's mode at each of the lesson's runs
	l.OnRunFinished = func(RunRecord) { modes = append(modes, l.ctl.mode.Selected) }
	test.Type(v.prediction, "3x")
	test.Tap(v.run)
	if !v.run.Disabled() || !l.ctl.run.Disabled() {
		t.Fatal("Run lesson and Run stay enabled during a lesson")
	}
	r := waitLesson(t, q, done)
	if want := []string{modeLabels[jobs.Sequential], modeLabels[jobs.Goroutines], modeLabels[jobs.Goroutines], modeLabels[jobs.Processes]}; strings.Join(modes, "|") != strings.Join(want, "|") {
		t.Errorf("the Run section showed modes %q during the lesson, want %q", modes, want)
	}
	if l.ctl.chosen != user || l.ctl.task.Selected != taskLabels[user.Task] {
		t.Errorf("the user's settings were not given back: %+v, want %+v", l.ctl.chosen, user)
	}
	if r.Err != "" || r.Lesson != "io-bound" || r.Prediction == nil || *r.Prediction != 3 || r.Answer <= 0 || r.Verdict == "" {
		t.Fatalf("lesson record: %+v", r)
	}
	if !strings.Contains(v.answer.Text, "Measured on this computer:") || !strings.Contains(v.answer.Text, "You predicted 3.00×") {
		t.Errorf("answer %q", v.answer.Text)
	}
	if v.verdict.Text != r.Verdict || !strings.HasPrefix(v.expected.Text, "Expected here: ") || !strings.HasPrefix(v.why.Text, "Why: ") {
		t.Errorf("reveal: %q / %q / %q", v.verdict.Text, v.expected.Text, v.why.Text)
	}
	if !v.chart.Visible() || v.chart.Image == nil {
		t.Error("no chart")
	}
	// The figures read as the terminal lists them: labels and units.
	if !strings.HasPrefix(v.measured.Text, "Measured:\n") || !strings.Contains(v.measured.Text, "goroutines on one core: ") ||
		!strings.Contains(v.measured.Text, "×\n") || strings.Contains(v.measured.Text, "speedup_one_core") {
		t.Errorf("measured %q", v.measured.Text)
	}
	if len(l.results.runs) != 4 || v.run.Disabled() || l.ctl.run.Disabled() {
		t.Errorf("%d runs in Results; buttons disabled: %v %v", len(l.results.runs), v.run.Disabled(), l.ctl.run.Disabled())
	}

	// Another lesson, then back: the outcome and the prediction are still there,
	// and so they are in a new window of the same app (Preferences).
	v.pick.SetSelectedIndex(lessonIndex("race"))
	if v.current.Name != "race" || v.prediction.Text != "" || strings.Contains(v.answer.Text, "Measured") {
		t.Errorf("race shows io-bound's: %q %q", v.prediction.Text, v.answer.Text)
	}
	v.pick.SetSelectedIndex(lessonIndex("io-bound"))
	if v.prediction.Text != "3" || !strings.Contains(v.answer.Text, "You predicted 3.00×") {
		t.Errorf("back on io-bound: %q %q", v.prediction.Text, v.answer.Text)
	}
	// Save my results: the report of this session's lessons, with the prediction.
	if v.save.Disabled() {
		t.Fatal("Save my results is disabled after a lesson")
	}
	dir := filepath.Join(t.TempDir(), "results")
	saved := make(chan error, 1)
	l.SaveLessonReport(dir, func(err error) { saved <- err })
	q.until(t, "the report", time.Minute, func() bool { return len(saved) == 1 })
	if err := <-saved; err != nil {
		t.Fatal(err)
	}
	md, _ := os.ReadFile(filepath.Join(dir, "report.md"))
	if !strings.Contains(string(md), "| [io-bound](#io-bound) |") || !strings.Contains(string(md), "*Predicted:* 3.00×") {
		t.Errorf("report.md:\n%s", md)
	}

	l2 := New(l.app, nil, q.do)
	l2.Content()
	l2.lessons.pick.SetSelectedIndex(1)
	if l2.lessons.prediction.Text != "3" || l2.lessons.verdict.Text != r.Verdict {
		t.Errorf("a new window: %q %q", l2.lessons.prediction.Text, l2.lessons.verdict.Text)
	}
}

// quickLesson is a test window on the lesson called name, in its quick form,
// and the lessons it finishes, as they finish.
func quickLesson(t *testing.T, name string) (*Lab, mainLoop, *[]lessonRecord) {
	t.Helper()
	l, q := newTestLab(t)
	l.LessonQuick = true
	for i, ls := range lesson.All {
		if ls.Name == name {
			l.lessons.pick.SetSelectedIndex(i)
		}
	}
	if l.lessons.current.Name != name {
		t.Fatalf("no lesson %q", name)
	}
	done := &[]lessonRecord{}
	l.OnLessonFinished = func(r lessonRecord) { *done = append(*done, r) }
	return l, q, done
}

// waitLesson runs the posted functions until a lesson has finished, and
// returns it.
func waitLesson(t *testing.T, q mainLoop, done *[]lessonRecord) lessonRecord {
	t.Helper()
	q.until(t, "the lesson to finish", 2*time.Minute, func() bool { return len(*done) == 1 })
	return (*done)[0]
}

func TestBadPredictionIsRefused(t *testing.T) {
	l, _ := newTestLab(t)
	test.Type(l.lessons.prediction, "lots")
	test.Tap(l.lessons.run)
	if l.run != nil || !strings.Contains(l.banner.Text, "not a number") {
		t.Fatalf("running %v, banner %q", l.run != nil, l.banner.Text)
	}
}

func TestParsePrediction(t *testing.T) {
	for _, c := range []struct {
		text, unit string
		want       float64
	}{
		{"1.5", "×", 1.5}, {"7x", "×", 7}, {" 2 × ", "×", 2}, {"40%", "lost", 0.4}, {"0.4", "lost", 0.4}, {"40", "lost", 0.4}, {"3", "items", 3},
	} {
		got, err := parsePrediction(c.text, c.unit)
		if err != nil || got == nil || *got != c.want {
			t.Errorf("%q (%s): %v %v", c.text, c.unit, got, err)
		}
	}
	if p, err := parsePrediction("  ", "×"); p != nil || err != nil {
		t.Errorf("blank: %v %v", p, err)
	}
	for _, bad := range []string{"fast", "-1", "1.2.3"} {
		if _, err := parsePrediction(bad, "×"); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseLessonAutorun(t *testing.T) {
	plan, err := ParseLessonAutorun("lesson=cpu-bound,prediction=1.5; lesson=race")
	if err != nil || len(plan) != 2 || plan[0].Lesson.Name != "cpu-bound" || plan[0].Prediction != "1.5" || plan[1].Lesson.Name != "race" {
		t.Fatalf("%+v %v", plan, err)
	}
	for _, bad := range []string{"lesson=threads", "prediction=2", "lesson=race,speed=2", "lesson=race,prediction=lots", ";"} {
		if _, err := ParseLessonAutorun(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if !IsLessonAutorun(" lesson=race") || IsLessonAutorun("task=download") {
		t.Error("IsLessonAutorun")
	}
}

// TestFreezeLessonFreezesTheUIThread: the opening lesson runs its blocking
// run on the UI goroutine, and the reveal is the frozen time the heartbeat
// measured.
func TestFreezeLessonFreezesTheUIThread(t *testing.T) {
	l, q, done := quickLesson(t, "freeze")
	test.Tap(l.lessons.run)
	r := waitLesson(t, q, done)
	m, ok := r.Measured.(lesson.FreezeMeasured)
	if r.Err != "" || !ok || m.StandInLoop || m.BlockingSeconds <= 0 || r.Answer != m.FrozenSeconds {
		t.Fatalf("%+v", r)
	}
	if m.FrozenSeconds < m.BlockingSeconds-0.05 {
		t.Errorf("a %.2f s run on the UI goroutine froze it %.2f s", m.BlockingSeconds, m.FrozenSeconds)
	}
	if len(l.results.runs) != 2 || l.results.runs[0].Mode != "blocking" {
		t.Errorf("results: %+v", l.results.runs)
	}
}

// TestKillAWorker: during the isolation lesson, Kill a worker kills the
// next worker process to start an item; the lesson counts it.
func TestKillAWorker(t *testing.T) {
	l, q, done := quickLesson(t, "isolation")
	v := l.lessons
	if !v.kill.Visible() || !v.kill.Disabled() {
		t.Fatalf("kill visible %v, disabled %v", v.kill.Visible(), v.kill.Disabled())
	}
	test.Tap(v.run)
	test.Tap(v.kill)
	m := waitLesson(t, q, done).Measured.(lesson.IsolationMeasured)
	if len(m.KilledPIDs) < 1 || m.KilledFailedItems != len(m.KilledPIDs) || m.OKItems != m.Items-len(m.KilledPIDs) || !v.kill.Disabled() {
		t.Errorf("%+v; kill disabled %v", m, v.kill.Disabled())
	}
	v.pick.SetSelectedIndex(0)
	if v.kill.Visible() {
		t.Error("Kill a worker shows in another lesson")
	}
}

// TestBeTheScheduler: in the race lesson, stepping A's read, B's read, then
// both writes loses an update; with the lock, B cannot step past mu.Lock()
// while A holds it.
func TestBeTheScheduler(t *testing.T) {
	l, _ := newTestLab(t)
	v := l.lessons
	if v.stepper.box.Visible() {
		t.Fatal("the stepper shows outside the race lesson")
	}
	v.pick.SetSelectedIndex(lessonIndex("race"))
	st := v.stepper
	if !st.box.Visible() || !strings.HasPrefix(st.code[0].Text, "▶ tmp = counter") {
		t.Fatalf("race: visible %v, A's code %q", st.box.Visible(), st.code[0].Text)
	}
	for _, g := range []int{0, 1, 0, 0, 1, 1} { // A reads, B reads, A adds, A writes, B adds, B writes
		test.Tap(st.step[g])
	}
	if !strings.Contains(st.msg.Text, "lost") || !strings.HasPrefix(st.counter.Text, "counter = 1 ") {
		t.Fatalf("after the interleaving: %q / %q", st.msg.Text, st.counter.Text)
	}
	test.Tap(st.lock)
	test.Tap(st.step[0]) // A takes the lock
	test.Tap(st.step[1]) // B must wait
	if !strings.Contains(st.msg.Text, "B waits at mu.Lock()") || !strings.HasPrefix(st.code[1].Text, "▶ mu.Lock()") || !strings.Contains(st.counter.Text, "held by A") {
		t.Fatalf("with the lock: %q / %q / %q", st.msg.Text, st.code[1].Text, st.counter.Text)
	}
	for range 10 {
		test.Tap(st.step[0])
	}
	for range 10 {
		test.Tap(st.step[1])
	}
	if !strings.Contains(st.msg.Text, "counter is 4, as expected") || !st.step[0].Disabled() {
		t.Fatalf("the end: %q", st.msg.Text)
	}
}

// TestScalingChartFillsInLive: the scaling lesson's chart is shown after
// its first runs, before the lesson ends.
func TestScalingChartFillsInLive(t *testing.T) {
	l, q, done := quickLesson(t, "scaling")
	v := l.lessons
	test.Tap(v.run)
	q.until(t, "the chart before the end", 2*time.Minute, func() bool { return v.chart.Visible() || len(*done) > 0 })
	if len(*done) > 0 {
		t.Fatal("no chart before the lesson ended")
	}
	waitLesson(t, q, done)
}

// TestALessonWithoutRunsNamesItselfInProgress: the race lesson counts
// additions, not items; Progress names it instead of "0 / 0 done".
func TestALessonWithoutRunsNamesItselfInProgress(t *testing.T) {
	l, q, done := quickLesson(t, "race")
	test.Type(l.lessons.prediction, "50")
	test.Tap(l.lessons.run)
	if s := l.prog.summary.Text; s != "Lesson race under way" {
		t.Errorf("during the lesson Progress says %q", s)
	}
	waitLesson(t, q, done)
	if s := l.prog.summary.Text; strings.Contains(s, "0 / 0") || !strings.Contains(s, "Lesson race finished") || l.prog.bar.Value != l.prog.bar.Max {
		t.Errorf("after the lesson Progress says %q, bar %v of %v", s, l.prog.bar.Value, l.prog.bar.Max)
	}
}

// lessonIndex is lesson name's place in the lists of lessons (lesson.All).
func lessonIndex(name string) int {
	for i, ls := range lesson.All {
		if ls.Name == name {
			return i
		}
	}
	panic("no lesson " + name)
}

// The Python the lessons measure beside Go: shown with the lessons that use
// it, found off the UI goroutine, kept in the preferences; --python sets it
// for one launch.
func TestLessonPythonSetting(t *testing.T) {
	l, q := newTestLab(t)
	v := l.lessons
	if !v.pythonRow.Hidden {
		t.Error("the Python row shows with the freeze lesson")
	}
	for i, ls := range lesson.All {
		if ls.Name == "io-bound" {
			v.pick.SetSelectedIndex(i)
		}
	}
	if v.pythonRow.Hidden {
		t.Fatal("no Python row with io-bound")
	}
	q.until(t, "Python looked for", time.Minute, func() bool { return v.pythonFound.Text != "" && v.pythonFound.Text != "Looking for Python…" })
	if _, err := exec.LookPath("python3"); err == nil && !strings.HasPrefix(v.pythonFound.Text, "Python 3.") {
		t.Errorf("python3 is on PATH, and the tab says %q", v.pythonFound.Text)
	}
	missing := filepath.Join(t.TempDir(), "python3")
	test.Type(v.python, missing)
	v.setPython(v.python.Text)
	q.until(t, "a missing Python said", time.Minute, func() bool { return strings.HasPrefix(v.pythonFound.Text, "Not measured: ") })
	if got := l.app.Preferences().String(prefPython); got != missing {
		t.Errorf("the preference is %q", got)
	}
	l.UsePython("/usr/bin/python3-for-this-launch")
	if v.python.Text != "/usr/bin/python3-for-this-launch" || l.app.Preferences().String(prefPython) != missing {
		t.Errorf("--python: field %q, preference %q", v.python.Text, l.app.Preferences().String(prefPython))
	}
}

// The deadlock lesson shows its wait-for picture in the window: who holds
// what and waits for what, from the live program's goroutine dump.
func TestDeadlockLessonDrawsWhoWaitsForWhat(t *testing.T) {
	l, q, done := quickLesson(t, "deadlock")
	test.Tap(l.lessons.run)
	r := waitLesson(t, q, done)
	m, ok := r.Measured.(lesson.DeadlockMeasured)
	if r.Err != "" || !ok || len(m.Cases) == 0 {
		t.Fatalf("%+v", r)
	}
	v := l.lessons
	if !v.chart.Visible() || v.chart.Image == nil || v.plot == nil || v.plot.Title.Text != "Who waits for what, from the goroutine dump of the live program" {
		t.Fatalf("no wait-for picture: visible %v", v.chart.Visible())
	}
	if out := os.Getenv("LESSON_SCREENSHOT"); out != "" { // to look at it
		v.scroll.ScrollToOffset(fyne.NewPos(0, v.chart.Position().Y-100))
		q.until(t, "a frame", time.Second, func() bool { return true })
		f, err := os.Create(out)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		png.Encode(f, l.win.Canvas().Capture())
	}
}
