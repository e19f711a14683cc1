// Package jobs is Concurrency Lab's engine: it runs a task (download,
// thumbnail, or both pipelined) over a list of images in one of five modes
// (blocking, sequential, goroutines, processes, cluster), reports progress
// as typed Events to a Reporter, and measures the run in a Result. It never
// imports Fyne: the window, the command line and the lessons consume the
// same events. Every package under jobs/ is below this one (it imports
// them); the engine's drivers and consumers sit beside it.
package jobs

import (
	"fmt"
	"time"
)

// Kind says what an Event reports.
type Kind int

const (
	RunStarted   Kind = iota + 1 // Total items, Worker count in Workers
	WorkerUp                     // a worker process started (Worker.PID)
	StepStarted                  // a worker began a stage of an item
	StepFinished                 // a worker finished a stage of an item (Phases, Bytes)
	ItemDone                     // an item is complete (Info)
	ItemFailed                   // an item failed at Stage (Err); the run goes on
	RunFinished                  // Result
	// StepLost: the worker doing a step of Item was lost (it died or left),
	// and the queue gave the item to another (Cluster mode).
	StepLost
)

func (k Kind) String() string {
	return [...]string{"?", "run-started", "worker-up", "step-started", "step-finished", "item-done", "item-failed", "run-finished", "step-lost"}[k]
}

// WorkerKind says what does a step.
type WorkerKind string

const (
	UIThread      WorkerKind = "ui"        // the UI goroutine: Blocking mode
	Goroutine     WorkerKind = "goroutine" // a goroutine: Sequential, Goroutines, a pipeline's downloads
	Process       WorkerKind = "process"   // a worker process of the pool: Processes
	ClusterWorker WorkerKind = "cluster"   // a worker of a Cluster run, on any machine
)

// Stage is a step of an item: a download, then a thumbnail (a task does
// one or both, see Task).
type Stage string

const (
	DownloadStage  Stage = "download"
	ThumbnailStage Stage = "thumbnail"
)

// Worker identifies who does a step: the UI goroutine, goroutine N of a pool,
// worker process N (with its PID, which changes if the worker is replaced),
// or cluster worker N, numbered as they join, on machine Host.
type Worker struct {
	Kind  WorkerKind `json:"kind"`
	Role  Stage      `json:"role,omitempty"` // the stage it does when a pipeline splits the work
	Index int        `json:"index"`          // from 1
	PID   int        `json:"pid,omitempty"`
	Host  string     `json:"host,omitempty"` // cluster workers
}

func (w Worker) String() string {
	var s string
	switch w.Kind {
	case UIThread:
		s = "UI thread"
	case Process:
		s = fmt.Sprintf("process %d (pid %d)", w.Index, w.PID)
	case ClusterWorker:
		s = fmt.Sprintf("cluster worker %d (%s pid %d)", w.Index, w.Host, w.PID)
	default:
		s = fmt.Sprintf("goroutine %d", w.Index)
	}
	if w.Role != "" {
		s = string(w.Role) + " " + s
	}
	return s
}

// Phases is where an item's time went.
type Phases struct {
	Network time.Duration `json:"network_ns"` // waiting for and receiving the download
	Decode  time.Duration `json:"decode_ns"`
	Resize  time.Duration `json:"resize_ns"`
	Encode  time.Duration `json:"encode_ns"`
	IPC     time.Duration `json:"ipc_ns"` // process mode: round trip less the worker's own time
}

// Add returns the sum of p and q.
func (p Phases) Add(q Phases) Phases {
	return Phases{p.Network + q.Network, p.Decode + q.Decode, p.Resize + q.Resize, p.Encode + q.Encode, p.IPC + q.IPC}
}

// Info is what is known of a finished item.
type Info struct {
	Download    string `json:"download,omitempty"` // downloaded file
	Thumbnail   string `json:"thumbnail,omitempty"`
	Format      string `json:"format,omitempty"` // of the source image, sniffed from its bytes
	Bytes       int64  `json:"bytes"`            // of the source image
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	ThumbWidth  int    `json:"thumb_width,omitempty"`
	ThumbHeight int    `json:"thumb_height,omitempty"`
	ThumbBytes  int64  `json:"thumb_bytes,omitempty"`
	Phases      Phases `json:"phases"`
	// Warning says what was wrong with a source image that was thumbnailed
	// all the same, as PIL and browsers show it (thumb.Info.Warning).
	Warning string `json:"warning,omitempty"`
}

// Event is one thing that happened in a run. At is measured on the monotonic
// clock from the run's start.
type Event struct {
	Kind    Kind
	At      time.Duration
	Item    int // index into Spec.Items; -1 for run and worker events
	Name    string
	Stage   Stage
	Worker  Worker
	Bytes   int64  // StepFinished: bytes received or written
	Phases  Phases // StepFinished: this step's phases
	Info    Info   // ItemDone
	Err     error  // ItemFailed
	Total   int    // RunStarted
	Workers int    // RunStarted
	Result  *Result
}

// Reporter receives a run's events. Report is called from the run's
// goroutines, concurrently, and must return quickly.
type Reporter interface{ Report(Event) }

// ReporterFunc adapts a function to Reporter.
type ReporterFunc func(Event)

// Report calls f(e).
func (f ReporterFunc) Report(e Event) { f(e) }

// Discard is a Reporter that ignores everything.
var Discard Reporter = ReporterFunc(func(Event) {})

// Reporters sends each event to every reporter in turn.
func Reporters(rs ...Reporter) Reporter {
	return ReporterFunc(func(e Event) {
		for _, r := range rs {
			r.Report(e)
		}
	})
}
