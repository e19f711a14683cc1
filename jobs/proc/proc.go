// Package proc is the plumbing of this program's worker processes, shared by
// the process pool (jobs/pool) and the cluster's local workers
// (jobs/cluster): pipes passed to a child (descriptors on Unix, inherited
// handles on Windows); a child in a process group of its own (a Job object
// on Windows), so that a kill reaches whatever it started; a kill that
// never reaches a stranger; a priority below the parent's, asked for in the
// child's environment and applied by the child to all its threads (the
// priority class on Windows); a child that ends when its parent goes; and
// the CPU time of the children waited for.
package proc

import (
	"fmt"
	"os"
	"strconv"
)

// The environment that asks a worker process to lower itself: EnvNice to the
// niceness it should give itself, EnvIdle to "1" for SCHED_IDLE. EnvBatch
// "1" asks for Linux's SCHED_BATCH at that niceness (ignored with EnvIdle,
// and where there is no such policy): a measured alternative, not what the
// window uses (docs/performance.md), so it is not part of PriorityEnv; a
// program that sets it in its own environment passes it on to its workers.
const (
	EnvNice  = "CONCURRENCYLAB_WORKER_NICE"
	EnvIdle  = "CONCURRENCYLAB_WORKER_IDLE"
	EnvBatch = "CONCURRENCYLAB_WORKER_BATCH"
)

// PriorityEnv is the environment that asks a worker process to run at nice
// n and, with idle, under SCHED_IDLE; the worker obeys it with LowerFromEnv.
func PriorityEnv(nice int, idle bool) []string {
	env := []string{fmt.Sprintf("%s=%d", EnvNice, nice)}
	if idle {
		env = append(env, EnvIdle+"=1")
	}
	return env
}

// LowerFromEnv lowers this worker process's priority as its PriorityEnv
// asks. Call it first: threads started later inherit it.
func LowerFromEnv() {
	n, _ := strconv.Atoi(os.Getenv(EnvNice))
	n = min(max(n, 0), 19)
	idle := os.Getenv(EnvIdle) == "1"
	if n > 0 || idle {
		lower(n, idle)
	}
	if !idle && os.Getenv(EnvBatch) == "1" {
		batch(n)
	}
}
