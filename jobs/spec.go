package jobs

import (
	"fmt"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"concurrencylab/jobs/imagecheck"
	"concurrencylab/jobs/thumb"
)

// Task is what a run does to each image.
type Task string

const (
	Download  Task = "download"
	Thumbnail Task = "thumbnail"
	Pipeline  Task = "pipeline" // downloads stream straight into thumbnailing
)

// Mode is how a run spreads the work.
type Mode string

const (
	// Blocking is Sequential run on the caller's goroutine, which in the window
	// is the UI goroutine: the window freezes. That is the lesson.
	Blocking Mode = "blocking"
	// Sequential runs one item after another on one goroutine and one core.
	Sequential Mode = "sequential"
	// Goroutines runs a pool of Workers goroutines on min(Workers, CPUs) cores.
	Goroutines Mode = "goroutines"
	// Processes runs a pool of Workers worker processes of one core each.
	Processes Mode = "processes"
	// Cluster queues one thumbnail task per image on a NATS JetStream server
	// (see Spec.Cluster and package cluster); Workers local worker processes
	// of one core each, and any that other machines join, take them.
	Cluster Mode = "cluster"
)

// Tasks and Modes list the valid values, in display order: the modes of one
// machine, then Cluster.
var (
	Tasks = []Task{Download, Thumbnail, Pipeline}
	Modes = []Mode{Blocking, Sequential, Goroutines, Processes, Cluster}
)

// ParseTask and ParseMode check a name given by a user.
func ParseTask(s string) (Task, error) {
	for _, t := range Tasks {
		if string(t) == s {
			return t, nil
		}
	}
	return "", fmt.Errorf("unknown task %q (want %s)", s, join(Tasks))
}

func ParseMode(s string) (Mode, error) {
	for _, m := range Modes {
		if string(m) == s {
			return m, nil
		}
	}
	return "", fmt.Errorf("unknown mode %q (want %s)", s, join(Modes))
}

func join[T ~string](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}

// Item is one image to work on: a URL to download, a local file to
// thumbnail, or both. Err, when set, fails the item without trying it (a
// source that could not be prepared).
type Item struct {
	Name  string
	URL   string
	Path  string
	Bytes int64 // size when known in advance, 0 otherwise
	Err   error
}

// Spec describes a run.
type Spec struct {
	Task    Task
	Mode    Mode
	Workers int    // pool size; Sequential and Blocking use 1
	Size    int    // thumbnail box in pixels; 0 means 256
	OutDir  string // downloads/ and thumbs/ are made inside
	Items   []Item
	Limits  imagecheck.Limits // zero means imagecheck.Default
	// ItemTimeout bounds one download, or one call to a worker process
	// (after which the worker counts as hung); 0 means 2 minutes.
	ItemTimeout time.Duration
	// WorkerCommand overrides how worker processes are started (tests); nil
	// re-executes this program as "PROGRAM worker".
	WorkerCommand func() *exec.Cmd
	// WorkerNice lowers the workers' priority to this nice value, for a
	// process with a UI to keep smooth: worker processes (see
	// pool.Config.Nice; a Cluster run's local workers too), or a goroutine
	// pool's goroutines, each on a thread of its own (see
	// priority.LowerThread; Linux only, where a priority is a thread's). A
	// goroutine pool so lowered that uses every core also gets one P more
	// than its workers (see procs).
	WorkerNice int
	// WorkerIdle runs the same workers under SCHED_IDLE on Linux as well:
	// the CPU only when nothing else wants it (see pool.Config.Idle).
	WorkerIdle bool
	// Decoder is how thumbnails decode JPEGs; "" means thumb.Fast.
	Decoder thumb.Decoder
	// Cores caps the cores a goroutine pool may use, below one per worker up
	// to the CPUs; 0 means no cap. Cores 1 with many workers is concurrency
	// without parallelism: what Python threads under the GIL, or asyncio, are.
	// See CoreCount for how the cap is kept.
	Cores int
	// Queue is the capacity of the queue between a pipeline's download and
	// thumbnail stages; 0 means room for every item (no back-pressure).
	Queue int
	// Cluster says where a Cluster run queues its tasks.
	Cluster ClusterSpec
}

// ClusterSpec is where a Cluster run's queue is.
type ClusterSpec struct {
	// URL is a NATS server with JetStream (nats://HOST:PORT); "" starts one
	// inside this program for the run, on 127.0.0.1 only.
	URL   string
	Token string // what the server at URL asks for, if anything
	// AckWait is how long the server waits for a worker's ack before it
	// gives the task to another; workers extend it while they work. 0
	// means cluster.DefaultAckWait.
	AckWait time.Duration
}

