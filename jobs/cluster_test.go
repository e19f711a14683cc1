package jobs_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"concurrencylab/jobs"
	"concurrencylab/jobs/cluster"
	"concurrencylab/jobs/thumb"
)

// startServer starts a server on 127.0.0.1 with a token, for the test.
func startServer(t *testing.T) *cluster.Server {
	t.Helper()
	srv, err := cluster.StartServer("", cluster.NewToken())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func clusterSpec(t *testing.T, task jobs.Task, items []jobs.Item) jobs.Spec {
	s := spec(t, task, jobs.Cluster, items)
	s.Cluster.AckWait = 2 * time.Second
	return s
}

// checkOnce checks that every item is done exactly once, by a cluster worker
// (a process other than this one when the run started local workers), and
// that its thumbnail is whole.
func checkOnce(t *testing.T, s jobs.Spec, rec *recorder, res jobs.Result) {
	t.Helper()
	if res.OK != len(s.Items) || res.Failed != 0 || res.Canceled != 0 {
		t.Fatalf("ok %d failed %d canceled %d: %+v", res.OK, res.Failed, res.Canceled, res.Errors)
	}
	seen := map[int]int{}
	for _, e := range rec.of(jobs.ItemDone) {
		seen[e.Item]++
	}
	for i := range s.Items {
		if seen[i] != 1 {
			t.Errorf("item %d done %d times", i, seen[i])
		}
	}
	for _, e := range rec.of(jobs.StepFinished) {
		w := e.Worker
		if e.Stage == jobs.ThumbnailStage && (w.Kind != jobs.ClusterWorker || w.PID == 0 || (s.Workers > 0 && w.PID == os.Getpid()) || w.Host == "" || e.Phases.IPC <= 0) {
			t.Errorf("thumbnail step by %+v, phases %+v", w, e.Phases)
		}
	}
	checkFiles(t, s, rec)
}

func TestClusterRunDoesEveryItemOnce(t *testing.T) {
	_, items := serveGallery(t)
	for _, task := range []jobs.Task{jobs.Thumbnail, jobs.Pipeline} {
		t.Run(string(task), func(t *testing.T) {
			s := clusterSpec(t, task, items)
			rec := &recorder{}
			res, err := jobs.Run(context.Background(), s, rec)
			if err != nil {
				t.Fatal(err)
			}
			checkOnce(t, s, rec, res)
			// A local worker that starts late (a loaded machine) may find
			// the queue empty: every worker that joined is reported once.
			if res.Joined < 1 || res.Joined > s.Workers || len(rec.of(jobs.WorkerUp)) != res.Joined {
				t.Errorf("%d workers joined, %d reported, want 1 to %d", res.Joined, len(rec.of(jobs.WorkerUp)), s.Workers)
			}
		})
	}
}

func TestClusterWorkerKilledMidItemIsRedelivered(t *testing.T) {
	_, items := serveGallery(t)
	s := clusterSpec(t, jobs.Thumbnail, items)
	s.Decoder = thumb.Std // slower steps: the kill lands mid-item
	rec := &recorder{}
	var once sync.Once
	var killed int
	var killedAt time.Time
	rec.on = func(e jobs.Event) {
		if e.Kind == jobs.StepStarted && e.Item == 1 {
			once.Do(func() {
				killed, killedAt = e.Worker.PID, time.Now()
				if p, err := os.FindProcess(e.Worker.PID); err == nil {
					p.Kill() // SIGKILL on Unix, TerminateProcess on Windows
				}
			})
		}
	}
	res, err := jobs.Run(context.Background(), s, rec)
	if err != nil {
		t.Fatal(err)
	}
	checkOnce(t, s, rec, res)
	if res.Redeliveries < 1 {
		t.Fatalf("no redelivery after a worker was killed mid-item")
	}
	lost := rec.of(jobs.StepLost)
	if len(lost) != 1 || lost[0].Item != 1 || lost[0].Worker.PID != killed {
		t.Fatalf("step-lost events: %+v", lost)
	}
	for _, e := range rec.of(jobs.StepFinished) {
		if e.Worker.PID == killed && e.Item == 1 {
			t.Errorf("item 1 finished on the killed worker")
		}
	}
	t.Logf("item redelivered %v after its worker was killed (ack wait %v)", lost[0].At-rec.at(killedAt), s.Cluster.AckWait)
}

func TestClusterConnectErrorsAreOneClearLine(t *testing.T) {
	srv, err := cluster.StartServer("127.0.0.1:0", "right-token")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	closed, err := cluster.StartServer("", "x")
	if err != nil {
		t.Fatal(err)
	}
	closedURL := closed.URL()
	closed.Close()
	for _, c := range []struct{ url, token, want string }{
		{srv.URL(), "wrong-token", "refused the token"},
		{srv.URL(), "", "wants a token"},
		{closedURL, "x", "nothing answers at " + closedURL},
		{"http://example.com", "", "not a server URL"},
	} {
		s := clusterSpec(t, jobs.Thumbnail, nil)
		s.Cluster.URL, s.Cluster.Token, s.Workers = c.url, c.token, 0
		t0 := time.Now()
		_, err := jobs.Run(context.Background(), s, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s with token %q: %v; want one line with %q", c.url, c.token, err, c.want)
		}
		// Within the connect timeout (5 s) on a quiet machine; a bound for
		// a hang, generous for a loaded one.
		if d := time.Since(t0); d > 2*time.Minute {
			t.Errorf("%s: took %v", c.url, d)
		}
	}
}

// TestClusterJoinedWorkersAcrossRuns joins two workers to a shared server, as
// `concurrencylab join` does, and does two runs there with no local workers:
// the workers survive the first run's end, the second run sees none of the
// first's messages, foreign messages on a run's subjects are rejected and
// counted, and each run leaves no stream or bucket behind.
func TestClusterJoinedWorkersAcrossRuns(t *testing.T) {
	_, items := serveGallery(t)
	srv := startServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	var lines []string
	var mu sync.Mutex
	joined := make(chan error, 1)
	var st cluster.Stats
	go func() {
		joined <- jobs.Join(ctx, srv.URL(), srv.Token(), 2, func(l string) { mu.Lock(); lines = append(lines, l); mu.Unlock() }, &st)
	}()

	nc, err := cluster.Connect(srv.URL(), cluster.ConnOptions{Token: srv.Token()})
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	// A stranger publishes junk on each run's subjects as it starts.
	announced := make(chan *nats.Msg, 4)
	strangerCtx, cancelStranger := context.WithCancel(context.Background())
	sub, _ := nc.ChanSubscribe(cluster.AnnounceSubject, announced)
	defer sub.Unsubscribe()
	strangerDone := make(chan struct{})
	defer func() { <-strangerDone }()
	defer cancelStranger()
	go func() {
		defer close(strangerDone)
		for {
			var m *nats.Msg
			select {
			case m = <-announced:
			case <-strangerCtx.Done():
				return
			}
			run := string(m.Data)
			nc.Publish("clab."+run+".w.progress", []byte("not json"))
			nc.Publish("clab."+run+".w.progress", []byte(`{"kind":"start","who":{"host":"x","pid":1,"index":1},"item":99}`))
			nc.Request("clab."+run+".w.results", []byte("junk"), time.Second)
			nc.Publish("clab."+run+".tasks", []byte(`{"item":"zero"}`))
		}
	}()
	js, _ := jetstream.New(nc)
	for run := range 2 {
		s := clusterSpec(t, jobs.Thumbnail, items)
		s.Cluster.URL, s.Cluster.Token, s.Workers = srv.URL(), srv.Token(), 0
		rec := &recorder{}
		res, err := jobs.Run(context.Background(), s, rec)
		if err != nil {
			t.Fatal(err)
		}
		checkOnce(t, s, rec, res)
		if res.Joined != 2 || res.Rejected < 3 {
			t.Errorf("run %d: %d joined, %d rejected", run+1, res.Joined, res.Rejected)
		}
		for name := range js.StreamNames(context.Background()).Name() {
			t.Errorf("run %d left stream %s", run+1, name)
		}
	}
	cancel()
	if err := <-joined; err != nil {
		t.Fatalf("join: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	text := strings.Join(lines, "\n")
	if st.Done.Load() != int64(2*len(items)) || st.Rejected.Load() < 1 || !strings.Contains(text, "ended") {
		t.Errorf("done %d, rejected %d; said:\n%s", st.Done.Load(), st.Rejected.Load(), text)
	}
}

// TestClusterWorkerThatLeavesGivesItsItemBack joins a worker that leaves
// (Ctrl+C on `join`) as soon as it starts an item: it gives the task back
// at once, so another worker starts it well before the ack wait would have
// passed, and every item is still done once.
func TestClusterWorkerThatLeavesGivesItsItemBack(t *testing.T) {
	_, items := serveGallery(t)
	srv := startServer(t)
	s := clusterSpec(t, jobs.Thumbnail, items)
	s.Decoder = thumb.Std // slower steps: the leaver is still at work when it leaves
	s.Cluster.URL, s.Cluster.Token, s.Workers = srv.URL(), srv.Token(), 1
	ctx, leave := context.WithCancel(context.Background())
	left := make(chan error, 1)
	var st cluster.Stats
	go func() { left <- jobs.Join(ctx, srv.URL(), srv.Token(), 1, nil, &st) }()
	var once sync.Once
	var leftAt time.Time
	rec := &recorder{on: func(e jobs.Event) {
		if e.Kind == jobs.StepStarted && e.Worker.PID == os.Getpid() {
			once.Do(func() { leftAt = time.Now(); leave() })
		}
	}}
	res, err := jobs.Run(context.Background(), s, rec)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-left; err != nil {
		t.Fatalf("join: %v", err)
	}
	checkOnce(t, s, rec, res)
	lost := rec.of(jobs.StepLost)
	if len(lost) != 1 || lost[0].Worker.PID != os.Getpid() || res.Redeliveries != 1 {
		t.Fatalf("step-lost %+v, %d redeliveries", lost, res.Redeliveries)
	}
	// Given back (Nak), not left for the ack wait to pass: how soon it came
	// back is the machine's, so it is logged, not asserted.
	if st.Abandoned.Load() != 1 {
		t.Errorf("the worker that left gave back %d tasks, want 1", st.Abandoned.Load())
	}
	t.Logf("the item came back %v after its worker left (ack wait %v)", lost[0].At-rec.at(leftAt), s.Cluster.AckWait)
}

// TestClusterRunWhoseServerGoesAway stops the run's server mid-run, as
// someone stopping their nats-server would: the run ends at once with a
// one-line error, and its local workers are gone.
func TestClusterRunWhoseServerGoesAway(t *testing.T) {
	_, items := serveGallery(t)
	srv := startServer(t)
	s := clusterSpec(t, jobs.Thumbnail, items)
	s.Decoder = thumb.Std
	s.Cluster.URL, s.Cluster.Token = srv.URL(), srv.Token()
	stopped := make(chan struct{})
	var once sync.Once
	rec := &recorder{on: func(e jobs.Event) {
		if e.Kind == jobs.StepStarted {
			once.Do(func() { go func() { srv.Close(); close(stopped) }() })
		}
	}}
	res, err := jobs.Run(context.Background(), s, rec)
	<-stopped
	if err == nil || !strings.Contains(err.Error(), "lost the NATS server at "+srv.URL()) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v", err)
	}
	if res.OK == len(items) {
		t.Fatalf("every item done without a server")
	}
	for _, w := range rec.of(jobs.WorkerUp) {
		// Signal 0 checks that the process exists (kill(2)); on Windows,
		// where only Kill is supported, it always fails.
		if p, err := os.FindProcess(w.Worker.PID); err == nil && p.Signal(syscall.Signal(0)) == nil {
			t.Errorf("worker %d still exists", w.Worker.PID)
		}
	}
}

// TestWarningsReachTheResult: a JPEG that libjpeg decodes with a warning
// is done, not failed, in every kind of worker (in process, a worker
// process, a cluster worker), and its warning comes back with it, in the
// item's info and in the run's result.
func TestWarningsReachTheResult(t *testing.T) {
	clean := smallGallery(t)[2].Path
	data, err := os.ReadFile(clean)
	if err != nil {
		t.Fatal(err)
	}
	dqt := bytes.Index(data, []byte{0xFF, 0xDB})
	warned := filepath.Join(t.TempDir(), "photoshop.jpg") // such files come from Photoshop and some cameras
	if err := os.WriteFile(warned, bytes.Join([][]byte{data[:dqt], make([]byte, 5), data[dqt:]}, nil), 0o644); err != nil {
		t.Fatal(err)
	}
	const want = "Corrupt JPEG data: 5 extraneous bytes before marker 0xdb"
	items := []jobs.Item{{Name: "clean", Path: clean}, {Name: "warned", Path: warned}}
	for _, mode := range []jobs.Mode{jobs.Sequential, jobs.Processes, jobs.Cluster} {
		t.Run(string(mode), func(t *testing.T) {
			s := spec(t, jobs.Thumbnail, mode, items)
			if mode == jobs.Cluster {
				s = clusterSpec(t, jobs.Thumbnail, items)
			}
			s.Decoder = thumb.Fast
			rec := &recorder{}
			res, err := jobs.Run(context.Background(), s, rec)
			if err != nil {
				t.Fatal(err)
			}
			if res.OK != 2 || res.Failed != 0 {
				t.Fatalf("ok %d failed %d: %+v", res.OK, res.Failed, res.Errors)
			}
			for _, e := range rec.of(jobs.ItemDone) {
				if got := e.Info.Warning; (e.Name == "warned") != (got == want) {
					t.Errorf("%s: warning %q", e.Name, got)
				}
			}
			if len(res.Warnings) != 1 || res.Warnings[0] != (jobs.ItemWarning{Item: 1, Name: "warned", Warning: want}) {
				t.Errorf("the result's warnings: %+v", res.Warnings)
			}
		})
	}
}
