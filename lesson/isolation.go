package lesson

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"concurrencylab/jobs"
	"concurrencylab/jobs/gallery"
	"concurrencylab/jobs/pool"
	"concurrencylab/jobs/thumb"
	"concurrencylab/results"
)

// IsolationMeasured is what the isolation lesson measures.
type IsolationMeasured struct {
	Items             int    `json:"items" label:"thumbnails"`
	OKItems           int    `json:"ok_items" label:"made" of:"items"`
	KilledFailedItems int    `json:"killed_worker_failed_items" label:"failed with the killed worker" unit:"items"`
	KilledPIDs        []int  `json:"killed_pids" label:"worker processes killed (PIDs)" format:"id"`
	Replaced          bool   `json:"worker_replaced" label:"the killed worker replaced"`
	PanicExitCode     int    `json:"panic_child_exit_code" label:"the panicking program's exit status"`
	PanicMessage      string `json:"panic_message" label:"its message"`
	ParentAlive       bool   `json:"parent_alive" label:"this program lived on"`
}

var isolation = &Lesson{
	Name:     "isolation",
	Title:    "A crash stays in its process",
	Claim:    "A crashing worker process fails only its item; an unrecovered panic in any goroutine ends the whole program.",
	Question: "A worker process is killed while it makes a thumbnail. How many of the run's thumbnails fail?",
	Unit:     "items",
	Why: "A process has its own memory, so when one dies the system cleans up after it and the others carry on: the pool reports its item as failed and starts a replacement. " +
		"Goroutines share one program: a panic that no deferred recover catches, in any goroutine, ends the whole program, every goroutine with it. " +
		"Python's ProcessPoolExecutor is less forgiving than this pool: one dead worker breaks the whole pool (BrokenProcessPool).",
	Expect: func(cores int) string {
		return "the killed worker fails exactly its one item, every other item is made and the worker is replaced; the panicking program exits with status 2 and \"panic:\", and this program lives on"
	},
	run: runIsolation,
}

// panicAlone is the worker operation "lesson-panic": a goroutine of the
// handler's own panics. The pool recovers panics in its handlers (one bad
// item must not end a worker); that goroutine has no such net.
func panicAlone(json.RawMessage) (any, error) {
	go func() { panic("a goroutine of this worker panicked, and nothing recovered it") }()
	time.Sleep(time.Minute)
	return nil, errors.New("the panic did not end the program")
}

func runIsolation(ctx context.Context, e *Env) (*Outcome, error) {
	n, size := 48, gallery.Size{W: 4000, H: 3000}
	if e.Quick {
		n, size = 9, gallery.Size{W: 800, H: 600}
	}
	src, err := e.gallery(ctx, jobs.Thumbnail, n, size, gallery.Network{})
	if err != nil {
		return nil, err
	}
	defer src.Close()

	var mu sync.Mutex
	var killed []int
	var started atomic.Int64
	var auto sync.Once
	kill := func(pid int) (k bool) {
		if e.Kill != nil && e.Kill(pid) {
			return true
		}
		mu.Lock()
		none := len(killed) == 0
		mu.Unlock()
		if none && started.Load() > int64(n/3) { // one worker, a third of the way through
			auto.Do(func() { k = true })
		}
		return k
	}
	spec := jobs.Spec{Task: jobs.Thumbnail, Mode: jobs.Processes, Workers: max(2, e.cores), Items: src.Items}
	if !e.Quick {
		spec.Decoder = thumb.Std // Go's own decoder, slower: time to press Kill a worker
	}
	killer := jobs.ReporterFunc(func(ev jobs.Event) {
		if ev.Kind != jobs.StepStarted || ev.Worker.Kind != jobs.Process {
			return
		}
		started.Add(1)
		if kill(ev.Worker.PID) {
			if p, err := os.FindProcess(ev.Worker.PID); err == nil && p.Kill() == nil {
				mu.Lock()
				killed = append(killed, ev.Worker.PID)
				mu.Unlock()
				e.logf("killed worker process %d while it worked on %s", ev.Worker.PID, ev.Name)
			}
		}
	})
	spec, rep := e.prepare(spec)
	res, err := jobs.Run(ctx, spec, jobs.Reporters(killer, rep))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", results.Name(res), err)
	}
	m := IsolationMeasured{Items: res.Items, OKItems: res.OK, KilledPIDs: killed}
	for _, er := range res.Errors {
		if strings.Contains(er.Error, "crashed") {
			m.KilledFailedItems++
			m.Replaced = m.Replaced || strings.Contains(er.Error, "; replaced")
		}
	}

	m.PanicExitCode, m.PanicMessage, m.ParentAlive, err = e.panicChild(ctx)
	if err != nil {
		return nil, err
	}
	e.logf("the panicking worker exited with status %d; this program is alive: %v", m.PanicExitCode, m.ParentAlive)
	o := &Outcome{Runs: []jobs.Result{res}, Measured: m, Answer: float64(m.KilledFailedItems), failsOnPurpose: true}
	o.Holds, o.Verdict = m.judge(e.cores)
	return o, nil
}

// panicChild has a worker process run a goroutine that panics, and reports
// how the worker ended, the first line it wrote, and whether this program and
// its pool carry on (a call to the worker's replacement works).
func (e *Env) panicChild(ctx context.Context) (code int, msg string, alive bool, err error) {
	p, err := pool.Start(ctx, pool.Config{Workers: 1, Command: e.WorkerCommand})
	if err != nil {
		return 0, "", false, err
	}
	defer p.Close()
	err = p.Slot(0).Call(ctx, "lesson-panic", nil, nil)
	var we *pool.WorkerError
	if !errors.As(err, &we) {
		return 0, "", false, fmt.Errorf("the panicking worker did not crash: %v", err)
	}
	for line := range strings.Lines(we.Stderr) {
		if strings.HasPrefix(line, "panic:") {
			msg = strings.TrimSpace(line)
			break
		}
	}
	var one int64
	alive = p.Slot(0).Call(ctx, "lesson-count", 1, &one) == nil && one == 1
	return we.ExitCode, msg, alive, nil
}

// judge applies the isolation rule.
func (m IsolationMeasured) judge(int) (bool, string) {
	killed := len(m.KilledPIDs)
	switch {
	case killed == 0:
		return false, "Does not hold here: no worker could be killed during the run (it ended first)."
	case m.KilledFailedItems != killed || m.OKItems != m.Items-killed:
		return false, fmt.Sprintf("Does not hold here: %d worker(s) killed, %d item(s) failed with them, %d of %d made.", killed, m.KilledFailedItems, m.OKItems, m.Items)
	case !m.Replaced:
		return false, "Does not hold here: the killed worker was not replaced."
	case m.PanicExitCode != 2 || m.PanicMessage == "":
		return false, fmt.Sprintf("Does not hold here: the panicking program exited with status %d (expected 2, with a \"panic:\" line).", m.PanicExitCode)
	case !m.ParentAlive:
		return false, "Does not hold here: after the panic the pool could not do more work."
	}
	return true, fmt.Sprintf("Holds: killing a worker process failed only its own item (%d of %d thumbnails made) and the pool replaced it. "+
		"A goroutine's unrecovered panic ended its whole program (status %d, %q), while this program went on.", m.OKItems, m.Items, m.PanicExitCode, m.PanicMessage)
}
