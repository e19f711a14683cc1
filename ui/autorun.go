package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/software"

	"concurrencylab/jobs"
	"concurrencylab/jobs/atomicfile"
	"concurrencylab/jobs/thumb"
	"concurrencylab/lesson"
)

// ParseAutorun reads runs like "task=thumbnail,mode=processes,workers=2,images=24",
// several separated by ';'. Keys left out keep base's values (and those of
// the run before). Keys: task, mode, workers, images, latency, source, decoder.
func ParseAutorun(spec string, base Settings) ([]Settings, error) {
	var plan []Settings
	s := base
	for _, run := range strings.Split(spec, ";") {
		if strings.TrimSpace(run) == "" {
			continue
		}
		for _, kv := range strings.Split(run, ",") {
			k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
			if !ok {
				return nil, fmt.Errorf("%q is not key=value", kv)
			}
			var err error
			switch k {
			case "task":
				s.Task, err = jobs.ParseTask(v)
			case "mode":
				s.Mode, err = jobs.ParseMode(v)
			case "workers":
				s.Workers, err = strconv.Atoi(v)
			case "images":
				s.Images, err = strconv.Atoi(v)
			case "latency":
				s.Latency, err = time.ParseDuration(v)
			case "source":
				s.Source = v
			case "decoder":
				s.Decoder, err = thumb.ParseDecoder(v)
			default:
				err = fmt.Errorf("unknown key %q (want task, mode, workers, images, latency, source, decoder)", k)
			}
			if err != nil {
				return nil, err
			}
		}
		if err := s.validate(); err != nil {
			return nil, err
		}
		plan = append(plan, s)
	}
	if len(plan) == 0 {
		return nil, fmt.Errorf("no runs in %q", spec)
	}
	return plan, nil
}

// Stats is the --stats-json file.
type Stats struct {
	Runs    []RunRecord    `json:"runs"`
	Lessons []lessonRecord `json:"lessons,omitempty"`
	Room    *RoomStats     `json:"room,omitempty"`
	UI      UIStats        `json:"ui"`
}

// UIStats is the heartbeat over all the runs, and the process's peak memory.
type UIStats struct {
	lagStats
	PeakRSSMB float64 `json:"peak_rss_mb,omitempty"`
	// TimelineRenderMaxMs is the longest the timeline picture took to
	// render (off the UI goroutine), when the Timeline tab was shown.
	TimelineRenderMaxMs float64 `json:"timeline_render_max_ms,omitempty"`
}

// Autorun does plan's runs one after another as if Run were pressed, then
// saves a screenshot and the stats. It is called off the UI goroutine.
func (l *Lab) Autorun(plan []Settings, shot, statsFile string) error {
	var stats Stats
	var first, last time.Time
	for _, s := range plan {
		if l.stopped() {
			return errStopped
		}
		done := make(chan RunRecord, 1)
		// As a person would: the window shows the run's settings, and Run is
		// pressed a moment later. So the first run starts after the window's
		// first paint, which draws every text of the controls anew (about
		// 14 ms here), and is not measured as part of it.
		l.doWait(func() { l.show(s) })
		l.waitFrames(settleFrames)
		var start time.Time
		var started bool
		var why string
		l.doWait(func() {
			start = time.Now()
			started = l.startRun(func(r RunRecord) { done <- r })
			why = l.banner.Text
		})
		if !started {
			return fmt.Errorf("%s %s: %s", s.Task, s.Mode, why)
		}
		var rec RunRecord
		select {
		case rec = <-done:
		case <-l.stop:
			return errStopped
		}
		end := time.Now()
		if first.IsZero() {
			first = start
		}
		last = end
		// Let the probe that was waiting out a freeze run and be counted.
		l.waitFrames(3)
		rec.UI = l.beat.between(start, end)
		stats.Runs = append(stats.Runs, rec)
	}
	return l.finishAutorun(stats, first, last, shot, statsFile)
}

