package lesson

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"time"

	"concurrencylab/jobs"
	"concurrencylab/jobs/cpustat"
	"concurrencylab/jobs/pool"
)

// CCallsMeasured is what the c-calls lesson measures, in a worker process
// with GOMAXPROCS=1 (one P: one goroutine at a time runs Go code): the
// same count of primes by Goroutines goroutines at once, against one
// goroutine doing all of it, in C and in Go.
type CCallsMeasured struct {
	Goroutines int `json:"goroutines" label:"goroutines on one P"`
	GOMAXPROCS int `json:"gomaxprocs" label:"the worker's GOMAXPROCS"` // as it said: 1
	// Below is what each goroutine counts the primes below.
	Below            int     `json:"count_below" label:"each counts the primes below"`
	OneCoreCSpeedup  float64 `json:"one_core_c_speedup" label:"in C calls, speed-up over one goroutine" unit:"×"`
	OneCoreGoSpeedup float64 `json:"one_core_go_speedup" label:"in Go code, speed-up over one goroutine" unit:"×"`
	// CAtOnce is the most C calls under way at the same moment: each on a
	// thread of its own, while one P ran Go code.
	CAtOnce int `json:"c_calls_at_once" label:"C calls under way at the same moment" unit:"calls"`
	// CoresC and CoresGo are the worker's CPU time over the wall time of
	// the goroutines' run: how many cores it kept busy (0 where unknown).
	CoresC  float64            `json:"c_cores_used" label:"cores the C calls kept busy" unit:"cores"`
	CoresGo float64            `json:"go_cores_used" label:"cores the Go code kept busy" unit:"cores"`
	Seconds map[string]float64 `json:"seconds" label:"wall time" unit:"s"`
	Pinned  bool               `json:"pinned" label:"threads pinned to a core"` // never: unpinned on purpose
	// The cores each run had (see Share), and the speed-ups they allowed.
	ShareCOne    Share   `json:"share_c_one" label:"one goroutine in C had"`
	ShareCMany   Share   `json:"share_c_many" label:"the goroutines in C had"`
	ShareGoOne   Share   `json:"share_go_one" label:"one goroutine in Go had"`
	ShareGoMany  Share   `json:"share_go_many" label:"the goroutines in Go had"`
	PossibleC    float64 `json:"possible_c_speedup" label:"possible in C, with the cores each had" unit:"×"`
	PossibleGoOn float64 `json:"possible_go_speedup" label:"possible in Go on one P, with the cores each had" unit:"×"`
}

var ccalls = &Lesson{
	Name:     "c-calls",
	Title:    "C code runs outside the scheduler",
	Claim:    "C code that releases the GIL runs in parallel. In Go: goroutines on one P (GOMAXPROCS=1) that spend their time in C calls still run in parallel, because a goroutine in a cgo call gives up its P; the same work in Go code on one P does not.",
	Question: "A program may run Go code on ONE core at a time (GOMAXPROCS=1). Twice as many goroutines as this computer has cores each count primes in a C function. How many times faster are they than one goroutine doing all the counts?",
	Unit:     "×",
	Why: "GOMAXPROCS is the number of Ps: the right to run Go code. A goroutine that calls C leaves Go for as long as the call lasts, so the runtime hands its P to another goroutine, on another thread, and the C code goes on running beside it: C calls are limited by the cores, not by GOMAXPROCS. " +
		"Go code on one P takes turns, like Python threads under the GIL. Python's C extensions (NumPy, zlib, PIL's decoders) release the GIL the same way, which is why they run in parallel in threads. " +
		"It is also why Concurrency Lab pins a one-core run's threads to one CPU (jobs.Spec.Cores): GOMAXPROCS alone would let its libjpeg-turbo decodes spread over every core. This lesson is unpinned on purpose.",
	Expect: func(cores int) string {
		if cores == 1 {
			return "with one core nothing runs in parallel: C calls and Go code on one P are both between 0.85× and 1.15× of one goroutine"
		}
		return fmt.Sprintf("%d goroutines on one P: in C at least %s (about %d×, the cores); in Go between 0.85× and 1.15× (no faster)", 2*cores, x(parallelFloor(cores)), cores)
	},
	run:     runCCalls,
	cpuWork: true,
}

