package cluster

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestWorkerSaysWhenTheServerGoesAway stops the server a worker is waiting
// on, as a facilitator quitting the app does: the worker says it lost the
// server, tries again for its Reconnect time, and then returns a one-line
// error instead of hanging.
func TestWorkerSaysWhenTheServerGoesAway(t *testing.T) {
	srv, err := StartServer("", NewToken())
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var lines []string
	waiting := make(chan struct{})
	var once sync.Once
	log := func(s string) {
		mu.Lock()
		lines = append(lines, s)
		mu.Unlock()
		if strings.HasPrefix(s, "waiting for a run") {
			once.Do(func() { close(waiting) })
		}
	}
	done := make(chan error, 1)
	go func() {
		done <- Serve(context.Background(), WorkerOptions{URL: srv.URL(), Token: srv.Token(), Handler: nil, Log: log, Reconnect: 2 * time.Second}, nil)
	}()
	<-waiting
	srv.Close()
	t0 := time.Now()
	select {
	case err = <-done:
	case <-time.After(2 * time.Minute): // 2 s of reconnecting; generous for a loaded machine
		t.Fatal("the worker still waits 2 minutes after the server went away")
	}
	if err == nil || !strings.Contains(err.Error(), "went away") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(strings.Join(lines, "\n"), "lost the server") {
		t.Errorf("the worker did not say it lost the server: %q", lines)
	}
	t.Logf("gave up %v after the server stopped", time.Since(t0).Round(100*time.Millisecond))
}

func TestSharedServerNeedsAToken(t *testing.T) {
	if _, err := StartServer("0.0.0.0:0", ""); err == nil || !strings.Contains(err.Error(), "needs a token") {
		t.Fatalf("err = %v", err)
	}
	if _, err := StartServer("not-an-address", "t"); err == nil {
		t.Fatal("a bad address was accepted")
	}
}

// TestQueueGivesUpAfterMaxDeliver takes a task MaxDeliver times and never
// acks it, as workers that die on the same image would: the run hears that
// the queue gave it up, so it can fail the item instead of waiting for ever.
func TestQueueGivesUpAfterMaxDeliver(t *testing.T) {
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
	ctx := context.Background()
	gaveUp := make(chan [2]int, 1)
	q, err := OpenQueue(ctx, nc, 200*time.Millisecond, Handlers{GaveUp: func(item, n int) { gaveUp <- [2]int{item, n} }})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	if err := q.Put(ctx, Task{Item: 7, Name: "poison"}, []byte("image")); err != nil {
		t.Fatal(err)
	}
	cons, err := newJS(nc).Consumer(ctx, q.Info.Stream, q.Info.Consumer)
	if err != nil {
		t.Fatal(err)
	}
	for took := 0; took < MaxDeliver; {
		batch, err := cons.Fetch(1, jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		for range batch.Messages() {
			took++ // and never acked
		}
	}
	// Workers keep asking for tasks; the server notices at its next try.
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); {
		select {
		case g := <-gaveUp:
			if g != [2]int{7, MaxDeliver} {
				t.Fatalf("gave up %v", g)
			}
			return
		default:
		}
		batch, err := cons.Fetch(1, jetstream.FetchMaxWait(300*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		for range batch.Messages() {
			t.Fatal("the task was delivered more than MaxDeliver times")
		}
	}
	t.Fatal("no word that the queue gave the task up")
}
