package jobs

// The worker's side of a Processes run: this program re-executed, serving
// the steps that steps.go's remote sends it.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"concurrencylab/jobs/cluster"
	"concurrencylab/jobs/fetch"
	"concurrencylab/jobs/imagecheck"
	"concurrencylab/jobs/pool"
	"concurrencylab/jobs/thumb"
)

// thumbArgs and downloadArgs are the arguments of the worker's "thumbnail"
// and "download" operations.
type thumbArgs struct {
	Src, Dst string
	Size     int
	Limits   imagecheck.Limits
	Decoder  thumb.Decoder
}

type downloadArgs struct {
	URL, Dir string
	Limits   imagecheck.Limits
	Timeout  time.Duration
}

// ServeIfWorker serves and exits when this process was started as a worker
// process; otherwise it returns at once. A pool worker serves the runs'
// operations and extra, those of experiments that need a process of their
// own (the lessons' counters and crashes: lesson.WorkerOps): the worker is
// this same program, so the caller that starts such a worker must pass the
// same extra here. Call it first in main, and in the TestMain of tests that
// start worker processes, which re-execute the test binary.
func ServeIfWorker(extra map[string]pool.Handler) {
	if cluster.IsLocalWorker() {
		serveOffMain(func() error { return cluster.ServeLocal(clusterHandler) })
	}
	if !pool.IsWorker() {
		return
	}
	serveOffMain(func() error { return ServeWorker(extra) })
}

// serveOffMain runs serve and exits with its outcome.
func serveOffMain(serve func() error) {
	// Serve off the main goroutine: a GUI toolkit in the same binary (Fyne's
	// GL driver) locks it to the main thread, where work measured 50% slower.
	done := make(chan error)
	go func() { done <- serve() }()
	if err := <-done; err != nil {
		fmt.Fprintln(os.Stderr, "concurrencylab worker:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// ServeWorker is the main loop of a pool worker, the process that a Processes
// run starts Workers of: the runs' operations and extra. It serves until its
// parent goes away.
func ServeWorker(extra map[string]pool.Handler) error {
	var client *fetch.Client
	ops := map[string]pool.Handler{
		string(ThumbnailStage): func(raw json.RawMessage) (any, error) {
			var a thumbArgs
			if err := json.Unmarshal(raw, &a); err != nil {
				return nil, err
			}
			return thumb.File(a.Src, a.Dst, a.Size, a.Limits, a.Decoder)
		},
		string(DownloadStage): func(raw json.RawMessage) (any, error) {
			var a downloadArgs
			if err := json.Unmarshal(raw, &a); err != nil {
				return nil, err
			}
			if client == nil {
				client = fetch.New(1)
			}
			client.Limits, client.ItemTimeout = a.Limits, a.Timeout
			return client.Download(context.Background(), a.URL, a.Dir)
		},
	}
	for op, h := range extra {
		if _, dup := ops[op]; dup {
			return fmt.Errorf("worker operation %q is the runs' own", op)
		}
		ops[op] = h
	}
	return pool.Serve(ops)
}
