package lesson

import (
	"bytes"
	"compress/gzip"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"

	"concurrencylab/lesson/deadlocks"
)

// The deadlock lesson's cases (package lesson/deadlocks) play out either as
// the whole of a pure-Go program (child.wasm, in a child process of its own,
// where Go's runtime sees every goroutine asleep and says so) or among the
// goroutines of a worker process that goes on running (where the runtime
// sees nothing wrong, and only a timeout finds it). Neither can hang this
// program: the first ends itself or is killed at its limit, the second is a
// worker that the lesson closes, stuck goroutines and all.

// Waiter is one goroutine of a deadlock's wait-for picture: where it waits
// and in what state, from the dump; what it holds and waits for, from the
// case's note; and who holds that.
type Waiter struct {
	Goroutine string   `json:"goroutine"`
	ID        int64    `json:"id"`
	State     string   `json:"state"`
	At        string   `json:"at"`
	Holds     []string `json:"holds"`
	WaitsFor  string   `json:"waits_for"`
	HeldBy    string   `json:"held_by"` // "" when nobody holds it: the one who should give it has ended
}

// waitFor matches a case's note with the dump: its goroutines that the dump
// shows waiting.
func waitFor(b *deadlocks.Book, dump []Stuck) []Waiter {
	var out []Waiter
	for _, w := range b.Waiting() {
		i := slices.IndexFunc(dump, func(s Stuck) bool { return s.ID == w.ID })
		if i < 0 {
			continue // not in the dump: it did not wait after all
		}
		holds := w.Holds
		if holds == nil {
			holds = []string{}
		}
		out = append(out, Waiter{Goroutine: w.Name, ID: w.ID, State: dump[i].State, At: dump[i].At, Holds: holds, WaitsFor: w.WaitsFor, HeldBy: w.HeldBy})
	}
	return out
}

// cycle follows the wait-for edges from the first waiter: goroutine, what it
// waits for, who holds that, … back to the first ("A", "mu2", "B", "mu1",
// "A"); nil when they lead to nobody (a Done that will never come).
func cycle(ws []Waiter) []string {
	if len(ws) == 0 {
		return nil
	}
	by := map[string]Waiter{}
	for _, w := range ws {
		by[w.Goroutine] = w
	}
	path := []string{ws[0].Goroutine}
	for cur := ws[0]; ; {
		if cur.HeldBy == "" {
			return nil
		}
		path = append(path, cur.WaitsFor, cur.HeldBy)
		if cur.HeldBy == ws[0].Goroutine {
			return path
		}
		next, ok := by[cur.HeldBy]
		if !ok || len(path) > 2*len(ws)+1 {
			return nil
		}
		cur = next
	}
}

// The child process of a case played alone: this program re-executed with
// deadlockEnv set to "wasm:" or "this:" and the case's name. In "wasm:" it
// runs the case in child.wasm, a pure-Go program; in "this:" it plays it
// itself, a program that uses cgo, where Go's runtime cannot tell that every
// goroutine is asleep (golang/go#25538: C code might still call back).
const (
	deadlockEnv      = "CONCURRENCYLAB_DEADLOCK_CASE"
	deadlockCacheEnv = "CONCURRENCYLAB_DEADLOCK_CACHE" // wazero's compilation cache
)

//go:embed deadlocks/child.wasm.gz
var childWasm []byte

// ServeIfChild plays the deadlock case this process was started for, when
// it was (the deadlock lesson's child: this program re-executed), and exits
// then. Otherwise it returns at once. Call it first in main, beside
// jobs.ServeIfWorker, and in the TestMain of tests that run the deadlock
// lesson.
func ServeIfChild() {
	v := os.Getenv(deadlockEnv)
	if v == "" {
		return
	}
	where, name, _ := strings.Cut(v, ":")
	c, ok := deadlocks.Find(name)
	if !ok {
		fmt.Fprintf(os.Stderr, "concurrencylab: no deadlock case %q\n", name)
		os.Exit(3)
	}
	if where == "this" {
		fmt.Fprintln(os.Stderr, deadlockStarted)
		<-c.Play(deadlocks.NewBook())
		fmt.Fprintln(os.Stderr, "the case finished: there was no deadlock")
		os.Exit(0)
	}
	code, err := runWasm(os.Getenv(deadlockCacheEnv), name)
	if err != nil {
		fmt.Fprintln(os.Stderr, "concurrencylab: the deadlock program:", err)
		os.Exit(3)
	}
	os.Exit(code)
}