// CoreCount is how many cores a run of this spec may use in this process,
// which is what Run sets GOMAXPROCS to: one for Sequential and Blocking, one
// per worker up to the CPUs (or up to Cores when set) for Goroutines.
// Processes leaves this process alone (it only waits) and runs each worker
// with GOMAXPROCS=1, so it is capped at Workers.
//
// GOMAXPROCS alone does not keep a capped pool on its cores: a goroutine in a
// cgo call (the libjpeg-turbo decoder) gives up its P, and another goroutine
// then runs on another core beside it. So a capped pool's goroutines also
// run on threads pinned to CoreCount CPUs (see jobs/cpuset), where the
// system allows it.
func (s Spec) CoreCount() int {
	if s.Mode == Sequential || s.Mode == Blocking {
		return 1
	}
	if s.Mode == Cluster { // local workers; those that join bring their own
		return s.Workers
	}
	c := min(s.Workers, runtime.NumCPU())
	if s.Mode == Goroutines && s.Cores > 0 {
		c = min(c, s.Cores)
	}
	return c
}

// lowered reports whether the spec runs its workers below this process.
func (s Spec) lowered() bool { return s.WorkerNice > 0 || s.WorkerIdle }

// capped reports whether a goroutine pool runs on fewer cores than it would
// without Spec.Cores.
func (s Spec) capped() bool {
	return s.Mode == Goroutines && s.Cores > 0 && s.Cores < min(s.Workers, runtime.NumCPU())
}

// procs is what an in-process run sets GOMAXPROCS to: its CoreCount, and one
// more for a lowered goroutine pool that uses every core, or whose goroutines
// are pinned to fewer cores (the spare P cannot move them off those). Each of that pool's
// goroutines holds a P even while the kernel runs its thread last, so without
// a P to spare the process's other goroutines (a UI's) would wait for one,
// up to the runtime's 10 ms time slice, every time they woke. The spare P
// cannot lend a run more cores than the machine has, so its Cores stay true;
// with fewer workers than cores it could (imaging spreads each resize over
// GOMAXPROCS goroutines), and there is none.
func (s Spec) procs() int {
	c := s.CoreCount()
	if s.Mode == Goroutines && s.lowered() && (c == runtime.NumCPU() || s.capped()) {
		return c + 1
	}
	return c
}

// complete fills in the defaults of what s leaves out (the thumbnail size,
// the image limits, the decoder, the item timeout; one worker for the
// modes of one), and rejects what cannot run.
func (s *Spec) complete() error {
	if _, err := ParseTask(string(s.Task)); err != nil {
		return err
	}
	if _, err := ParseMode(string(s.Mode)); err != nil {
		return err
	}
	if s.Mode == Sequential || s.Mode == Blocking {
		s.Workers = 1
	}
	if s.Mode == Cluster {
		if err := s.checkCluster(); err != nil {
			return err
		}
	} else if s.Workers < 1 {
		return fmt.Errorf("workers must be at least 1, not %d", s.Workers)
	}
	if s.Cores < 0 {
		return fmt.Errorf("cores must be 0 (no cap) or more, not %d", s.Cores)
	}
	if s.Cores > 0 && s.Mode == Processes {
		return fmt.Errorf("cores caps a goroutine pool; a process pool's workers use one core each, so choose fewer workers")
	}
	if s.Queue < 0 {
		return fmt.Errorf("queue capacity must be 0 (unbounded) or more, not %d", s.Queue)
	}
	if s.Size == 0 {
		s.Size = 256
	}
	if s.Size < 1 {
		return fmt.Errorf("thumbnail size must be positive, not %d", s.Size)
	}
	if s.OutDir == "" {
		return fmt.Errorf("no output folder")
	}
	if s.Limits.Formats == nil {
		s.Limits = imagecheck.Default
	}
	if s.Decoder == "" {
		s.Decoder = thumb.Fast
	}
	if _, err := thumb.ParseDecoder(string(s.Decoder)); err != nil {
		return err
	}
	if s.ItemTimeout <= 0 {
		s.ItemTimeout = 2 * time.Minute
	}
	return nil
}

func (s *Spec) checkCluster() error {
	switch {
	case s.Task == Download:
		return fmt.Errorf("the cluster mode makes thumbnails (alone or after downloads, in a pipeline); downloads stay on this machine, whose network the images are on")
	case s.Workers < 0:
		return fmt.Errorf("workers must not be negative, not %d", s.Workers)
	case s.Workers == 0 && s.Cluster.URL == "":
		return fmt.Errorf("a cluster run on its own server needs local workers, or a shared server that others join")
	}
	return nil
}
