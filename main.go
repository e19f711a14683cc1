// Command concurrencylab is Concurrency Lab: a window that shows what blocking,
// goroutine and process-based execution do to speed and to the UI, and
// `concurrencylab bench`, the same work from a terminal.
package main

import (
	"fmt"
	"os"

	"concurrencylab/cli"
	"concurrencylab/jobs"
	"concurrencylab/ui"
)

func main() {
	// A worker process of the pool: this binary re-executed (see jobs/pool).
	jobs.ServeIfWorker()
	if len(os.Args) > 1 && os.Args[1] == "bench" {
		// Off the main goroutine, which Fyne's GL driver locks to the main
		// thread for the window: work on it measured 50% slower (a sequential
		// JPEG decode took 94 ms there, 62 ms on a goroutine of its own).
		code := make(chan int)
		go func() { code <- cli.Bench(os.Args[2:], os.Stdout, os.Stderr) }()
		os.Exit(<-code)
	}
	if len(os.Args) > 1 && os.Args[1] == "worker" {
		fmt.Fprintln(os.Stderr, "concurrencylab worker: started by the process pool only")
		os.Exit(2)
	}
	os.Exit(ui.Main(os.Args[1:], os.Stderr))
}
