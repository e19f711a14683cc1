package lesson

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"concurrencylab/jobs/cpustat"
	"concurrencylab/lesson/python"
)

// PrimesMeasured is what the primes lesson measures: the tutorials'
// benchmark, in Go and, when there is a Python 3 here, in Python.
type PrimesMeasured struct {
	Workers int           `json:"workers" label:"workers: goroutines, threads, tasks and processes, one per core"`
	Go      PrimesGo      `json:"go" label:"Go"`
	Python  *PrimesPython `json:"python" label:"Python" none:"not found"` // nil without Python
	// PythonMissing says why there are no Python figures.
	PythonMissing string `json:"python_missing,omitempty" label:"why no Python"`
}

// PrimesGo is Go's half: each run counts the primes below Below, its wall
// time, its speed-up over one goroutine, and the cores it had.
type PrimesGo struct {
	Below             int     `json:"count_below" label:"counts the primes below"`
	Primes            int     `json:"primes" label:"primes found"`
	OneCoreGoroutines int     `json:"one_core_goroutines" label:"goroutines sharing one core"`
	OneSeconds        float64 `json:"one_goroutine_seconds" label:"one goroutine took" unit:"s"`
	OneCoreSeconds    float64 `json:"one_core_seconds" label:"goroutines on one core took" unit:"s"`
	GoroutinesSeconds float64 `json:"goroutines_seconds" label:"goroutines on every core took" unit:"s"`
	ProcessesSeconds  float64 `json:"processes_seconds" label:"processes took, their start included" unit:"s"`
	OneCoreSpeedup    float64 `json:"one_core_speedup" label:"goroutines on one core, speed-up" unit:"×"`
	GoroutinesSpeedup float64 `json:"goroutines_speedup" label:"goroutines on every core, speed-up" unit:"×"`
	ProcessesSpeedup  float64 `json:"processes_speedup" label:"processes, speed-up" unit:"×"`
	// The cores each run had (see Share), and the speed-ups they allowed.
	ShareOne           Share   `json:"share_one" label:"one goroutine had"`
	ShareOneCore       Share   `json:"share_one_core" label:"goroutines on one core had"`
	ShareGoroutines    Share   `json:"share_goroutines" label:"goroutines on every core had"`
	ShareProcesses     Share   `json:"share_processes" label:"processes had"`
	PossibleOneCore    float64 `json:"possible_one_core_speedup" label:"possible on one core, with the cores each had" unit:"×"`
	PossibleGoroutines float64 `json:"possible_goroutines_speedup" label:"possible for goroutines" unit:"×"`
	PossibleProcesses  float64 `json:"possible_processes_speedup" label:"possible for processes" unit:"×"`
}

// PrimesPython is Python's half, calibrated on its own (Python counts
// many times slower, so it counts below a smaller N).
type PrimesPython struct {
	Path             string  `json:"path" label:"interpreter"`
	Version          string  `json:"version" label:"version"`
	GIL              bool    `json:"gil" label:"with the GIL"`
	Below            int     `json:"count_below" label:"counts the primes below"`
	Primes           int     `json:"primes" label:"primes found"`
	OneSeconds       float64 `json:"one_thread_seconds" label:"one thread took" unit:"s"`
	ThreadsSeconds   float64 `json:"threads_seconds" label:"threads took" unit:"s"`
	AsyncioSeconds   float64 `json:"asyncio_seconds" label:"asyncio tasks took" unit:"s"`
	ProcessesSeconds float64 `json:"processes_seconds" label:"processes took, the pool's start included" unit:"s"`
	ThreadsSpeedup   float64 `json:"threads_speedup" label:"threads, speed-up" unit:"×"`
	AsyncioSpeedup   float64 `json:"asyncio_speedup" label:"asyncio tasks, speed-up" unit:"×"`
	ProcessesSpeedup float64 `json:"processes_speedup" label:"processes, speed-up" unit:"×"`
	// Share is the cores Python's runs had, over all four (one child
	// process runs them, so they are measured together), and Possible the
	// speed-up that allowed workers on every core.
	Share    Share   `json:"share" label:"its runs had"`
	Possible float64 `json:"possible_speedup" label:"possible for workers on every core" unit:"×"`
}

