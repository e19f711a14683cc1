package lesson

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"concurrencylab/jobs/pool"
	"concurrencylab/jobs/proc"
	"concurrencylab/lesson/deadlocks"
)

// DeadlockMeasured is what the deadlock lesson measures: each case played
// as a whole program and inside a live one, and the fixes.
type DeadlockMeasured struct {
	// NoticedAlone and NoticedLive count the cases Go's runtime reported by
	// itself, as a whole program and inside a live one.
	NoticedAlone   int                `json:"noticed_alone" label:"noticed by Go as a whole program" unit:"cases"`
	NoticedLive    int                `json:"noticed_live" label:"noticed by Go inside a live program" unit:"cases"`
	AloneExit      map[string]int     `json:"alone_exit_codes" label:"exit status of each whole program"`
	LiveFoundAfter map[string]float64 `json:"live_found_after_seconds" label:"found by a timeout after, inside a live program" unit:"s"`
	FixesFinished  map[string]bool    `json:"fixes_finished" label:"fixes that finished"`
	Cases          []DeadlockCase     `json:"cases"`
	// Guard is the context timeout guard, run.
	Guard DeadlockFix `json:"guard" label:"the timeout guard"`
	// ThisProgram is the relock case played as the whole of this program,
	// which ThisProgramUsesCgo (to decode JPEGs and draw the window).
	ThisProgram        DeadlockAlone `json:"this_program" label:"this program, locking a mutex twice"`
	ThisProgramUsesCgo bool          `json:"this_program_uses_cgo" label:"this program uses cgo"`
}

// DeadlockCase is one case's outcomes.
type DeadlockCase struct {
	Name  string        `json:"name"`
	Title string        `json:"title"`
	Alone DeadlockAlone `json:"alone"`
	Live  DeadlockLive  `json:"live"`
	Fix   DeadlockFix   `json:"fix"`
}

// DeadlockAlone is a case played as a whole program, in a child process.
type DeadlockAlone struct {
	Noticed  bool    `json:"noticed" label:"noticed"` // the runtime said "all goroutines are asleep - deadlock!"
	ExitCode int     `json:"exit_code" label:"exit status"`
	Message  string  `json:"message" label:"message"`              // its "fatal error:" line
	Seconds  float64 `json:"seconds" label:"ended after" unit:"s"` // from its case's beginning to its end
	// TooSlow says the child had not even begun its case within startLimit:
	// the computer was too busy to tell.
	TooSlow bool `json:"too_slow,omitempty" label:"too busy to tell"`
}

const deadlockMessage = "all goroutines are asleep - deadlock!"

var deadlock = &Lesson{
	Name:  "deadlock",
	Title: "Will Go notice a deadlock?",
	Claim: "Go's runtime reports a deadlock by itself only when every goroutine of the program is asleep. Two goroutines taking two mutexes in opposite orders, a goroutine locking a mutex it already holds (Go's sync.Mutex is Python's Lock, not its RLock) and a WaitGroup waiting for a forgotten Done (the tutorials' task_done) inside a program that goes on running are found only by a timeout.",
	Question: fmt.Sprintf("%d deadlocks: %d cases (two mutexes taken in opposite orders, a mutex locked twice, a forgotten Done), each once as the whole of a small Go program and once inside a program that goes on running. How many will Go notice by itself?",
		2*len(deadlocks.Cases), len(deadlocks.Cases)),
	Unit: "deadlocks",
	Why: "Go's runtime checks one thing: whether every goroutine is asleep. When the deadlocked goroutines are the whole program, they are, and it stops the program with \"fatal error: all goroutines are asleep - deadlock!\" (exit status 2). " +
		"In a real program something else is always awake (a server's loop, a ticker, a window's event loop), so a deadlock among some goroutines goes unnoticed: they wait forever, and the work they hold up never comes. " +
		"Only a timeout finds it, and a goroutine dump (runtime.Stack, the SIGQUIT signal, /debug/pprof/goroutine) shows who waits where; it cannot show who holds a sync.Mutex, which does not know its owner, so here the goroutines noted what they took. " +
		"Go's check is also off in any program that uses cgo, as this one does (libjpeg-turbo, OpenGL): the runtime keeps a thread for C code that might call back into Go (golang/go#25538). So the whole-program cases run as a small pure-Go program, compiled to WebAssembly and run in a child process, and this program plays one too, to show it is not told. " +
		"The fixes: take locks in one order everywhere; never lock a mutex you hold (Go has no RLock: split off the part that expects the lock held); call Done with defer, or let wg.Go call it; and guard waits with a context's timeout, so that a hang becomes an error you can see. " +
		"Python's threads deadlock the same ways, and Python says nothing even when every thread waits.",
	Expect: func(int) string {
		return fmt.Sprintf("Go notices the %d cases that are the whole of a pure-Go program (exit status 2, %q) and none of the %d inside a live program; there a timeout finds each, and the dump shows its goroutines waiting; this program, which uses cgo, is not told; every fix finishes",
			len(deadlocks.Cases), deadlockMessage, len(deadlocks.Cases))
	},
	run: runDeadlock,
}

