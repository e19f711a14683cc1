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
	"concurrencylab/jobs/pool"
)

// CCallsMeasured is what the c-calls lesson measures, in a worker process
// with GOMAXPROCS=1 (one P: one goroutine at a time runs Go code): the
// same count of primes by Goroutines goroutines at once, against one
// goroutine doing all of it, in C and in Go.
type CCallsMeasured struct {
	Goroutines int `json:"goroutines"`
	GOMAXPROCS int `json:"gomaxprocs"` // the worker's, as it said: 1
	// Below is what each goroutine counts the primes below.
	Below            int     `json:"count_below"`
	OneCoreCSpeedup  float64 `json:"one_core_c_speedup"`
	OneCoreGoSpeedup float64 `json:"one_core_go_speedup"`
	// CoresC and CoresGo are the worker's CPU time over the wall time of
	// the goroutines' run: how many cores it kept busy (0 where unknown).
	CoresC float64 `json:"c_cores_used"`
	// CAtOnce is the most C calls under way at the same moment: each on a
	// thread of its own, while one P ran Go code.
	CAtOnce int                `json:"c_calls_at_once"`
	CoresGo float64            `json:"go_cores_used"`
	Seconds map[string]float64 `json:"seconds"`
	Pinned  bool               `json:"pinned"` // never: the lesson runs unpinned on purpose
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
// below Below on Goroutines goroutines at once, and on one goroutine
// Goroutines times over, in C or in Go.
type cCallsArgs struct {
	Goroutines, Below int
	C                 bool
}

type cCallsResult struct {
	GOMAXPROCS              int
	OneSeconds, ManySeconds float64
	ManyCPUSeconds          float64 // the worker's, during the goroutines' run; 0 where unknown
	AtOnce                  int     // C calls under way at the same moment, at most
	OnePrimes, ManyPrimes   int
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
	t0 := time.Now()
	for range a.Goroutines {
		r.OnePrimes += count(0, a.Below)
	}
	r.OneSeconds = time.Since(t0).Seconds()
	counts := make([]int, a.Goroutines)
	cCallsAtOnce()
	cpu0, known := processCPU()
	t0 = time.Now()
	var wg sync.WaitGroup
	for i := range a.Goroutines {
		wg.Go(func() { counts[i] = count(0, a.Below) })
	}
	wg.Wait()
	r.ManySeconds = time.Since(t0).Seconds()
	if a.C {
		r.AtOnce = cCallsAtOnce()
	}
	if cpu1, ok := processCPU(); ok && known {
		r.ManyCPUSeconds = (cpu1 - cpu0).Seconds()
	}
	for _, c := range counts {
		r.ManyPrimes += c
	}
	return r, nil
}

// calibrateBelow is how far to count primes for one count to take about
// d here, measured briefly: the work grows as below^1.5.
func calibrateBelow(d time.Duration) int {
	below := 20_000
	for {
		t0 := time.Now()
		countPrimes(0, below)
		took := time.Since(t0)
		if took > 20*time.Millisecond || below > 1<<26 {
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
	var cs, gs []cCallsResult
	for range rounds {
		for _, c := range []bool{true, false} {
			var r cCallsResult
			if err := p.Slot(0).Call(ctx, "lesson-c-calls", cCallsArgs{Goroutines: n, Below: below, C: c}, &r); err != nil {
				return nil, err
			}
			if r.OnePrimes != r.ManyPrimes {
				return nil, fmt.Errorf("the counts differ: %d and %d", r.OnePrimes, r.ManyPrimes)
			}
			m.GOMAXPROCS = r.GOMAXPROCS
			if c {
				cs = append(cs, r)
			} else {
				gs = append(gs, r)
			}
		}
	}
	c, g := medianCalls(cs), medianCalls(gs)
	m.OneCoreCSpeedup, m.OneCoreGoSpeedup = c.OneSeconds/c.ManySeconds, g.OneSeconds/g.ManySeconds
	m.CoresC, m.CoresGo, m.CAtOnce = c.ManyCPUSeconds/c.ManySeconds, g.ManyCPUSeconds/g.ManySeconds, c.AtOnce
	m.Seconds["c, one goroutine"], m.Seconds[fmt.Sprintf("c, %d goroutines", n)] = c.OneSeconds, c.ManySeconds
	m.Seconds["go, one goroutine"], m.Seconds[fmt.Sprintf("go, %d goroutines", n)] = g.OneSeconds, g.ManySeconds
	o := &Outcome{Measured: m, Answer: m.OneCoreCSpeedup, shortOK: true}
	o.Notes = append(o.Notes, "This lesson runs unpinned on purpose: its worker may run Go code on one core at a time (GOMAXPROCS=1), and its threads may use every core. A one-core run of thumbnails also pins its threads to one CPU, or its C decoder would spread the same way.")
	if rounds > 1 {
		o.Notes = append(o.Notes, fmt.Sprintf("Each run was made %d times, in turn, and its median kept.", rounds))
	}
	o.Holds, o.Verdict = m.judge(e.cores)
	return o, nil
}

// medianCalls is the round of median speed-up.
func medianCalls(rs []cCallsResult) cCallsResult {
	slices.SortFunc(rs, func(a, b cCallsResult) int {
		return cmp.Compare(a.OneSeconds/a.ManySeconds, b.OneSeconds/b.ManySeconds)
	})
	return rs[len(rs)/2]
}

// workers starts n worker processes, below a window as its runs' are.
func (e *Env) workers(ctx context.Context, n int) (*pool.Pool, error) {
	s := jobs.Spec{Mode: jobs.Processes, Workers: n}
	if e.Adjust != nil {
		e.Adjust(&s)
	}
	return pool.Start(ctx, pool.Config{Workers: n, Command: e.WorkerCommand, Nice: s.WorkerNice, Idle: s.WorkerIdle, CallTimeout: 2 * time.Minute})
}

// judge applies the c-calls rule: Go code on one P is no faster; C calls
// on one P reach the parallel floor, where there are cores for it.
func (m CCallsMeasured) judge(cores int) (bool, string) {
	switch {
	case m.GOMAXPROCS != 1:
		return false, fmt.Sprintf("Does not hold here: the worker ran with GOMAXPROCS=%d, not 1. That is a bug in Concurrency Lab: please report it.", m.GOMAXPROCS)
	case m.OneCoreGoSpeedup > 1.15 || m.OneCoreGoSpeedup < 0.85:
		got := ""
		if m.CoresGo > 0 {
			got = fmt.Sprintf(" (the worker got %.2f of a core meanwhile)", m.CoresGo)
		}
		return false, fmt.Sprintf("Does not hold here: %d goroutines of Go code on one P were %s as fast as one goroutine%s: something else probably ran on the computer meanwhile, and took more or less of the cores from one run to the next.", m.Goroutines, x(m.OneCoreGoSpeedup), got)
	case cores == 1 && m.OneCoreCSpeedup > 1.15:
		return false, fmt.Sprintf("Does not hold here: on one core, C calls were %s faster: the one-goroutine run was probably slowed by something else.", x(m.OneCoreCSpeedup))
	case cores == 1:
		return true, fmt.Sprintf("Holds as far as one core can show: C calls (%s) and Go code (%s) on one P were no faster than one goroutine; with one core a C call has no other core to run on.", x(m.OneCoreCSpeedup), x(m.OneCoreGoSpeedup))
	case m.OneCoreCSpeedup < parallelFloor(cores) && m.CoresC > 0 && m.CoresC < 0.9*parallelFloor(cores):
		return false, fmt.Sprintf("Does not hold here: %d goroutines in C calls on one P reached only %s, but the worker got only %.1f cores in all meanwhile (its CPU time over the wall time; %d C calls were under way at once): "+
			"the cores were busy with other programs, so nothing could run in parallel. Run it again when the computer is quieter.",
			m.Goroutines, x(m.OneCoreCSpeedup), m.CoresC, m.CAtOnce)
	case m.OneCoreCSpeedup < parallelFloor(cores):
		return false, fmt.Sprintf("Does not hold here: %d goroutines in C calls on one P reached only %s (expected at least %s on %d cores). Another program was probably using a core.",
			m.Goroutines, x(m.OneCoreCSpeedup), x(parallelFloor(cores)), cores)
	}
	used := ""
	if m.CoresC > 0 {
		used = fmt.Sprintf(" The worker kept %.1f cores busy during the C calls, and %.1f during the Go code.", m.CoresC, m.CoresGo)
	}
	return true, fmt.Sprintf("Holds: with GOMAXPROCS=1, %d goroutines in C calls (%d under way at once) ran %s faster than one goroutine: in parallel on %d cores. The same count in Go code was %s: one P, one goroutine at a time.%s",
		m.Goroutines, m.CAtOnce, x(m.OneCoreCSpeedup), cores, x(m.OneCoreGoSpeedup), used)
}
