package lesson

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"concurrencylab/jobs/pool"
)

// RaceMeasured is what the race lesson measures: the counter's final value
// for each way of counting, against the Expected one, and the time each took.
type RaceMeasured struct {
	Goroutines        int   `json:"goroutines" label:"goroutines counting"`
	Increments        int   `json:"increments_each" label:"additions by each goroutine"`
	Expected          int64 `json:"expected" label:"the counter should reach"`
	Unsynchronized    int64 `json:"unsynchronized" label:"without a lock" of:"expected"`
	Mutex             int64 `json:"mutex" label:"with a mutex" of:"expected"`
	Atomic            int64 `json:"atomic" label:"with an atomic add" of:"expected"`
	Sharded           int64 `json:"sharded" label:"per-goroutine counts, added at the end" of:"expected"`
	Processes         int   `json:"processes" label:"processes counting"`
	ProcessesParent   int64 `json:"processes_parent" label:"the parent's counter after the processes"`
	ProcessesSentBack int64 `json:"processes_sent_back" label:"the counts the processes sent back" of:"expected"`
	// Seconds is each variant's time for 10× the additions in tight
	// loops, without the yields: what synchronising costs.
	Seconds map[string]float64 `json:"seconds" label:"time each way took (10× the additions, in tight loops)" unit:"s"`
	// TightExact says the synchronised variants were exact in tight loops too.
	TightExact bool `json:"tight_exact" label:"the fixes exact in tight loops too"`
}

var race = &Lesson{
	Name:     "race",
	Title:    "Lost updates",
	Claim:    "Unsynchronised read-modify-write loses updates; a mutex fixes it and costs time; an atomic add or per-worker counts merged at the end fix it more cheaply; processes share no memory, so a counter in the parent stays untouched unless results are sent back.",
	Question: "Several goroutines each add 1 to a shared counter many times, with no lock. What fraction of the additions is lost (0 to 1)?",
	Unit:     "lost",
	Why: "counter++ is three steps: read, add, write. When two goroutines both read before either writes, one addition is lost. " +
		"Here each step is an atomic load or store, so Go's race detector sees no data race, and updates are still lost: a race condition needs no data race. " +
		"A mutex makes the three steps one turn at a time; an atomic add makes them one indivisible step; per-goroutine counters share nothing until the end. " +
		"Python's GIL does not save you either: it can switch threads between the read and the write. Processes each have their own copy of every variable.",
	Expect: func(cores int) string {
		return "unsynchronised: fewer than expected (updates lost, every time); mutex, atomic and sharded: exactly as expected, and in tight loops the mutex slowest, per-goroutine counts fastest; processes: the parent's counter stays 0, and the counts sent back add up to the expected total"
	},
	run: runRace,
}

// countOp is the worker operation "lesson-count": countAlone in a process
// of its own.
func countOp(raw json.RawMessage) (any, error) {
	var n int
	if err := json.Unmarshal(raw, &n); err != nil {
		return nil, err
	}
	return countAlone(n), nil
}

// counter is "the shared counter" of the processes part: each process has
// its own copy.
var counter atomic.Int64

// countAlone adds 1 to counter n times, the racy way (read, yield, write),
// but on a goroutine of its own: nothing is lost.
func countAlone(n int) int64 {
	for range n {
		v := counter.Load()
		runtime.Gosched()
		counter.Store(v + 1)
	}
	return counter.Load()
}

// variants counts g×n the four ways. With yield, every variant yields once
// per addition, where the racy one yields between its read and its write
// (the tutorials' "sleep a moment"): that makes the lost updates certain,
// on one core as on many. Without it, the loops are as tight as can be, and
// time what each way of synchronising costs.
var variants = []struct {
	name  string
	count func(g, n int, yield bool) int64
}{
	{"unsynchronized", func(g, n int, yield bool) int64 {
		var c atomic.Int64
		each(g, func(int) {
			for range n {
				v := c.Load()
				if yield {
					runtime.Gosched() // another goroutine may read the same v now
				}
				c.Store(v + 1)
			}
		})
		return c.Load()
	}},
	{"mutex", func(g, n int, yield bool) int64 {
		var mu sync.Mutex
		var c int64
		each(g, func(int) {
			for range n {
				mu.Lock()
				v := c
				if yield {
					runtime.Gosched() // the others wait at Lock
				}
				c = v + 1
				mu.Unlock()
			}
		})
		return c
	}},
	{"atomic", func(g, n int, yield bool) int64 {
		var c atomic.Int64
		each(g, func(int) {
			for range n {
				c.Add(1)
				if yield {
					runtime.Gosched()
				}
			}
		})
		return c.Load()
	}},
	{"sharded", func(g, n int, yield bool) int64 {
		shards := make([]struct {
			n int64
			_ [56]byte // one cache line each: no false sharing
		}, g)
		each(g, func(i int) {
			for range n {
				v := shards[i].n
				if yield {
					runtime.Gosched()
				}
				shards[i].n = v + 1
			}
		})
		var sum int64
		for i := range shards {
			sum += shards[i].n
		}
		return sum
	}},
}

