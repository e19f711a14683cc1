package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Handler does one task on a worker: it gets the task and its image and
// returns the run's metadata and the thumbnail, or an error that fails the
// item (the worker goes on).
type Handler func(t Task, image []byte) (meta, thumb []byte, err error)

// WorkerOptions say which server to work for, and how.
type WorkerOptions struct {
	URL, Token string
	Workers    int // workers in this process, each taking one task at a time
	Handler    Handler
	// Log gets one line per item done and per change of state ("" lines are
	// not sent); nil logs nothing.
	Log func(string)
	// Reconnect is how long to keep trying after losing the server.
	Reconnect time.Duration
}

// Stats count what a worker process did.
type Stats struct {
	Done, Failed, Rejected, Abandoned atomic.Int64
}

// Serve works for every run on the server, one after another, until ctx
// ends (nil error) or the server is gone for good.
func Serve(ctx context.Context, o WorkerOptions, st *Stats) error {
	if o.Workers < 1 {
		o.Workers = 1
	}
	log := o.Log
	if log == nil {
		log = func(string) {}
	}
	host, _ := os.Hostname()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	lostServer := fmt.Errorf("the server at %s went away (did its owner quit?)", o.URL)
	nc, err := Connect(o.URL, ConnOptions{Token: o.Token, Name: fmt.Sprintf("worker %s pid %d", host, os.Getpid()),
		Reconnect: o.Reconnect,
		OnLost: func() {
			log(fmt.Sprintf("lost the server at %s; trying again for %v (Ctrl+C to stop)", o.URL, o.Reconnect))
		},
		OnBack:   func() { log("back in touch with the server") },
		OnClosed: func() { cancel(lostServer) }})
	if err != nil {
		return err
	}
	defer nc.Close()
	w := &worker{o: o, log: log, nc: nc, js: newJS(nc), st: st}
	if w.st == nil {
		w.st = &Stats{}
	}
	announced := make(chan *nats.Msg, 8)
	sub, err := nc.ChanSubscribe(AnnounceSubject, announced)
	if err != nil {
		return nf(err)
	}
	defer sub.Unsubscribe()
	waiting := false
	for ctx.Err() == nil {
		ri, err := w.currentRun(ctx)
		if err != nil {
			if !waiting {
				log("waiting for a run to start at " + o.URL)
				waiting = true
			}
			select { // an announcement, or ask again now and then
			case <-announced:
			case <-time.After(2 * time.Second):
			case <-ctx.Done():
			}
			continue
		}
		waiting = false
		log(fmt.Sprintf("joined run %s with %d worker(s)", ri.Run, o.Workers))
		var wg sync.WaitGroup
		for i := range o.Workers {
			wg.Go(func() { w.work(ctx, ri, Who{Host: host, PID: os.Getpid(), Index: i + 1}) })
		}
		wg.Wait()
		if ctx.Err() == nil {
			log(fmt.Sprintf("run %s ended", ri.Run))
		}
	}
	if c := context.Cause(ctx); c == lostServer {
		return c
	}
	return nil
}

var runID = regexp.MustCompile(`^[0-9a-f]{12}$`)

type worker struct {
	o   WorkerOptions
	log func(string)
	nc  *nats.Conn
	js  jetstream.JetStream
	st  *Stats
}

// currentRun asks which run is in progress.
func (w *worker) currentRun(ctx context.Context) (RunInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	m, err := w.nc.RequestWithContext(ctx, HelloSubject, nil)
	if err != nil {
		return RunInfo{}, err
	}
	var ri RunInfo
	// Only a run's own names, from a hex run ID, and an ack wait keepAlive
	// can tick at.
	if err := strictJSON(m.Data, &ri); err != nil || !runID.MatchString(ri.Run) || ri != infoFor(ri.Run, ri.AckWait) ||
		ri.AckWait < 100*time.Millisecond {
		w.st.Rejected.Add(1)
		return RunInfo{}, orBad(err, "foreign answer to %s", HelloSubject)
	}
	return ri, nil
}