var primes = &Lesson{
	Name:     "primes",
	Title:    "The primes benchmark, Go beside Python",
	Claim:    "The tutorials' benchmark (count the primes below N with 2 workers: 2 processes 23.9 s, 2 threads 45.2 s, 2 asyncio tasks 44.8 s): CPU work in Python threads or asyncio tasks is no faster than one thread, because of the GIL; processes are. Goroutines on one core are the same; goroutines on every core are as fast as processes.",
	Question: "Python's threads would count primes no faster than one thread (the GIL). Goroutines, one per core, count the same primes: how many times faster than one goroutine are they?",
	Unit:     "×",
	Why: "Counting primes keeps a core busy, so only more cores make it faster. " +
		"Python's GIL lets one thread at a time run Python code, so its threads take turns on one core, and asyncio's tasks all run on one thread anyway: no faster than one thread. Its processes each have their own interpreter and their own GIL, so they use every core, at the cost of starting them and sending them work. " +
		"Go has no GIL: goroutines run in parallel on every core (GOMAXPROCS), in one program with shared memory; only on one core do they take turns, as Python's threads do. " +
		"A free-threaded Python (3.13t and later, with the GIL off) runs threads in parallel too. " +
		"Python also counts many times slower than Go, whatever the workers: it interprets each step.",
	Expect: func(cores int) string {
		if cores == 1 {
			return "with one core nothing runs in parallel: every way, in Go and in Python, is between 0.85× and 1.15× of one worker"
		}
		return fmt.Sprintf("Go: %d goroutines on one core between 0.85× and 1.15×, %d goroutines and %d processes at least %s; Python with the GIL: %d threads and %d asyncio tasks at most 1.15×, %d processes at least %s",
			2*cores, cores, cores, x(parallelFloor(cores)), cores, cores, cores, x(parallelFloor(cores)))
	},
	run:     runPrimes,
	cpuWork: true,
	Python:  true,
}

// primesChunks is how many pieces each count is cut into: workers take the
// next piece when they finish one, so none waits for a slow one.
const primesChunks = 64

// primesArgs are the worker operation "lesson-primes"'s: count the primes
// in [Lo, Hi), cut into Chunks pieces, on Goroutines goroutines with
// GOMAXPROCS at Procs; or, with Calibrate set, find how far one goroutine
// counts in that long.
type primesArgs struct {
	Lo, Hi, Chunks, Goroutines, Procs int
	Calibrate                         time.Duration
}

type primesResult struct {
	Primes   int
	Seconds  float64
	Below    int
	CPU      time.Duration // the worker's, meanwhile: this program cannot see it while the worker runs
	CPUKnown bool
}

// primesOp runs in a worker of its own, which is the goroutines' program:
// it raises GOMAXPROCS for the goroutines-on-every-core run, and puts it
// back to the worker's one core after.
func primesOp(raw json.RawMessage) (any, error) {
	var a primesArgs
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, err
	}
	if a.Calibrate > 0 {
		return primesResult{Below: calibrateBelow(a.Calibrate)}, nil
	}
	if a.Procs > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(a.Procs))
	}
	c0 := cpustat.Take()
	n := countIn(a.Lo, a.Hi, max(1, a.Chunks), max(1, a.Goroutines))
	c1 := cpustat.Take()
	return primesResult{Primes: n, Seconds: c1.At.Sub(c0.At).Seconds(), CPU: c1.Ours - c0.Ours, CPUKnown: c0.OursOK && c1.OursOK}, nil
}

// countIn counts the primes in [lo, hi) on g goroutines that take the
// chunks pieces in turn.
func countIn(lo, hi, chunks, g int) int {
	pieces := piecesOf(lo, hi, chunks)
	var mu sync.Mutex
	total := 0
	var wg sync.WaitGroup
	for range g {
		wg.Go(func() {
			n := 0
			for p := range pieces {
				n += countPrimes(p[0], p[1])
			}
			mu.Lock()
			total += n
			mu.Unlock()
		})
	}
	wg.Wait()
	return total
}

// piecesOf cuts [lo, hi) into about chunks pieces, in a closed channel
// that holds them all.
func piecesOf(lo, hi, chunks int) chan [2]int {
	var ps [][2]int
	step := max(1, (hi-lo)/chunks)
	for a := lo; a < hi; a += step {
		ps = append(ps, [2]int{a, min(hi, a+step)})
	}
	ch := make(chan [2]int, len(ps))
	for _, p := range ps {
		ch <- p
	}
	close(ch)
	return ch
}