func runDeadlock(ctx context.Context, e *Env) (*Outcome, error) {
	timeout := 500 * time.Millisecond
	if e.Quick {
		timeout = 200 * time.Millisecond
	}
	m := DeadlockMeasured{AloneExit: map[string]int{}, LiveFoundAfter: map[string]float64{}, FixesFinished: map[string]bool{}}
	for _, c := range deadlocks.Cases {
		alone, err := e.deadlockAlone(ctx, "wasm:"+c.Name, 10*time.Second)
		if err != nil {
			return nil, err
		}
		e.logf("%s, as the whole of a pure-Go program: exit status %d, %q", c.Name, alone.ExitCode, alone.Message)
		m.Cases = append(m.Cases, DeadlockCase{Name: c.Name, Title: c.Title, Alone: alone})
		m.AloneExit[c.Name] = alone.ExitCode
		if alone.Noticed {
			m.NoticedAlone++
		}
	}

	// The same in this program, which uses cgo: the runtime keeps a thread
	// for C code calling back into Go and cannot tell it will not.
	limit := 3 * time.Second
	if e.Quick {
		limit = 2 * time.Second
	}
	var err error
	if m.ThisProgram, err = e.deadlockAlone(ctx, "this:relock", limit); err != nil {
		return nil, err
	}
	m.ThisProgramUsesCgo = usesCgo
	e.logf("relock, as the whole of this program (cgo: %v): exit status %d, %q", usesCgo, m.ThisProgram.ExitCode, m.ThisProgram.Message)

	// The live cases and the fixes, in a worker process: the lesson closes
	// it at the end, stuck goroutines and all.
	p, err := pool.Start(ctx, pool.Config{Workers: 1, Command: e.WorkerCommand, CallTimeout: 20 * time.Second})
	if err != nil {
		return nil, err
	}
	defer p.Close()
	for i, c := range deadlocks.Cases {
		var live DeadlockLive
		err := p.Slot(0).Call(ctx, "lesson-deadlock", liveArgs{Case: c.Name, Timeout: timeout}, &live)
		var we *pool.WorkerError
		switch {
		case errors.As(err, &we): // the runtime ended the worker: it noticed after all
			live = DeadlockLive{Noticed: strings.Contains(we.Stderr, deadlockMessage)}
			m.NoticedLive++
		case err != nil:
			return nil, fmt.Errorf("%s in a live program: %w", c.Name, err)
		}
		m.Cases[i].Live = live
		m.LiveFoundAfter[c.Name] = live.TimeoutSeconds
		e.logf("%s, inside a live program: not reported; after %.1f s a timeout gave up, and the dump shows %s", c.Name, live.TimeoutSeconds, waitersText(live.WaitFor, true))
	}
	var fx map[string]DeadlockFix
	if err := p.Slot(0).Call(ctx, "lesson-deadlock-fix", 10*time.Second, &fx); err != nil {
		return nil, fmt.Errorf("the fixes: %w", err)
	}
	for i, c := range deadlocks.Cases {
		m.Cases[i].Fix = fx[c.Name]
		m.FixesFinished[c.Name] = fx[c.Name].Finished
	}
	m.Guard = fx["guard"]
	m.FixesFinished["guard"] = m.Guard.Finished

	o := &Outcome{Measured: m, Answer: float64(m.NoticedAlone + m.NoticedLive)}
	o.Holds, o.Verdict = m.judge(e.cores)
	return o, nil
}

