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

// Serve is a worker's main loop: it reads requests from the first pipe its
// parent passed it and answers on the second (proc.InheritedFiles) until
// its input ends, which happens when the parent closes the pool or dies.
// It runs on one core.
func Serve(handlers map[string]Handler) error {
	proc.WatchParent()
	proc.ReportCPU()
	runtime.GOMAXPROCS(1)
	proc.LowerFromEnv()
	files, err := proc.InheritedFiles("pool-requests", "pool-responses")
	if err != nil {
		return fmt.Errorf("pool worker: %w", err)
	}
	in, out := files[0], files[1]
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
