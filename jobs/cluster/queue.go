package cluster

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

func newJS(nc *nats.Conn) jetstream.JetStream {
	js, err := jetstream.New(nc)
	if err != nil {
		panic(err) // only for bad options, and there are none
	}
	return js
}

// Queue is a run's side of the cluster: its stream, consumer and bucket, and
// the subscriptions on which workers report.
type Queue struct {
	Info RunInfo
	nc   *nats.Conn
	js   jetstream.JetStream
	subs []*nats.Subscription

	mu   sync.Mutex
	seqs map[uint64]int // stream sequence → item, for the max-deliveries advisory
}

// Handlers receive what workers send. They are called on the connection's
// goroutines, one per subscription: they must lock what they share.
type Handlers struct {
	Progress func(Progress)
	// Result gets a worker's result and returns the reply it gets ("" is
	// "ok"); the worker acks its task once it has the reply.
	Result func(d Done, thumb []byte) string
	// GaveUp reports an item whose task was delivered MaxDeliver times
	// without an ack.
	GaveUp func(item, deliveries int)
	// Rejected reports a message on the run's subjects that is not one of
	// ours: malformed or foreign. It is dropped.
	Rejected func(subject string, err error)
}

// OpenQueue creates a new run's streams and consumer on nc's server
// and starts answering workers. Close deletes them all.
func OpenQueue(ctx context.Context, nc *nats.Conn, ackWait time.Duration, h Handlers) (*Queue, error) {
	if ackWait <= 0 {
		ackWait = DefaultAckWait
	}
	q := &Queue{Info: infoFor(randomHex(6), ackWait), nc: nc, js: newJS(nc), seqs: map[uint64]int{}}
	if err := q.create(ctx); err != nil {
		q.Close()
		return nil, err
	}
	if err := q.subscribe(h); err != nil {
		q.Close()
		return nil, err
	}
	nc.Publish(AnnounceSubject, []byte(q.Info.Run))
	return q, nf(nc.Flush())
}

func nf(err error) error {
	if err != nil {
		return fmt.Errorf("NATS server: %w", err)
	}
	return nil
}

// create makes the run's JetStream objects, in memory: a run's tasks and
// images live as long as the run, which deletes them at its end.
// A create that times out is tried again (see retry): creating what exists
// with the same configuration is no error.
func (q *Queue) create(ctx context.Context) error {
	ri := q.Info
	err := retry(ctx, func() error {
		_, err := q.js.CreateStream(ctx, jetstream.StreamConfig{Name: ri.Stream, Subjects: []string{ri.tasks()},
			Retention: jetstream.WorkQueuePolicy, Storage: jetstream.MemoryStorage})
		return err
	})
	if err != nil {
		return fmt.Errorf("creating the run's work queue: %w", err)
	}
	err = retry(ctx, func() error {
		_, err := q.js.CreateConsumer(ctx, ri.Stream, jetstream.ConsumerConfig{Durable: ri.Consumer,
			AckPolicy: jetstream.AckExplicitPolicy, AckWait: ri.AckWait, MaxDeliver: MaxDeliver})
		return err
	})
	if err != nil {
		return fmt.Errorf("creating the run's consumer: %w", err)
	}
	err = retry(ctx, func() error {
		_, err := q.js.CreateStream(ctx, jetstream.StreamConfig{Name: ri.Images, Subjects: []string{"clab." + ri.Run + ".images.*"},
			Storage: jetstream.MemoryStorage, AllowDirect: true})
		return err
	})
	if err != nil {
		return fmt.Errorf("creating the run's image stream: %w", err)
	}
	return nil
}

