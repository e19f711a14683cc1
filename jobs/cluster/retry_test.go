package cluster

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

func TestTransientOrForGood(t *testing.T) {
	for _, c := range []struct {
		err       error
		transient bool
	}{
		{context.DeadlineExceeded, true},
		{fmt.Errorf("reading: %w", context.DeadlineExceeded), true},
		{nats.ErrTimeout, true},
		{nats.ErrNoResponders, true},
		{nats.ErrConnectionReconnecting, true},
		{&jetstream.APIError{Code: 503, Description: "JetStream system temporarily unavailable"}, true},
		{jetstream.ErrMsgNotFound, false},
		{jetstream.ErrJetStreamNotEnabled, false},
		{fmt.Errorf("account: %w", jetstream.ErrJetStreamNotEnabledForAccount), false},
		{jetstream.ErrStreamNotFound, false},
		{nats.ErrConnectionClosed, false},
		{context.Canceled, false},
		{errors.New("decoding: invalid JPEG"), false},
	} {
		if got := transient(c.err); got != c.transient {
			t.Errorf("transient(%v) = %v, want %v", c.err, got, c.transient)
		}
	}
}

// slowServer makes the worker's reads of image chunks time out as long as
// slow says so, as they do when this machine or the server's is busy.
func slowServer(t *testing.T, slow func() bool) (calls *atomic.Int64) {
	calls = new(atomic.Int64)
	orig := getChunk
	getChunk = func(ctx context.Context, images jetstream.Stream, seq uint64) (*jetstream.RawStreamMsg, error) {
		calls.Add(1)
		if slow() {
			return nil, fmt.Errorf("nats: %w", context.DeadlineExceeded)
		}
		return orig(ctx, images, seq)
	}
	t.Cleanup(func() { getChunk = orig })
	return calls
}

// oneTask queues one task on a new server, starts a worker with handler h
// (and watch beside it, if not nil, until the result is in), and returns the
// first result the run gets, with the worker's log and stats.
func oneTask(t *testing.T, h Handler, watch func(context.Context, *Stats)) (Done, []string, *Stats) {
	t.Helper()
	srv, err := StartServer("", NewToken())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	nc, err := Connect(srv.URL(), ConnOptions{Token: srv.Token()})
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	results := make(chan Done, 4)
	q, err := OpenQueue(context.Background(), nc, time.Second, Handlers{
		Progress: func(Progress) {},
		Result:   func(d Done, _ []byte) string { results <- d; return "" },
		GaveUp:   func(item, n int) { t.Errorf("the queue gave item %d up after %d deliveries", item, n) },
		Rejected: func(s string, err error) { t.Errorf("rejected on %s: %v", s, err) },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	if err := q.Put(context.Background(), Task{Item: 3, Name: "photo.jpg"}, []byte("image bytes")); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var lines []string
	st := &Stats{}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- Serve(ctx, WorkerOptions{URL: srv.URL(), Token: srv.Token(), Handler: h,
			Log: func(s string) { mu.Lock(); lines = append(lines, s); mu.Unlock() }}, st)
	}()
	var watching sync.WaitGroup
	if watch != nil {
		watching.Go(func() { watch(ctx, st) })
	}
	defer watching.Wait()
	var d Done
	select {
	case d = <-results:
	case <-time.After(2 * time.Minute): // generous: a loaded machine
		t.Error("no result within 2 minutes")
	}
	// The worker acks once it has the run's reply.
	for deadline := time.Now().Add(time.Minute); st.Done.Load()+st.Failed.Load() == 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-served; err != nil {
		t.Error(err)
	}
	mu.Lock()
	defer mu.Unlock()
	return d, lines, st
}

func thumbnailer(_ Task, image []byte) ([]byte, []byte, error) {
	return []byte(`{}`), append([]byte("thumb of "), image...), nil
}

// TestSlowServerIsRetried: reads that time out a few times are asked for
// again within the delivery, and the item is done.
func TestSlowServerIsRetried(t *testing.T) {
	var n atomic.Int64
	calls := slowServer(t, func() bool { return n.Add(1) <= 3 })
	d, lines, st := oneTask(t, thumbnailer, nil)
	if d.Err != "" || d.Delivered != 1 {
		t.Fatalf("result %+v, want done in its first delivery; log %q", d, lines)
	}
	if calls.Load() != 4 || st.Done.Load() != 1 || st.Failed.Load() != 0 {
		t.Errorf("%d reads, %d done, %d failed; want 4, 1, 0", calls.Load(), st.Done.Load(), st.Failed.Load())
	}
}

// TestServerTooSlowGivesTheTaskBack: reads that keep timing out beyond
// retryFor give the task back to the queue, which delivers it again; the
// item is done then, not failed.
func TestServerTooSlowGivesTheTaskBack(t *testing.T) {
	defer func(d time.Duration) { retryFor = d }(retryFor)
	retryFor = 300 * time.Millisecond
	var gaveBack atomic.Bool
	slowServer(t, func() bool { return !gaveBack.Load() })
	// Once the worker has given the task back, the server is quick again.
	d, lines, st := oneTask(t, thumbnailer, func(ctx context.Context, st *Stats) {
		for st.Abandoned.Load() == 0 && ctx.Err() == nil {
			pause(ctx, 10*time.Millisecond)
		}
		gaveBack.Store(true)
	})
	if d.Err != "" || d.Delivered != 2 {
		t.Fatalf("result %+v, want done in its second delivery; log %q", d, lines)
	}
	if st.Abandoned.Load() != 1 || st.Failed.Load() != 0 || !strings.Contains(strings.Join(lines, "\n"), "gave it back") {
		t.Errorf("abandoned %d, failed %d; log %q", st.Abandoned.Load(), st.Failed.Load(), lines)
	}
}

// TestBadImageFailsAtOnce: an error of the image itself fails the item in
// its first delivery, with no retry.
func TestBadImageFailsAtOnce(t *testing.T) {
	calls := slowServer(t, func() bool { return false })
	d, lines, st := oneTask(t, func(Task, []byte) ([]byte, []byte, error) {
		return nil, nil, errors.New("decoding: invalid JPEG format")
	}, nil)
	if !strings.Contains(d.Err, "invalid JPEG") || d.Delivered != 1 {
		t.Fatalf("result %+v, want the decode error in the first delivery; log %q", d, lines)
	}
	if calls.Load() != 1 || st.Failed.Load() != 1 || st.Abandoned.Load() != 0 {
		t.Errorf("%d reads, %d failed, %d abandoned; want 1, 1, 0", calls.Load(), st.Failed.Load(), st.Abandoned.Load())
	}
}