// deadlockStarted is the line a deadlock child writes when its case
// begins: the time to a verdict counts from there, not from the child's
// start, which on a loaded machine can take long (the WebAssembly program is
// compiled first, once, then taken from the cache).
const deadlockStarted = "concurrencylab: the deadlock case begins"

// startLimit bounds a deadlock child's start, up to deadlockStarted.
const startLimit = 3 * time.Minute

// deadlockAlone plays a case as a whole program: this program re-executed
// (see ServeIfChild; what is "wasm:" or "this:" and the case's name),
// killed if it has not ended within limit once the case began.
func (e *Env) deadlockAlone(ctx context.Context, what string, limit time.Duration) (DeadlockAlone, error) {
	var cmd *exec.Cmd
	if e.WorkerCommand != nil {
		cmd = e.WorkerCommand()
	} else {
		exe, err := os.Executable()
		if err != nil {
			return DeadlockAlone{}, err
		}
		cmd = exec.Command(exe)
	}
	cmd.Env = append(cmd.Environ(), deadlockEnv+"="+what, deadlockCacheEnv+"="+e.wasmCache())
	out := &startedWriter{started: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = time.Second
	if err := proc.Start(cmd); err != nil {
		return DeadlockAlone{}, fmt.Errorf("starting the %s child: %w", what, err)
	}
	done := make(chan struct{})
	var began time.Time
	var tooSlow, killed atomic.Bool
	var watch sync.WaitGroup
	watch.Go(func() {
		select {
		case <-out.started:
			began = time.Now()
		case <-time.After(startLimit):
			tooSlow.Store(true)
			proc.KillUnlessWaited(cmd, done)
			return
		case <-ctx.Done():
			proc.KillUnlessWaited(cmd, done)
			return
		case <-done:
			return
		}
		select {
		case <-time.After(limit):
			killed.Store(true)
			proc.KillUnlessWaited(cmd, done)
		case <-ctx.Done():
			proc.KillUnlessWaited(cmd, done)
		case <-done:
		}
	})
	err := proc.Wait(cmd)
	end := time.Now()
	close(done)
	watch.Wait() // it has set began, or never will
	if err := ctx.Err(); err != nil {
		return DeadlockAlone{}, err
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return DeadlockAlone{}, fmt.Errorf("the %s child: %w", what, err)
	}
	text := out.String()
	a := DeadlockAlone{ExitCode: cmd.ProcessState.ExitCode(), Message: firstLine(text, "fatal error:")}
	select {
	case <-out.started:
		a.Seconds = end.Sub(began).Seconds()
	default:
	}
	switch {
	case tooSlow.Load():
		a.TooSlow = true
		a.Message = fmt.Sprintf("nothing: the program had not even started its case after %.0f s (the computer is too busy to tell)", startLimit.Seconds())
	case a.Message == "" && killed.Load():
		a.Message = fmt.Sprintf("nothing: it was still waiting %.0f s after its case began, and was killed", limit.Seconds())
	case a.Message == "": // what else it said last: "the case finished: there was no deadlock"
		for line := range strings.Lines(text) {
			if l := strings.TrimSpace(line); l != "" && l != deadlockStarted {
				a.Message = l
			}
		}
	}
	a.Noticed = a.ExitCode == 2 && strings.Contains(a.Message, deadlockMessage)
	return a, nil
}

// startedWriter keeps what a child writes, and closes started when the
// child says its case began.
type startedWriter struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	started chan struct{}
	once    sync.Once
}

func (w *startedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if bytes.Contains(w.buf.Bytes(), []byte(deadlockStarted)) {
		w.once.Do(func() { close(w.started) })
	}
	return len(p), nil
}

