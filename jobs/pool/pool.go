package pool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// Config says how to run a pool.
type Config struct {
	Workers int
	// Command makes the command of one worker; nil re-executes this program as
	// "PROGRAM worker". Pool adds the pipes, the environment and the process group.
	Command func() *exec.Cmd
	// CallTimeout is how long one call may take before its worker counts as hung
	// and is killed and replaced; 0 means 2 minutes.
	CallTimeout time.Duration
	// StartTimeout bounds a worker's start-up until its hello; 0 means 20 s.
	StartTimeout time.Duration
	// Nice lowers the workers' scheduling priority (Unix nice, 0 to 19), so
	// that an interactive parent, such as a window, keeps getting the CPU
	// when the workers saturate every core.
	Nice int
	// Idle runs the workers under Linux's SCHED_IDLE policy as well: the OS
	// gives them the CPU only when nothing else wants it, and takes it back
	// as soon as something does. Ignored elsewhere.
	Idle bool
}

// Pool is a set of supervised worker processes, one Slot each.
type Pool struct {
	cfg   Config
	slots []*Slot
}

// RemoteError is an error returned by a worker's handler: the item failed, the
// worker is fine.
type RemoteError struct{ Msg string }

func (e *RemoteError) Error() string { return e.Msg }

// WorkerError is a call that failed because its worker crashed or hung. The
// worker has been replaced (unless Restart says why not).
type WorkerError struct {
	Slot, PID int
	Hung      bool
	Exit      string // how the process ended
	ExitCode  int    // its exit status; -1 when a signal ended it or it is unknown
	Stderr    string // the end of what it wrote
	Restart   error  // non-nil when no replacement could be started
}

func (e *WorkerError) Error() string {
	what := "crashed (" + e.Exit + ")"
	if e.Hung {
		what = "hung and was killed"
	}
	msg := fmt.Sprintf("worker %d (pid %d) %s", e.Slot, e.PID, what)
	if e.Stderr != "" {
		msg += "; it said: " + e.Stderr
	}
	if e.Restart != nil {
		msg += "; replacing it failed: " + e.Restart.Error()
	} else {
		msg += "; replaced"
	}
	return msg
}

// Start starts cfg.Workers workers and waits until each has said hello.
func Start(ctx context.Context, cfg Config) (*Pool, error) {
	if cfg.Workers < 1 {
		return nil, fmt.Errorf("a pool needs at least one worker, not %d", cfg.Workers)
	}
	if cfg.CallTimeout <= 0 {
		cfg.CallTimeout = 2 * time.Minute
	}
	if cfg.StartTimeout <= 0 {
		cfg.StartTimeout = 20 * time.Second
	}
	if cfg.Command == nil {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("finding this program to run workers: %w", err)
		}
		cfg.Command = func() *exec.Cmd { return exec.Command(exe, "worker") }
	}
	p := &Pool{cfg: cfg, slots: make([]*Slot, cfg.Workers)}
	var g errgroup.Group
	for i := range p.slots {
		p.slots[i] = &Slot{index: i + 1, pool: p}
		g.Go(func() error {
			w, err := start(ctx, cfg)
			p.slots[i].w = w
			return err
		})
	}
	if err := g.Wait(); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// Size is the number of workers.
func (p *Pool) Size() int { return len(p.slots) }

// Slot returns worker i, counting from 0.
func (p *Pool) Slot(i int) *Slot { return p.slots[i] }

// Close stops every worker: it closes its input, so that it exits on its own,
// and kills it when it does not within a second. It waits for all of them.
func (p *Pool) Close() error {
	var wg sync.WaitGroup
	for _, s := range p.slots {
		wg.Go(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.w != nil {
				s.w.stop(time.Second)
				s.w = nil
			}
			s.closed = true
		})
	}
	wg.Wait()
	return nil
}

// Slot is one place in the pool. Its worker process may change when one
// crashes; its index does not. Calls on a slot are serialised.
type Slot struct {
	index  int
	pool   *Pool
	mu     sync.Mutex
	w      *worker
	nextID uint64
	closed bool
}

// Index is the slot's number, from 1.
func (s *Slot) Index() int { return s.index }

// PID is the process ID of the slot's current worker, 0 if it has none.
func (s *Slot) PID() int { return s.hello().PID }

// GOMAXPROCS is what the current worker said it runs with.
func (s *Slot) GOMAXPROCS() int { return s.hello().GOMAXPROCS }

// Nice is what the current worker said its niceness is.
func (s *Slot) Nice() int { return s.hello().Nice }

// Idle is whether the current worker said all its threads run under
// SCHED_IDLE.
func (s *Slot) Idle() bool { return s.hello().Idle }

// hello is what the current worker said when it started; zero without one.
func (s *Slot) hello() hello {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.w == nil {
		return hello{}
	}
	return s.w.hello
}

// Call sends op with args to the slot's worker and decodes its result into
// result. A handler's error is a *RemoteError; a crash or hang is a *WorkerError
// after which the slot has a new worker; cancelling ctx kills the worker at once
// and returns ctx's error.
func (s *Slot) Call(ctx context.Context, op string, args, result any) error {
	raw, err := json.Marshal(args)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("pool is closed")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.w == nil { // the last one was killed by a cancelled call
		if s.w, err = start(ctx, s.pool.cfg); err != nil {
			return err
		}
	}
	s.nextID++
	resp, callErr := s.w.call(ctx, request{ID: s.nextID, Op: op, Args: raw}, s.pool.cfg.CallTimeout)
	if callErr != nil {
		return s.replace(ctx, callErr)
	}
	if resp.Error != "" {
		return &RemoteError{Msg: resp.Error}
	}
	if result != nil {
		return json.Unmarshal(resp.Result, result)
	}
	return nil
}

// replace reaps a worker whose call failed and starts another, unless the call
// was cancelled, in which case the next call starts one.
func (s *Slot) replace(ctx context.Context, callErr error) error {
	old := s.w
	s.w = nil
	old.stop(0)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	we := &WorkerError{Slot: s.index, PID: old.hello.PID, Hung: errors.Is(callErr, errHung),
		Exit: old.exitStatus(), ExitCode: old.exitCode(), Stderr: old.stderr.String()}
	if !we.Hung && we.Exit == "" {
		we.Exit = callErr.Error()
	}
	s.w, we.Restart = start(ctx, s.pool.cfg)
	return we
}
