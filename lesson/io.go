package lesson

import (
	"context"
	"fmt"
	"time"

	"concurrencylab/jobs"
	"concurrencylab/jobs/gallery"
)

// IOMeasured is what the io-bound lesson measures: speed-ups over one
// goroutine downloading one picture after another.
type IOMeasured struct {
	Workers          int     `json:"workers" label:"goroutines (or processes) downloading at once"`
	SpeedupOneCore   float64 `json:"speedup_one_core" label:"goroutines on one core" unit:"×"`
	SpeedupGoroutine float64 `json:"speedup_goroutines" label:"goroutines on all cores" unit:"×"`
	SpeedupProcesses float64 `json:"speedup_processes" label:"processes" unit:"×"`
	// ShareOneCore is the cores the one-core run's machine had free,
	// measured (see Share): said when the run falls short.
	ShareOneCore Share `json:"share_one_core" label:"goroutines on one core had"`
}

const ioWorkers = 8

var ioBound = &Lesson{
	Name:     "io-bound",
	Title:    "Waiting needs no cores",
	Claim:    "Waiting for the network needs no cores: many goroutines on one core download nearly as fast as on all cores.",
	Question: fmt.Sprintf("%d goroutines share ONE core and download pictures from a slow server. How many times faster than one goroutine are they?", ioWorkers),
	Unit:     "×",
	Why: "A download spends nearly all its time waiting for the server, and a goroutine that waits gives its core to another. " +
		"So one core can keep many downloads waiting at once: that is concurrency without parallelism, exactly what Python's threads (the GIL is released while waiting) and asyncio do well. " +
		"More cores add almost nothing, because the work was never the CPU's.",
	Expect: func(cores int) string {
		return fmt.Sprintf("%d goroutines on one core: at least %.0f× faster than one goroutine (the ideal is %d×, one per download in flight) and at least 80%% of %d goroutines on all %d cores",
			ioWorkers, ioWorkers/2.0, ioWorkers, ioWorkers, cores)
	},
	run: runIO,
}

func runIO(ctx context.Context, e *Env) (*Outcome, error) {
	n, size, nw := 48, gallery.Size{W: 1200, H: 800}, gallery.CDN
	if e.Quick {
		n, size, nw = 16, gallery.Size{W: 320, H: 240}, gallery.Network{Latency: 40 * time.Millisecond}
	}
	src, err := e.gallery(ctx, jobs.Download, n, size, nw)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	specs := []jobs.Spec{
		{Mode: jobs.Sequential},
		{Mode: jobs.Goroutines, Workers: ioWorkers, Cores: 1},
		{Mode: jobs.Goroutines, Workers: ioWorkers},
		{Mode: jobs.Processes, Workers: ioWorkers},
	}
	runs, err := e.runAll(ctx, jobs.Download, src.Items, specs)
	if err != nil {
		return nil, err
	}
	m := IOMeasured{Workers: ioWorkers, SpeedupOneCore: speedup(runs[0], runs[1]),
		SpeedupGoroutine: speedup(runs[0], runs[2]), SpeedupProcesses: speedup(runs[0], runs[3]),
		ShareOneCore: ShareOf(runs[1], e.cores, e.Window)}
	o := &Outcome{Runs: runs, Measured: m, Answer: m.SpeedupOneCore}
	o.Holds, o.Verdict = m.judge(e.cores)
	return o, nil
}

// judge applies the io-bound rule: one core at least half the ideal and at
// least 80% of all cores.
func (m IOMeasured) judge(cores int) (bool, string) {
	half := float64(m.Workers) / 2
	switch {
	case m.SpeedupOneCore < half:
		return false, fmt.Sprintf("Does not hold here: %d goroutines on one core were only %s faster (expected at least %.0f×). "+
			"The server or the network may have been the limit. During that run %s.", m.Workers, x(m.SpeedupOneCore), half, m.ShareOneCore.Text(cores))
	case m.SpeedupOneCore < 0.8*m.SpeedupGoroutine:
		return false, fmt.Sprintf("Does not hold here: one core reached %s but all %d cores %s. "+
			"The downloads needed real CPU time here (a fast network, or a slow computer), so cores mattered.", x(m.SpeedupOneCore), cores, x(m.SpeedupGoroutine))
	}
	return true, fmt.Sprintf("Holds: %d goroutines on ONE core downloaded %s faster than one goroutine, and all %d cores only reached %s. Waiting needs no cores.",
		m.Workers, x(m.SpeedupOneCore), cores, x(m.SpeedupGoroutine))
}