// runWasm runs child.wasm with wazero, its output on this process's
// stderr, and returns its exit status.
func runWasm(cacheDir, name string) (int, error) {
	zr, err := gzip.NewReader(bytes.NewReader(childWasm))
	if err != nil {
		return 0, err
	}
	bin, err := io.ReadAll(zr)
	if err != nil {
		return 0, err
	}
	ctx := context.Background()
	cfg := wazero.NewRuntimeConfig()
	if cacheDir != "" {
		if cache, err := wazero.NewCompilationCacheWithDir(cacheDir); err == nil {
			cfg = cfg.WithCompilationCache(cache)
		}
	}
	r := wazero.NewRuntimeWithConfig(ctx, cfg)
	defer r.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, r)
	cm, err := r.CompileModule(ctx, bin) // or take it from the cache
	if err != nil {
		return 0, err
	}
	fmt.Fprintln(os.Stderr, deadlockStarted)
	_, err = r.InstantiateModule(ctx, cm, wazero.NewModuleConfig().WithArgs("child", name).WithStderr(os.Stderr).WithStdout(os.Stderr))
	var ee *sys.ExitError
	if errors.As(err, &ee) {
		return int(ee.ExitCode()), nil
	}
	return 0, err
}

// DeadlockLive is a case played among the goroutines of a live program.
type DeadlockLive struct {
	// Noticed says Go's runtime ended the program for it (it does not).
	Noticed bool `json:"noticed"`
	// TimeoutSeconds is how long the program waited for the case's goroutines
	// before it gave up and looked at a goroutine dump.
	TimeoutSeconds float64 `json:"timeout_seconds"`
	// Heartbeats is how many times another goroutine of the program ticked
	// meanwhile: the program was alive.
	Heartbeats int      `json:"heartbeats"`
	WaitFor    []Waiter `json:"wait_for"`
	Cycle      []string `json:"cycle,omitempty"`
}

type liveArgs struct {
	Case    string
	Timeout time.Duration
}

// liveOp is the worker operation "lesson-deadlock": play a case among the
// worker's goroutines (its serving loop, its watch on the parent, a
// heartbeat) and wait for it with a timeout. The deadlocked goroutines stay
// behind in the worker until the lesson closes it.
func liveOp(raw json.RawMessage) (any, error) {
	var a liveArgs
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, err
	}
	c, ok := deadlocks.Find(a.Case)
	if !ok {
		return nil, fmt.Errorf("no deadlock case %q", a.Case)
	}
	var beats atomic.Int64
	stop := make(chan struct{})
	go func() {
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				beats.Add(1)
			case <-stop:
				return
			}
		}
	}()
	defer close(stop)
	b := deadlocks.NewBook()
	ctx, cancel := context.WithTimeout(context.Background(), a.Timeout)
	defer cancel()
	select {
	case <-c.Play(b):
		return nil, fmt.Errorf("the %s case finished: no deadlock", c.Name)
	case <-ctx.Done(): // the guard: the program gives up waiting, and looks
	}
	ws := waitFor(b, parseDump(dumpAll()))
	return DeadlockLive{TimeoutSeconds: a.Timeout.Seconds(), Heartbeats: int(beats.Load()), WaitFor: ws, Cycle: cycle(ws)}, nil
}

// DeadlockFix is a case's fix, run.
type DeadlockFix struct {
	How      string `json:"how" label:"how"`
	Finished bool   `json:"finished" label:"finished"`
	Says     string `json:"says" label:"said"`
}

