package lesson

import (
	"context"
	"fmt"
	"time"

	"concurrencylab/jobs"
	"concurrencylab/jobs/gallery"
	"concurrencylab/jobs/thumb"
)

// PipelineMeasured is what the pipeline lesson measures: the queue between
// the download and thumbnail stages, bounded, and unbounded for comparison.
type PipelineMeasured struct {
	Workers           int     `json:"workers" label:"goroutines in each stage"` // per stage
	QueueCapacity     int     `json:"queue_capacity" label:"room in the queue" unit:"pictures"`
	MaxQueueDepth     int     `json:"max_queue_depth" label:"the most the queue held" unit:"pictures"`
	ProducerWait      float64 `json:"producer_wait_seconds" label:"downloads waited for room" unit:"s"`
	ConsumerWait      float64 `json:"consumer_wait_seconds" label:"thumbnails waited for work" unit:"s"`
	UnboundedMaxDepth int     `json:"unbounded_max_queue_depth" label:"the most an unbounded queue held" unit:"pictures"`
	// Depth is the bounded queue's depth over the run.
	Depth []jobs.DepthSample `json:"depth" label:"-"`
}

const queueCapacity = 4

var pipeline = &Lesson{
	Name:     "pipeline",
	Title:    "A bounded queue between stages",
	Claim:    "Producer–consumer through a bounded queue: the faster stage waits (back-pressure), memory stays bounded.",
	Question: fmt.Sprintf("Downloads are faster than thumbnails here, and they hand pictures over through a queue with room for %d. What is the most pictures the queue ever holds?", queueCapacity),
	Unit:     "pictures",
	Why: "A goroutine that puts into a full channel waits until a consumer takes something out, so a fast producer is slowed to the consumer's pace: that is back-pressure, and it keeps the work in between, and the memory it holds, bounded. " +
		"Without a bound, the fast stage runs ahead and the queue grows with the input. " +
		"Python's queue.Queue(maxsize=k) and asyncio.Queue(maxsize=k) do the same; in Go it is a channel made with a capacity.",
	Expect: func(cores int) string {
		return fmt.Sprintf("the queue never holds more than %d; the download goroutines (the faster stage) wait on a full queue longer than the thumbnail goroutines wait on an empty one; without a bound the queue grows past %d",
			queueCapacity, queueCapacity)
	},
	run: runPipeline,
}

func runPipeline(ctx context.Context, e *Env) (*Outcome, error) {
	n, size := 48, gallery.Size{W: 4000, H: 3000}
	nw := gallery.Network{Latency: 20 * time.Millisecond}
	if e.Quick {
		n, size = 10, gallery.Size{W: 800, H: 600}
		nw = gallery.Network{Latency: 5 * time.Millisecond}
	}
	src, err := e.gallery(ctx, jobs.Pipeline, n, size, nw)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	w := max(2, e.cores)
	dec := thumb.Fast
	if !e.Quick {
		dec = thumb.Std // Go's own decoder: a slower consumer, a clearer back-pressure
	}
	runs, err := e.runAll(ctx, jobs.Pipeline, src.Items, []jobs.Spec{
		{Mode: jobs.Goroutines, Workers: w, Queue: queueCapacity, Decoder: dec},
		{Mode: jobs.Goroutines, Workers: w, Decoder: dec},
	})
	if err != nil {
		return nil, err
	}
	b, u := runs[0].Queue, runs[1].Queue
	m := PipelineMeasured{Workers: w, QueueCapacity: b.Capacity, MaxQueueDepth: b.MaxDepth,
		ProducerWait: b.ProducerWaitSeconds, ConsumerWait: b.ConsumerWaitSeconds,
		UnboundedMaxDepth: u.MaxDepth, Depth: b.Depth}
	o := &Outcome{Runs: runs, Measured: m, Answer: float64(m.MaxQueueDepth)}
	o.Holds, o.Verdict = m.judge(e.cores)
	return o, nil
}

// judge applies the pipeline rule.
func (m PipelineMeasured) judge(int) (bool, string) {
	switch {
	case m.MaxQueueDepth > m.QueueCapacity:
		return false, fmt.Sprintf("Does not hold here: the queue held %d, past its capacity of %d. That is a bug in Concurrency Lab: please report it.", m.MaxQueueDepth, m.QueueCapacity)
	case m.ProducerWait <= m.ConsumerWait:
		return false, fmt.Sprintf("Does not hold here: the thumbnail goroutines waited %.2f s for work and the download goroutines only %.2f s for room: the downloads were the slower stage on this computer.",
			m.ConsumerWait, m.ProducerWait)
	case m.UnboundedMaxDepth <= m.QueueCapacity:
		return false, fmt.Sprintf("Does not hold here: even without a bound the queue never held more than %d, so there was nothing to hold back.", m.UnboundedMaxDepth)
	}
	return true, fmt.Sprintf("Holds: the queue never held more than %d pictures; the download goroutines waited %.2f s in all for room, the thumbnail goroutines %.2f s for work. "+
		"Without a bound the queue grew to %d.", m.MaxQueueDepth, m.ProducerWait, m.ConsumerWait, m.UnboundedMaxDepth)
}
