package jobs

import (
	"sync"
	"time"
)

// QueueStats is what the queue between a pipeline's stages saw: how full it
// got and who waited for whom. Producers (the download stage) wait when it is
// full, which is back-pressure: the faster stage slows to the pace of the
// slower, and the items in between never exceed the capacity. Consumers (the
// thumbnail stage) wait when it is empty.
type QueueStats struct {
	Capacity int `json:"capacity"`
	MaxDepth int `json:"max_depth"`
	// ProducerWaitSeconds and ConsumerWaitSeconds add up every worker's
	// waits: two workers waiting one second each count two.
	ProducerWaitSeconds float64       `json:"producer_wait_seconds"`
	ConsumerWaitSeconds float64       `json:"consumer_wait_seconds"`
	Depth               []DepthSample `json:"depth"` // after each put and take
}

// DepthSample is the queue's depth at a moment of the run.
type DepthSample struct {
	Seconds float64 `json:"t"`
	Depth   int     `json:"depth"`
}

// queueMeter measures the channel between two stages; a nil meter measures
// nothing, so a stage's loop uses it either way.
type queueMeter struct {
	capacity          int
	start             time.Time
	mu                sync.Mutex
	max               int
	putWait, takeWait time.Duration
	depth             []DepthSample
}

// newQueue makes the meter of the queue after a stage, sized by Spec.Queue.
func (r *run) newQueue() *queueMeter {
	c := r.spec.Queue
	if c <= 0 {
		c = len(r.items)
	}
	return &queueMeter{capacity: c, start: r.start}
}

// put sends it on ch, counting the time spent waiting for room.
func (q *queueMeter) put(ch chan *itemState, it *itemState) {
	if q == nil {
		ch <- it
		return
	}
	var waited time.Duration
	select {
	case ch <- it:
	default:
		t0 := time.Now()
		ch <- it
		waited = time.Since(t0)
	}
	q.note(len(ch), waited, 0)
}

// take receives from ch, the queue q measures, counting the time spent
// waiting for an item; a nil q (no queue before the first stage) only
// receives.
func (q *queueMeter) take(ch chan *itemState) (*itemState, bool) {
	if q == nil {
		it, ok := <-ch
		return it, ok
	}
	var waited time.Duration
	var it *itemState
	ok := true
	select {
	case it, ok = <-ch:
	default:
		t0 := time.Now()
		it, ok = <-ch
		if ok { // waiting for the close at the end is not waiting for work
			waited = time.Since(t0)
		}
	}
	if ok {
		q.note(len(ch), 0, waited)
	}
	return it, ok
}

func (q *queueMeter) note(depth int, put, got time.Duration) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.max = max(q.max, depth)
	q.putWait += put
	q.takeWait += got
	q.depth = append(q.depth, DepthSample{Seconds: time.Since(q.start).Seconds(), Depth: depth})
}

func (q *queueMeter) stats() *QueueStats {
	if q == nil {
		return nil
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	return &QueueStats{Capacity: q.capacity, MaxDepth: q.max, ProducerWaitSeconds: q.putWait.Seconds(),
		ConsumerWaitSeconds: q.takeWait.Seconds(), Depth: q.depth}
}
