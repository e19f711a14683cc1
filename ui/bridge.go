package ui

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"fyne.io/fyne/v2/widget"

	"concurrencylab/jobs"
)

// bridge is the only route from other goroutines to the window. The
// engine's events (Report), a run's or a lesson's end, the status line, the
// gallery's preparation and the results of the window's own background work
// are recorded here, under a mutex, by whoever has them; the UI goroutine
// takes them once a frame (Lab.frame) and changes widgets from them, so
// however many arrive, widgets change at most once a frame.
//
// Two takes: take is the run's progress (counts, lanes, finished items and
// failures, the preparation), which the frame shows in its progress slot;
// takeNotes is the rest, in the order reported, which every bar frame
// applies (see frameSlots).
type bridge struct {
	mu        sync.Mutex
	started   time.Time
	total     int
	done      int
	failed    int
	lost      int // steps lost with their worker, and redelivered
	lanes     []lane
	laneOf    map[laneKey]int
	madeBy    map[int]jobs.Worker // item → who did its last step
	items     []galleryItem       // finished since the last take
	errs      []jobs.ItemError    // failed since the last take
	preparing *preparation        // the gallery being generated, before the run
	changed   bool
	notes     []note // since the last takeNotes
}

type laneKey struct {
	kind  jobs.WorkerKind
	role  jobs.Stage
	index int
}

// lane is one worker's row in the progress panel.
type lane struct {
	Worker   jobs.Worker
	Current  string     // the item's name, "" when idle
	Stage    jobs.Stage // what it does to it
	Finished int
}

// galleryItem is one finished item as the gallery shows it.
type galleryItem struct {
	Index  int
	Name   string
	Info   jobs.Info
	Worker jobs.Worker
}

// preparation is how far the built-in gallery's generation has got.
type preparation struct{ made, toMake int }

// snapshot is what a frame needs of the run: counts, lanes, and what is new.
type snapshot struct {
	started             time.Time
	total, done, failed int
	lost                int
	lanes               []lane
	newItems            []galleryItem
	newErrs             []jobs.ItemError
	preparing           *preparation
	changed             bool
}

// A note is a change to the window besides the run's progress, applied on
// the UI goroutine in the order the notes came: the status line
// (statusNote), the end of a run (runEnd) or of a lesson (lessonEnd), the
// result of the window's background work (posted).
type note interface{ apply(l *Lab) }

// statusNote sets the status line (the banner over Progress).
type statusNote struct {
	text string
	imp  widget.Importance
}

func (n statusNote) apply(l *Lab) { l.setBanner(n.text, n.imp) }

// posted is the result of background work (see background.run).
type posted func()

func (f posted) apply(*Lab) { f() }

func newBridge() *bridge { return &bridge{} }

// roleOrder puts a pipeline's stages in the order items pass them.
func roleOrder(role jobs.Stage) int {
	if role == jobs.DownloadStage {
		return 0
	}
	return 1
}

// reset starts a new run's progress; notes wait for the frame as before.
func (b *bridge) reset(started time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.started, b.total, b.done, b.failed, b.lost = started, 0, 0, 0, 0
	b.lanes, b.laneOf, b.madeBy = nil, map[laneKey]int{}, map[int]jobs.Worker{}
	b.items, b.errs, b.preparing, b.changed = nil, nil, nil, true
}

// Report records one event. It is called concurrently by the engine.
func (b *bridge) Report(e jobs.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.changed = true
	switch e.Kind {
	case jobs.RunStarted:
		b.total = e.Total
	case jobs.WorkerUp:
		b.lane(e.Worker)
	case jobs.StepStarted:
		ln := b.lane(e.Worker)
		ln.Worker = e.Worker // a replaced process has a new PID
		ln.Current, ln.Stage = e.Name, e.Stage
	case jobs.StepFinished:
		ln := b.lane(e.Worker)
		ln.Current, ln.Stage = "", ""
		ln.Finished++
		b.madeBy[e.Item] = e.Worker
	case jobs.ItemDone:
		b.done++
		b.items = append(b.items, galleryItem{Index: e.Item, Name: e.Name, Info: e.Info, Worker: b.madeBy[e.Item]})
	case jobs.StepLost: // the queue gives the item to another worker
		b.lost++
		ln := b.lane(e.Worker)
		ln.Current, ln.Stage = "", ""
	case jobs.ItemFailed:
		b.failed++
		if e.Worker.Kind != "" {
			ln := b.lane(e.Worker)
			ln.Current, ln.Stage = "", ""
		}
		b.errs = append(b.errs, jobs.ItemError{Item: e.Item, Name: e.Name, Stage: e.Stage, Error: e.Err.Error()})
	}
}

func (b *bridge) lane(w jobs.Worker) *lane {
	k := laneKey{w.Kind, w.Role, w.Index}
	i, ok := b.laneOf[k]
	if !ok {
		i = len(b.lanes)
		b.laneOf[k] = i
		b.lanes = append(b.lanes, lane{Worker: w})
	}
	return &b.lanes[i]
}

// prepared records how far the gallery's generation has got (the latest
// count wins).
func (b *bridge) prepared(made, toMake int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.preparing, b.changed = &preparation{made, toMake}, true
}

// note records n for the next frame. A status line replaces one that the
// frame has not shown yet, if nothing came between them.
func (b *bridge) note(n note) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := n.(statusNote); ok && len(b.notes) > 0 {
		if _, last := b.notes[len(b.notes)-1].(statusNote); last {
			b.notes[len(b.notes)-1] = n
			return
		}
	}
	b.notes = append(b.notes, n)
}

// status records a new status line for the next frame.
func (b *bridge) status(text string, imp widget.Importance) { b.note(statusNote{text, imp}) }

// post records f, the result of background work, for the next frame.
func (b *bridge) post(f func()) { b.note(posted(f)) }

// take returns the run's state and hands over what is new since the last take.
func (b *bridge) take() snapshot {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := snapshot{started: b.started, total: b.total, done: b.done, failed: b.failed, lost: b.lost,
		lanes: append([]lane(nil), b.lanes...), newItems: b.items, newErrs: b.errs, preparing: b.preparing, changed: b.changed}
	// Rows in the order of the workers (a pipeline's downloaders first), not
	// of their first report.
	slices.SortFunc(s.lanes, func(x, y lane) int {
		return cmp.Or(cmp.Compare(roleOrder(x.Worker.Role), roleOrder(y.Worker.Role)),
			cmp.Compare(x.Worker.Kind, y.Worker.Kind), cmp.Compare(x.Worker.Index, y.Worker.Index))
	})
	b.items, b.errs, b.changed = nil, nil, false
	return s
}

// takeNotes hands over the notes recorded since the last call, oldest first.
func (b *bridge) takeNotes() []note {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := b.notes
	b.notes = nil
	return n
}