// cCallsArgs are the worker operation "lesson-c-calls"'s: count the primes
// below Below Goroutines times, in C or in Go, on one goroutine after
// another or, with Many, on Goroutines goroutines at once.
type cCallsArgs struct {
	Goroutines, Below int
	C, Many           bool
}

// cCallsResult is one run in the worker: its wall time and the worker's
// CPU time meanwhile (which this program cannot see while the worker runs).
type cCallsResult struct {
	GOMAXPROCS int
	Seconds    float64
	CPU        time.Duration
	CPUKnown   bool
	AtOnce     int // C calls under way at the same moment, at most
	Primes     int
}

func cCallsOp(raw json.RawMessage) (any, error) {
	var a cCallsArgs
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, err
	}
	if a.C && !cCalls {
		return nil, fmt.Errorf("this program was built without cgo")
	}
	count := countPrimes
	if a.C {
		count = countPrimesC
	}
	r := cCallsResult{GOMAXPROCS: runtime.GOMAXPROCS(0)}
	counts := make([]int, a.Goroutines)
	cCallsAtOnce()
	c0 := cpustat.Take()
	if a.Many {
		var wg sync.WaitGroup
		for i := range a.Goroutines {
			wg.Go(func() { counts[i] = count(0, a.Below) })
		}
		wg.Wait()
	} else {
		for i := range a.Goroutines {
			counts[i] = count(0, a.Below)
		}
	}
	c1 := cpustat.Take()
	r.Seconds, r.CPU, r.CPUKnown = c1.At.Sub(c0.At).Seconds(), c1.Ours-c0.Ours, c0.OursOK && c1.OursOK
	if a.C {
		r.AtOnce = cCallsAtOnce()
	}
	for _, c := range counts {
		r.Primes += c
	}
	return r, nil
}

// workerShare is the share of the cores during a call to a worker process,
// from u taken around it and the worker's own CPU time meanwhile: this
// program's figures count a worker's only once it has exited, so until
// then cpustat reads it as another program's.
func workerShare(u cpustat.Usage, worker time.Duration, known bool, cores int, window bool) Share {
	if known {
		u.Ours += worker
		if u.Known {
			u.Others = max(0, u.Others-worker)
		}
	}
	return ShareOfUsage(u, worker, known, cores, window)
}

// calibrateBelow is how far to count primes for one count to take about
// d of a core here, measured briefly. It times the count by its thread's
// CPU time where that is known, so a busy computer, which slows the count's
// wall time by however much of the core it leaves, does not shrink it; the
// work grows as below^1.5.
func calibrateBelow(d time.Duration) int {
	runtime.LockOSThread() // the thread's CPU time is the count's
	defer runtime.UnlockOSThread()
	below := 20_000
	for {
		t0, w0 := cpustat.Thread()
		start := time.Now()
		countPrimes(0, below)
		took := time.Since(start)
		if t1, w1 := cpustat.Thread(); w0 && w1 {
			took = t1 - t0
		}
		if took > 30*time.Millisecond || below > 1<<26 {
			f := d.Seconds() / took.Seconds()
			return max(1000, int(float64(below)*math.Pow(f, 1/1.5)))
		}
		below *= 4
	}
}

