package lesson

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"concurrencylab/jobs"
	"concurrencylab/jobs/gallery"
	"concurrencylab/jobs/pool"
)

// StartupMeasured is what the startup lesson measures: what one start costs,
// and what that does to a run of tiny items.
type StartupMeasured struct {
	Goroutines       int     `json:"goroutines_started" label:"goroutines started"`
	GoroutineStartUS float64 `json:"goroutine_start_us" label:"each goroutine's start and finish" unit:"µs"` // start and finish, per goroutine
	Processes        int     `json:"processes_started" label:"worker processes started"`
	ProcessStartMS   float64 `json:"process_start_ms" label:"each process's start, hello and exit" unit:"ms"` // start, say hello, and exit, per process
	TinyItems        int     `json:"tiny_items" label:"tiny thumbnails"`
	TinyGoroutines   float64 `json:"tiny_items_speedup_goroutines" label:"tiny thumbnails, goroutines" unit:"×"`
	TinyProcesses    float64 `json:"tiny_items_speedup_processes" label:"tiny thumbnails, processes" unit:"×"`
}

var startup = &Lesson{
	Name:     "startup",
	Title:    "What a start costs",
	Claim:    "A goroutine starts in about a microsecond, a process in milliseconds: on tiny tasks a process pool loses.",
	Question: "Starting a worker process takes how many times as long as starting a goroutine?",
	Unit:     "times",
	Why: "A goroutine is a few kilobytes of stack that Go's scheduler creates in memory it already has. " +
		"A process is a new program: the system copies the parent's page tables, loads the program and starts its runtime, and it must be sent its work through a pipe. " +
		"When each item takes less time than that, a process pool spends more time starting and talking than working: " +
		"Python's ProcessPoolExecutor has the same cost, which is why it reuses its workers and sends work in chunks.",
	Expect: func(cores int) string {
		return fmt.Sprintf("a process start costs at least 100 goroutine starts; on tiny thumbnails, %d processes are slower than %d goroutines", cores, cores)
	},
	run: runStartup,
}

func runStartup(ctx context.Context, e *Env) (*Outcome, error) {
	gs, ps, tn, reps := 10_000, 8, 60, 7
	if e.Quick {
		gs, ps, tn, reps = 1000, 3, 16, 3
	}
	m := StartupMeasured{Goroutines: gs, Processes: ps, TinyItems: tn}

	t0 := time.Now()
	var wg sync.WaitGroup
	for range gs {
		wg.Go(func() {})
	}
	wg.Wait()
	m.GoroutineStartUS = float64(time.Since(t0).Microseconds()) / float64(gs)
	e.logf("%d goroutines started and finished: %.2f µs each", gs, m.GoroutineStartUS)

	t0 = time.Now()
	for range ps {
		p, err := pool.Start(ctx, pool.Config{Workers: 1, Command: e.WorkerCommand})
		if err != nil {
			return nil, err
		}
		p.Close()
	}
	m.ProcessStartMS = float64(time.Since(t0).Microseconds()) / 1000 / float64(ps)
	e.logf("%d worker processes started, said hello and exited: %.1f ms each", ps, m.ProcessStartMS)

	src, err := e.gallery(ctx, jobs.Thumbnail, tn, gallery.Size{W: 160, H: 120}, gallery.Network{})
	if err != nil {
		return nil, err
	}
	defer src.Close()
	c := e.cores
	// Runs this short are noisy: each is repeated and its median kept.
	var runs []jobs.Result
	for _, s := range []jobs.Spec{
		{Mode: jobs.Sequential, Size: 64},
		{Mode: jobs.Goroutines, Workers: c, Size: 64},
		{Mode: jobs.Processes, Workers: c, Size: 64},
	} {
		tries, err := e.runAll(ctx, jobs.Thumbnail, src.Items, slices.Repeat([]jobs.Spec{s}, reps))
		if err != nil {
			return nil, err
		}
		runs = append(runs, medianByWall(tries))
	}
	m.TinyGoroutines, m.TinyProcesses = speedup(runs[0], runs[1]), speedup(runs[0], runs[2])
	o := &Outcome{Runs: runs, Measured: m, Answer: m.ratio(), shortOK: true}
	o.Notes = append(o.Notes, fmt.Sprintf("Each run of tiny items is short on purpose, so each was made %d times and the median is shown.", reps))
	o.Holds, o.Verdict = m.judge(c)
	return o, nil
}

// ratio is how many goroutine starts one process start costs.
func (m StartupMeasured) ratio() float64 {
	if m.GoroutineStartUS <= 0 {
		return 0
	}
	return m.ProcessStartMS * 1000 / m.GoroutineStartUS
}

// judge applies the startup rule.
func (m StartupMeasured) judge(cores int) (bool, string) {
	switch {
	case m.ratio() < 100:
		return false, fmt.Sprintf("Does not hold here: a process start (%.1f ms) cost only %.0f goroutine starts (%.2f µs each).", m.ProcessStartMS, m.ratio(), m.GoroutineStartUS)
	case m.TinyProcesses >= m.TinyGoroutines:
		return false, fmt.Sprintf("Does not hold here: on %d tiny thumbnails the process pool reached %s and the goroutines %s: the items were not tiny enough on this computer for start-up and pipes to dominate.",
			m.TinyItems, x(m.TinyProcesses), x(m.TinyGoroutines))
	}
	return true, fmt.Sprintf("Holds: a goroutine started (and finished) in %.2f µs, a worker process in %.1f ms, %.0f times as long. "+
		"On %d tiny thumbnails %d goroutines reached %s, %d processes only %s: their start-up and the pipes cost more than the work.",
		m.GoroutineStartUS, m.ProcessStartMS, m.ratio(), m.TinyItems, cores, x(m.TinyGoroutines), cores, x(m.TinyProcesses))
}
