package pool

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"slices"

	"concurrencylab/jobs/proc"
)

// Handler does one request in a worker. It returns a JSON-encodable result or
// an error, which the parent's Call returns as a *RemoteError.
type Handler func(args json.RawMessage) (any, error)

// Serve is a worker's main loop: it reads requests from file descriptor 3 and
// answers on file descriptor 4 until its input ends, which happens when the
// parent closes the pool or dies. It runs on one core.
func Serve(handlers map[string]Handler) error {
	proc.WatchParent()
	runtime.GOMAXPROCS(1)
	proc.LowerFromEnv()
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
	if err := enc.Encode(hello{PID: os.Getpid(), Ops: ops, GOMAXPROCS: runtime.GOMAXPROCS(0), Nice: proc.Niceness(), Idle: proc.Idle()}); err != nil {
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
