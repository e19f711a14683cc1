package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"time"

	"concurrencylab/jobs/cluster"
	"concurrencylab/jobs/fetch"
	"concurrencylab/jobs/imagecheck"
	"concurrencylab/jobs/pool"
	"concurrencylab/jobs/thumb"
)

func (r *run) newClient(workers int) *fetch.Client {
	c := fetch.New(workers)
	c.Limits = r.spec.Limits
	c.ItemTimeout = r.spec.ItemTimeout
	return c
}

// local returns the in-process step for stage.
func (r *run) local(stage string) stepFunc {
	if stage == "download" {
		return func(ctx context.Context, it *itemState) (Phases, int64, error) {
			res, err := r.client.Download(ctx, it.URL, r.downloads)
			if err != nil {
				return Phases{}, 0, err
			}
			it.noteDownload(res)
			return Phases{Network: res.Network}, res.Bytes, nil
		}
	}
	return func(ctx context.Context, it *itemState) (Phases, int64, error) {
		src, err := r.source(it)
		if err != nil {
			return Phases{}, 0, err
		}
		info, err := thumb.File(src, r.thumbPath(it), r.spec.Size, r.spec.Limits, r.spec.Decoder)
		if err != nil {
			return Phases{}, 0, err
		}
		it.noteThumb(info)
		return thumbPhases(info), info.Bytes, nil
	}
}

// remote returns the step for stage done by the worker process in slot s.
// Its IPC phase is the round trip less the time the worker reports working.
func (r *run) remote(s *pool.Slot, stage string) stepFunc {
	if stage == "download" {
		return func(ctx context.Context, it *itemState) (Phases, int64, error) {
			t0 := time.Now()
			var res fetch.Result
			args := downloadArgs{URL: it.URL, Dir: r.downloads, Limits: r.spec.Limits, Timeout: r.spec.ItemTimeout}
			if err := s.Call(ctx, "download", args, &res); err != nil {
				return Phases{}, 0, err
			}
			it.noteDownload(res)
			return Phases{Network: res.Network, IPC: time.Since(t0) - res.Network}, res.Bytes, nil
		}
	}
	return func(ctx context.Context, it *itemState) (Phases, int64, error) {
		src, err := r.source(it)
		if err != nil {
			return Phases{}, 0, err
		}
		t0 := time.Now()
		var info thumb.Info
		args := thumbArgs{Src: src, Dst: r.thumbPath(it), Size: r.spec.Size, Limits: r.spec.Limits, Decoder: r.spec.Decoder}
		if err := s.Call(ctx, "thumbnail", args, &info); err != nil {
			return Phases{}, 0, err
		}
		it.noteThumb(info)
		ph := thumbPhases(info)
		ph.IPC = time.Since(t0) - ph.Decode - ph.Resize - ph.Encode
		return ph, info.Bytes, nil
	}
}

func thumbPhases(info thumb.Info) Phases {
	return Phases{Decode: info.Timings.Decode, Resize: info.Timings.Resize, Encode: info.Timings.Encode}
}

func (it *itemState) noteDownload(res fetch.Result) {
	it.info.Download, it.info.Format = res.Path, res.Format
	it.info.Bytes, it.info.Width, it.info.Height = res.Bytes, res.Width, res.Height
}

func (it *itemState) noteThumb(info thumb.Info) {
	it.info.Thumbnail, it.info.Format = info.Path, info.Format
	it.info.Bytes, it.info.Width, it.info.Height = info.SrcBytes, info.SrcWidth, info.SrcHeight
	it.info.ThumbWidth, it.info.ThumbHeight, it.info.ThumbBytes = info.Width, info.Height, info.Bytes
}

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

// ServeIfWorker serves and exits when this process was started as a pool
// worker; otherwise it returns at once. Call it first in main, and in the
// TestMain of tests that start Processes runs, which re-execute the test binary.
func ServeIfWorker() {
	if cluster.IsLocalWorker() {
		serveOffMain(func() error { return cluster.ServeLocal(clusterHandler) })
	}
	if !pool.IsWorker() {
		return
	}
	serveOffMain(ServeWorker)
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

// workerOps are the operations other packages add to worker processes (see
// RegisterWorkerOp).
var workerOps = map[string]pool.Handler{}

// RegisterWorkerOp adds an operation that worker processes serve, for
// experiments that need a process of their own (the lessons' counters and
// crashes). Call it from an init function, so the worker, which is the same
// program, has it too.
func RegisterWorkerOp(op string, h pool.Handler) {
	if _, dup := workerOps[op]; dup || op == "thumbnail" || op == "download" {
		panic("jobs: worker operation " + op + " registered twice")
	}
	workerOps[op] = h
}

// ServeWorker is the main loop of `concurrencylab worker`, the process that a
// Processes run starts Workers of. It serves until its parent goes away.
func ServeWorker() error {
	var client *fetch.Client
	ops := map[string]pool.Handler{
		"thumbnail": func(raw json.RawMessage) (any, error) {
			var a thumbArgs
			if err := json.Unmarshal(raw, &a); err != nil {
				return nil, err
			}
			return thumb.File(a.Src, a.Dst, a.Size, a.Limits, a.Decoder)
		},
		"download": func(raw json.RawMessage) (any, error) {
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
	maps.Copy(ops, workerOps)
	return pool.Serve(ops)
}
