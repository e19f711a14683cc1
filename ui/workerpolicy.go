package ui

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"concurrencylab/jobs"
	"concurrencylab/jobs/proc"
)

// A workerPolicy is how the workers of the window's runs (a goroutine pool's
// threads, worker processes, a cluster's local workers) share the CPU with
// the window and with the computer's other programs (slides, a browser, a
// video call). The window needs little CPU but needs it at once; the work
// needs its fair share, or a run all but stops beside a busy program.
type workerPolicy struct {
	nice  int  // 0 (the window's own) to 19
	idle  bool // Linux's SCHED_IDLE: the CPU only when nothing else wants it
	batch bool // Linux's SCHED_BATCH at nice: worker processes only
	// governed: nice 0, lowered to nice 10 under SCHED_IDLE while the
	// window is late (see govern); worker processes only.
	governed bool
}

// fairShare is the window's policy: nice 4, no SCHED_IDLE. Beside two busy
// programs a worker at nice 4 gets 423/(1024+423) of a core, about 30%, so a
// run takes about 3.4 times its quiet time on 2 cores, within the fair
// share's 4 (nice 5 would be 4.1); at nice 10 it got 10%, and under
// SCHED_IDLE 0.3%: 193 times its quiet time. And the window, at nice 0,
// still comes first when it wakes. Measured: docs/performance.md ("A busy
// computer"), scripts/busy_policy.py.
var fairShare = workerPolicy{nice: 4}

// policy is the one worker policy of this process, fairShare unless
// --worker-priority chose another; set before the window opens.
var policy = fairShare

// parsePolicy reads --worker-priority: nice=N, idle=N, batch=N or governor.
func parsePolicy(v string) (workerPolicy, error) {
	if v == "governor" {
		return workerPolicy{governed: true}, nil
	}
	k, n, ok := strings.Cut(v, "=")
	nice, err := strconv.Atoi(n)
	if !ok || err != nil || nice < 0 || nice > 19 {
		return workerPolicy{}, fmt.Errorf("%q is not nice=N, idle=N, batch=N (N from 0 to 19) or governor", v)
	}
	switch k {
	case "nice":
		return workerPolicy{nice: nice}, nil
	case "idle":
		return workerPolicy{nice: nice, idle: true}, nil
	case "batch":
		return workerPolicy{nice: nice, batch: true}, nil
	}
	return workerPolicy{}, fmt.Errorf("%q is not nice=N, idle=N, batch=N (N from 0 to 19) or governor", v)
}

// use makes p this process's policy. SCHED_BATCH reaches the worker
// processes through the environment they inherit (proc.EnvBatch).
func (p workerPolicy) use() {
	policy = p
	if p.batch {
		os.Setenv(proc.EnvBatch, "1")
	}
}

// belowWindow runs a spec's workers below the window's own priority as the
// policy says, so that the window keeps drawing while they fill every core
// and they still get their share beside other programs. Every run the
// window starts, its own and the lessons', goes through it.
func belowWindow(spec *jobs.Spec) { spec.WorkerNice, spec.WorkerIdle = policy.nice, policy.idle }

// The governor's thresholds: the window is late when a probe of the last
// second waited longer than lateAfter (two frames), and on time again after
// a second with none over onTimeUnder.
const (
	lateAfter   = 67 * time.Millisecond
	onTimeUnder = 25 * time.Millisecond
)

// govern, for the governed policy, lowers the window's worker processes
// while the window is late and raises them again once it is on time, until
// the window closes; every tick it sets the workers as they should be, so a
// worker started since is too. Raising a priority back needs a privilege
// (Linux's CAP_SYS_NICE, or an RLIMIT_NICE above 0, which Debian's users do
// not have): without it the workers stay lowered once lowered.
func (l *Lab) govern() {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	lowered := false
	var calm time.Time // since when the window has been on time, while lowered
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
		}
		_, recent := l.beat.now()
		switch {
		case recent > lateAfter:
			lowered, calm = true, time.Time{}
		case !lowered || recent >= onTimeUnder:
			calm = time.Time{}
		case calm.IsZero():
			calm = time.Now()
		case time.Since(calm) > time.Second:
			lowered = false
		}
		if lowered {
			setChildren(10, true)
		} else {
			lowered = !setChildren(0, false) // stays lowered where it may not raise them
		}
	}
}