func (w *startedWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// wasmCache is where wazero keeps child.wasm compiled: the user's cache,
// so that it is compiled once, not for every case and every run.
func (e *Env) wasmCache() string {
	root := e.CacheDir
	if root == "" {
		if d, err := os.UserCacheDir(); err == nil {
			root = filepath.Join(d, "concurrencylab")
		} else {
			root = e.Dir
		}
	}
	return filepath.Join(root, "wazero")
}

// waitersText says who waits for what: "A holds mu1 and waits for mu2 (held
// by B)".
func waitersText(ws []Waiter, where bool) string {
	if len(ws) == 0 {
		return "no goroutine of the case waiting"
	}
	var parts []string
	for _, w := range ws {
		s := w.Goroutine
		if len(w.Holds) > 0 {
			s += " holds " + strings.Join(w.Holds, " and ") + " and"
		}
		s += " waits for " + w.WaitsFor
		switch w.HeldBy {
		case "":
			s += " (from nobody: it has ended)"
		case w.Goroutine:
			s += " (held by " + w.Goroutine + " itself)"
		default:
			s += " (held by " + w.HeldBy + ")"
		}
		if where {
			s += fmt.Sprintf(" [goroutine %d, %s at %s]", w.ID, w.State, w.At)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// judge applies the deadlock rule: every case noticed alone, none live,
// each live one found by its timeout with its goroutines in the dump, and
// every fix finished.
func (m DeadlockMeasured) judge(int) (bool, string) {
	n := len(m.Cases)
	for _, c := range m.Cases {
		switch {
		case c.Alone.TooSlow:
			return false, fmt.Sprintf("Could not tell here: the small Go program for the %s case had not even begun after %.0f s, so the computer was too busy to run this lesson. Run it again when it is quieter.", c.Name, startLimit.Seconds())
		case !c.Alone.Noticed:
			return false, fmt.Sprintf("Does not hold here: the %s case, as a whole program, ended with status %d and said %q, not %q.", c.Name, c.Alone.ExitCode, c.Alone.Message, deadlockMessage)
		case c.Live.Noticed:
			return false, fmt.Sprintf("Does not hold here: Go's runtime ended the live program in the %s case: something made every goroutine of the worker sleep.", c.Name)
		case len(c.Live.WaitFor) == 0:
			return false, fmt.Sprintf("Does not hold here: after the timeout the goroutine dump did not show the %s case's goroutines waiting. That is a bug in Concurrency Lab: please report it.", c.Name)
		case !c.Fix.Finished:
			return false, fmt.Sprintf("Does not hold here: the fix for %s did not finish: %s", c.Name, c.Fix.Says)
		}
	}
	if m.ThisProgram.TooSlow {
		return false, fmt.Sprintf("Could not tell here: this program, re-executed for the relock case, had not even begun it after %.0f s: the computer was too busy.", startLimit.Seconds())
	}
	if m.ThisProgram.Noticed == m.ThisProgramUsesCgo {
		return false, fmt.Sprintf("Does not hold here: this program (cgo: %v) playing the relock case ended with status %d and said %q.", m.ThisProgramUsesCgo, m.ThisProgram.ExitCode, m.ThisProgram.Message)
	}
	if !m.Guard.Finished {
		return false, "Does not hold here: the timeout guard did not end the wait: " + m.Guard.Says
	}
	var found []string
	beats := 0
	for _, c := range m.Cases {
		found = append(found, waitersText(c.Live.WaitFor, false))
		beats += c.Live.Heartbeats
	}
	cgo := "This program, which uses cgo, was not told even when the deadlock was all of it."
	if !m.ThisProgramUsesCgo {
		cgo = "This program, built without cgo, was told too."
	}
	return true, fmt.Sprintf("Holds: Go noticed all %d deadlocks that were the whole of a pure-Go program (exit status %d, %q) and none of the %d inside a live program, whose other goroutines went on (a heartbeat ticked %d times meanwhile). "+
		"There a timeout found each, and the goroutine dump showed who waits for what: %s. %s One lock order, no second Lock, wg.Go and a context timeout each ended the wait.",
		n, m.Cases[0].Alone.ExitCode, m.Cases[0].Alone.Message, n, beats, strings.Join(found, "; "), cgo)
}
