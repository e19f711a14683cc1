package lesson

import (
	"context"
	"errors"
	"fmt"
	"time"

	"concurrencylab/jobs"
	"concurrencylab/jobs/gallery"
	"concurrencylab/lesson/python"
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
	// Python is the same downloads in Python, when there is a Python 3
	// here: one thread, threads (urllib) and asyncio tasks (streams); nil
	// without, and PythonMissing says why.
	Python        *IOPython `json:"python" label:"Python" none:"not measured"`
	PythonMissing string    `json:"python_missing,omitempty" label:"-"`
}

// IOPython is Python's downloads from the same server.
type IOPython struct {
	Version        string  `json:"version" label:"version"`
	GIL            bool    `json:"gil" label:"with the GIL"`
	Workers        int     `json:"workers" label:"threads, and asyncio tasks"`
	OneSeconds     float64 `json:"one_thread_seconds" label:"one thread took" unit:"s"`
	ThreadsSpeedup float64 `json:"threads_speedup" label:"threads" unit:"×"`
	AsyncioSpeedup float64 `json:"asyncio_speedup" label:"asyncio tasks" unit:"×"`
	Failed         int     `json:"failed" label:"downloads that failed"`
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
		return fmt.Sprintf("%d goroutines on one core: at least %.0f× faster than one goroutine (the ideal is %d×, one per download in flight) and at least 80%% of %d goroutines on all %d cores; "+
			"Python's %d threads and %d asyncio tasks, when there is a Python here: several times faster than one thread too",
			ioWorkers, ioWorkers/2.0, ioWorkers, ioWorkers, cores, ioWorkers, ioWorkers)
	},
	run:    runIO,
	Python: true,
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
	in, err := python.Find(ctx, e.Python)
	if err == nil {
		m.Python, err = e.ioPython(ctx, in, src.Items)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		m.PythonMissing = err.Error()
		e.logf("no Python figures: %v", err)
	}
	o := &Outcome{Runs: runs, Measured: m, Answer: m.SpeedupOneCore}
	o.Holds, o.Verdict = m.judge(e.cores)
	switch {
	case m.Python == nil && errors.Is(err, python.ErrNotFound):
		o.Notes = append(o.Notes, "Python was not found here (python3 on PATH, or the one named by --python PATH), so only Go was measured.")
	case m.Python == nil:
		o.Notes = append(o.Notes, "Python was found but could not download, so only Go was measured: "+m.PythonMissing)
	case m.Python.Failed > 0:
		o.Notes = append(o.Notes, fmt.Sprintf("%d of Python's downloads failed, so its runs did less work than Go's.", m.Python.Failed))
	}
	return o, nil
}

// ioPython downloads items in Python (lesson/python/scripts/io_download.py)
// from the same server: one thread, then ioWorkers threads, then ioWorkers
// asyncio tasks.
func (e *Env) ioPython(ctx context.Context, in *python.Interpreter, items []jobs.Item) (*IOPython, error) {
	urls := make([]string, len(items))
	for i, it := range items {
		urls[i] = it.URL
	}
	e.logf("Python %s downloads the same %d pictures: one thread, %d threads, %d asyncio tasks…", in.Version, len(urls), ioWorkers, ioWorkers)
	var out struct {
		Version string `json:"version"`
		GIL     bool   `json:"gil"`
		Runs    map[string]struct {
			Seconds float64 `json:"seconds"`
			OK      int     `json:"ok"`
		} `json:"runs"`
	}
	args := map[string]any{"urls": urls, "workers": ioWorkers, "timeout_seconds": 60}
	if err := in.Run(ctx, "io_download.py", args, &out, 5*time.Minute); err != nil {
		return nil, err
	}
	one, th, as := out.Runs["sequential"], out.Runs["threads"], out.Runs["asyncio"]
	if one.Seconds <= 0 || th.Seconds <= 0 || as.Seconds <= 0 {
		return nil, fmt.Errorf("io_download.py sent back no times: %+v", out.Runs)
	}
	p := &IOPython{Version: out.Version, GIL: out.GIL, Workers: ioWorkers, OneSeconds: one.Seconds,
		ThreadsSpeedup: one.Seconds / th.Seconds, AsyncioSpeedup: one.Seconds / as.Seconds,
		Failed: 3*len(urls) - one.OK - th.OK - as.OK}
	e.logf("Python: one thread %.2f s; %d threads %s; %d asyncio tasks %s", p.OneSeconds, ioWorkers, x(p.ThreadsSpeedup), ioWorkers, x(p.AsyncioSpeedup))
	return p, nil
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
	return true, fmt.Sprintf("Holds: %d goroutines on ONE core downloaded %s faster than one goroutine, and all %d cores only reached %s. Waiting needs no cores.%s",
		m.Workers, x(m.SpeedupOneCore), cores, x(m.SpeedupGoroutine), m.pythonText())
}

// pythonText says what Python's threads and asyncio did with the same
// downloads, beside the verdict on Go's (which it does not change).
func (m IOMeasured) pythonText() string {
	p := m.Python
	if p == nil {
		return ""
	}
	gil := "with the GIL, which a thread lets go of while it waits"
	if !p.GIL {
		gil = "a free-threaded build, without the GIL"
	}
	return fmt.Sprintf(" Python %s (%s) did the same: %d threads reached %s and %d asyncio tasks %s over one thread.",
		p.Version, gil, p.Workers, x(p.ThreadsSpeedup), p.Workers, x(p.AsyncioSpeedup))
}
