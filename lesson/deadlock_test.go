package lesson

import (
	"context"
	"errors"
	"sync"

	"concurrencylab/jobs/pool/pooltest"
	"concurrencylab/lesson/deadlocks"
	"strings"
	"testing"
)

// TestDeadlock runs every case in real child processes: the runtime notices
// each alone, none inside the live worker, and the dump shows who waits.
func TestDeadlock(t *testing.T) {
	o := quick(t, "deadlock", nil)
	m := o.Measured.(DeadlockMeasured)
	if m.NoticedAlone != len(deadlocks.Cases) || m.NoticedLive != 0 || o.Answer != float64(len(deadlocks.Cases)) {
		t.Errorf("noticed %d alone, %d live", m.NoticedAlone, m.NoticedLive)
	}
	for _, c := range m.Cases {
		if c.Alone.ExitCode != 2 || !strings.Contains(c.Alone.Message, deadlockMessage) {
			t.Errorf("%s alone: %+v", c.Name, c.Alone)
		}
		if c.Live.Noticed || c.Live.Heartbeats == 0 || len(c.Live.WaitFor) == 0 || !c.Fix.Finished {
			t.Errorf("%s live: %+v, fix %+v", c.Name, c.Live, c.Fix)
		}
		t.Logf("%s: %s; cycle %v", c.Name, waitersText(c.Live.WaitFor, true), c.Live.Cycle)
	}
	if !m.Guard.Finished || !o.Holds {
		t.Errorf("guard %+v; verdict %s", m.Guard, o.Verdict)
	}
	if m.ThisProgram.Noticed || !m.ThisProgramUsesCgo {
		t.Errorf("this program: %+v", m.ThisProgram)
	}
}

func TestParseDump(t *testing.T) {
	dump := []byte(`goroutine 7 [running]:
main.main()
	/x/main.go:3 +0x1

goroutine 12 [sync.Mutex.Lock, 2 minutes]:
internal/sync.runtime_SemacquireMutex(0x0?, 0x0?, 0x0?)
	/usr/local/go/src/runtime/sema.go:95 +0x25
sync.(*Mutex).Lock(...)
	/usr/local/go/src/sync/mutex.go:46
concurrencylab/lesson/deadlocks.init.func1.1(...)
	/w/lesson/deadlocks/deadlocks.go:40 +0x99
created by concurrencylab/lesson/deadlocks.init.func1 in goroutine 11
	/w/lesson/deadlocks/deadlocks.go:45 +0x1
`)
	got := parseDump(dump)
	if len(got) != 2 || got[1].ID != 12 || got[1].State != "sync.Mutex.Lock" || got[1].At != "deadlocks.go:40" ||
		got[1].Func != "concurrencylab/lesson/deadlocks.init.func1.1" || got[0].At != "main.go:3" {
		t.Errorf("%+v", got)
	}
	ws := []Waiter{{Goroutine: "A", WaitsFor: "mu2", HeldBy: "B"}, {Goroutine: "B", WaitsFor: "mu1", HeldBy: "A"}}
	if c := cycle(ws); strings.Join(c, " ") != "A mu2 B mu1 A" {
		t.Errorf("cycle %v", c)
	}
	if c := cycle([]Waiter{{Goroutine: "W", WaitsFor: "wg"}}); c != nil {
		t.Errorf("cycle with nobody holding: %v", c)
	}
}

// TestDeadlockStopsWhenCancelled: cancelled after its first child, the
// lesson returns at once, its children killed and its worker closed
// (TestMain's goleak checks the goroutines).
func TestDeadlockStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var once sync.Once
	_, err := deadlock.Run(ctx, Env{Dir: t.TempDir(), CacheDir: cacheDir(), Quick: true, WorkerCommand: pooltest.Worker,
		Logf: func(string, ...any) { once.Do(cancel) }})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
}
