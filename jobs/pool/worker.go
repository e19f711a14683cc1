package pool

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"concurrencylab/jobs/proc"
)

var errHung = errors.New("worker hung")

// worker is one running process.
type worker struct {
	cmd     *exec.Cmd
	in      *os.File // our end of its requests pipe
	out     *os.File // our end of its responses pipe
	rd      *bufio.Reader
	stderr  *tail
	hello   hello
	done    chan struct{} // closed when the process has been waited for
	waitErr error
}

func start(ctx context.Context, cfg Config) (*worker, error) {
	cmd := cfg.Command()
	reqR, reqW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	respR, respW, err := os.Pipe()
	if err != nil {
		reqR.Close()
		reqW.Close()
		return nil, err
	}
	w := &worker{cmd: cmd, in: reqW, out: respR, rd: bufio.NewReader(respR), stderr: &tail{max: 2048}, done: make(chan struct{})}
	cmd.Env = append(append(cmd.Environ(), EnvWorker+"=1", "GOMAXPROCS=1"), proc.PriorityEnv(cfg.Nice, cfg.Idle)...)
	cmd.Stdout = w.stderr // a worker should print nothing; keep it for the error message
	cmd.Stderr = w.stderr
	cmd.WaitDelay = time.Second
	err = proc.PassFiles(cmd, reqR, respW)
	if err == nil {
		err = proc.Start(cmd)
	}
	reqR.Close()  // the child's ends: after Start only the child holds them,
	respW.Close() // so its exit is EOF to us and our exit is EOF to it
	if err != nil {
		reqW.Close()
		respR.Close()
		return nil, fmt.Errorf("starting worker: %w", err)
	}
	go func() {
		w.waitErr = proc.Wait(cmd)
		close(w.done)
	}()
	var line []byte
	err = w.watch(ctx, cfg.StartTimeout, func() error {
		line, err = w.rd.ReadBytes('\n')
		return err
	})
	if err == nil {
		err = json.Unmarshal(line, &w.hello)
	}
	if err != nil {
		w.stop(0)
		return nil, fmt.Errorf("worker (pid %d) did not start: %v; %s; it said: %q", cmd.Process.Pid, err, w.exitStatus(), w.stderr.String())
	}
	return w, nil
}

// call sends one request and reads its response, killing the worker when ctx
// ends or the call takes longer than timeout.
func (w *worker) call(ctx context.Context, req request, timeout time.Duration) (response, error) {
	line, err := json.Marshal(req)
	if err != nil {
		return response{}, err
	}
	var resp response
	err = w.watch(ctx, timeout, func() error {
		if _, err := w.in.Write(append(line, '\n')); err != nil {
			return err
		}
		b, err := w.rd.ReadBytes('\n')
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &resp); err != nil {
			return fmt.Errorf("bad response %q: %w", b, err)
		}
		if resp.ID != req.ID {
			return fmt.Errorf("response to request %d while waiting for %d", resp.ID, req.ID)
		}
		return nil
	})
	return resp, err
}

// watch runs io, which blocks on the worker's pipes, and kills the worker if
// ctx ends or timeout passes first, not counting the time the worker waited
// for a CPU (see afterRunnable); the kill ends io with EOF.
func (w *worker) watch(ctx context.Context, timeout time.Duration, io func() error) error {
	var hung atomic.Bool
	t := afterRunnable(w.cmd.Process.Pid, timeout, func() { hung.Store(true); w.kill() })
	stop := context.AfterFunc(ctx, w.kill)
	err := io()
	if !t.Stop() && err == nil {
		err = errHung // the timer killed it as it answered
	}
	if !stop() && err == nil {
		err = ctx.Err() // so did a cancel: the worker is dead either way
	}
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case hung.Load():
		return fmt.Errorf("%w: no answer after %v (not counting the time it waited for a CPU)", errHung, timeout)
	}
	return err
}

// kill kills the worker's whole process group, unless it has been waited
// for (see proc.KillUnlessWaited).
func (w *worker) kill() { proc.KillUnlessWaited(w.cmd, w.done) }

// stop closes the worker's input, waits up to grace for it to exit, kills it if
// it has not, and waits for it. It is safe to call more than once.
func (w *worker) stop(grace time.Duration) {
	w.in.Close()
	if grace > 0 {
		t := time.NewTimer(grace)
		select {
		case <-w.done:
		case <-t.C:
		}
		t.Stop()
	}
	w.kill()
	<-w.done
	w.out.Close()
}

// exitStatus says how the process ended, or "" while it runs.
func (w *worker) exitStatus() string {
	select {
	case <-w.done:
	case <-time.After(2 * time.Second):
		return ""
	}
	if w.waitErr == nil {
		return "exit status 0"
	}
	return w.waitErr.Error()
}

// exitCode is the process's exit status once it has ended, -1 while it runs
// or when a signal ended it.
func (w *worker) exitCode() int {
	if w.exitStatus() == "" {
		return -1
	}
	return w.cmd.ProcessState.ExitCode()
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = t.b[len(t.b)-t.max:]
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.b))
}
