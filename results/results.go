// Package results compares runs, the one way the window, the terminal and
// the lessons all use: which run is another's baseline, its speed-up over
// it, the ideal it could reach, whether it was too short to mean much, what
// would make its speed-up mislead a learner (Note), a run's name in a
// learner's words, and a set of runs as CSV.
package results

import (
	"fmt"
	"runtime"
	"time"

	"concurrencylab/jobs"
)

// IsBaseline reports whether b can be r's baseline: a run of one worker
// (Sequential, Blocking, or a goroutine pool of one) of the same task, over
// as many items, with the same decoder. A process pool of one is not: its
// start-up and its pipes are part of what it measures.
func IsBaseline(b, r jobs.Result) bool {
	one := b.Mode == jobs.Sequential || b.Mode == jobs.Blocking || (b.Mode == jobs.Goroutines && b.Workers == 1)
	return one && b.Task == r.Task && b.Items == r.Items && b.Decoder == r.Decoder
}

// Baseline is the run r is measured against: the first of runs that can be
// its baseline.
func Baseline(runs []jobs.Result, r jobs.Result) (jobs.Result, bool) {
	for _, b := range runs {
		if IsBaseline(b, r) {
			return b, true
		}
	}
	return jobs.Result{}, false
}

// Speedup is r's speed-up over its baseline in runs (its wall time over r's),
// or nil when runs hold none.
func Speedup(runs []jobs.Result, r jobs.Result) *float64 {
	b, ok := Baseline(runs, r)
	if !ok || b.WallSeconds <= 0 || r.WallSeconds <= 0 {
		return nil
	}
	s := b.WallSeconds / r.WallSeconds
	return &s
}

// SetSpeedups fills each run's Speedup against its baseline in runs.
func SetSpeedups(runs []jobs.Result) {
	for i := range runs {
		runs[i].Speedup = Speedup(runs, runs[i])
	}
}

// Ideal is the speed-up r could reach over one worker: 1 for one worker;
// its workers for downloads (which wait on the network, not on cores); for
// CPU work the cores it could use (Result.Cores), and in a cluster run those of this
// machine its local workers could use plus one for each worker that joined
// from elsewhere.
func Ideal(r jobs.Result) float64 {
	switch {
	case r.Mode == jobs.Sequential || r.Mode == jobs.Blocking:
		return 1
	case r.Task == jobs.Download:
		return float64(r.Workers)
	case r.Mode == jobs.Cluster:
		return float64(min(r.Workers, runtime.NumCPU()) + max(0, r.Joined-r.Workers))
	}
	if r.Cores > 0 { // what the run measured it could use
		return float64(r.Cores)
	}
	return float64(max(1, min(r.Workers, runtime.NumCPU())))
}

// Short is the wall time under which a run's speed-up is mostly noise: a
// scheduler's hiccup, a worker's start-up or a cold cache weighs as much as
// the work.
const Short = time.Second

// TooShort reports whether r ran for less than Short.
func TooShort(r jobs.Result) bool { return r.WallSeconds < Short.Seconds() }

// Name says what a run was in a learner's words: "8 goroutines on 1 core".
func Name(r jobs.Result) string {
	switch r.Mode {
	case jobs.Blocking:
		return "on the UI thread (blocking)"
	case jobs.Sequential:
		return "one goroutine (sequential)"
	case jobs.Goroutines:
		return fmt.Sprintf("%d %s on %d %s", r.Workers, Plural(r.Workers, "goroutine", "goroutines"), r.Cores, Plural(r.Cores, "core", "cores"))
	case jobs.Processes:
		return fmt.Sprintf("%d %s", r.Workers, Plural(r.Workers, "process", "processes"))
	case jobs.Cluster:
		return fmt.Sprintf("%s (%d started here)", Plural(r.Joined, "1 cluster worker", fmt.Sprintf("%d cluster workers", r.Joined)), r.Workers)
	}
	return string(r.Mode)
}

// Planned is the Name of a run about to start from spec, before it has
// measured anything.
func Planned(spec jobs.Spec) string {
	return Name(jobs.Result{Task: spec.Task, Mode: spec.Mode, Workers: spec.Workers, Cores: spec.CoreCount(), ClusterStats: jobs.ClusterStats{Joined: spec.Workers}})
}

// Title names a run about to start for a timeline or a trace: its task,
// who does it, and the decoder where it makes thumbnails ("thumbnail, 2
// processes, fast decoder").
func Title(spec jobs.Spec) string {
	t := fmt.Sprintf("%s, %s", spec.Task, Planned(spec))
	if spec.Task != jobs.Download && spec.Decoder != "" {
		t += fmt.Sprintf(", %s decoder", spec.Decoder)
	}
	return t
}

// Plural is one or many, as n asks.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Text writes a speed-up as every front-end shows it ("1.86×"), or "–" for
// none.
func Text(s *float64) string {
	if s == nil {
		return "–"
	}
	return fmt.Sprintf("%.2f×", *s)
}
