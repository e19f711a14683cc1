package ui

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"concurrencylab/jobs"
)

// bridge is the only place where engine events meet the window. Report runs
// on the engine's goroutines and only records, under a mutex; the UI
// goroutine takes a snapshot once per frame (Lab.frame) and updates widgets
// from it, so however many events arrive, widgets change at most once a frame.
type bridge struct {
	mu      sync.Mutex
	started time.Time
	total   int
	done    int
	failed  int
	lost    int // steps lost with their worker, and redelivered
	lanes   []lane
	laneOf  map[laneKey]int
	madeBy  map[int]jobs.Worker // item → who did its last step
	items   []galleryItem       // finished since the last take
	errs    []jobs.ItemError    // failed since the last take
	changed bool
}

type laneKey struct {
	kind, role string
	index      int
}

// lane is one worker's row in the progress panel.
type lane struct {
	Worker   jobs.Worker
	Current  string // the item's name, "" when idle
	Stage    string // what it does to it: "download" or "thumbnail"
	Finished int
}

// galleryItem is one finished item as the gallery shows it.
type galleryItem struct {
	Index  int
	Name   string
	Info   jobs.Info
	Worker jobs.Worker
}

// snapshot is what a frame needs: counts, lanes, and what is new.
type snapshot struct {
	started             time.Time
	total, done, failed int
	lost                int
	lanes               []lane
	newItems            []galleryItem
	newErrs             []jobs.ItemError
	changed             bool
}

func newBridge() *bridge { return &bridge{} }

// roleOrder puts a pipeline's stages in the order items pass them.
func roleOrder(role string) int {
	if role == "download" {
		return 0
	}
	return 1
}

// reset starts a new run.
func (b *bridge) reset(started time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.started, b.total, b.done, b.failed, b.lost = started, 0, 0, 0, 0
	b.lanes, b.laneOf, b.madeBy = nil, map[laneKey]int{}, map[int]jobs.Worker{}
	b.items, b.errs, b.changed = nil, nil, true
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
		l := b.lane(e.Worker)
		l.Worker = e.Worker // a replaced process has a new PID
		l.Current, l.Stage = e.Name, e.Stage
	case jobs.StepFinished:
		l := b.lane(e.Worker)
		l.Current, l.Stage = "", ""
		l.Finished++
		b.madeBy[e.Item] = e.Worker
	case jobs.ItemDone:
		b.done++
		b.items = append(b.items, galleryItem{Index: e.Item, Name: e.Name, Info: e.Info, Worker: b.madeBy[e.Item]})
	case jobs.StepLost: // the queue gives the item to another worker
		b.lost++
		l := b.lane(e.Worker)
		l.Current, l.Stage = "", ""
	case jobs.ItemFailed:
		b.failed++
		if e.Worker.Kind != "" {
			l := b.lane(e.Worker)
			l.Current, l.Stage = "", ""
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

// take returns the state and hands over what is new since the last take.
func (b *bridge) take() snapshot {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := snapshot{started: b.started, total: b.total, done: b.done, failed: b.failed, lost: b.lost,
		lanes: append([]lane(nil), b.lanes...), newItems: b.items, newErrs: b.errs, changed: b.changed}
	// Rows in the order of the workers (a pipeline's downloaders first), not
	// of their first report.
	slices.SortFunc(s.lanes, func(x, y lane) int {
		return cmp.Or(cmp.Compare(roleOrder(x.Worker.Role), roleOrder(y.Worker.Role)),
			cmp.Compare(x.Worker.Kind, y.Worker.Kind), cmp.Compare(x.Worker.Index, y.Worker.Index))
	})
	b.items, b.errs, b.changed = nil, nil, false
	return s
}
