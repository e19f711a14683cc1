package ui

import (
	"testing"

	"concurrencylab/jobs"
)

func TestWorkerPriorityFlag(t *testing.T) {
	for v, want := range map[string]workerPolicy{
		"nice=4":   {nice: 4},
		"nice=0":   {},
		"idle=10":  {nice: 10, idle: true},
		"batch=4":  {nice: 4, batch: true},
		"governor": {governed: true},
	} {
		if got, err := parsePolicy(v); err != nil || got != want {
			t.Errorf("parsePolicy(%q) = %+v, %v; want %+v", v, got, err, want)
		}
	}
	for _, v := range []string{"", "nice", "nice=20", "nice=-1", "idle=x", "fast=1", "governor=1"} {
		if _, err := parsePolicy(v); err == nil {
			t.Errorf("parsePolicy(%q) took it", v)
		}
	}
}

// TestWorkersGetAFairShare: the window's runs, its own and the lessons',
// lower their workers to nice 4 and no further: under SCHED_IDLE, two busy
// programs beside the window all but stopped its runs (193 times slower).
func TestWorkersGetAFairShare(t *testing.T) {
	var s jobs.Spec
	belowWindow(&s)
	if s.WorkerNice != 4 || s.WorkerIdle {
		t.Errorf("workers at nice %d, idle %v; want nice 4 without SCHED_IDLE", s.WorkerNice, s.WorkerIdle)
	}
}
