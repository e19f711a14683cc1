package ui

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"concurrencylab/jobs"
	"concurrencylab/lesson"
)

// TestMain serves as a pool worker when a Process pool run re-executes the
// test binary.
func TestMain(m *testing.M) {
	jobs.ServeIfWorker(lesson.WorkerOps())
	lesson.ServeIfChild() // the deadlock lesson's child process
	// One gallery cache for the whole package: generating photos is slow under -race.
	cache, err := os.MkdirTemp("", "ui-test-cache")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CACHE_HOME", cache)
	os.Setenv("GORACE", "atexit_sleep_ms=0") // workers under -race exit at once
	code := m.Run()
	os.RemoveAll(cache)
	os.Exit(code)
}

// mainLoop stands in for Fyne's UI goroutine: the lab posts functions to it,
// and the test goroutine runs them, so widgets are only touched by one goroutine.
type mainLoop chan func()

func (q mainLoop) do(f func()) { q <- f }

// until runs posted functions until cond holds, failing after the deadline.
//
// Every wait lasts at least patience: deadline says what the wait is for,
// but on a loaded 2-core machine (other programs, a build beside the tests:
// make test-under-load) a run of a second can take a minute, and a
// deadline only catches a hang; a test that passes never waits it out.
func (q mainLoop) until(t *testing.T, what string, deadline time.Duration, cond func() bool) {
	t.Helper()
	timeout := time.After(max(deadline, patience))
	for !cond() {
		select {
		case f := <-q:
			f()
		case <-timeout:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// patience is the least a test waits for what should happen (see until).
const patience = 3 * time.Minute

func newTestLab(t *testing.T) (*Lab, mainLoop) {
	t.Helper()
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	q := make(mainLoop, 1024)
	l := New(a, w, q.do)
	w.SetContent(l.Content())
	w.Resize(fyne.NewSize(1200, 800))
	l.Start()
	t.Cleanup(func() {
		l.Close()
		// A run that Close cancelled ends in its own time (its worker
		// processes killed and waited for), longer on a loaded machine, and
		// the next test's run would find it still in progress
		// (jobs.ErrBusy): wait for it, running what it posts meanwhile.
		ended := make(chan struct{})
		go func() { l.work.Wait(); close(ended) }()
		timeout := time.After(patience)
	wait:
		for {
			select {
			case f := <-q:
				f()
			case <-ended:
				break wait
			case <-timeout:
				t.Error("the window's runs had not ended 3 minutes after it closed")
				break wait
			}
		}
		for len(q) > 0 { // let posted work finish before the app goes
			(<-q)()
		}
	})
	return l, q
}

// newFramelessLab is newTestLab without its frame loop: the test calls
// l.frame itself, and nothing else is queued for the UI goroutine.
func newFramelessLab(t *testing.T) *Lab {
	t.Helper()
	l, q := newTestLab(t)
	close(l.stop)
	for len(q) > 0 {
		(<-q)()
	}
	return l
}

// goid is the calling goroutine's ID, from its stack's first line.
func goid() int64 {
	b := make([]byte, 64)
	b = b[:runtime.Stack(b, false)]
	f := strings.Fields(string(b))
	n, _ := strconv.ParseInt(f[1], 10, 64)
	return n
}
