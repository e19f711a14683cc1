package priority

import (
	"runtime"
	"testing"
)

func TestLowerThreadLowersOnlyItsThread(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("thread priorities are Linux's")
	}
	type state struct {
		nice    int
		idle    bool
		lowered bool
	}
	got := make(chan state)
	fresh := func() state {
		go func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			n, idle := current()
			got <- state{nice: n, idle: idle}
		}()
		return <-got
	}
	before := fresh()
	if before.idle || before.nice >= 10 {
		t.Skipf("this process already runs at nice %d (idle %v)", before.nice, before.idle)
	}
	go func() {
		ok := LowerThread(10, true)
		n, idle := current()
		got <- state{n, idle, ok}
	}()
	s := <-got
	if !s.lowered || s.nice != 10 || !s.idle {
		t.Fatalf("lowered thread: %+v, want nice 10 under SCHED_IDLE", s)
	}
	// The thread ended with its goroutine: no other goroutine runs lowered.
	for range 50 {
		if s := fresh(); s != before {
			t.Fatalf("another goroutine ran on a lowered thread: %+v, before %+v", s, before)
		}
	}
}
