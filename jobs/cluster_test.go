package jobs_test

import (
	"context"
	"os"
	"testing"
	"time"

	"concurrencylab/jobs"
)

func clusterSpec(t *testing.T, task jobs.Task, items []jobs.Item) jobs.Spec {
	s := spec(t, task, jobs.Cluster, items)
	s.Cluster.AckWait = 2 * time.Second
	return s
}

// checkOnce checks that every item is done exactly once, by a cluster worker
// process other than this one, and that its thumbnail is whole.
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
		if e.Stage == "thumbnail" && (w.Kind != "cluster" || w.PID == 0 || w.PID == os.Getpid() || w.Host == "" || e.Phases.IPC <= 0) {
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
			if res.Joined != s.Workers || len(rec.of(jobs.WorkerUp)) != s.Workers {
				t.Errorf("%d workers joined, want %d", res.Joined, s.Workers)
			}
		})
	}
}