func runCCalls(ctx context.Context, e *Env) (*Outcome, error) {
	if !cCalls {
		o := &Outcome{Measured: CCallsMeasured{}, Verdict: "Cannot run here: this copy of Concurrency Lab was built without cgo, so it has no C code to call. Build it with CGO_ENABLED=1 (and a C compiler) to run this lesson."}
		return o, nil
	}
	n := 2 * e.cores
	one := time.Second // the one goroutine's run: n counts in a row
	rounds := cpuRounds
	if e.Quick {
		one, rounds = 150*time.Millisecond, 1
	}
	below := calibrateBelow(one / time.Duration(n))
	e.logf("%d goroutines each count the primes below %d, in a worker process with GOMAXPROCS=1, threads not pinned", n, below)
	p, err := e.workers(ctx, 1)
	if err != nil {
		return nil, err
	}
	defer p.Close()
	m := CCallsMeasured{Goroutines: n, Below: below, Seconds: map[string]float64{}}
	// Each round runs the four in turn: C alone, C at once, Go alone, Go at
	// once; the round of median C speed-up is kept, and likewise for Go.
	type run struct {
		r cCallsResult
		s Share
	}
	var rs [4][]run
	for range rounds {
		for i, a := range []cCallsArgs{{C: true}, {C: true, Many: true}, {}, {Many: true}} {
			a.Goroutines, a.Below = n, below
			var r cCallsResult
			t0 := cpustat.Take()
			if err := p.Slot(0).Call(ctx, "lesson-c-calls", a, &r); err != nil {
				return nil, err
			}
			u := cpustat.Between(t0, cpustat.Take())
			m.GOMAXPROCS = r.GOMAXPROCS
			rs[i] = append(rs[i], run{r, workerShare(u, r.CPU, r.CPUKnown, e.cores, e.Window)})
		}
	}
	pick := func(alone, many []run) (run, run) {
		idx := make([]int, len(alone))
		for i := range idx {
			idx[i] = i
		}
		slices.SortFunc(idx, func(i, j int) int {
			return cmp.Compare(alone[i].r.Seconds/many[i].r.Seconds, alone[j].r.Seconds/many[j].r.Seconds)
		})
		k := idx[len(idx)/2]
		return alone[k], many[k]
	}
	cOne, cMany := pick(rs[0], rs[1])
	gOne, gMany := pick(rs[2], rs[3])
	for _, r := range []run{cOne, cMany, gOne, gMany} {
		if r.r.Primes != cOne.r.Primes {
			return nil, fmt.Errorf("the counts differ: %d and %d", r.r.Primes, cOne.r.Primes)
		}
	}
	m.OneCoreCSpeedup, m.OneCoreGoSpeedup = ratio(cOne.r.Seconds, cMany.r.Seconds), ratio(gOne.r.Seconds, gMany.r.Seconds)
	if cMany.r.CPUKnown && gMany.r.CPUKnown {
		m.CoresC, m.CoresGo = cMany.r.CPU.Seconds()/cMany.r.Seconds, gMany.r.CPU.Seconds()/gMany.r.Seconds
	}
	m.CAtOnce = cMany.r.AtOnce
	m.ShareCOne, m.ShareCMany, m.ShareGoOne, m.ShareGoMany = cOne.s, cMany.s, gOne.s, gMany.s
	m.PossibleC, m.PossibleGoOn = m.ShareCMany.Possible(m.ShareCOne, n), m.ShareGoMany.Possible(m.ShareGoOne, 1)
	m.Seconds["c, one goroutine"], m.Seconds[fmt.Sprintf("c, %d goroutines", n)] = cOne.r.Seconds, cMany.r.Seconds
	m.Seconds["go, one goroutine"], m.Seconds[fmt.Sprintf("go, %d goroutines", n)] = gOne.r.Seconds, gMany.r.Seconds
	o := &Outcome{Measured: m, Answer: m.OneCoreCSpeedup, shortOK: true}
	o.Notes = append(o.Notes, "This lesson runs unpinned on purpose: its worker may run Go code on one core at a time (GOMAXPROCS=1), and its threads may use every core. A one-core run of thumbnails also pins its threads to one CPU, or its C decoder would spread the same way.")
	if rounds > 1 {
		o.Notes = append(o.Notes, fmt.Sprintf("Each run was made %d times, in turn, and the median kept.", rounds))
	}
	o.Holds, o.Verdict = m.judge(e.cores)
	return o, nil
}

