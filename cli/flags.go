// Package cli is the command line of Concurrency Lab: `concurrencylab bench`
// runs the same work as the window from a terminal and prints a results
// table; `concurrencylab lesson` runs the lessons and prints (or reports)
// their outcomes; `concurrencylab join` makes this machine's cores workers of
// another machine's cluster runs.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"time"

	"concurrencylab/jobs"
	"concurrencylab/jobs/gallery"
	"concurrencylab/jobs/thumb"
)

// benchFlags is what `bench` was asked to do.
type benchFlags struct {
	source    string
	images    int
	latency   time.Duration
	bandwidth int64
	task      jobs.Task
	modes     []jobs.Mode
	workers   int
	cores     int
	size      int
	out       string
	json      bool
	timeout   time.Duration
	decoder   thumb.Decoder
	csv       string
	trace     string
	png       string
	// cluster mode
	clusterURL     string // --cluster: a server someone runs
	token          string
	share          string // --share: our server, listening there
	clusterWorkers int    // local workers of a cluster run
}

// errUsage is a bad command line: exit code 2.
var errUsage = errors.New("usage")

func parseBench(args []string, stderr io.Writer) (benchFlags, error) {
	var f benchFlags
	fs := flag.NewFlagSet("concurrencylab bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: concurrencylab bench [flags]

Runs a task over an image gallery in several modes, one after another, and
prints what each took. Progress goes to stderr, the table (or JSON) to stdout.

Flags:
`)
		fs.PrintDefaults()
	}
	fs.StringVar(&f.source, "source", "builtin", "images: builtin (generated, served on 127.0.0.1), urls:FILE (one URL a line) or dir:PATH (a folder of images)")
	fs.IntVar(&f.images, "images", 48, "size of the built-in gallery")
	fs.DurationVar(&f.latency, "latency", gallery.CDN.Latency, "built-in server: delay before each response")
	bw := fs.String("bandwidth", "4MB", "built-in server: bytes a second per connection (e.g. 4MB, 500KB, 2MiB; 0 for unlimited)")
	task := fs.String("task", "thumbnail", "download, thumbnail or pipeline (downloads stream into thumbnailing)")
	modes := fs.String("modes", "sequential,goroutines,processes", "comma-separated modes to run, in order: sequential, goroutines, processes, cluster")
	fs.IntVar(&f.workers, "workers", runtime.NumCPU(), "goroutines or worker processes in a pool; in cluster mode the worker processes started on this machine (0: only joined ones)")
	fs.StringVar(&f.clusterURL, "cluster", "", "cluster mode: queue on this NATS server (nats://HOST:PORT, run with `nats-server -js`) instead of one started here; no local workers unless --workers is given")
	fs.StringVar(&f.token, "token", "", "cluster mode: the token the --cluster server asks for, if any")
	fs.StringVar(&f.share, "share", "", "cluster mode: let other machines join, listening on ADDR (e.g. 0.0.0.0:4222) with a random token; prints the join command")
	fs.IntVar(&f.cores, "cores", 0, "run the goroutine pool on at most this many cores (1: concurrency without parallelism, like Python threads under the GIL); 0 for no cap")
	fs.IntVar(&f.size, "size", 256, "thumbnails fit in a square box of this many pixels")
	fs.StringVar(&f.out, "out", "", "folder for downloads and thumbnails (default: a temporary folder, removed at the end)")
	fs.BoolVar(&f.json, "json", false, "print a JSON array, one object per run, instead of a table")
	fs.DurationVar(&f.timeout, "timeout", 2*time.Minute, "longest a single download or worker call may take")
	fs.StringVar(&f.csv, "csv", "", "also write the results as CSV to this file")
	fs.StringVar(&f.trace, "trace", "", "write the runs as a Chrome trace-event file (open in Perfetto or chrome://tracing)")
	fs.StringVar(&f.png, "timeline-png", "", "draw the runs' timelines, one lane per worker, into this PNG")
	decoder := fs.String("decoder", "fast", "JPEG decoding for thumbnails: fast ("+thumb.FastLabel()+", as PIL's thumbnail) or std (Go's image/jpeg at full size, Lanczos)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return f, err
		}
		return f, errUsage
	}
	bad := func(format string, a ...any) (benchFlags, error) {
		fmt.Fprintf(stderr, "concurrencylab bench: "+format+"\n", a...)
		fs.Usage()
		return f, errUsage
	}
	if fs.NArg() > 0 {
		return bad("unexpected argument %q", fs.Arg(0))
	}
	var err error
	if f.task, err = jobs.ParseTask(*task); err != nil {
		return bad("%v", err)
	}
	hasCluster := false
	for _, m := range strings.Split(*modes, ",") {
		mode, err := jobs.ParseMode(strings.TrimSpace(m))
		if err != nil || mode == jobs.Blocking {
			return bad("unknown mode %q (want sequential, goroutines, processes or cluster)", m)
		}
		f.modes = append(f.modes, mode)
		hasCluster = hasCluster || mode == jobs.Cluster
	}
	workersSet := false
	fs.Visit(func(fl *flag.Flag) { workersSet = workersSet || fl.Name == "workers" })
	f.clusterWorkers = f.workers
	if f.clusterURL != "" && !workersSet {
		f.clusterWorkers = 0 // someone else's server: its workers, unless asked
	}
	onlyJoined := f.workers == 0 && hasCluster && len(f.modes) == 1 && (f.share != "" || f.clusterURL != "")
	if f.decoder, err = thumb.ParseDecoder(*decoder); err != nil {
		return bad("--decoder: %v", err)
	}
	if f.bandwidth, err = parseBytes(*bw); err != nil {
		return bad("--bandwidth: %v", err)
	}
	switch {
	case f.images < 1:
		return bad("--images must be at least 1, not %d", f.images)
	case f.images > gallery.MaxImages:
		return bad("--images: %v", gallery.TooMany(f.images))
	case (f.workers < 1 && !onlyJoined) || f.workers > 1024:
		return bad("--workers must be between 1 and 1024, not %d (0 only with --modes cluster and --share or --cluster)", f.workers)
	case f.cores < 0 || f.cores > 1024:
		return bad("--cores must be between 0 (no cap) and 1024, not %d", f.cores)
	case !hasCluster && (f.clusterURL != "" || f.share != "" || f.token != ""):
		return bad("--cluster, --share and --token are for --modes cluster")
	case f.clusterURL != "" && f.share != "":
		return bad("--share shares the server this program starts; --cluster names another: choose one")
	case hasCluster && f.task == jobs.Download:
		return bad("the cluster mode makes thumbnails: use --task thumbnail or pipeline")
	case f.size < 1 || f.size > 10_000:
		return bad("--size must be between 1 and 10000, not %d", f.size)
	case f.latency < 0:
		return bad("--latency must not be negative")
	case f.timeout <= 0:
		return bad("--timeout must be positive")
	}
	if k, _, _ := strings.Cut(f.source, ":"); k != "builtin" && k != "urls" && k != "dir" {
		return bad("unknown source %q (want builtin, urls:FILE or dir:PATH)", f.source)
	}
	return f, nil
}

// parseBytes reads a size such as 4MB, 4MB/s, 512KiB or 1000000.
func parseBytes(s string) (int64, error) {
	t := strings.TrimSuffix(strings.TrimSpace(s), "/s")
	units := []struct {
		suffix string
		mult   float64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}}
	mult := 1.0
	for _, u := range units {
		if strings.HasSuffix(strings.ToUpper(t), strings.ToUpper(u.suffix)) && (len(u.suffix) == 3) == strings.HasSuffix(strings.ToLower(t), "ib") {
			t, mult = strings.TrimSpace(t[:len(t)-len(u.suffix)]), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("%q is not a size like 4MB or 512KiB", s)
	}
	return int64(v * mult), nil
}
