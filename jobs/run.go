package jobs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"concurrencylab/jobs/atomicfile"
	"concurrencylab/jobs/cpuset"
	"concurrencylab/jobs/cpustat"
	"concurrencylab/jobs/fetch"
	"concurrencylab/jobs/pool"
	"concurrencylab/jobs/priority"
)

// running is held while a run has GOMAXPROCS set for it: runs in one process
// take turns, or their core counts would be lies.
var running sync.Mutex

// ErrBusy is returned by Run while another run is in progress in this process.
var ErrBusy = errors.New("another run is in progress")

// Run does spec's task to each item in spec's mode, reporting to rep, and
// returns what it measured. It returns when every goroutine and worker process
// it started has ended. Item failures are in the Result, not the error; the
// error is for a run that could not start, or ctx's error when cancelled (the
// Result then counts what was done).
func Run(ctx context.Context, spec Spec, rep Reporter) (Result, error) {
	if err := spec.complete(); err != nil {
		return Result{}, err
	}
	if rep == nil {
		rep = Discard
	}
	if !running.TryLock() {
		return Result{}, ErrBusy
	}
	defer running.Unlock()
	r := &run{spec: spec, rep: rep, items: make([]itemState, len(spec.Items)),
		downloads: filepath.Join(spec.OutDir, "downloads"), thumbs: filepath.Join(spec.OutDir, "thumbs")}
	for _, d := range []string{r.downloads, r.thumbs} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return Result{}, err
		}
	}
	for i, it := range spec.Items {
		r.items[i] = itemState{idx: i, Item: it}
	}

	cores := spec.CoreCount()
	if spec.capped() {
		r.pinned = cpuset.Pick(cores)
	}
	if spec.Mode != Processes && spec.Mode != Cluster {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(spec.procs()))
	}
	cpu0, kids0 := cpustat.Take(), childrenCPU()
	r.start = time.Now()
	rep.Report(Event{Kind: RunStarted, Item: -1, Total: len(spec.Items), Workers: spec.Workers})

	var err error
	var cl ClusterStats
	switch spec.Mode {
	case Blocking, Sequential:
		kind := Goroutine
		if spec.Mode == Blocking {
			kind = UIThread
		}
		r.sequential(ctx, Worker{Kind: kind, Index: 1})
	case Goroutines:
		r.goroutines(ctx)
	case Processes:
		err = r.processes(ctx)
	case Cluster:
		cl, err = r.cluster(ctx)
	}
	if spec.Mode == Processes || spec.Mode == Cluster {
		r.removeStrays()
	}
	use := cpustat.Between(cpu0, cpustat.Take())
	res := r.result(time.Since(r.start), use.Ours, cores)
	if use.Known {
		others := use.Others.Seconds()
		res.OtherCPUSeconds = &others
	}
	if r.laneCPUKnown.Load() {
		work := (time.Duration(r.laneCPU.Load()) + childrenCPU() - kids0).Seconds()
		res.WorkCPUSeconds = &work
	}
	res.Queue = r.queue.stats()
	res.Unpinned = r.unpinned.Load()
	res.ClusterStats = cl
	if err == nil {
		err = ctx.Err()
	}
	rep.Report(Event{Kind: RunFinished, At: time.Since(r.start), Item: -1, Result: &res})
	return res, err
}

type run struct {
	spec              Spec
	rep               Reporter
	start             time.Time
	items             []itemState
	downloads, thumbs string
	client            *fetch.Client // in-process downloads
	pinned            []int         // the CPUs a capped goroutine pool runs on
	// laneCPU adds up the CPU time of the threads the run's work ran on (see
	// Result.WorkCPUSeconds), in nanoseconds.
	laneCPU      atomic.Int64
	laneCPUKnown atomic.Bool
	unpinned     atomic.Bool // a capped pool's thread that could not be pinned
	queue        *queueMeter // between a pipeline's stages
}

// itemState is owned by one goroutine at a time; channels hand it over.
type itemState struct {
	Item
	idx  int
	done bool
	err  *ItemError
	info Info
}

func (r *run) emit(e Event) {
	e.At = time.Since(r.start)
	r.rep.Report(e)
}

// stages lists the steps of the task, in order.
func (r *run) stages() []Stage {
	switch r.spec.Task {
	case Download:
		return []Stage{DownloadStage}
	case Thumbnail:
		return []Stage{ThumbnailStage}
	}
	return []Stage{DownloadStage, ThumbnailStage}
}

// sequential does every step of every item on the calling goroutine.
func (r *run) sequential(ctx context.Context, w Worker) {
	runtime.LockOSThread() // its thread is the work's: see timeLane
	defer runtime.UnlockOSThread()
	defer r.timeLane()()
	r.client = r.newClient(1)
	defer r.client.Close()
	for i := range r.items {
		if ctx.Err() != nil {
			return
		}
		for _, stage := range r.stages() {
			if !r.step(ctx, &r.items[i], stage, w, r.local(stage)) {
				break
			}
		}
		r.finish(&r.items[i])
	}
}