// workers starts n worker processes, below a window as its runs' are.
func (e *Env) workers(ctx context.Context, n int) (*pool.Pool, error) {
	s := jobs.Spec{Mode: jobs.Processes, Workers: n}
	if e.Adjust != nil {
		e.Adjust(&s)
	}
	return pool.Start(ctx, pool.Config{Workers: n, Command: e.WorkerCommand, Nice: s.WorkerNice, Idle: s.WorkerIdle, CallTimeout: 2 * time.Minute})
}

// judge applies the c-calls rule, against the cores each run had: Go
// code on one P is no faster than one goroutine; C calls on one P reach the
// parallel floor of what their cores allowed, where there are cores for it.
func (m CCallsMeasured) judge(cores int) (bool, string) {
	goOne, goLow := max(m.PossibleGoOn, 1), min(m.PossibleGoOn, 1)
	switch {
	case m.GOMAXPROCS != 1:
		return false, fmt.Sprintf("Does not hold here: the worker ran with GOMAXPROCS=%d, not 1. That is a bug in Concurrency Lab: please report it.", m.GOMAXPROCS)
	case !baseFair(m.ShareCOne) || !baseFair(m.ShareGoOne):
		worse := m.ShareCOne
		if m.ShareGoOne.Had < worse.Had {
			worse = m.ShareGoOne
		}
		return false, fmt.Sprintf("Cannot be judged here: during a one-goroutine run %s, less than most of one core, so the speed-ups over it say how the computer was shared: run it again when it is quieter.", worse.Text(cores))
	case m.OneCoreGoSpeedup > 1.15*goOne:
		return false, fmt.Sprintf("Does not hold here: %d goroutines of Go code on one P were %s faster than one goroutine; taking turns cannot be faster, so the one-goroutine run was slowed. %s",
			m.Goroutines, x(m.OneCoreGoSpeedup), blame(cores, "the one-goroutine run in Go", m.ShareGoOne))
	case m.OneCoreGoSpeedup < 0.85*goLow:
		return false, fmt.Sprintf("Does not hold here: %d goroutines of Go code on one P were %s as fast as one goroutine: slower, not just no faster. %s",
			m.Goroutines, x(m.OneCoreGoSpeedup), blame(cores, "that run", m.ShareGoMany))
	case cores == 1 && m.OneCoreCSpeedup > 1.15:
		return false, fmt.Sprintf("Does not hold here: on one core, C calls were %s faster: the one-goroutine run was slowed. %s", x(m.OneCoreCSpeedup), blame(cores, "the one-goroutine run in C", m.ShareCOne))
	case cores == 1:
		return true, fmt.Sprintf("Holds as far as one core can show: C calls (%s) and Go code (%s) on one P were no faster than one goroutine; with one core a C call has no other core to run on.", x(m.OneCoreCSpeedup), x(m.OneCoreGoSpeedup))
	case !judgeable(m.ShareCMany, cores):
		return false, fmt.Sprintf("Cannot be judged here: during the C calls' run %s, too little beyond one core to show them running in parallel (%d were under way at once): run it again when the computer is quieter.",
			m.ShareCMany.Text(cores), m.CAtOnce)
	case m.OneCoreCSpeedup < floorFor(m.PossibleC):
		return false, fmt.Sprintf("Does not hold here: %d goroutines in C calls on one P reached %s of the %s possible, under the %s that counts as parallel. %s",
			m.Goroutines, x(m.OneCoreCSpeedup), x(m.PossibleC), x(floorFor(m.PossibleC)), blame(cores, "the C calls' run", m.ShareCMany))
	}
	used := ""
	if m.CoresC > 0 {
		used = fmt.Sprintf(" The worker kept %.1f cores busy during the C calls, and %.1f during the Go code.", m.CoresC, m.CoresGo)
	}
	return true, fmt.Sprintf("Holds: with GOMAXPROCS=1, %d goroutines in C calls (%d under way at once) ran %s faster than one goroutine, of the %s possible: in parallel, as %s. The same count in Go code was %s: one P, one goroutine at a time.%s",
		m.Goroutines, m.CAtOnce, x(m.OneCoreCSpeedup), x(m.PossibleC), m.ShareCMany.Text(cores), x(m.OneCoreGoSpeedup), used)
}