func (q *Queue) subscribe(h Handlers) error {
	ri := q.Info
	info, _ := json.Marshal(ri)
	subs := []struct {
		subject string
		cb      nats.MsgHandler
	}{
		{HelloSubject, func(m *nats.Msg) { m.Respond(info) }},
		// Progress and results on one subscription, so one goroutine takes
		// them in the order each worker sent them: a start before its result.
		{"clab." + ri.Run + ".w.*", func(m *nats.Msg) {
			if m.Subject == ri.Results {
				q.result(h, m)
				return
			}
			var p Progress
			err := strictJSON(m.Data, &p)
			if err == nil && (m.Subject != ri.Progress || (p.Kind != "hello" && p.Kind != "start")) {
				err = fmt.Errorf("unknown message %q on %s", p.Kind, m.Subject)
			}
			if err != nil {
				h.Rejected(m.Subject, err)
				return
			}
			h.Progress(p)
		}},
		{"$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES." + ri.Stream + "." + ri.Consumer, func(m *nats.Msg) {
			var a struct {
				Seq        uint64 `json:"stream_seq"`
				Deliveries int    `json:"deliveries"`
			}
			json.Unmarshal(m.Data, &a)
			q.mu.Lock()
			item, ok := q.seqs[a.Seq]
			q.mu.Unlock()
			if ok {
				h.GaveUp(item, a.Deliveries)
			}
		}},
	}
	for _, s := range subs {
		sub, err := q.nc.Subscribe(s.subject, s.cb)
		if err != nil {
			return nf(err)
		}
		q.subs = append(q.subs, sub)
	}
	return nil
}

func (q *Queue) result(h Handlers, m *nats.Msg) {
	var d Done
	if err := strictJSON([]byte(m.Header.Get(DoneHeader)), &d); err != nil {
		h.Rejected(m.Subject, err)
		m.Respond([]byte("rejected: " + err.Error()))
		return
	}
	reply := h.Result(d, m.Data)
	if reply == "" {
		reply = "ok"
	}
	m.Respond([]byte(reply))
}

func orBad(err error, format string, a ...any) error {
	if err != nil {
		return err
	}
	return fmt.Errorf(format, a...)
}

// strictJSON decodes one JSON object, refusing unknown fields and trailing
// data: a foreign message is rejected, not half-read.
func strictJSON(data []byte, v any) error {
	if len(data) == 0 {
		return errors.New("empty message")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("malformed message: %v", err)
	}
	if dec.More() {
		return errors.New("malformed message: data after the JSON object")
	}
	return nil
}

// Put publishes item's image in chunks and then its task; the task is in the
// stream (and may be delivered) when Put returns.
func (q *Queue) Put(ctx context.Context, t Task, image []byte) error {
	chunk := int(q.nc.MaxPayload()) - 1024 // room for the headers
	t.Chunks = nil
	// A publish that times out is tried again (see retry); its message ID
	// lets the server drop the copy if the first one did arrive.
	publish := func(subject, id string, data []byte) (ack *jetstream.PubAck, err error) {
		err = retry(ctx, func() error {
			ack, err = q.js.Publish(ctx, subject, data, jetstream.WithMsgID(id))
			return err
		})
		return ack, err
	}
	for off := 0; off < len(image) || off == 0; off += chunk {
		ack, err := publish(q.Info.image(t.Item), fmt.Sprintf("%d.%d", t.Item, off), image[off:min(off+chunk, len(image))])
		if err != nil {
			return fmt.Errorf("storing the image on the server: %w", err)
		}
		t.Chunks = append(t.Chunks, ack.Sequence)
	}
	data, _ := json.Marshal(t)
	ack, err := publish(q.Info.tasks(), strconv.Itoa(t.Item), data)
	if err != nil {
		return fmt.Errorf("queueing the task: %w", err)
	}
	q.mu.Lock()
	q.seqs[ack.Sequence] = t.Item
	q.mu.Unlock()
	return nil
}

// Close stops answering workers and deletes the run's streams (the tasks',
// with its consumer and any task left, and the images'). Workers that ask for the next task
// find none and go back to waiting for a run.
func (q *Queue) Close() error {
	for _, s := range q.subs {
		s.Unsubscribe()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err1 := q.js.DeleteStream(ctx, q.Info.Stream)
	err2 := q.js.DeleteStream(ctx, q.Info.Images)
	if errors.Is(err1, jetstream.ErrStreamNotFound) {
		err1 = nil
	}
	if errors.Is(err2, jetstream.ErrStreamNotFound) {
		err2 = nil
	}
	return errors.Join(err1, err2)
}
