package lesson

import (
	"context"
	"fmt"

	"concurrencylab/jobs"
	"concurrencylab/jobs/gallery"
	"concurrencylab/results"
)

// CPUMeasured is what the cpu-bound lesson measures: speed-ups over one
// goroutine making one thumbnail after another.
type CPUMeasured struct {
	OneCoreWorkers   int     `json:"one_core_workers"`
	Workers          int     `json:"workers"` // = cores, for goroutines and processes
	SpeedupOneCore   float64 `json:"speedup_one_core"`
	SpeedupGoroutine float64 `json:"speedup_goroutines"`
	SpeedupProcesses float64 `json:"speedup_processes"`
}

var cpuBound = &Lesson{
	Name:     "cpu-bound",
	Title:    "Concurrency is not parallelism",
	Claim:    "Concurrency is not parallelism. Goroutines on one core (what Python threads are under the GIL, and what asyncio is) do not speed up CPU work; goroutines on all cores and processes do, up to the core count.",
	Question: "Several goroutines share ONE core and make thumbnails, which is pure CPU work. How many times faster than one goroutine are they?",
	Unit:     "×",
	Why: "Making a thumbnail keeps a core busy the whole time, so goroutines sharing one core only take turns: the same work, one piece at a time. " +
		"That is Python's threads under the GIL, and asyncio, for CPU work: concurrency, no parallelism. " +
		"Go has no GIL: give its goroutines every core and they run in parallel, as processes do, up to the number of cores and no further.",
	Expect: func(cores int) string {
		return fmt.Sprintf("%d goroutines on one core: between 0.85× and 1.15× (no faster); %d goroutines and %d processes on %d cores: at least %s each, at most about %d×",
			2*cores, cores, cores, cores, x(parallelFloor(cores)), cores)
	},
	run:     runCPU,
	cpuWork: true,
}

// parallelFloor is the least speed-up that counts as running in parallel on
// cores cores: 1.6× on 2, 2.8× on 4, 5.2× on 8. A machine never quite
// reaches the ideal: memory, caches and turbo clocks are shared.
func parallelFloor(cores int) float64 { return 1 + 0.6*float64(cores-1) }

// cpuRounds is how many times the CPU lessons make each run (see runRounds).
const cpuRounds = 3

func runCPU(ctx context.Context, e *Env) (*Outcome, error) {
	n, size := 48, gallery.Size{W: 4000, H: 3000}
	if e.Quick {
		n, size = 8, gallery.Size{W: 800, H: 600}
	}
	src, err := e.gallery(ctx, jobs.Thumbnail, n, size, gallery.Network{})
	if err != nil {
		return nil, err
	}
	defer src.Close()
	c := e.cores
	specs := []jobs.Spec{
		{Mode: jobs.Sequential},
		{Mode: jobs.Goroutines, Workers: 2 * c, Cores: 1},
		{Mode: jobs.Goroutines, Workers: c},
		{Mode: jobs.Processes, Workers: c},
	}
	runs, err := e.runRounds(ctx, jobs.Thumbnail, src.Items, specs, cpuRounds)
	if err != nil {
		return nil, err
	}
	m := CPUMeasured{OneCoreWorkers: 2 * c, Workers: c, SpeedupOneCore: speedup(runs[0], runs[1]),
		SpeedupGoroutine: speedup(runs[0], runs[2]), SpeedupProcesses: speedup(runs[0], runs[3])}
	o := &Outcome{Runs: runs, Measured: m, Answer: m.SpeedupOneCore}
	o.Holds, o.Verdict = m.judge(c)
	if !e.Quick {
		o.Notes = append(o.Notes, fmt.Sprintf("Each run was made %d times, in turn, and its median kept: a computer's speed drifts from minute to minute.", cpuRounds))
	}
	for _, r := range runs[2:] {
		if n := results.Note(runs[0], r, results.Ideal(r)); n != "" {
			o.Notes = append(o.Notes, results.Name(r)+": "+n)
		}
	}
	return o, nil
}

// judge applies the cpu-bound rule: one core gives no speed-up, all cores
// and processes give at least parallelFloor.
func (m CPUMeasured) judge(cores int) (bool, string) {
	floor := parallelFloor(cores)
	switch {
	case m.SpeedupOneCore > 1.15:
		return false, fmt.Sprintf("Does not hold here: %d goroutines on one core were %s faster. One core cannot do CPU work faster by taking turns; "+
			"the one-goroutine run was probably slowed by something else running at the time.", m.OneCoreWorkers, x(m.SpeedupOneCore))
	case m.SpeedupOneCore < 0.85:
		return false, fmt.Sprintf("Does not hold here: %d goroutines on one core were %s as fast: slower, not just no faster. "+
			"Something else probably used the computer during that run.", m.OneCoreWorkers, x(m.SpeedupOneCore))
	case cores == 1:
		return true, fmt.Sprintf("Holds as far as one core can show: goroutines taking turns on one core were %s, no faster. With one core there is nothing to run in parallel on.", x(m.SpeedupOneCore))
	case m.SpeedupGoroutine < floor || m.SpeedupProcesses < floor:
		return false, fmt.Sprintf("Does not hold here: on %d cores goroutines reached %s and processes %s, under %s. "+
			"Another program was probably using a core, or the cores share more than they seem to (a laptop on battery, a virtual machine's cores).",
			cores, x(m.SpeedupGoroutine), x(m.SpeedupProcesses), x(floor))
	}
	return true, fmt.Sprintf("Holds: goroutines taking turns on one core were %s (no faster), while %d goroutines on %d cores reached %s and %d processes %s. Parallelism needs cores.",
		x(m.SpeedupOneCore), cores, cores, x(m.SpeedupGoroutine), cores, x(m.SpeedupProcesses))
}