// goroutines runs Workers goroutines per stage; a pipeline's download
// goroutines hand items to its thumbnail goroutines as they arrive.
func (r *run) goroutines(ctx context.Context) {
	n := r.spec.Workers
	r.client = r.newClient(n)
	defer r.client.Close()
	r.stagesOn(ctx, func(stage Stage, i int) (func() Worker, stepFunc) {
		return fixed(Worker{Kind: Goroutine, Role: r.role(stage), Index: i + 1}), r.local(stage)
	})
}

// timeLane starts timing the CPU of the calling goroutine's thread, to which
// it must be locked, and returns the function that adds it to the run's.
func (r *run) timeLane() (stop func()) {
	t0, ok := threadCPU()
	if !ok {
		return func() {}
	}
	return func() {
		if t1, ok := threadCPU(); ok {
			r.laneCPU.Add(int64(t1 - t0))
			r.laneCPUKnown.Store(true)
		}
	}
}

// setLane readies the goroutine of a goroutine pool's lane: on a thread pinned
// to the pool's cores when they are capped (see Spec.CoreCount), and lowered
// below this process's priority when the spec asks (see Spec.WorkerNice).
// A process pool's lanes only wait on its workers.
func (r *run) setLane() {
	// Every lane is on a thread of its own, whose CPU time is the lane's
	// work (see timeLane). The goroutine ends locked, so the thread ends
	// with it.
	runtime.LockOSThread()
	if r.spec.Mode != Goroutines {
		return
	}
	if r.spec.capped() && (r.pinned == nil || !cpuset.PinThread(r.pinned)) {
		r.unpinned.Store(true)
	}
	if r.spec.lowered() {
		priority.LowerThread(r.spec.WorkerNice, r.spec.WorkerIdle)
	}
}

// processes runs the CPU stage (and a lone download stage) in worker
// processes; a pipeline downloads on goroutines of this process, which only wait.
func (r *run) processes(ctx context.Context) error {
	n := r.spec.Workers
	p, err := pool.Start(ctx, pool.Config{Workers: n, Command: r.spec.WorkerCommand, CallTimeout: r.spec.ItemTimeout, Nice: r.spec.WorkerNice, Idle: r.spec.WorkerIdle})
	if err != nil {
		return err
	}
	defer p.Close()
	stages := r.stages()
	for i := range n { // the processes do the last stage
		s := p.Slot(i)
		r.emit(Event{Kind: WorkerUp, Item: -1, Worker: Worker{Kind: Process, Role: r.role(stages[len(stages)-1]), Index: s.Index(), PID: s.PID()}})
	}
	r.client = r.newClient(n)
	defer r.client.Close()
	r.stagesOn(ctx, func(stage Stage, i int) (func() Worker, stepFunc) {
		if r.spec.Task == Pipeline && stage == DownloadStage {
			return fixed(Worker{Kind: Goroutine, Role: stage, Index: i + 1}), r.local(stage)
		}
		s := p.Slot(i)
		// The PID is read per item: a crashed worker's replacement has a new one.
		who := func() Worker { return Worker{Kind: Process, Role: r.role(stage), Index: s.Index(), PID: s.PID()} }
		return who, r.remote(s, stage)
	})
	return nil
}

// stagesOn starts Workers goroutines for each stage, chained by channels, and
// waits for all of them. lane says who works stage's i-th lane and how.
func (r *run) stagesOn(ctx context.Context, lane func(stage Stage, i int) (func() Worker, stepFunc)) {
	in := make(chan *itemState, len(r.items))
	for _, i := range r.order() {
		in <- &r.items[i]
	}
	close(in)
	stages := r.stages()
	var all sync.WaitGroup
	var from *queueMeter // the metered queue the stage takes from: none for the first
	for si, stage := range stages {
		last := si == len(stages)-1
		src, capacity := in, len(r.items)
		var q *queueMeter // the queue after the stage, if another follows
		if !last {
			q = r.newQueue()
			r.queue, capacity = q, q.capacity
		}
		out := make(chan *itemState, capacity)
		var wg sync.WaitGroup
		take := from
		for i := range r.spec.Workers {
			who, do := lane(stage, i)
			wg.Go(func() {
				r.setLane()
				defer r.timeLane()()
				for {
					it, ok := take.take(src)
					if !ok {
						return
					}
					if ctx.Err() != nil {
						continue // drain: what is left is counted as cancelled
					}
					if !r.step(ctx, it, stage, who(), do) || last {
						r.finish(it)
						continue
					}
					q.put(out, it)
				}
			})
		}
		all.Go(func() { wg.Wait(); close(out) })
		in, from = out, q
	}
	all.Wait()
}

