// Package pool runs work in a pool of worker processes: each worker is this same
// program re-executed (see IsWorker and Serve), speaking JSON lines with request
// IDs over two dedicated pipes (file descriptors 3 and 4 on Unix, inherited
// handles on Windows: see proc.PassFiles), so that whatever a
// worker prints on stdout or stderr cannot corrupt the protocol. Each worker runs
// with GOMAXPROCS=1, handles one request at a time, and is supervised: a worker
// that crashes or hangs fails only its in-flight call and is replaced.
package pool

import (
	"encoding/json"
	"os"
)

// EnvWorker is set to "1" in a worker's environment.
const EnvWorker = "CONCURRENCYLAB_WORKER"

// IsWorker reports whether this process was started as a pool worker.
func IsWorker() bool { return os.Getenv(EnvWorker) == "1" }

type request struct {
	ID   uint64          `json:"id"`
	Op   string          `json:"op"`
	Args json.RawMessage `json:"args"`
}

type response struct {
	ID     uint64          `json:"id"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  string          `json:"error,omitempty"`
}

// hello is a worker's first message: who it is and what it can do.
type hello struct {
	PID        int      `json:"pid"`
	Ops        []string `json:"ops"`
	GOMAXPROCS int      `json:"gomaxprocs"`
	Nice       int      `json:"nice"`
	Idle       bool     `json:"idle,omitempty"`
}
