package cluster

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"concurrencylab/jobs/proc"
)

// The environment of a local worker process: this program re-executed by a
// run to work for its server (see StartLocal and ServeLocal).
const (
	EnvWorker = "CONCURRENCYLAB_CLUSTER_WORKER" // "1"
	EnvURL    = "CONCURRENCYLAB_CLUSTER_URL"
	EnvToken  = "CONCURRENCYLAB_CLUSTER_TOKEN" // in the environment, not argv, which `ps` shows everyone
)

// IsLocalWorker reports whether this process was started by StartLocal.
func IsLocalWorker() bool { return os.Getenv(EnvWorker) == "1" }

// ServeLocal is a local worker process's main loop: one worker, on one core,
// until its standard input ends (its run closed it, or died) or it is
// interrupted. It gives an item it is working on back at once when it stops.
// It first lowers its priority when its run asked (see LocalOptions).
func ServeLocal(h Handler) error {
	proc.LowerFromEnv()
	proc.ReportCPU()
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	go func() {
		io.Copy(io.Discard, os.Stdin) // EOF: the parent closed the pipe, or is gone
		cancel()
	}()
	return Serve(ctx, WorkerOptions{URL: os.Getenv(EnvURL), Token: os.Getenv(EnvToken), Workers: 1, Handler: h}, nil)
}

// Local is a set of worker processes on this machine, restarted when one
// dies, until Close.
type Local struct {
	url, token string
	opt        LocalOptions
	mu         sync.Mutex
	procs      map[int]*child // by slot
	closed     bool
	restarts   int
	n          int
	wg         sync.WaitGroup
	// OnExit, when set before the first exit, hears of a worker that died.
	OnExit func(pid int, status string)
}

type child struct {
	cmd  *exec.Cmd
	in   io.WriteCloser
	done chan struct{}
}

// LocalOptions say how local worker processes are started.
type LocalOptions struct {
	// Command makes one worker's command; nil re-executes this program.
	Command func() *exec.Cmd
	// Nice and Idle lower the workers' priority as a process pool's (see
	// pool.Config): below a window that must stay smooth.
	Nice int
	Idle bool
}

// StartLocal starts n worker processes that join the server at url; the
// processes get their own process group and die with their parent.
func StartLocal(n int, url, token string, opt LocalOptions) (*Local, error) {
	if opt.Command == nil {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("finding this program to run workers: %w", err)
		}
		opt.Command = func() *exec.Cmd { return exec.Command(exe, "cluster-worker") }
	}
	l := &Local{url: url, token: token, opt: opt, procs: map[int]*child{}, n: n}
	var err error
	l.mu.Lock() // a worker that dies at once is replaced under the lock
	for i := 0; i < n && err == nil; i++ {
		err = l.start(i)
	}
	l.mu.Unlock()
	if err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

func (l *Local) start(slot int) error {
	cmd := l.opt.Command()
	cmd.Env = append(cmd.Environ(), EnvWorker+"=1", EnvURL+"="+l.url, EnvToken+"="+l.token, "GOMAXPROCS=1")
	cmd.Env = append(cmd.Env, proc.PriorityEnv(l.opt.Nice, l.opt.Idle)...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr // workers print only their errors
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := proc.Start(cmd); err != nil {
		return fmt.Errorf("starting a cluster worker: %w", err)
	}
	p := &child{cmd: cmd, in: in, done: make(chan struct{})}
	l.procs[slot] = p
	l.wg.Go(func() {
		err := proc.Wait(cmd)
		close(p.done)
		l.exited(slot, p, err)
	})
	return nil
}

// exited replaces a worker that died while the run goes on; its item, if
// it had one, is redelivered by the server after the ack wait. After 3
// restarts per worker in all it stops replacing them (a worker that cannot
// start).
func (l *Local) exited(slot int, p *child, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed || l.procs[slot] != p {
		return
	}
	if l.OnExit != nil {
		status := "exit status 0"
		if err != nil {
			status = err.Error()
		}
		l.OnExit(p.cmd.Process.Pid, status)
	}
	delete(l.procs, slot)
	if l.restarts < 3*l.n {
		l.restarts++
		l.start(slot)
	}
}

// PIDs lists the running workers' process IDs.
func (l *Local) PIDs() []int {
	l.mu.Lock()
	defer l.mu.Unlock()
	var pids []int
	for _, p := range l.procs {
		pids = append(pids, p.cmd.Process.Pid)
	}
	return pids
}

// Close stops every worker: it closes their input, so that they give back
// what they hold and exit, kills those still there after a second, and
// waits for all of them.
func (l *Local) Close() {
	l.mu.Lock()
	l.closed = true
	procs := l.procs
	l.mu.Unlock()
	for _, p := range procs {
		p.in.Close()
	}
	grace, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	for _, p := range procs {
		select {
		case <-p.done:
		case <-grace.Done():
			proc.KillUnlessWaited(p.cmd, p.done)
		}
	}
	l.wg.Wait()
}