func runPrimes(ctx context.Context, e *Env) (*Outcome, error) {
	c := e.cores
	target := 2 * time.Second
	if e.Quick {
		target = 300 * time.Millisecond
	}
	m := PrimesMeasured{Workers: c}
	gm, err := e.primesGo(ctx, target)
	if err != nil {
		return nil, err
	}
	m.Go = gm
	in, err := python.Find(ctx, e.Python)
	notFound := errors.Is(err, python.ErrNotFound)
	if err != nil {
		m.PythonMissing = err.Error()
		e.logf("no Python here: %v", err)
	} else if m.Python, err = e.primesPython(ctx, in, target); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		m.PythonMissing = err.Error()
		e.logf("Python %s could not run the benchmark: %v", in.Version, err)
	}
	o := &Outcome{Measured: m, Answer: m.Go.GoroutinesSpeedup, shortOK: true}
	switch {
	case m.Python == nil && notFound:
		o.Notes = append(o.Notes, "Python was not found here (python3 on PATH, or the one named by --python PATH), so only Go was measured.")
	case m.Python == nil:
		o.Notes = append(o.Notes, "Python was found but could not run the benchmark, so only Go was measured: "+m.PythonMissing)
	case !m.Python.GIL:
		o.Notes = append(o.Notes, fmt.Sprintf("This Python (%s) is a free-threaded build running without the GIL: its threads ran Python code in parallel.", m.Python.Version))
	}
	o.Holds, o.Verdict = m.judge(c)
	return o, nil
}

// primesGo makes Go's runs: one goroutine, 2×cores goroutines on one core
// and cores goroutines in a worker process of their own, then cores worker
// processes taking pieces of the count in turn.
func (e *Env) primesGo(ctx context.Context, target time.Duration) (PrimesGo, error) {
	c := e.cores
	p, err := e.workers(ctx, 1)
	if err != nil {
		return PrimesGo{}, err
	}
	defer p.Close()
	var cal primesResult
	if err := p.Slot(0).Call(ctx, "lesson-primes", primesArgs{Calibrate: target}, &cal); err != nil {
		return PrimesGo{}, err
	}
	g := PrimesGo{Below: cal.Below, OneCoreGoroutines: 2 * c}
	e.logf("Go counts the primes below %d: one goroutine should take about %.1f s here", g.Below, target.Seconds())
	var rs [3]primesResult
	var shares [3]Share
	for i, a := range []primesArgs{{Goroutines: 1, Procs: 1}, {Goroutines: 2 * c, Procs: 1}, {Goroutines: c, Procs: c}} {
		a.Hi, a.Chunks = g.Below, primesChunks
		t0 := cpustat.Take()
		if err := p.Slot(0).Call(ctx, "lesson-primes", a, &rs[i]); err != nil {
			return PrimesGo{}, err
		}
		shares[i] = workerShare(cpustat.Between(t0, cpustat.Take()), rs[i].CPU, rs[i].CPUKnown, c, e.Window)
		e.logf("Go, %d goroutines with GOMAXPROCS=%d: %d primes in %.2f s", a.Goroutines, a.Procs, rs[i].Primes, rs[i].Seconds)
	}
	procPrimes, procSeconds, procShare, err := e.primesProcesses(ctx, g.Below, c)
	if err != nil {
		return PrimesGo{}, err
	}
	e.logf("Go, %d processes: %d primes in %.2f s (their start included)", c, procPrimes, procSeconds)
	for _, r := range rs[1:] {
		if r.Primes != rs[0].Primes || procPrimes != rs[0].Primes {
			return PrimesGo{}, fmt.Errorf("the counts differ: %d, %d, %d and %d", rs[0].Primes, rs[1].Primes, rs[2].Primes, procPrimes)
		}
	}
	g.Primes = rs[0].Primes
	g.OneSeconds, g.OneCoreSeconds, g.GoroutinesSeconds, g.ProcessesSeconds = rs[0].Seconds, rs[1].Seconds, rs[2].Seconds, procSeconds
	g.OneCoreSpeedup, g.GoroutinesSpeedup, g.ProcessesSpeedup = ratio(g.OneSeconds, g.OneCoreSeconds), ratio(g.OneSeconds, g.GoroutinesSeconds), ratio(g.OneSeconds, g.ProcessesSeconds)
	g.ShareOne, g.ShareOneCore, g.ShareGoroutines, g.ShareProcesses = shares[0], shares[1], shares[2], procShare
	g.PossibleOneCore = g.ShareOneCore.Possible(g.ShareOne, 1)
	g.PossibleGoroutines, g.PossibleProcesses = g.ShareGoroutines.Possible(g.ShareOne, c), g.ShareProcesses.Possible(g.ShareOne, c)
	return g, nil
}