// order is the order in which a pool takes items: largest first when every
// size is known (LPT scheduling: a pool does not end waiting on one large
// straggler), else as given.
func (r *run) order() []int {
	idx := make([]int, len(r.items))
	known := true
	for i, it := range r.items {
		idx[i] = i
		known = known && it.Bytes > 0
	}
	if known {
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(r.items[b].Bytes, r.items[a].Bytes) })
	}
	return idx
}

// stepFunc does one stage of one item, returning its phases and the bytes it
// received or wrote.
type stepFunc func(ctx context.Context, it *itemState) (Phases, int64, error)

func fixed(w Worker) func() Worker { return func() Worker { return w } }

// role names a pipeline's stage on its workers; other tasks have one stage.
func (r *run) role(stage Stage) Stage {
	if r.spec.Task == Pipeline {
		return stage
	}
	return ""
}

// step runs one stage of it, reporting its start and end; it reports whether
// the item may go on.
func (r *run) step(ctx context.Context, it *itemState, stage Stage, w Worker, do stepFunc) bool {
	if it.Err != nil {
		it.err = &ItemError{Item: it.idx, Name: it.Name, Stage: stage, Error: it.Err.Error()}
		r.emit(Event{Kind: ItemFailed, Item: it.idx, Name: it.Name, Stage: stage, Worker: w, Err: it.Err})
		return false
	}
	r.emit(Event{Kind: StepStarted, Item: it.idx, Name: it.Name, Stage: stage, Worker: w})
	ph, n, err := do(ctx, it)
	if err != nil {
		if ctx.Err() != nil {
			return false // cancelled, not failed
		}
		it.err = &ItemError{Item: it.idx, Name: it.Name, Stage: stage, Error: err.Error()}
		r.emit(Event{Kind: ItemFailed, Item: it.idx, Name: it.Name, Stage: stage, Worker: w, Err: err})
		return false
	}
	it.info.Phases = it.info.Phases.Add(ph)
	r.emit(Event{Kind: StepFinished, Item: it.idx, Name: it.Name, Stage: stage, Worker: w, Phases: ph, Bytes: n})
	return true
}

// finish marks an item complete unless it failed or its last stage's output
// is missing (cancelled part-way).
func (r *run) finish(it *itemState) {
	if it.err != nil || it.done {
		return
	}
	out := it.info.Thumbnail
	if r.spec.Task == Download {
		out = it.info.Download
	}
	if out == "" {
		return
	}
	it.done = true
	r.emit(Event{Kind: ItemDone, Item: it.idx, Name: it.Name, Info: it.info})
}

func (r *run) result(wall, cpu time.Duration, cores int) Result {
	res := Result{Task: r.spec.Task, Mode: r.spec.Mode, Workers: r.spec.Workers, Cores: cores,
		Items: len(r.items), WallSeconds: wall.Seconds(), CPUSeconds: cpu.Seconds(),
		Formats: map[string]int{}, PhaseSeconds: map[string]float64{}, Errors: []ItemError{}}
	if r.spec.Task != Download {
		res.Decoder = string(r.spec.Decoder)
	}
	var sum Phases
	for _, it := range r.items {
		switch {
		case it.err != nil:
			res.Failed++
			res.Errors = append(res.Errors, *it.err)
		case it.done:
			res.OK++
			res.Bytes += it.info.Bytes
			if it.info.Format != "" {
				res.Formats[it.info.Format]++
			}
			if it.info.Warning != "" {
				res.Warnings = append(res.Warnings, ItemWarning{Item: it.idx, Name: it.Name, Warning: it.info.Warning})
			}
			sum = sum.Add(it.info.Phases)
		default:
			res.Canceled++
		}
	}
	for name, d := range map[string]time.Duration{"network": sum.Network, "decode": sum.Decode,
		"resize": sum.Resize, "encode": sum.Encode, "ipc": sum.IPC} {
		res.PhaseSeconds[name] = d.Seconds()
	}
	return res
}

func (r *run) thumbPath(it *itemState) string {
	key := it.Path
	if it.URL != "" {
		key = it.URL
	}
	return filepath.Join(r.thumbs, fetch.Name(key, "jpeg"))
}

func (r *run) source(it *itemState) (string, error) {
	if it.info.Download != "" {
		return it.info.Download, nil
	}
	if it.Path == "" {
		return "", fmt.Errorf("no local file to thumbnail (download it first, or run the pipeline)")
	}
	return it.Path, nil
}

// removeStrays removes the temporary files that worker processes killed
// mid-write (by Cancel, a crash or a hang) left in the run's folders: such a
// file was never renamed into place, so nothing half-written is visible,
// but it should not stay either. A run's workers have all ended by now.
func (r *run) removeStrays() {
	for _, dir := range []string{r.downloads, r.thumbs} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if atomicfile.IsTemp(e.Name()) {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
}
