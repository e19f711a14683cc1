package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"syscall"
	"time"

	"concurrencylab/jobs"
	"concurrencylab/jobs/cluster"
)

// Join runs `concurrencylab join URL [--token T] [--workers N]`: this
// machine's cores become workers of whatever cluster run is in progress on
// the server at URL, one run after another, until Ctrl+C. It prints a line
// per item it did on stdout and returns the exit code: 0 after Ctrl+C, 1
// when the server cannot be reached or goes away for good, 2 for a bad
// command line.
func Join(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("concurrencylab join", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: concurrencylab join nats://HOST:PORT [--token TOKEN] [--workers N]

Makes this machine's cores workers of the cluster run in progress on that
server (the command is printed by the machine that shares it), and of the
runs after it, until Ctrl+C. One line per item done.

Flags:
`)
		fs.PrintDefaults()
	}
	token := fs.String("token", "", "the token the server asks for (printed with the join command)")
	workers := fs.Int("workers", runtime.NumCPU(), "workers on this machine, each doing one item at a time")
	// The URL comes first, the flags after it: parse them from args[1:].
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		fs.Usage()
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	url := args[0]
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 || *workers < 1 || *workers > 1024 {
		fmt.Fprintln(stderr, "concurrencylab join: one server URL, then flags; --workers between 1 and 1024")
		fs.Usage()
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var mu sync.Mutex
	say := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(stdout, "%s %s\n", time.Now().Format("15:04:05"), s)
	}
	var st cluster.Stats
	err := jobs.Join(ctx, url, *token, *workers, say, &st)
	if err != nil {
		fmt.Fprintln(stderr, "concurrencylab join:", err)
		return 1
	}
	say(fmt.Sprintf("stopped: %d items done, %d failed, %d given back, %d malformed tasks rejected",
		st.Done.Load(), st.Failed.Load(), st.Abandoned.Load(), st.Rejected.Load()))
	return 0
}
