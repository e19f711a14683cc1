package ui

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"concurrencylab/jobs"
	"concurrencylab/jobs/thumb"
	"concurrencylab/results"
)

// clusterSettings is a small thumbnail run in Cluster mode.
func clusterSettings(images, workers int) Settings {
	s := DefaultSettings()
	s.Images, s.Latency, s.Task, s.Mode, s.Workers = images, 0, jobs.Thumbnail, jobs.Cluster, workers
	return s
}

// runOnce taps Run and waits for the run's record.
func runOnce(t *testing.T, l *Lab, q mainLoop, while func()) RunRecord {
	t.Helper()
	var finished []RunRecord
	l.OnRunFinished = func(r RunRecord) { finished = append(finished, r) }
	test.Tap(l.ctl.run)
	q.until(t, "the run to finish", 2*time.Minute, func() bool {
		if while != nil {
			while()
		}
		return len(finished) == 1
	})
	return finished[0]
}

// TestClusterRunInTheWindow runs the Cluster mode from the mode menu, on its
// own server on 127.0.0.1 with two local worker processes: rows, lanes and
// the cluster panel name each worker by host and PID, and the results table
// shows the run like the others.
func TestClusterRunInTheWindow(t *testing.T) {
	l, q := newTestLab(t)
	if !slices.Contains(l.ctl.mode.Options, modeLabels[jobs.Cluster]) {
		t.Fatalf("no Cluster in the mode menu %q", l.ctl.mode.Options)
	}
	if l.cluster.box.Visible() {
		t.Error("the cluster panel shows in another mode")
	}
	l.ctl.mode.SetSelected(modeLabels[jobs.Cluster])
	if !l.cluster.box.Visible() {
		t.Fatal("the cluster panel is hidden in Cluster mode")
	}
	l.show(clusterSettings(4, 2))
	r := runOnce(t, l, q, nil)
	// A local worker process that starts late may miss so short a run.
	if r.Err != "" || r.OK != 4 || r.Mode != jobs.Cluster || r.Joined < 1 || r.Joined > 2 {
		t.Fatalf("run: %+v", r)
	}
	host, _ := os.Hostname()
	named := func(what, s string, w jobs.Worker) {
		t.Helper()
		if w.Kind != jobs.ClusterWorker || w.PID == 0 || w.PID == os.Getpid() || w.Host != host {
			t.Errorf("%s: worker %+v, want a cluster worker process on %s", what, w, host)
		}
		if !strings.Contains(s, host) || !strings.Contains(s, fmt.Sprintf("pid %d", w.PID)) {
			t.Errorf("%s says %q, not the host and PID", what, s)
		}
	}
	if len(l.prog.rows) != r.Joined {
		t.Fatalf("%d worker rows, want %d", len(l.prog.rows), r.Joined)
	}
	for i, row := range l.prog.rows {
		named("row", l.prog.rowViews[i].name.Text, row.Worker)
	}
	lanes := l.timeline.done[len(l.timeline.done)-1].run.Lanes
	if len(lanes) != r.Joined {
		t.Fatalf("%d timeline lanes, want %d", len(lanes), r.Joined)
	}
	for _, ln := range lanes {
		named("lane", ln.Worker.String(), ln.Worker)
	}
	if got := l.cluster.joined.Text; !strings.Contains(got, workerCount(r.Joined)+" joined") || !strings.Contains(got, host) {
		t.Errorf("the cluster panel says %q", got)
	}
	if got := resultColumns[1].cell(l.results.runs[0]); got != modeLabels[jobs.Cluster] {
		t.Errorf("results table mode %q", got)
	}
	if !strings.Contains(l.banner.Text, "cluster worker") || !strings.Contains(l.banner.Text, "(2 started here)") {
		t.Errorf("banner %q", l.banner.Text)
	}
}

