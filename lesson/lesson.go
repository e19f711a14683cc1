// Package lesson turns the classic claims of the threads-vs-processes
// tutorials into experiments a participant predicts, runs and checks on their
// own machine. A Lesson is a plain value declared once: its claim, the runs
// that test it, the rule that says what to expect on a machine with so many
// cores, and the explanation. `concurrencylab lesson`, the window's Lessons
// tab, the report and the tests are drivers of the same values; nothing here
// knows which driver runs it.
//
// Each lesson's rule is a pure function of its measured figures (see the
// judge methods), so a test can feed it figures and check the verdict
// without running anything.
package lesson

import (
	"cmp"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"concurrencylab/jobs"
	"concurrencylab/jobs/gallery"
	"concurrencylab/jobs/pool"
	"concurrencylab/results"
	"concurrencylab/source"
)

// Lesson is one claim and the experiment that checks it.
type Lesson struct {
	Name  string // as typed on the command line: io-bound, cpu-bound, …
	Title string // a few words
	Claim string // what the tutorials say, in one or two sentences
	// Question asks for a prediction before the run, and Unit says what kind
	// of answer it takes: "×" for a speed-up, "times" for a ratio of costs,
	// "lost" for a fraction lost, or what a count counts ("items").
	Question string
	Unit     string
	// Why explains the outcome: why it happens, and what it means for
	// Python's threads and GIL, for asyncio, and for Go.
	Why string
	// Expect says what a machine with cores CPUs should measure, in words.
	Expect func(cores int) string
	run    func(ctx context.Context, e *Env) (*Outcome, error)
	// Python says the lesson also measures Python, when it finds one (see
	// Env.Python).
	Python bool
	// cpuWork says the lesson measures how CPU work spreads over cores,
	// which a window drawing itself on the same cores takes from.
	cpuWork bool
}

// Outcome is a lesson's run on this machine: its JSON form is what
// `concurrencylab lesson NAME --json` prints.
type Outcome struct {
	Lesson   string        `json:"lesson"`
	Claim    string        `json:"claim"`
	Cores    int           `json:"cores"`
	Runs     []jobs.Result `json:"runs"`
	Expected string        `json:"expected"`
	// Measured is the lesson's own figures (see each lesson's type), and
	// Answer the one figure its Question asks about.
	Measured any     `json:"measured"`
	Answer   float64 `json:"answer"`
	Holds    bool    `json:"holds"`
	Verdict  string  `json:"verdict"`
	// Notes warn about what could make a figure mislead: a run too short to
	// measure, a machine with one core.
	Notes   []string `json:"notes,omitempty"`
	Seconds float64  `json:"seconds"` // how long the lesson took

	shortOK        bool // its short runs are repeated and their median kept
	failsOnPurpose bool // its items fail because the lesson makes them
}

// Env is where and how a lesson runs.
type Env struct {
	Dir      string // scratch folder for the runs' files; the caller removes it
	CacheDir string // where generated galleries are kept; "": the user's cache
	// Quick runs the small form of each lesson, for tests: fewer and smaller
	// items, a faster simulated network. Its figures show the same effects
	// less sharply.
	Quick bool
	// Reporter, when set, returns the reporter for one run of the lesson
	// (progress bars, a timeline, the window's bridge).
	Reporter func(spec jobs.Spec) jobs.Reporter
	// Logf, when set, receives a line about each step that is not a run.
	Logf func(format string, args ...any)
	// WorkerCommand starts worker processes (tests); nil re-executes this
	// program.
	WorkerCommand func() *exec.Cmd
	// Adjust, when set, changes each run's spec before it starts: the window
	// runs workers below its own priority (jobs.Spec.WorkerNice).
	Adjust func(*jobs.Spec)
	// Kill, when set, is called for each process-pool step in the isolation
	// lesson with the worker's PID; when it returns true, that worker is killed
	// mid-item (the window's Kill a worker). If none has been killed a third
	// of the way through the run, one is.
	Kill func(pid int) bool
	// UI, when set, is the window's UI thread, for the freeze lesson; nil
	// plays it with an event loop of the lesson's own.
	UI UI
	// Window says the lesson runs in the window, which draws itself on the
	// same cores meanwhile (and runs its workers below itself).
	Window bool
	// Python is the Python interpreter the lessons run their Python beside
	// Go with (see package lesson/python); "" looks for python3 on PATH.
	Python string

	cores int
}