// work takes the run's tasks one at a time until the run's consumer is gone
// (the run ended) or ctx ends.
func (w *worker) work(ctx context.Context, ri RunInfo, who Who) {
	cons, err := w.js.Consumer(ctx, ri.Stream, ri.Consumer)
	if err != nil {
		return // the run ended before we got there
	}
	images, err := w.js.Stream(ctx, ri.Images)
	if err != nil {
		return
	}
	w.progress(ri, Progress{Kind: "hello", Who: who})
	for ctx.Err() == nil {
		// One at a time and no prefetch: a task waits in the stream, where
		// any free worker can take it, not in a busy worker's buffer.
		fctx, cancel := context.WithTimeout(ctx, time.Second)
		batch, err := cons.Fetch(1, jetstream.FetchContext(fctx))
		if err != nil {
			cancel()
			if gone(err) {
				return
			}
			pause(ctx, 200*time.Millisecond) // a transient error: do not spin
			continue
		}
		var m jetstream.Msg
		for m = range batch.Messages() {
		}
		cancel()
		if m != nil {
			w.handle(ctx, ri, images, who, m)
		}
		got := m != nil
		if gone(batch.Error()) {
			return
		}
		if !got && ctx.Err() == nil {
			if _, err := cons.Info(ctx); gone(err) {
				return
			}
		}
	}
}

func pause(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

func gone(err error) bool {
	return errors.Is(err, jetstream.ErrConsumerNotFound) || errors.Is(err, jetstream.ErrStreamNotFound) ||
		errors.Is(err, jetstream.ErrConsumerDeleted) || errors.Is(err, nats.ErrConnectionClosed)
}

func (w *worker) progress(ri RunInfo, p Progress) {
	data, _ := json.Marshal(p)
	w.nc.Publish(ri.Progress, data)
}

// handle does one task: it reports its start, keeps its ack wait extended
// while the Handler works, sends the result and acks once the run has it.
// A malformed task is terminated (never redelivered) and counted.
func (w *worker) handle(ctx context.Context, ri RunInfo, images jetstream.Stream, who Who, m jetstream.Msg) {
	var t Task
	err := strictJSON(m.Data(), &t)
	if err == nil && (len(t.Chunks) == 0 || len(t.Chunks) > MaxImage/(64<<10)) {
		err = fmt.Errorf("a task with %d image chunks", len(t.Chunks))
	}
	if err != nil {
		w.st.Rejected.Add(1)
		m.TermWithReason("malformed task")
		w.log(fmt.Sprintf("rejected a malformed task: %v", err))
		return
	}
	delivered := 1
	if md, err := m.Metadata(); err == nil {
		delivered = int(md.NumDelivered)
	}
	w.progress(ri, Progress{Kind: "start", Who: who, Item: t.Item, Delivered: delivered})
	stop := keepAlive(m, ri.AckWait)
	t0 := time.Now()
	d := Done{Item: t.Item, Who: who, Delivered: delivered}
	var thumb []byte
	var giveBack error // the server too slow to give the image: not the item's fault
	result := make(chan struct{})
	go func() {
		defer close(result)
		image, err := readImage(ctx, images, ri.image(t.Item), t.Chunks)
		d.Fetch = time.Since(t0)
		if err == nil {
			d.Meta, thumb, err = call(w.o.Handler, t, image)
		}
		if errors.Is(err, errGiveBack) {
			giveBack = err
		} else if err != nil {
			d.Err = err.Error()
		}
	}()
	select {
	case <-result:
	case <-ctx.Done(): // leaving: give the task back at once
		stop()
		m.Nak()
		w.st.Abandoned.Add(1)
		<-result
		return
	}
	defer stop()
	if giveBack != nil {
		// Slow is not failed: another delivery (here or on another
		// worker) tries again, up to MaxDeliver deliveries in all.
		stop()
		m.NakWithDelay(time.Second)
		w.st.Abandoned.Add(1)
		w.log(fmt.Sprintf("item %d (%s): %v; gave it back to the queue", t.Item, t.Name, giveBack))
		return
	}
	if len(thumb) > int(w.nc.MaxPayload())-4096 {
		d.Err, thumb = fmt.Sprintf("thumbnail of %d bytes is over the server's message limit of %d bytes: choose a smaller size", len(thumb), w.nc.MaxPayload()), nil
	}
	hdr, _ := json.Marshal(d)
	msg := &nats.Msg{Subject: ri.Results, Header: nats.Header{DoneHeader: []string{string(hdr)}}, Data: thumb}
	// The run keeps an item's first result and answers a second with
	// "duplicate", so a result sent again after a lost reply does no harm.
	var reply *nats.Msg
	err = retry(ctx, func() error {
		rctx, cancel := context.WithTimeout(ctx, resultTimeout)
		defer cancel()
		var err error
		reply, err = w.nc.RequestMsgWithContext(rctx, msg)
		if errors.Is(err, nats.ErrNoResponders) { // the run gone, or only busy?
			if _, serr := w.js.Stream(ctx, ri.Stream); gone(serr) {
				return serr
			}
		}
		return err
	})
	if err != nil {
		stop()
		m.NakWithDelay(time.Second)
		w.st.Abandoned.Add(1)
		w.log(fmt.Sprintf("item %d (%s): the run did not take the result (%v); gave it back to the queue", t.Item, t.Name, err))
		return
	}
	m.Ack()
	what := fmt.Sprintf("done in %d ms", time.Since(t0).Milliseconds())
	if d.Err != "" {
		w.st.Failed.Add(1)
		what = "failed: " + d.Err
	} else {
		w.st.Done.Add(1)
	}
	if r := string(reply.Data); r != "ok" {
		what += " (run said: " + r + ")"
	}
	w.log(fmt.Sprintf("item %d %s (worker %d): %s", t.Item, t.Name, who.Index, what))
}

// keepAlive tells the server every third of the ack wait that m is still being
// worked on, until stop is called, so a slow item is not redelivered while a
// live worker has it.
func keepAlive(m jetstream.Msg, ackWait time.Duration) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(ackWait / 3)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				m.InProgress()
			case <-done:
				return
			}
		}
	})
	var once sync.Once
	return func() { once.Do(func() { close(done); wg.Wait() }) }
}

