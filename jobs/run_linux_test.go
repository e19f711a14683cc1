package jobs_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"concurrencylab/jobs"
)

// TestLoweredGoroutinePoolGivesWayToTheUI: a goroutine pool's lanes run at
// the spec's nice value (with or without SCHED_IDLE: the window's policy is
// nice 4 alone) on threads of their own, which end with them.
func TestLoweredGoroutinePoolGivesWayToTheUI(t *testing.T) {
	_, items := serveGallery(t)
	for _, c := range []struct {
		workers, nice int
		idle          bool
	}{{1, 10, true}, {runtime.NumCPU(), 10, true}, {runtime.NumCPU(), 4, false}} {
		workers := c.workers
		t.Run(fmt.Sprintf("%d workers nice %d idle %v", workers, c.nice, c.idle), func(t *testing.T) {
			s := spec(t, jobs.Thumbnail, jobs.Goroutines, items)
			s.Workers, s.WorkerNice, s.WorkerIdle = workers, c.nice, c.idle
			type seen struct {
				procs int
				idle  bool
				nice  int32
			}
			var steps sync.Map
			rec := &recorder{on: func(e jobs.Event) {
				if e.Kind == jobs.StepStarted { // reported by the lane's own goroutine
					a, err := unix.SchedGetAttr(0, 0)
					if err != nil {
						t.Error(err)
						return
					}
					steps.Store(seen{runtime.GOMAXPROCS(0), a.Policy == unix.SCHED_IDLE, a.Nice}, true)
				}
			}}
			res, err := jobs.Run(context.Background(), s, rec)
			if err != nil || res.OK != len(items) {
				t.Fatalf("ok %d of %d, %v", res.OK, len(items), err)
			}
			// A spare P for the UI only when the pool uses every core: with
			// fewer workers, imaging would spread a resize over it.
			want := seen{workers, c.idle, int32(c.nice)}
			if workers == runtime.NumCPU() {
				want.procs++
			}
			steps.Range(func(k, _ any) bool {
				if k.(seen) != want {
					t.Errorf("a step ran with %+v, want %+v", k, want)
				}
				return true
			})
			if res.Cores != min(workers, runtime.NumCPU()) {
				t.Errorf("cores %d", res.Cores)
			}
			// The lowered threads end with their goroutines (just after
			// them), but for the main thread: a lane may run on it here (in
			// the app the UI holds it), and Go parks it for good instead.
			deadline := time.Now().Add(time.Minute)
			for low := loweredThreads(); len(low) > 0; low = loweredThreads() {
				if time.Now().After(deadline) {
					t.Fatalf("threads %v still run lowered after the run", low)
				}
				time.Sleep(time.Millisecond)
			}
		})
	}
}

// loweredThreads lists this process's threads that run under SCHED_IDLE or
// above nice 0.
func loweredThreads() []int {
	var tids []int
	tasks, _ := os.ReadDir("/proc/self/task")
	for _, e := range tasks {
		tid, _ := strconv.Atoi(e.Name())
		if tid == os.Getpid() {
			continue
		}
		if a, err := unix.SchedGetAttr(tid, 0); err == nil && (a.Policy == unix.SCHED_IDLE || a.Nice > 0) {
			tids = append(tids, tid)
		}
	}
	return tids
}

// TestWorkCPUIsTheRunsAlone: a goroutine that burns CPU beside a run (as a
// window drawing itself does) shows in the process's CPU, not in the work's.
func TestWorkCPUIsTheRunsAlone(t *testing.T) {
	_, small := serveGallery(t)
	var items []jobs.Item // the gallery six times over: runs long enough to measure
	for k := range 6 {
		for _, it := range small {
			it.Name = fmt.Sprintf("%d-%s", k, it.Name)
			items = append(items, it)
		}
	}
	checked := 0 // modes whose burner ran long enough to tell
	for _, mode := range []jobs.Mode{jobs.Sequential, jobs.Goroutines, jobs.Processes} {
		t.Run(string(mode), func(t *testing.T) {
			s := spec(t, jobs.Thumbnail, mode, items)
			stop := make(chan struct{})
			burnt := make(chan time.Duration)
			go func() { // the "window": busy until the run ends
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				cpu := func() time.Duration {
					var ts unix.Timespec
					unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts)
					return time.Duration(ts.Nano())
				}
				t0 := cpu()
				for {
					select {
					case <-stop:
						burnt <- cpu() - t0
						return
					default:
					}
				}
			}()
			res, err := jobs.Run(context.Background(), s, nil)
			close(stop)
			burner := (<-burnt).Seconds()
			if err != nil {
				t.Fatal(err)
			}
			if res.WorkCPUSeconds == nil || *res.WorkCPUSeconds <= 0 {
				t.Fatalf("work CPU %v", res.WorkCPUSeconds)
			}
			// The process's CPU holds the burner's; the work's does not. (A
			// one-goroutine run leaves it no P: it barely runs. Under 50 ms
			// the burner's last moments, after the run read the process's
			// CPU, are too large a part of it to compare.)
			if burner < 0.05 {
				t.Logf("the burner ran %.3f s: too little to compare", burner)
				return
			}
			t.Logf("the burner ran %.3f s", burner)
			checked++
			if other := res.CPUSeconds - *res.WorkCPUSeconds; other < 0.5*burner {
				t.Errorf("work CPU %.3f s, the process's %.3f s, the burner's %.3f s", *res.WorkCPUSeconds, res.CPUSeconds, burner)
			}
		})
	}
	if checked == 0 {
		t.Error("the burner ran under 50 ms in every mode: the test measured nothing")
	}
}

// TestClusterLocalWorkersRunBelowTheWindow runs a Cluster run with the
// window's worker priority: its local worker processes run at nice 10 under
// SCHED_IDLE, as a process pool's do, when they take their items.
func TestClusterLocalWorkersRunBelowTheWindow(t *testing.T) {
	_, items := serveGallery(t)
	s := clusterSpec(t, jobs.Thumbnail, items)
	s.WorkerNice, s.WorkerIdle = 10, true
	var mu sync.Mutex
	seen := map[int]string{} // worker PID → what its main thread ran at
	rec := &recorder{on: func(e jobs.Event) {
		if e.Kind != jobs.StepStarted {
			return
		}
		got := "gone"
		if a, err := unix.SchedGetAttr(e.Worker.PID, 0); err == nil {
			got = fmt.Sprintf("nice %d idle %v", a.Nice, a.Policy == unix.SCHED_IDLE)
		}
		mu.Lock()
		seen[e.Worker.PID] = got
		mu.Unlock()
	}}
	res, err := jobs.Run(context.Background(), s, rec)
	if err != nil || res.OK != len(items) {
		t.Fatalf("ok %d of %d, %v", res.OK, len(items), err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) == 0 {
		t.Fatal("no step started")
	}
	for pid, got := range seen {
		if got != "nice 10 idle true" {
			t.Errorf("cluster worker pid %d: %s, want nice 10 idle true", pid, got)
		}
	}
}
