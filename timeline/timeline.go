// Package timeline keeps where a run's time went, per worker, from the same
// events the progress display uses (nothing is timed twice), lays it out for
// drawing, and exports it as a Chrome trace-event file (Perfetto,
// chrome://tracing) and as a PNG.
package timeline

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"concurrencylab/jobs"
)

// Phase is a part of a step, in the order it happens.
type Phase struct {
	Name string
	Dur  time.Duration
}

// Span is one step of one item on one worker.
type Span struct {
	Item       int
	Name       string
	Stage      jobs.Stage
	Start, End time.Duration // from the run's start
	Phases     []Phase       // durations measured by the step; laid end to end from Start
	Failed     string        // the error, for a failed step
}

// Lane is one worker's row.
type Lane struct {
	Worker jobs.Worker
	Spans  []Span
}

// Run is the timeline of one run.
type Run struct {
	Title string
	PID   int // of the process that ran it: goroutine lanes belong to it
	Wall  time.Duration
	Lanes []Lane
	// Lag, when the run had a UI, is its heartbeat: how late the UI
	// goroutine ran each probe. A freeze is one long lag.
	Lag []LagSample
}

// LagSample is one heartbeat probe that ran At (from the run's start) Lag late.
type LagSample struct {
	At, Lag time.Duration
}

// Recorder is a jobs.Reporter that builds a Run. It is safe for concurrent use.
type Recorder struct {
	mu    sync.Mutex
	run   Run
	open  map[laneStep]Span
	index map[laneKey]int
}

type laneKey struct {
	kind  jobs.WorkerKind
	role  jobs.Stage
	index int
}

type laneStep struct {
	lane int
	item int
}

// NewRecorder starts recording a run titled title, done by process pid.
func NewRecorder(title string, pid int) *Recorder {
	return &Recorder{run: Run{Title: title, PID: pid}, open: map[laneStep]Span{}, index: map[laneKey]int{}}
}

// Report records e.
func (r *Recorder) Report(e jobs.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch e.Kind {
	case jobs.WorkerUp:
		r.lane(e.Worker)
	case jobs.StepStarted:
		l := r.lane(e.Worker)
		r.open[laneStep{l, e.Item}] = Span{Item: e.Item, Name: e.Name, Stage: e.Stage, Start: e.At}
	case jobs.StepFinished, jobs.ItemFailed, jobs.StepLost:
		if e.Worker.Kind == "" {
			return // failed before any worker took it
		}
		l := r.lane(e.Worker)
		k := laneStep{l, e.Item}
		s, ok := r.open[k]
		if !ok {
			return
		}
		delete(r.open, k)
		s.End = e.At
		if e.Kind != jobs.StepFinished {
			s.Failed = e.Err.Error()
		} else {
			s.Phases = phases(e.Phases)
		}
		r.run.Lanes[l].Spans = append(r.run.Lanes[l].Spans, s)
	case jobs.RunFinished:
		r.run.Wall = e.At
	}
}

func (r *Recorder) lane(w jobs.Worker) int {
	k := laneKey{w.Kind, w.Role, w.Index}
	i, ok := r.index[k]
	if !ok {
		i = len(r.run.Lanes)
		r.index[k] = i
		r.run.Lanes = append(r.run.Lanes, Lane{Worker: w})
	}
	if w.PID != 0 {
		r.run.Lanes[i].Worker.PID = w.PID // the latest, after a replacement
	}
	return i
}

// Run returns what was recorded, lanes in worker order.
func (r *Recorder) Run() Run {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.run
	out.Lanes = slices.Clone(out.Lanes)
	stage := func(w jobs.Worker) int { // a pipeline's downloaders above its thumbnailers
		if w.Role == jobs.DownloadStage {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(out.Lanes, func(a, b Lane) int {
		if c := cmp.Compare(stage(a.Worker), stage(b.Worker)); c != 0 {
			return c
		}
		return cmp.Compare(a.Worker.Index, b.Worker.Index)
	})
	for i := range out.Lanes {
		out.Lanes[i].Spans = slices.Clone(out.Lanes[i].Spans)
	}
	return out
}

// phases lists a step's measured phases in the order they happen. A process
// step's IPC time is split between sending (before) and replying (after).
func phases(p jobs.Phases) []Phase {
	var out []Phase
	add := func(name string, d time.Duration) {
		if d > 0 {
			out = append(out, Phase{name, d})
		}
	}
	add("ipc", p.IPC/2)
	add("network", p.Network)
	add("decode", p.Decode)
	add("resize", p.Resize)
	add("encode", p.Encode)
	add("ipc", p.IPC-p.IPC/2)
	return out
}
