// Command concurrencylab is Concurrency Lab: a window that shows what blocking,
// goroutine and process-based execution do to speed and to the UI, and
// `concurrencylab bench`, the same work from a terminal.
package main

import (
	"fmt"
	"os"

	"concurrencylab/cli"
	"concurrencylab/jobs"
	"concurrencylab/jobs/pool"
)

func main() {
	// A worker process of the pool: this binary re-executed (see jobs/pool).
	if pool.IsWorker() {
		if err := jobs.ServeWorker(); err != nil {
			fmt.Fprintln(os.Stderr, "concurrencylab worker:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) > 1 && os.Args[1] == "bench" {
		os.Exit(cli.Bench(os.Args[2:], os.Stdout, os.Stderr))
	}
	if len(os.Args) > 1 && os.Args[1] == "worker" {
		fmt.Fprintln(os.Stderr, "concurrencylab worker: started by the process pool only")
		os.Exit(2)
	}
	os.Exit(runWindow(os.Args[1:]))
}