// fixes are the cases' fixes, and the timeout guard: each returns what
// happened, and whether it finished within the time given.
var fixes = map[string]struct {
	how string
	run func(ctx context.Context) (string, error)
}{
	"lock-order": {"both goroutines take mu1, then mu2: one lock order", func(ctx context.Context) (string, error) {
		var mu1, mu2 sync.Mutex
		const rounds = 10_000
		done := make(chan struct{})
		go func() {
			var wg sync.WaitGroup
			for range 2 {
				wg.Go(func() {
					for range rounds {
						mu1.Lock()
						mu2.Lock()
						mu2.Unlock()
						mu1.Unlock()
					}
				})
			}
			wg.Wait()
			close(done)
		}()
		select {
		case <-done:
			return fmt.Sprintf("A and B each took both mutexes %d times, in the same order, and finished.", rounds), nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}},
	"relock": {"the inner function expects the lock held and does not take it again", func(ctx context.Context) (string, error) {
		var mu sync.Mutex
		balance := 0
		addLocked := func(n int) { balance += n } // the caller holds mu
		mu.Lock()
		addLocked(10)
		mu.Unlock()
		return fmt.Sprintf("deposit took mu once and called addLocked under it: the balance is %d.", balance), nil
	}},
	"forgotten-done": {"wg.Go(f) calls Done when f returns, early or not (or: defer wg.Done() first)", func(ctx context.Context) (string, error) {
		var wg sync.WaitGroup
		for i := 1; i <= 3; i++ {
			wg.Go(func() {
				if i == 3 {
					return
				}
			})
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
			return "all three workers were counted done, the early return too, and Wait returned.", nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}},
	"guard": {"a lock that gives up when its context's time is up (opposite orders again)", func(ctx context.Context) (string, error) {
		mu1, mu2 := make(ctxMutex, 1), make(ctxMutex, 1)
		var both sync.WaitGroup
		both.Add(2)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		take := func(i int, first, second ctxMutex, d time.Duration) {
			c, cancel := context.WithTimeout(ctx, d)
			defer cancel()
			if errs[i] = first.Lock(c); errs[i] != nil {
				return
			}
			defer first.Unlock()
			both.Done()
			both.Wait()
			if errs[i] = second.Lock(c); errs[i] == nil {
				second.Unlock()
			}
		}
		guard := 200 * time.Millisecond
		wg.Go(func() { take(0, mu1, mu2, 10*guard) })
		wg.Go(func() { take(1, mu2, mu1, guard) })
		wg.Wait()
		switch {
		case errs[0] != nil:
			return "", fmt.Errorf("A could not finish: %v", errs[0])
		case errs[1] == nil:
			return "", fmt.Errorf("B did not give up")
		}
		return fmt.Sprintf("B gave up waiting for mu1 after %.1f s (%v) and let go of mu2; A then took it and finished. A timeout turns a hang into an error you can handle.", guard.Seconds(), errs[1]), nil
	}},
}

// fixOrder is the order the fixes are shown in.
var fixOrder = []string{"lock-order", "relock", "forgotten-done", "guard"}

// ctxMutex is a mutex made of a channel with room for one: Lock can give up
// when ctx ends, which sync.Mutex's cannot.
type ctxMutex chan struct{}

func (m ctxMutex) Lock(ctx context.Context) error {
	select {
	case m <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (m ctxMutex) Unlock() { <-m }

// fixOp is the worker operation "lesson-deadlock-fix": run every fix, each
// with a deadline.
func fixOp(raw json.RawMessage) (any, error) {
	var timeout time.Duration
	if err := json.Unmarshal(raw, &timeout); err != nil {
		return nil, err
	}
	out := map[string]DeadlockFix{}
	for _, name := range fixOrder {
		f := fixes[name]
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		says, err := f.run(ctx)
		cancel()
		fx := DeadlockFix{How: f.how, Finished: err == nil, Says: says}
		if err != nil {
			fx.Says = "it did not finish: " + err.Error()
		}
		out[name] = fx
	}
	return out, nil
}

// firstLine is the first line of s that begins with prefix, trimmed.
func firstLine(s, prefix string) string {
	for line := range strings.Lines(s) {
		if strings.HasPrefix(line, prefix) {
			return strings.TrimSpace(line)
		}
	}
	return ""
}