// All is every lesson, in teaching order.
var All = []*Lesson{freeze, ioBound, cpuBound, ccalls, primes, scaling, race, deadlock, startup, isolation, pipeline}

// Find returns the lesson called name.
func Find(name string) (*Lesson, error) {
	for _, l := range All {
		if l.Name == name {
			return l, nil
		}
	}
	names := make([]string, len(All))
	for i, l := range All {
		names[i] = l.Name
	}
	return nil, fmt.Errorf("no lesson %q (there are: %s)", name, strings.Join(names, ", "))
}

// Run runs the lesson in env and judges what it measured on this machine.
// Its error is for a lesson that could not run (or ctx's when cancelled); a
// claim that does not hold here is an Outcome with Holds false.
func (l *Lesson) Run(ctx context.Context, env Env) (*Outcome, error) {
	env.cores = runtime.NumCPU()
	t0 := time.Now()
	o, err := l.run(ctx, &env)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o.Lesson, o.Claim, o.Cores = l.Name, l.Claim, env.cores
	o.Expected = l.Expect(env.cores)
	o.Seconds = time.Since(t0).Seconds()
	if o.Runs == nil {
		o.Runs = []jobs.Result{}
	}
	if !o.shortOK {
		var short []string
		for _, r := range o.Runs {
			if results.TooShort(r) {
				short = append(short, fmt.Sprintf("%s (%.2f s)", results.Name(r), r.WallSeconds))
			}
		}
		if len(short) > 0 {
			o.Notes = append(o.Notes, fmt.Sprintf("Runs under %.0f s are easily moved by whatever else the computer does, so these speed-ups are rough: %s.",
				results.Short.Seconds(), strings.Join(short, ", ")))
		}
	}
	for _, r := range o.Runs {
		if r.Failed > 0 && !o.failsOnPurpose {
			o.Notes = append(o.Notes, fmt.Sprintf("%d of %d items failed in the %s run, so it did less work than the others.", r.Failed, r.Items, results.Name(r)))
		}
	}
	for _, r := range o.Runs {
		if r.Unpinned {
			o.Notes = append(o.Notes, unpinnedNote(r, runtime.GOOS))
			break
		}
	}
	if env.Window && l.cpuWork && !o.Holds {
		o.Notes = append(o.Notes, "The window drew itself meanwhile on the same cores (the verdict counts what that took, measured). "+
			"`concurrencylab lesson "+l.Name+"` in a terminal measures without it.")
	}
	if env.cores == 1 {
		o.Notes = append(o.Notes, "This computer has one core: nothing can run in parallel here, so only the waiting lessons can show a speed-up.")
	}
	return o, nil
}

func (e *Env) logf(format string, args ...any) {
	if e.Logf != nil {
		e.Logf(format, args...)
	}
}

// run does one run of the lesson, reporting to the env's reporter.
func (e *Env) run(ctx context.Context, spec jobs.Spec) (jobs.Result, error) {
	spec, rep := e.prepare(spec)
	res, err := jobs.Run(ctx, spec, rep)
	if err != nil {
		return res, fmt.Errorf("%s: %w", results.Name(res), err)
	}
	return res, nil
}

// prepare completes a run's spec for this env and returns its reporter.
func (e *Env) prepare(spec jobs.Spec) (jobs.Spec, jobs.Reporter) {
	spec.WorkerCommand = e.WorkerCommand
	if e.Adjust != nil {
		e.Adjust(&spec)
	}
	if spec.OutDir == "" {
		spec.OutDir = e.scratch(results.Planned(spec))
	}
	var rep jobs.Reporter = jobs.Discard
	if e.Reporter != nil {
		rep = e.Reporter(spec)
	}
	return spec, rep
}

var scratchN atomic.Int64

// scratch returns a new folder name under the env's Dir.
func (e *Env) scratch(name string) string {
	n := scratchN.Add(1)
	return filepath.Join(e.Dir, fmt.Sprintf("%02d-%s", n, strings.NewReplacer(" ", "-", "(", "", ")", "").Replace(name)))
}