// finishAutorun completes stats with the heartbeat between first and last,
// saves the screenshot and the stats, and returns the first run's error.
func (l *Lab) finishAutorun(stats Stats, first, last time.Time, shot, statsFile string) error {
	setSpeedups(stats.Runs)
	stats.UI.lagStats = l.beat.between(first, last)
	stats.UI.PeakRSSMB = peakRSSMB()
	l.doWait(func() { stats.UI.TimelineRenderMaxMs = l.timeline.renderMaxMs() })
	if shot != "" {
		l.waitFrames(10) // the last results on screen
		var err error
		l.doWait(func() {
			win := l.win
			if l.host.win != nil { // the room's board on its own window: what the room sees
				win = l.host.win
			}
			img := captureWindow(win)
			err = atomicfile.Write(shot, func(w io.Writer) error { return png.Encode(w, img) })
		})
		if err != nil {
			return fmt.Errorf("screenshot: %w", err)
		}
	}
	if statsFile != "" {
		b, _ := json.MarshalIndent(stats, "", "  ")
		if err := atomicfile.WriteBytes(statsFile, append(b, '\n')); err != nil {
			return err
		}
	}
	for _, r := range stats.Runs {
		if r.Err != "" {
			return fmt.Errorf("%s %s: %s", r.Task, r.Mode, r.Err)
		}
	}
	for _, r := range stats.Lessons {
		if r.Err != "" {
			return fmt.Errorf("lesson %s: %s", r.Lesson, r.Err)
		}
	}
	return nil
}

// LessonPlan is one lesson for --autorun: "lesson=NAME[,prediction=X]".
type LessonPlan struct {
	Lesson     *lesson.Lesson
	Prediction string
}

// ParseLessonAutorun reads lessons like "lesson=cpu-bound,prediction=1.5",
// several separated by ';'.
func ParseLessonAutorun(spec string) ([]LessonPlan, error) {
	var plan []LessonPlan
	for _, part := range strings.Split(spec, ";") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		var p LessonPlan
		for _, kv := range strings.Split(part, ",") {
			k, val, _ := strings.Cut(strings.TrimSpace(kv), "=")
			switch k {
			case "lesson":
				ls, err := lesson.Find(val)
				if err != nil {
					return nil, err
				}
				p.Lesson = ls
			case "prediction":
				p.Prediction = val
			default:
				return nil, fmt.Errorf("unknown key %q (want lesson, prediction)", k)
			}
		}
		if p.Lesson == nil {
			return nil, fmt.Errorf("%q names no lesson", part)
		}
		if _, err := parsePrediction(p.Prediction, p.Lesson.Unit); err != nil {
			return nil, err
		}
		plan = append(plan, p)
	}
	if len(plan) == 0 {
		return nil, fmt.Errorf("no lessons in %q", spec)
	}
	return plan, nil
}

// IsLessonAutorun reports whether an --autorun value names lessons.
func IsLessonAutorun(spec string) bool { return strings.HasPrefix(strings.TrimSpace(spec), "lesson=") }

// AutorunLessons runs plan's lessons one after another in the Lessons tab,
// as a participant would (pick, predict, Run lesson), then saves a
// screenshot and the stats. It is called off the UI goroutine.
func (l *Lab) AutorunLessons(plan []LessonPlan, shot, statsFile string) error {
	var stats Stats
	first := time.Now()
	for _, p := range plan {
		if l.stopped() {
			return errStopped
		}
		l.doWait(func() {
			l.ShowTab("lessons")
			l.lessons.choose(p.Lesson, p.Prediction)
		})
		l.waitFrames(settleFrames)
		done := make(chan lessonRecord, 1)
		var started bool
		var why string
		l.doWait(func() {
			started = l.startLesson(func(r RunRecord) { stats.Runs = append(stats.Runs, r) }, func(r lessonRecord) { done <- r })
			why = l.banner.Text
		})
		if !started {
			return fmt.Errorf("lesson %s: %s", p.Lesson.Name, why)
		}
		select {
		case rec := <-done:
			stats.Lessons = append(stats.Lessons, rec)
		case <-l.stop:
			return errStopped
		}
	}
	last := time.Now()
	l.waitFrames(3)
	return l.finishAutorun(stats, first, last, shot, statsFile)
}

// errStopped ends an autorun whose window was closed or told to stop.
var errStopped = errors.New("stopped before the end")

// settleFrames is how many frames Autorun leaves between showing a run's
// settings and pressing Run: a fifth of a second.
const settleFrames = 12

// captureWindow returns what w shows. It asks the GL driver first; some
// drivers (Mesa's on Xvfb) return an empty front buffer, and then the same
// widget tree is drawn at the window's size by Fyne's software painter, the
// one Fyne's own tests use.
func captureWindow(w fyne.Window) image.Image {
	img := w.Canvas().Capture()
	if !blank(img) {
		return img
	}
	content, size := w.Content(), w.Canvas().Size()
	c := software.NewCanvas()
	c.SetContent(content)
	c.Resize(size)
	img = c.Capture()
	w.SetContent(content)
	return img
}

// blank reports whether every pixel of img is fully transparent.
func blank(img image.Image) bool {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			if _, _, _, a := img.At(x, y).RGBA(); a != 0 {
				return false
			}
		}
	}
	return true
}
