// Command concurrencylab is Concurrency Lab: a window that shows what blocking,
// goroutine and process-based execution do to speed and to the UI, and
// `concurrencylab bench`, the same work from a terminal.
package main

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"runtime/trace"

	"concurrencylab/cli"
	"concurrencylab/cli/console"
	"github.com/BurntSushi/toml"

	_ "concurrencylab/cli/clocale" // first: before Fyne reads the locale
	"concurrencylab/jobs"
	"concurrencylab/lesson"
	"concurrencylab/ui"
)

func main() {
	// A worker process of the pool: this binary re-executed (see jobs/pool).
	jobs.ServeIfWorker(lesson.WorkerOps())
	// The Windows package is a GUI program: print in the console it was
	// started from, if any (see cli/console).
	console.Attach()
	lesson.ServeIfChild() // the deadlock lesson's child process
	if len(os.Args) > 1 && os.Args[1] == "bench" {
		// Off the main goroutine, which Fyne's GL driver locks to the main
		// thread for the window: work on it measured 50% slower (a sequential
		// JPEG decode took 94 ms there, 62 ms on a goroutine of its own).
		code := make(chan int)
		go func() { code <- cli.Bench(os.Args[2:], os.Stdout, os.Stderr) }()
		os.Exit(<-code)
	}
	if len(os.Args) > 1 && os.Args[1] == "lesson" {
		code := make(chan int) // off the main goroutine, as bench
		go func() { code <- cli.Lesson(os.Args[2:], os.Stdout, os.Stderr) }()
		os.Exit(<-code)
	}
	if len(os.Args) > 1 && (os.Args[1] == "--version" || os.Args[1] == "-version" || os.Args[1] == "version") {
		fmt.Println(version())
		os.Exit(0)
	}
	if len(os.Args) > 1 && os.Args[1] == "join" { // a cluster worker of another machine's runs
		os.Exit(cli.Join(os.Args[2:], os.Stdout, os.Stderr))
	}
	if len(os.Args) > 1 && os.Args[1] == "room" { // a workshop's room, gathering lesson outcomes
		os.Exit(cli.Room(os.Args[2:], os.Stdout, os.Stderr))
	}
	if len(os.Args) > 1 && os.Args[1] == "worker" {
		fmt.Fprintln(os.Stderr, "concurrencylab worker: started by the process pool only")
		os.Exit(2)
	}
	stop := profile(os.Getenv("CONCURRENCYLAB_PROFILE"))
	code := ui.Main(os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}

//go:embed FyneApp.toml
var fyneApp []byte

// version is the app's name and version, from FyneApp.toml's metadata (the
// one `fyne package` reads), as built into this binary.
func version() string {
	var meta struct {
		Details struct{ Name, Version string }
	}
	if _, err := toml.Decode(string(fyneApp), &meta); err != nil || meta.Details.Version == "" {
		return "Concurrency Lab (version unknown)"
	}
	return fmt.Sprintf("%s %s (%s, %s/%s)", meta.Details.Name, meta.Details.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// profile writes a CPU profile (cpu.pprof), a Go execution trace
// (trace.out) and, at the end, a heap profile (heap.pprof) of the window's
// process into dir, when dir is set: what to look at when the UI lags
// (`go tool trace -pprof=sched dir/trace.out` shows where goroutines waited
// for a CPU) or the memory grows (`go tool pprof -sample_index=alloc_space`
// shows what allocated most, `-sample_index=inuse_space` what is held).
func profile(dir string) (stop func()) {
	if dir == "" {
		return func() {}
	}
	cpu, err1 := os.Create(filepath.Join(dir, "cpu.pprof"))
	tr, err2 := os.Create(filepath.Join(dir, "trace.out"))
	if err := errors.Join(err1, err2); err != nil {
		fmt.Fprintln(os.Stderr, "profile:", err)
		return func() {}
	}
	pprof.StartCPUProfile(cpu)
	trace.Start(tr)
	return func() {
		trace.Stop()
		pprof.StopCPUProfile()
		cpu.Close()
		tr.Close()
		if heap, err := os.Create(filepath.Join(dir, "heap.pprof")); err == nil {
			runtime.GC() // in use now, not at the last collection
			pprof.WriteHeapProfile(heap)
			heap.Close()
		}
	}
}
