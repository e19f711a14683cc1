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
	OneCoreWorkers   int     `json:"one_core_workers" label:"goroutines sharing one core"`
	Workers          int     `json:"workers" label:"goroutines and processes on all cores"` // = cores, for goroutines and processes
	SpeedupOneCore   float64 `json:"speedup_one_core" label:"goroutines on one core" unit:"×"`
	SpeedupGoroutine float64 `json:"speedup_goroutines" label:"goroutines on all cores" unit:"×"`
	SpeedupProcesses float64 `json:"speedup_processes" label:"processes" unit:"×"`
	// The cores each run really had, measured (see Share), and the
	// speed-ups they allowed: the verdict judges against these.
	ShareOneGoroutine  Share   `json:"share_one_goroutine" label:"one goroutine had"`
	ShareOneCore       Share   `json:"share_one_core" label:"goroutines on one core had"`
	ShareGoroutines    Share   `json:"share_goroutines" label:"goroutines on all cores had"`
	ShareProcesses     Share   `json:"share_processes" label:"processes had"`
	PossibleOneCore    float64 `json:"possible_speedup_one_core" label:"possible on one core, with the cores each had" unit:"×"`
	PossibleGoroutines float64 `json:"possible_speedup_goroutines" label:"possible for goroutines on all cores" unit:"×"`
	PossibleProcesses  float64 `json:"possible_speedup_processes" label:"possible for processes" unit:"×"`
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
func parallelFloor(cores int) float64 { return floorFor(float64(cores)) }

// floorFor is the least speed-up that counts as running in parallel when at
// most possible was: the same rule, for the cores the work really had.
func floorFor(possible float64) float64 { return 1 + 0.6*(possible-1) }

// judgeable says whether a run of several workers with share s shows
// parallelism at all: at least a quarter of the cores beyond the first were
// left to it. (Fewer, and what more workers gain is only a larger share of
// a busy machine: the scheduler's fairness, not parallelism.)
func judgeable(s Share, cores int) bool { return s.Had >= 1+float64(cores-1)/4 }

// baseFair says whether a one-worker run with share s had most of a core,
// so that speed-ups over it mean what they say.
func baseFair(s Share) bool { return s.Had >= 0.75 }

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
		SpeedupGoroutine: speedup(runs[0], runs[2]), SpeedupProcesses: speedup(runs[0], runs[3]),
		ShareOneGoroutine: ShareOf(runs[0], c, e.Window), ShareOneCore: ShareOf(runs[1], c, e.Window),
		ShareGoroutines: ShareOf(runs[2], c, e.Window), ShareProcesses: ShareOf(runs[3], c, e.Window)}
	m.setPossible()
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

// setPossible works out the speed-ups the runs' shares of the cores allowed.
func (m *CPUMeasured) setPossible() {
	m.PossibleOneCore = m.ShareOneCore.Possible(m.ShareOneGoroutine, 1)
	m.PossibleGoroutines = m.ShareGoroutines.Possible(m.ShareOneGoroutine, m.Workers)
	m.PossibleProcesses = m.ShareProcesses.Possible(m.ShareOneGoroutine, m.Workers)
}

// judge applies the cpu-bound rule: one core gives no speed-up (beyond what
// the cores each run had allow), all cores and processes give at least the
// parallel floor of the speed-up the cores they really had allow. Who had
// the rest is said, as measured.
func (m CPUMeasured) judge(cores int) (bool, string) {
	one := max(m.PossibleOneCore, 1)
	lowOne := min(m.PossibleOneCore, 1)
	allowed, more := "", ""
	if one > 1.05 {
		allowed = fmt.Sprintf(" than the %s the cores each run had allowed", x(one))
		more = " (more" + allowed + ")"
	}
	switch {
	case !baseFair(m.ShareOneGoroutine):
		return false, fmt.Sprintf("Cannot be judged here: during the one-goroutine run %s. That is less than most of one core, so the speed-ups over it say how the machine was shared, not what the cores can do: run it again when the computer is quieter.",
			m.ShareOneGoroutine.Text(cores))
	case m.SpeedupOneCore > 1.15*one:
		return false, fmt.Sprintf("Does not hold here: %d goroutines on one core were %s faster%s. One core cannot do CPU work faster by taking turns, so the one-goroutine run was slowed. %s",
			m.OneCoreWorkers, x(m.SpeedupOneCore), more, blame(cores, "the one-goroutine run", m.ShareOneGoroutine))
	case m.SpeedupOneCore < 0.85*lowOne:
		return false, fmt.Sprintf("Does not hold here: %d goroutines on one core were %s as fast: slower, not just no faster. %s",
			m.OneCoreWorkers, x(m.SpeedupOneCore), blame(cores, "that run", m.ShareOneCore))
	case cores == 1:
		return true, fmt.Sprintf("Holds as far as one core can show: goroutines taking turns on one core were %s, no faster. With one core there is nothing to run in parallel on.", x(m.SpeedupOneCore))
	case !judgeable(m.ShareGoroutines, cores) || !judgeable(m.ShareProcesses, cores):
		return false, fmt.Sprintf("Cannot be judged here: %s. That left the work too little of the cores beyond one to show parallelism: run it again when the computer is quieter.",
			during(cores, "goroutines'", m.ShareGoroutines, "processes'", m.ShareProcesses))
	case m.SpeedupGoroutine < floorFor(m.PossibleGoroutines) || m.SpeedupProcesses < floorFor(m.PossibleProcesses):
		worse, name := m.ShareGoroutines, "goroutines'"
		if m.SpeedupProcesses/floorFor(m.PossibleProcesses) < m.SpeedupGoroutine/floorFor(m.PossibleGoroutines) {
			worse, name = m.ShareProcesses, "processes'"
		}
		return false, fmt.Sprintf("Does not hold here: on %d cores goroutines reached %s of the %s possible and processes %s of the %s possible, under the %s and %s that count as parallel. %s",
			cores, x(m.SpeedupGoroutine), x(m.PossibleGoroutines), x(m.SpeedupProcesses), x(m.PossibleProcesses),
			x(floorFor(m.PossibleGoroutines)), x(floorFor(m.PossibleProcesses)), blame(cores, "the "+name+" run", worse))
	}
	return true, fmt.Sprintf("Holds: goroutines taking turns on one core were %s (no faster%s), while %d goroutines on %d cores reached %s of the %s possible and %d processes %s of the %s possible: %s. Parallelism needs cores.",
		x(m.SpeedupOneCore), allowed, cores, cores, x(m.SpeedupGoroutine), x(m.PossibleGoroutines), cores, x(m.SpeedupProcesses), x(m.PossibleProcesses),
		during(cores, "goroutines'", m.ShareGoroutines, "processes'", m.ShareProcesses))
}