// gallery opens a built-in gallery of n pictures of one size (the zero
// size: the window's mix of photo sizes) for runs of task: served on
// 127.0.0.1 with network nw unless task only reads them from disk
// (source.Options.Task). The caller closes it.
func (e *Env) gallery(ctx context.Context, task jobs.Task, n int, size gallery.Size, nw gallery.Network) (*source.Source, error) {
	var sizes []gallery.Size
	what := "photos of mixed sizes"
	if size != (gallery.Size{}) {
		sizes, what = []gallery.Size{size}, fmt.Sprintf("pictures of %d×%d", size.W, size.H)
	}
	e.logf("preparing %d %s (generated once, then cached)…", n, what)
	return source.Open(ctx, "builtin", source.Options{Images: n, Sizes: sizes, Network: nw, CacheDir: e.CacheDir, Task: task})
}

// speedup is base's wall time over r's.
func speedup(base, r jobs.Result) float64 {
	if r.WallSeconds <= 0 {
		return 0
	}
	return base.WallSeconds / r.WallSeconds
}

// x formats a speed-up.
func x(v float64) string { return fmt.Sprintf("%.2f×", v) }

// runRounds runs specs in turn, rounds times over (fewer in the quick
// form), and keeps each spec's median run by wall time. A machine's speed
// drifts from minute to minute (a laptop's clock, a virtual machine's
// neighbours: here the same one-goroutine run took 2.6 s, then 3.4 s), and
// running the specs in turn lets each round meet the same drift.
func (e *Env) runRounds(ctx context.Context, task jobs.Task, items []jobs.Item, specs []jobs.Spec, rounds int) ([]jobs.Result, error) {
	if e.Quick {
		rounds = 1
	}
	all := make([][]jobs.Result, len(specs))
	for range rounds {
		rs, err := e.runAll(ctx, task, items, specs)
		if err != nil {
			return nil, err
		}
		for i, r := range rs {
			all[i] = append(all[i], r)
		}
	}
	medians := make([]jobs.Result, len(specs))
	for i, rs := range all {
		medians[i] = medianByWall(rs)
	}
	return medians, nil
}

// medianByWall is the run of median wall time among tries of the same spec
// (it sorts tries).
func medianByWall(tries []jobs.Result) jobs.Result {
	slices.SortFunc(tries, func(a, b jobs.Result) int { return cmp.Compare(a.WallSeconds, b.WallSeconds) })
	return tries[len(tries)/2]
}

// runAll runs specs one after another, each of task over items.
func (e *Env) runAll(ctx context.Context, task jobs.Task, items []jobs.Item, specs []jobs.Spec) ([]jobs.Result, error) {
	var runs []jobs.Result
	for _, s := range specs {
		s.Task, s.Items = task, items
		if s.Workers == 0 {
			s.Workers = 1
		}
		r, err := e.run(ctx, s)
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	return runs, nil
}

// WorkerOps are the operations the lessons ask of worker processes of their
// own: pass them to jobs.ServeIfWorker, in main and in the TestMain of tests
// that run lessons, so that a worker, which is this program again, has them.
func WorkerOps() map[string]pool.Handler {
	return map[string]pool.Handler{"lesson-count": countOp, "lesson-panic": panicAlone,
		"lesson-deadlock": liveOp, "lesson-deadlock-fix": fixOp, "lesson-c-calls": cCallsOp, "lesson-primes": primesOp}
}

// unpinnedNote says that a run's goroutines could not be pinned to its
// cores (jobs.Result.Unpinned), and what that means for its figures.
func unpinnedNote(r jobs.Result, goos string) string {
	why := "this system lets no program choose a thread's core"
	if goos == "darwin" {
		why = "macOS lets no program choose a thread's core"
	}
	return fmt.Sprintf("The %s run's goroutines could not be pinned to %s (%s): Go ran their code on %s at a time, "+
		"but a decode in C (the fast decoder) may have run beside it on another core, so that run may have had more than %s here.",
		results.Name(r), cores(r.Cores), why, threads(r.Cores), cores(r.Cores))
}

func cores(n int) string {
	if n == 1 {
		return "one core"
	}
	return fmt.Sprintf("%d cores", n)
}

func threads(n int) string {
	if n == 1 {
		return "one thread"
	}
	return fmt.Sprintf("%d threads", n)
}