// primesProcesses counts the primes below below in n worker processes of
// one core each, which take the pieces in turn; it times their start too,
// as Python's ProcessPoolExecutor is timed, and measures the cores they had.
func (e *Env) primesProcesses(ctx context.Context, below, n int) (int, float64, Share, error) {
	t0 := cpustat.Take()
	p, err := e.workers(ctx, n)
	if err != nil {
		return 0, 0, Share{}, err
	}
	defer p.Close()
	pieces := piecesOf(0, below, primesChunks)
	counts := make([]int, n)
	cpus := make([]time.Duration, n)
	known := make([]bool, n)
	errs := make([]error, n)
	each(n, func(i int) {
		known[i] = true
		for pc := range pieces {
			var r primesResult
			if errs[i] = p.Slot(i).Call(ctx, "lesson-primes", primesArgs{Lo: pc[0], Hi: pc[1], Chunks: 1, Goroutines: 1}, &r); errs[i] != nil {
				return
			}
			counts[i], cpus[i], known[i] = counts[i]+r.Primes, cpus[i]+r.CPU, known[i] && r.CPUKnown
		}
	})
	u := cpustat.Between(t0, cpustat.Take()) // before Close: the workers are still running, not yet ours
	total, cpu, allKnown := 0, time.Duration(0), true
	for i := range n {
		if errs[i] != nil {
			return 0, 0, Share{}, errs[i]
		}
		total, cpu, allKnown = total+counts[i], cpu+cpus[i], allKnown && known[i]
	}
	return total, u.Wall.Seconds(), workerShare(u, cpu, allKnown, e.cores, e.Window), nil
}

// primesScript is what primes.py prints.
type primesScript struct {
	Version string             `json:"version"`
	GIL     bool               `json:"gil"`
	Below   int                `json:"below"`
	Seconds map[string]float64 `json:"seconds"`
	Primes  map[string]int     `json:"primes"`
}

// primesPython runs the benchmark in Python: lesson/python/scripts/primes.py.
func (e *Env) primesPython(ctx context.Context, in *python.Interpreter, target time.Duration) (*PrimesPython, error) {
	e.logf("Python %s (%s, GIL %v): the same count, calibrated on its own…", in.Version, in.Path, in.GIL)
	timeout := 30*target + 30*time.Second
	var out primesScript
	t0 := cpustat.Take()
	k0, kOK0 := cpustat.Children()
	if err := in.Run(ctx, "primes.py", map[string]any{"workers": e.cores, "target_seconds": target.Seconds(), "chunks": primesChunks}, &out, timeout); err != nil {
		return nil, err
	}
	// Python has been waited for, its pool's processes by it: their CPU time
	// is this program's children's now.
	u := cpustat.Between(t0, cpustat.Take())
	k1, kOK1 := cpustat.Children()
	py := &PrimesPython{Path: in.Path, Version: out.Version, GIL: out.GIL, Below: out.Below, Primes: out.Primes["one_thread"],
		OneSeconds: out.Seconds["one_thread"], ThreadsSeconds: out.Seconds["threads"], AsyncioSeconds: out.Seconds["asyncio"], ProcessesSeconds: out.Seconds["processes"]}
	for way, n := range out.Primes {
		if n != py.Primes {
			return nil, fmt.Errorf("Python's counts differ: %s found %d, one thread %d", way, n, py.Primes)
		}
	}
	py.ThreadsSpeedup, py.AsyncioSpeedup, py.ProcessesSpeedup = ratio(py.OneSeconds, py.ThreadsSeconds), ratio(py.OneSeconds, py.AsyncioSeconds), ratio(py.OneSeconds, py.ProcessesSeconds)
	py.Share = ShareOfUsage(u, k1-k0, kOK0 && kOK1, e.cores, e.Window)
	py.Possible = py.Share.Possible(py.Share, e.cores)
	e.logf("Python counted the primes below %d: one thread %.2f s, %d threads %.2f s, %d asyncio tasks %.2f s, %d processes %.2f s",
		py.Below, py.OneSeconds, e.cores, py.ThreadsSeconds, e.cores, py.AsyncioSeconds, e.cores, py.ProcessesSeconds)
	return py, nil
}

func ratio(base, t float64) float64 {
	if t <= 0 {
		return 0
	}
	return base / t
}

