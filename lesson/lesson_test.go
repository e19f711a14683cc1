package lesson

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"concurrencylab/jobs"
	"concurrencylab/jobs/cpuset"
	"concurrencylab/jobs/pool/pooltest"
	"concurrencylab/lesson/python"
	"concurrencylab/results"
)

// TestMain serves as a pool worker when a lesson re-executes the test
// binary, so the lessons run real worker processes.
func TestMain(m *testing.M) {
	jobs.ServeIfWorker(WorkerOps())
	ServeIfChild()
	goleak.VerifyTestMain(m)
}

var cacheDir = sync.OnceValue(func() string {
	d, err := os.MkdirTemp("", "lesson-test-gallery")
	if err != nil {
		panic(err)
	}
	return d
})

// quick runs a lesson's small form with real worker processes.
func quick(t *testing.T, name string, rep func(jobs.Spec) jobs.Reporter) *Outcome {
	t.Helper()
	l, err := Find(name)
	if err != nil {
		t.Fatal(err)
	}
	o, err := l.Run(context.Background(), Env{Dir: t.TempDir(), CacheDir: cacheDir(), Quick: true,
		WorkerCommand: pooltest.Worker, Reporter: rep, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	if o.Lesson != name || o.Cores != runtime.NumCPU() || o.Expected == "" || o.Verdict == "" {
		t.Errorf("outcome: %+v", o)
	}
	for _, r := range o.Runs {
		if (r.Failed != 0 && name != "isolation") || r.Canceled != 0 {
			t.Errorf("%s: %d failed, %d cancelled: %+v", results.Name(r), r.Failed, r.Canceled, r.Errors)
		}
	}
	t.Logf("%s: holds %v: %s", name, o.Holds, o.Verdict)
	return o
}

func TestEveryLessonIsComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, l := range All {
		if seen[l.Name] || l.Title == "" || l.Claim == "" || l.Question == "" || l.Unit == "" || l.Why == "" || l.run == nil {
			t.Errorf("lesson %q is missing something or named twice", l.Name)
		}
		seen[l.Name] = true
		for _, cores := range []int{1, 2, 8} {
			if e := l.Expect(cores); e == "" {
				t.Errorf("%s: no expectation for %d cores", l.Name, cores)
			}
		}
	}
	if _, err := Find("threads"); err == nil || !strings.Contains(err.Error(), "io-bound") {
		t.Errorf("Find of an unknown lesson: %v", err)
	}
}

// TestIOBoundOnOneCore: eight goroutines pinned to one core still download
// several times faster than one, since the work is waiting.
func TestIOBoundOnOneCore(t *testing.T) {
	// Waiting needs no cores, but starting each download needs a little of
	// one: on a machine so busy (measured) that the work had less than a
	// core, it is tried again, and then left untold rather than failed.
	for try := 1; ; try++ {
		o := quick(t, "io-bound", nil)
		m := o.Measured.(IOMeasured)
		if one := o.Runs[1]; one.Cores != 1 || one.Workers != ioWorkers {
			t.Errorf("the one-core run: %d workers on %d cores", one.Workers, one.Cores)
		}
		// Python beside Go, where there is one: threads and asyncio tasks
		// overlap their waits too.
		if _, err := python.Find(context.Background(), ""); err == nil {
			if p := m.Python; p == nil {
				t.Errorf("python3 is here, and no Python figures: %s", m.PythonMissing)
			} else if p.Failed > 0 || p.ThreadsSpeedup <= 1 || p.AsyncioSpeedup <= 1 {
				t.Errorf("Python: %+v", *p)
			} else {
				t.Logf("Python %s: threads %.2f×, asyncio %.2f×", p.Version, p.ThreadsSpeedup, p.AsyncioSpeedup)
			}
		}
		switch busy := m.ShareOneCore.OthersKnown && m.ShareOneCore.Had < 1; {
		case m.SpeedupOneCore >= 2.5:
			return
		case busy && try < 3:
			t.Logf("try %d: %.2f×, while %s", try, m.SpeedupOneCore, m.ShareOneCore.Text(o.Cores))
		case busy:
			t.Skipf("too busy to tell: %.2f×, while %s", m.SpeedupOneCore, m.ShareOneCore.Text(o.Cores))
		default:
			t.Fatalf("8 goroutines on one core: %.2f×, want several times faster than one (%s)", m.SpeedupOneCore, m.ShareOneCore.Text(o.Cores))
		}
	}
}

// Without a Python, io-bound says so and judges Go's figures alone.
func TestIOBoundWithoutPython(t *testing.T) {
	o, err := ioBound.Run(context.Background(), Env{Dir: t.TempDir(), CacheDir: cacheDir(), Quick: true,
		WorkerCommand: pooltest.Worker, Logf: t.Logf, Python: filepath.Join(t.TempDir(), "no-python3")})
	if err != nil {
		t.Fatal(err)
	}
	m := o.Measured.(IOMeasured)
	if m.Python != nil || !strings.Contains(strings.Join(o.Notes, " "), "Python was not found here") || strings.Contains(o.Verdict, "Python") {
		t.Errorf("python %+v, notes %q, verdict %q", m.Python, o.Notes, o.Verdict)
	}
	for _, f := range Describe(m) {
		if f.Key == "python" && f.Text != "not measured" {
			t.Errorf("the python figure says %q", f.Text)
		}
	}
}

// TestCPUBoundOneCoreRunUsesOneCore fails if the one-core run secretly used
// more: every step of it ran on a thread pinned to one CPU, with GOMAXPROCS
// 1, and its CPU time did not exceed its wall time.
func TestCPUBoundOneCoreRunUsesOneCore(t *testing.T) {
	var mu sync.Mutex
	cpus := map[string][][]int{}
	procs := map[string]map[int]bool{}
	rep := func(s jobs.Spec) jobs.Reporter {
		key := string(s.Mode) + "/" + strings.Repeat("I", s.Workers)
		return jobs.ReporterFunc(func(e jobs.Event) {
			if e.Kind != jobs.StepStarted || s.Mode != jobs.Goroutines {
				return
			}
			mu.Lock() // on the lane's own goroutine, so on its thread
			defer mu.Unlock()
			if s.Cores == 1 {
				cpus[key] = append(cpus[key], cpuset.Current())
			}
			if procs[key] == nil {
				procs[key] = map[int]bool{}
			}
			procs[key][runtime.GOMAXPROCS(0)] = true
		})
	}
	o := quick(t, "cpu-bound", rep)
	one := o.Runs[1]
	if one.Cores != 1 || one.Workers != 2*runtime.NumCPU() {
		t.Fatalf("the one-core run: %d workers on %d cores", one.Workers, one.Cores)
	}
	// The work's own threads (pinned to one CPU), not the process: its
	// garbage collector and the lesson's bookkeeping are upkeep, measured
	// apart, and on a run of a few hundredths of a second they alone can
	// make the process's CPU over wall exceed 1.
	work := one.CPUSeconds
	if one.WorkCPUSeconds != nil {
		work = *one.WorkCPUSeconds
	}
	if ratio := work / one.WallSeconds; ratio > 1.15 {
		t.Errorf("the one-core run's work used %.2f s of CPU in %.2f s: %.2f cores", work, one.WallSeconds, ratio)
	}
	for key, seen := range cpus {
		for _, set := range seen {
			if runtime.GOOS == "linux" && len(set) != 1 {
				t.Errorf("%s: a step ran on a thread allowed on CPUs %v", key, set)
			}
		}
	}
	for key, seen := range procs {
		if strings.Count(key, "I") == 2*runtime.NumCPU() && (len(seen) != 1 || !seen[1]) {
			t.Errorf("%s ran with GOMAXPROCS %v", key, seen)
		}
	}
	// Who had the cores is measured, not guessed, and the verdict says it.
	m := o.Measured.(CPUMeasured)
	for _, s := range []Share{m.ShareOneGoroutine, m.ShareOneCore, m.ShareGoroutines, m.ShareProcesses} {
		if runtime.GOOS == "linux" && (!s.OthersKnown || !s.UpkeepKnown) {
			t.Errorf("a share not measured on Linux: %+v", s)
		}
		if s.Had < 0 || s.Had > float64(runtime.NumCPU()) || s.Window {
			t.Errorf("share %+v", s)
		}
	}
	if runtime.NumCPU() > 1 && !strings.Contains(o.Verdict, "so the work had") {
		t.Errorf("the verdict does not say who had the cores: %q", o.Verdict)
	}
	t.Logf("%s\n%+v", o.Verdict, m)
	for _, r := range o.Runs {
		t.Logf("%s: wall %.2f cpu %.2f work %v others %v", r.Mode, r.WallSeconds, r.CPUSeconds, *r.WorkCPUSeconds, *r.OtherCPUSeconds)
	}
}

func TestScalingSweep(t *testing.T) {
	o := quick(t, "scaling", nil)
	m := o.Measured.(ScalingMeasured)
	top := m.Workers[len(m.Workers)-1]
	if m.Workers[0] != 1 || top < 16 || top < 4*runtime.NumCPU() {
		t.Fatalf("sweep %v", m.Workers)
	}
	if len(m.Download) != len(m.Workers) || len(m.Thumbnail) != len(m.Workers) || len(o.Runs) != 2*len(m.Workers) {
		t.Fatalf("measured %+v from %d runs", m, len(o.Runs))
	}
	if d := m.Download; d["16"] < 2*d["2"] {
		t.Errorf("downloads did not keep scaling past 2 goroutines: %v", d)
	}
}

func TestRaceLosesUpdatesOnlyWithoutSynchronisation(t *testing.T) {
	o := quick(t, "race", nil)
	m := o.Measured.(RaceMeasured)
	if m.Expected != int64(m.Goroutines*m.Increments) || m.Unsynchronized >= m.Expected {
		t.Errorf("unsynchronised: %d of %d", m.Unsynchronized, m.Expected)
	}
	if m.Mutex != m.Expected || m.Atomic != m.Expected || m.Sharded != m.Expected || !m.TightExact {
		t.Errorf("a synchronised counter lost updates: %+v", m)
	}
	if m.ProcessesParent != 0 || m.ProcessesSentBack != m.Expected {
		t.Errorf("processes: parent %d, sent back %d of %d", m.ProcessesParent, m.ProcessesSentBack, m.Expected)
	}
	if !o.Holds || o.Answer <= 0 || o.Answer >= 1 {
		t.Errorf("holds %v, lost fraction %v", o.Holds, o.Answer)
	}
}

func TestStartupCosts(t *testing.T) {
	o := quick(t, "startup", nil)
	m := o.Measured.(StartupMeasured)
	if m.GoroutineStartUS <= 0 || m.ProcessStartMS*1000 < 100*m.GoroutineStartUS {
		t.Errorf("a goroutine %.2f µs, a process %.2f ms", m.GoroutineStartUS, m.ProcessStartMS)
	}
	if len(o.Runs) != 3 || o.Runs[2].Mode != jobs.Processes || m.TinyProcesses <= 0 || m.TinyGoroutines <= 0 {
		t.Errorf("tiny runs: %+v", m)
	}
}

func TestIsolation(t *testing.T) {
	o := quick(t, "isolation", nil)
	m := o.Measured.(IsolationMeasured)
	if len(m.KilledPIDs) != 1 || m.KilledFailedItems != 1 || m.OKItems != m.Items-1 || !m.Replaced {
		t.Errorf("killed worker: %+v", m)
	}
	if m.PanicExitCode != 2 || !strings.HasPrefix(m.PanicMessage, "panic: ") || !m.ParentAlive {
		t.Errorf("panicking child: %+v", m)
	}
	if !o.Holds {
		t.Errorf("verdict: %s", o.Verdict)
	}
}

// TestIsolationKillsTheWorkerAsked is the window's "Kill a worker": the
// env's Kill chooses.
func TestIsolationKillsTheWorkerAsked(t *testing.T) {
	l, _ := Find("isolation")
	var once sync.Once
	asked := 0
	o, err := l.Run(context.Background(), Env{Dir: t.TempDir(), CacheDir: cacheDir(), Quick: true, WorkerCommand: pooltest.Worker,
		Kill: func(pid int) (k bool) { once.Do(func() { asked, k = pid, true }); return k }})
	if err != nil {
		t.Fatal(err)
	}
	m := o.Measured.(IsolationMeasured)
	if len(m.KilledPIDs) != 1 || m.KilledPIDs[0] != asked || m.KilledFailedItems != 1 {
		t.Errorf("asked to kill %d: %+v", asked, m)
	}
}

func TestPipelineQueueStaysBounded(t *testing.T) {
	o := quick(t, "pipeline", nil)
	m := o.Measured.(PipelineMeasured)
	if m.QueueCapacity != queueCapacity || m.MaxQueueDepth > m.QueueCapacity || len(m.Depth) == 0 {
		t.Errorf("bounded queue: %+v", m)
	}
	for _, d := range m.Depth {
		if d.Depth > m.QueueCapacity || d.Depth < 0 {
			t.Fatalf("depth %d at %.3f s", d.Depth, d.Seconds)
		}
	}
	if u := o.Runs[1].Queue; u.Capacity != len(o.Runs[1].Errors)+o.Runs[1].Items || m.UnboundedMaxDepth != u.MaxDepth {
		t.Errorf("unbounded queue: %+v", u)
	}
}

func TestLessonStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	l, _ := Find("io-bound")
	rep := func(jobs.Spec) jobs.Reporter {
		return jobs.ReporterFunc(func(e jobs.Event) {
			if e.Kind == jobs.ItemDone {
				cancel()
			}
		})
	}
	if _, err := l.Run(ctx, Env{Dir: t.TempDir(), CacheDir: cacheDir(), Quick: true, WorkerCommand: pooltest.Worker, Reporter: rep}); err == nil {
		t.Fatal("a cancelled lesson returned no error")
	}
}