// TestSharingShowsTheTokenAndJoinCommand turns sharing on (on 127.0.0.1,
// as tests must), joins a worker with the command's URL and token, and runs:
// the joined worker takes part. The token and the join command show only
// while sharing is on.
func TestSharingShowsTheTokenAndJoinCommand(t *testing.T) {
	l, q := newTestLab(t)
	l.show(clusterSettings(8, 1))
	v := l.cluster
	if v.addr.Text != defaultShareAddr || v.share.Checked {
		t.Fatalf("sharing starts %v on %q, want off on %s", v.share.Checked, v.addr.Text, defaultShareAddr)
	}
	unshared := func() {
		t.Helper()
		if v.join.Visible() || v.copy.Visible() || v.status.Visible() || v.join.Text != "" || strings.Contains(v.status.Text, "token") || v.spec() != (jobs.ClusterSpec{}) {
			t.Errorf("not shared, the panel shows %q / %q", v.status.Text, v.join.Text)
		}
	}
	unshared()

	v.addr.SetText("127.0.0.1:0")
	test.Tap(v.share)
	q.until(t, "the shared server", 20*time.Second, func() bool { return v.srv != nil })
	token := v.srv.Token()
	url := v.srv.URL()
	want := fmt.Sprintf("concurrencylab join %s --token %s", url, token)
	if token == "" || v.join.Text != want || !v.join.Visible() || !v.join.Selectable {
		t.Fatalf("join command %q (visible %v), want %q", v.join.Text, v.join.Visible(), want)
	}
	if !strings.Contains(v.status.Text, token) || !strings.Contains(v.status.Text, strings.TrimPrefix(url, "nats://")) {
		t.Errorf("status %q does not show the token", v.status.Text)
	}
	test.Tap(v.copy)
	if got := l.app.Clipboard().Content(); got != want {
		t.Errorf("clipboard %q", got)
	}

	// A worker that joins with the command's URL and token, as another
	// computer would (here in this process).
	ctx, cancel := context.WithCancel(context.Background())
	var joined sync.WaitGroup
	waiting := make(chan struct{})
	var once sync.Once
	joined.Go(func() {
		jobs.Join(ctx, url, token, 1, func(s string) {
			if strings.HasPrefix(s, "waiting for a run") {
				once.Do(func() { close(waiting) })
			}
		}, nil)
	})
	defer joined.Wait()
	defer cancel()
	select {
	case <-waiting:
	case <-time.After(patience):
		t.Fatal("the joined worker does not wait for a run")
	}

	r := runOnce(t, l, q, func() {
		if l.run != nil && !v.share.Disabled() {
			t.Error("sharing can be turned off during a run")
		}
	})
	// The joined worker is ready first; the local worker process may join
	// too late to take part in so short a run.
	if r.Err != "" || r.OK != 8 || r.Joined < 1 {
		t.Fatalf("run: %+v", r)
	}
	// Its PID among the machine's, which are listed in order ("pid 3108, 32626").
	me := regexp.MustCompile(fmt.Sprintf(`\(pid ([0-9]+, )*%d[,)]`, os.Getpid()))
	if got := l.cluster.joined.Text; !strings.Contains(got, workerCount(r.Joined)+" joined") || !me.MatchString(got) {
		t.Errorf("the cluster panel says %q, not the joined worker's %s", got, me)
	}
	want = "1"
	if r.Joined != 1 {
		want = fmt.Sprintf("1, %d joined", r.Joined)
	}
	if got := resultColumns[2].cell(l.results.runs[0]); got != want {
		t.Errorf("results table workers %q, want %q", got, want)
	}

	test.Tap(v.share)
	if v.srv != nil || v.share.Checked {
		t.Fatal("sharing stays on")
	}
	unshared()
}

// TestSharingOnABadAddressSaysWhy shares on an address that is none:
// the panel says why, and sharing stays off.
func TestSharingOnABadAddressSaysWhy(t *testing.T) {
	l, q := newTestLab(t)
	v := l.cluster
	v.addr.SetText("not-an-address")
	test.Tap(v.share)
	q.until(t, "the error", 20*time.Second, func() bool { return strings.HasPrefix(v.status.Text, "Cannot share") })
	if v.share.Checked || v.srv != nil || v.join.Visible() || v.addr.Disabled() || !v.status.Visible() {
		t.Errorf("sharing failed but shows as on: checked %v, join %q", v.share.Checked, v.join.Text)
	}
}

// TestRedeliveryShowsButIsNoFailure kills a local cluster worker mid-item:
// the queue gives its item to another worker after the ack wait, and the
// window says so in the progress line and the banner, with nothing failed.
func TestRedeliveryShowsButIsNoFailure(t *testing.T) {
	l, q := newTestLab(t)
	s := clusterSettings(6, 2)
	s.Decoder = thumb.Std // slower items: the kill lands mid-item
	l.show(s)
	killed := 0
	r := runOnce(t, l, q, func() {
		if killed != 0 {
			return
		}
		l.bridge.mu.Lock() // the engine's latest, without waiting for a frame
		for _, ln := range l.bridge.lanes {
			if ln.Current != "" {
				killed = ln.Worker.PID
				syscall.Kill(killed, syscall.SIGKILL)
				break
			}
		}
		l.bridge.mu.Unlock()
	})
	if killed == 0 {
		t.Fatal("no worker was seen at work")
	}
	if r.Err != "" || r.OK != 6 || r.Failed != 0 || r.Redeliveries < 1 {
		t.Fatalf("run after killing pid %d: %+v", killed, r)
	}
	if !strings.Contains(l.banner.Text, "redelivered") || !strings.Contains(l.banner.Text, "not failed") {
		t.Errorf("banner %q", l.banner.Text)
	}
	if got := l.prog.summary.Text; !strings.Contains(got, "redelivered") || strings.Contains(got, "failed") {
		t.Errorf("progress line %q", got)
	}
	if len(l.errors.errs) != 0 {
		t.Errorf("the Errors tab lists %+v", l.errors.errs)
	}
}

// TestClusterIdealCountsJoinedWorkers: a cluster run's ideal speed-up is its
// local workers' cores plus a core for each worker that joined from
// elsewhere; with none joined it is the process pool's.
func TestClusterIdealCountsJoinedWorkers(t *testing.T) {
	local := min(2, runtime.NumCPU())
	for _, c := range []struct {
		joined int
		want   float64
	}{{2, float64(local)}, {5, float64(local + 3)}} {
		r := jobs.Result{Task: jobs.Thumbnail, Mode: jobs.Cluster, Workers: 2, ClusterStats: jobs.ClusterStats{Joined: c.joined}}
		if got := results.Ideal(r); got != c.want {
			t.Errorf("%d joined: ideal %v, want %v", c.joined, got, c.want)
		}
	}
}