// each runs f(0) … f(g-1) on g goroutines, released together, and waits.
func each(g int, f func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range g {
		wg.Go(func() { <-start; f(i) })
	}
	close(start)
	wg.Wait()
}

func runRace(ctx context.Context, e *Env) (*Outcome, error) {
	g, n := max(4, 2*e.cores), 250_000
	if e.Quick {
		n = 10_000
	}
	m := RaceMeasured{Goroutines: g, Increments: n, Expected: int64(g * n), Seconds: map[string]float64{}, TightExact: true}
	for _, v := range variants {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		got := v.count(g, n, true)
		t0 := time.Now() // the cost, in tight loops of 10 times as many
		tight := v.count(g, 10*n, false)
		m.Seconds[v.name] = time.Since(t0).Seconds()
		if v.name != "unsynchronized" { // every fix, whatever the order
			m.TightExact = m.TightExact && tight == int64(10*g*n)
		}
		switch v.name {
		case "unsynchronized":
			m.Unsynchronized = got
		case "mutex":
			m.Mutex = got
		case "atomic":
			m.Atomic = got
		case "sharded":
			m.Sharded = got
		}
		e.logf("%s: %d of %d; %d additions in tight loops took %.3f s", v.name, got, m.Expected, 10*g*n, m.Seconds[v.name])
	}

	// The same counting in processes: each adds to its own copy.
	m.Processes = e.cores
	per := int(m.Expected) / m.Processes // g is a multiple of the cores
	counter.Store(0)
	t0 := time.Now()
	sum, err := e.countInProcesses(ctx, m.Processes, per)
	if err != nil {
		return nil, err
	}
	m.Seconds["processes"] = time.Since(t0).Seconds()
	m.ProcessesParent, m.ProcessesSentBack = counter.Load(), sum
	e.logf("%d processes: the parent's counter %d, the counts sent back add up to %d", m.Processes, m.ProcessesParent, m.ProcessesSentBack)

	o := &Outcome{Measured: m, Answer: m.lostFraction()}
	o.Holds, o.Verdict = m.judge(e.cores)
	return o, nil
}

// countInProcesses has p worker processes add n each to their own counter,
// at once, and returns the sum of what they send back.
func (e *Env) countInProcesses(ctx context.Context, p, n int) (int64, error) {
	pl, err := pool.Start(ctx, pool.Config{Workers: p, Command: e.WorkerCommand})
	if err != nil {
		return 0, err
	}
	defer pl.Close()
	counts := make([]int64, p)
	errs := make([]error, p)
	each(p, func(i int) { errs[i] = pl.Slot(i).Call(ctx, "lesson-count", n, &counts[i]) })
	var sum int64
	for i := range p {
		if errs[i] != nil {
			return 0, errs[i]
		}
		sum += counts[i]
	}
	return sum, nil
}

func (m RaceMeasured) lostFraction() float64 {
	if m.Expected == 0 {
		return 0
	}
	return float64(m.Expected-m.Unsynchronized) / float64(m.Expected)
}

// judge applies the race rule.
func (m RaceMeasured) judge(cores int) (bool, string) {
	lost := m.Expected - m.Unsynchronized
	switch {
	case lost <= 0:
		return false, fmt.Sprintf("Does not hold here: the unsynchronised counter reached %d of %d; no update was lost this time.", m.Unsynchronized, m.Expected)
	case m.Mutex != m.Expected || m.Atomic != m.Expected || m.Sharded != m.Expected || !m.TightExact:
		return false, fmt.Sprintf("Does not hold here: a synchronised counter was wrong (mutex %d, atomic %d, sharded %d of %d). That is a bug in Concurrency Lab: please report it.",
			m.Mutex, m.Atomic, m.Sharded, m.Expected)
	case m.ProcessesParent != 0 || m.ProcessesSentBack != m.Expected:
		return false, fmt.Sprintf("Does not hold here: the parent's counter was %d and the counts sent back added up to %d of %d.", m.ProcessesParent, m.ProcessesSentBack, m.Expected)
	}
	mutexCost := ""
	if m.Seconds["mutex"] > m.Seconds["atomic"] && m.Seconds["mutex"] > m.Seconds["sharded"] {
		mutexCost = fmt.Sprintf(" In tight loops the mutex was the slowest fix (%.3f s, against %.3f s atomic and %.3f s sharded).", m.Seconds["mutex"], m.Seconds["atomic"], m.Seconds["sharded"])
	} else {
		mutexCost = fmt.Sprintf(" This time the mutex (%.3f s in tight loops) was not the slowest fix (atomic %.3f s, sharded %.3f s).", m.Seconds["mutex"], m.Seconds["atomic"], m.Seconds["sharded"])
	}
	return true, fmt.Sprintf("Holds: without a lock %d of %d additions were lost (%.0f%%); the mutex, the atomic add and per-goroutine counts all reached %d exactly.%s "+
		"In %d processes the parent's counter stayed 0; only the counts they sent back added up.",
		lost, m.Expected, 100*m.lostFraction(), m.Expected, mutexCost, m.Processes)
}