// readImage reads an image's chunks back; a chunk of another item, or one
// past MaxImage, is refused. A chunk the server is slow to give (see
// transient) is asked for again with backoff for up to retryFor; if it still
// has not come, the error wraps errGiveBack and the task goes back to the
// queue, since the image is not at fault.
func readImage(ctx context.Context, images jetstream.Stream, subject string, chunks []uint64) ([]byte, error) {
	var image []byte
	for _, seq := range chunks {
		var m *jetstream.RawStreamMsg
		err := retry(ctx, func() (err error) { m, err = getChunk(ctx, images, seq); return err })
		if err != nil {
			return nil, fmt.Errorf("reading the image from the server: %w", err)
		}
		if m.Subject != subject {
			return nil, fmt.Errorf("image chunk %d is not this item's", seq)
		}
		if len(image)+len(m.Data) > MaxImage {
			return nil, fmt.Errorf("image is over %d bytes", MaxImage)
		}
		image = append(image, m.Data...)
	}
	return image, nil
}

// getChunk reads one chunk (tests replace it to make the server slow).
var getChunk = func(ctx context.Context, images jetstream.Stream, seq uint64) (*jetstream.RawStreamMsg, error) {
	return images.GetMsg(ctx, seq)
}

// call runs h, turning a panic into the item's error: one bad image must not
// take the worker down.
func call(h Handler, t Task, image []byte) (meta, thumb []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("worker panicked: %v", r)
		}
	}()
	return h(t, image)
}