// judge applies the primes rule against the cores each run had: Go on one
// core no faster, on every core and in processes at least the parallel
// floor of what their cores allowed; Python's threads and asyncio no faster
// under the GIL, its processes (and its threads without the GIL) at the
// floor.
func (m PrimesMeasured) judge(cores int) (bool, string) {
	g, py := m.Go, m.Python
	one, low := max(g.PossibleOneCore, 1), min(g.PossibleOneCore, 1)
	switch {
	case !baseFair(g.ShareOne):
		return false, fmt.Sprintf("Cannot be judged here: during the one-goroutine run %s, less than most of one core, so the speed-ups over it say how the computer was shared: run it again when it is quieter.", g.ShareOne.Text(cores))
	case g.OneCoreSpeedup > 1.15*one:
		return false, fmt.Sprintf("Does not hold here: %d goroutines on one core were %s faster than one goroutine; taking turns cannot be faster, so the one-goroutine run was slowed. %s",
			g.OneCoreGoroutines, x(g.OneCoreSpeedup), blame(cores, "the one-goroutine run", g.ShareOne))
	case g.OneCoreSpeedup < 0.85*low:
		return false, fmt.Sprintf("Does not hold here: %d goroutines on one core were %s as fast as one goroutine: slower, not just no faster. %s",
			g.OneCoreGoroutines, x(g.OneCoreSpeedup), blame(cores, "that run", g.ShareOneCore))
	case cores > 1 && (!judgeable(g.ShareGoroutines, cores) || !judgeable(g.ShareProcesses, cores)):
		return false, fmt.Sprintf("Cannot be judged here: %s. That left the work too little of the cores beyond one to show parallelism: run it again when the computer is quieter.",
			during(cores, "goroutines'", g.ShareGoroutines, "processes'", g.ShareProcesses))
	case cores > 1 && (g.GoroutinesSpeedup < floorFor(g.PossibleGoroutines) || g.ProcessesSpeedup < floorFor(g.PossibleProcesses)):
		worse, name := g.ShareGoroutines, "goroutines'"
		if g.ProcessesSpeedup/floorFor(g.PossibleProcesses) < g.GoroutinesSpeedup/floorFor(g.PossibleGoroutines) {
			worse, name = g.ShareProcesses, "processes'"
		}
		return false, fmt.Sprintf("Does not hold here: on %d cores Go's goroutines reached %s of the %s possible and its processes %s of the %s possible. %s",
			cores, x(g.GoroutinesSpeedup), x(g.PossibleGoroutines), x(g.ProcessesSpeedup), x(g.PossibleProcesses), blame(cores, "the "+name+" run", worse))
	}
	goText := fmt.Sprintf("Go (primes below %d): one goroutine %.2f s; %d goroutines on one core %s; %d goroutines %s and %d processes %s, of the %s and %s possible.",
		g.Below, g.OneSeconds, g.OneCoreGoroutines, x(g.OneCoreSpeedup), cores, x(g.GoroutinesSpeedup), cores, x(g.ProcessesSpeedup), x(g.PossibleGoroutines), x(g.PossibleProcesses))
	pyText := " Python was not found, so only Go was measured."
	if py != nil {
		gil := "with the GIL"
		if !py.GIL {
			gil = "free-threaded, without the GIL: its threads ran in parallel"
		}
		pyText = fmt.Sprintf(" Python %s, %s (primes below %d): one thread %.2f s; %d threads %s; %d asyncio tasks %s; %d processes %s.",
			py.Version, gil, py.Below, py.OneSeconds, cores, x(py.ThreadsSpeedup), cores, x(py.AsyncioSpeedup), cores, x(py.ProcessesSpeedup))
		floor := floorFor(py.Possible)
		switch {
		case !baseFair(py.Share) || (cores > 1 && !judgeable(py.Share, cores)):
			pyText += fmt.Sprintf(" Python's figures cannot be judged: during its runs %s.", py.Share.Text(cores))
		case py.GIL && (py.ThreadsSpeedup > 1.15 || py.AsyncioSpeedup > 1.15):
			return false, fmt.Sprintf("Does not hold here: with the GIL, Python's threads reached %s and its asyncio tasks %s, faster than one thread, which the GIL does not allow: the one-thread run was slowed. %s",
				x(py.ThreadsSpeedup), x(py.AsyncioSpeedup), blame(cores, "Python's runs", py.Share))
		case cores > 1 && py.ProcessesSpeedup < floor:
			return false, fmt.Sprintf("Does not hold here: Python's %d processes reached %s of the %s possible. %s", cores, x(py.ProcessesSpeedup), x(py.Possible), blame(cores, "Python's runs", py.Share))
		case !py.GIL && cores > 1 && py.ThreadsSpeedup < floor:
			return false, fmt.Sprintf("Does not hold here: this Python runs without the GIL, but its %d threads reached %s of the %s possible. %s", cores, x(py.ThreadsSpeedup), x(py.Possible), blame(cores, "Python's runs", py.Share))
		}
	}
	if cores == 1 {
		return true, "Holds as far as one core can show: nothing ran faster than one worker. " + goText + pyText
	}
	return true, "Holds: only more cores made the count faster. " + goText + pyText + fmt.Sprintf(" During the goroutines' run %s.", g.ShareGoroutines.Text(cores))
}
