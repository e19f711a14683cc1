package pool

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
)

// Handler does one request in a worker. It returns a JSON-encodable result or
// an error, which the parent's Call returns as a *RemoteError.
type Handler func(args json.RawMessage) (any, error)

// Serve is a worker's main loop: it reads requests from file descriptor 3 and
// answers on file descriptor 4 until its input ends, which happens when the
// parent closes the pool or dies. It runs on one core.
func Serve(handlers map[string]Handler) error {
	watchParent()
	runtime.GOMAXPROCS(1)
	LowerFromEnv()
	in := os.NewFile(3, "pool-requests")
	out := os.NewFile(4, "pool-responses")
	if in == nil || out == nil {
		return fmt.Errorf("pool worker: file descriptors 3 and 4 are not open")
	}
	defer in.Close()
	defer out.Close()
	enc := json.NewEncoder(out)
	ops := make([]string, 0, len(handlers))
	for op := range handlers {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	if err := enc.Encode(hello{PID: os.Getpid(), Ops: ops, GOMAXPROCS: runtime.GOMAXPROCS(0), Nice: niceness(), Idle: idle()}); err != nil {
		return err
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		var req request
		if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
			return fmt.Errorf("pool worker: bad request: %w", err)
		}
		resp := response{ID: req.ID}
		result, err := call(handlers[req.Op], req)
		if err == nil {
			resp.Result, err = json.Marshal(result)
		}
		if err != nil {
			resp.Error = err.Error()
		}
		if err := enc.Encode(resp); err != nil {
			return err // the parent is gone
		}
	}
	return sc.Err()
}

// call runs h, turning a panic into an error so one bad item cannot take the
// worker down.
func call(h Handler, req request) (result any, err error) {
	if h == nil {
		return nil, fmt.Errorf("worker has no operation %q", req.Op)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("worker panicked: %v\n%s", r, debug.Stack())
		}
	}()
	return h(req.Args)
}

// PriorityEnv is the environment that asks a worker process to run at nice
// n and, with idle, under SCHED_IDLE (see Config.Nice and Config.Idle); the
// worker obeys it with LowerFromEnv.
func PriorityEnv(nice int, idle bool) []string {
	env := []string{fmt.Sprintf("%s=%d", EnvNice, nice)}
	if idle {
		env = append(env, EnvIdle+"=1")
	}
	return env
}

// LowerFromEnv lowers this worker process's priority as its PriorityEnv
// asks. Call it first: threads started later inherit it.
func LowerFromEnv() {
	n, _ := strconv.Atoi(os.Getenv(EnvNice))
	if idle := os.Getenv(EnvIdle) == "1"; n > 0 || idle {
		lower(min(n, 19), idle)
	}
}
