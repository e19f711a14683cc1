package chart

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"testing"

	"concurrencylab/jobs"
	"concurrencylab/lesson"
)

// Outcomes as the lessons make them, with figures fed in.
var outcomes = []*lesson.Outcome{
	{Lesson: "io-bound", Cores: 2, Runs: []jobs.Result{
		{Task: jobs.Download, Mode: jobs.Sequential, Workers: 1, Cores: 1, WallSeconds: 8},
		{Task: jobs.Download, Mode: jobs.Goroutines, Workers: 8, Cores: 1, WallSeconds: 1.1},
	}, Measured: lesson.IOMeasured{Workers: 8, SpeedupOneCore: 7.3}},
	{Lesson: "scaling", Cores: 2, Measured: lesson.ScalingMeasured{Workers: []int{1, 2, 4, 8, 16},
		Download:  map[string]float64{"1": 1, "2": 2, "4": 3.9, "8": 7.5, "16": 13},
		Thumbnail: map[string]float64{"1": 1, "2": 1.8, "4": 1.8, "8": 1.7, "16": 0.6}}},
	{Lesson: "race", Cores: 2, Measured: lesson.RaceMeasured{Goroutines: 4, Increments: 10, Expected: 40, Unsynchronized: 22,
		Mutex: 40, Atomic: 40, Sharded: 40, Processes: 2, ProcessesSentBack: 40, Seconds: map[string]float64{"mutex": 1}}},
	{Lesson: "startup", Cores: 2, Measured: lesson.StartupMeasured{GoroutineStartUS: 0.4, ProcessStartMS: 6}},
	{Lesson: "pipeline", Cores: 2, Measured: lesson.PipelineMeasured{QueueCapacity: 4, MaxQueueDepth: 4,
		Depth: []jobs.DepthSample{{Seconds: 0.1, Depth: 1}, {Seconds: 0.2, Depth: 4}, {Seconds: 0.5, Depth: 2}}}},
}

func TestEveryChartDraws(t *testing.T) {
	for _, o := range outcomes {
		p, ok := For(o)
		if !ok {
			t.Fatalf("%s: no chart", o.Lesson)
		}
		img := Image(p, 600, 400)
		if b := img.Bounds(); b.Dx() != 600 || b.Dy() != 400 {
			t.Fatalf("%s: %v", o.Lesson, b)
		}
		if n := colours(img); n < 4 {
			t.Errorf("%s: only %d colours: nothing drawn", o.Lesson, n)
		}
		var buf bytes.Buffer
		if err := WritePNG(&buf, p, 300, 200); err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(&buf); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := For(&lesson.Outcome{Measured: lesson.IsolationMeasured{}}); ok {
		t.Error("isolation has a chart")
	}
}

func colours(img image.Image) int {
	seen := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 12, g >> 12, bl >> 12}] = true
		}
	}
	return len(seen)
}

// The deadlock lesson's picture: a panel a case, from the dump's waiters.
func TestWaitFor(t *testing.T) {
	m := lesson.DeadlockMeasured{Cases: []lesson.DeadlockCase{
		{Name: "lock-order", Live: lesson.DeadlockLive{WaitFor: []lesson.Waiter{
			{Goroutine: "A", Holds: []string{"mu1"}, WaitsFor: "mu2", HeldBy: "B"},
			{Goroutine: "B", Holds: []string{"mu2"}, WaitsFor: "mu1", HeldBy: "A"}}}},
		{Name: "relock", Live: lesson.DeadlockLive{WaitFor: []lesson.Waiter{{Goroutine: "C", Holds: []string{"mu"}, WaitsFor: "mu", HeldBy: "C"}}}},
		{Name: "forgotten-done", Live: lesson.DeadlockLive{WaitFor: []lesson.Waiter{{Goroutine: "the waiter", WaitsFor: "wg.Done() from worker 3"}}}},
	}}
	p, ok := For(&lesson.Outcome{Measured: m})
	if !ok {
		t.Fatal("no chart for the deadlock lesson")
	}
	var buf bytes.Buffer
	if err := WritePNG(&buf, p, 640, 360); err != nil || buf.Len() < 1000 {
		t.Fatalf("%v, %d bytes", err, buf.Len())
	}
	if os.Getenv("CHART_PNG") != "" {
		os.WriteFile(os.Getenv("CHART_PNG"), buf.Bytes(), 0o644)
	}
}