// TestFreezeOnTheStandInLoop: with no window, the lesson's own event loop
// plays the UI thread, and the blocking run really runs on it.
func TestFreezeOnTheStandInLoop(t *testing.T) {
	o := quick(t, "freeze", nil)
	m := o.Measured.(FreezeMeasured)
	if !m.StandInLoop || o.Runs[0].Mode != jobs.Blocking || o.Runs[1].Mode != jobs.Goroutines {
		t.Fatalf("%+v", m)
	}
	if m.FrozenSeconds < m.BlockingSeconds-3*frame.Seconds() || m.FrozenSeconds > m.BlockingSeconds+1 {
		t.Errorf("a %.2f s blocking run froze the loop %.2f s", m.BlockingSeconds, m.FrozenSeconds)
	}
}

// fakeUI records which goroutine Do ran on: the freeze lesson must run its
// blocking run there, and only that.
type fakeUI struct {
	loop *eventLoop
	n    int
}

func (f *fakeUI) Do(g func())                          { f.n++; f.loop.Do(g) }
func (f *fakeUI) Lag(from, to time.Time) time.Duration { return f.loop.Lag(from, to) }

func TestFreezeUsesTheWindowsUIThread(t *testing.T) {
	ui := &fakeUI{loop: newEventLoop()}
	defer ui.loop.close()
	l, _ := Find("freeze")
	o, err := l.Run(context.Background(), Env{Dir: t.TempDir(), CacheDir: cacheDir(), Quick: true, UI: ui})
	if err != nil {
		t.Fatal(err)
	}
	if m := o.Measured.(FreezeMeasured); m.StandInLoop || ui.n != 1 {
		t.Errorf("stand-in %v, %d calls of Do", m.StandInLoop, ui.n)
	}
}
