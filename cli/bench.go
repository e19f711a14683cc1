package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"concurrencylab/jobs"
	"concurrencylab/jobs/atomicfile"
	"concurrencylab/jobs/gallery"
	"concurrencylab/results"
	"concurrencylab/source"
	"concurrencylab/timeline"
)

// Bench runs `concurrencylab bench args` and returns the exit code: 0 when
// every run finished (items may have failed: they are listed), 1 when a run
// could not, 2 for a bad command line, 130 when interrupted.
func Bench(args []string, stdout, stderr io.Writer) int {
	f, err := parseBench(args, stderr)
	if err != nil {
		return usageCode(err)
	}
	return interruptible("bench", stderr, func(ctx context.Context) error {
		runs, err := bench(ctx, f, stderr)
		if err != nil {
			return err
		}
		if f.json {
			writeJSON(stdout, runs)
		} else {
			printTable(stdout, runs)
		}
		return nil
	})
}

// usageCode is the exit code for a command line that did not parse: 0 when
// it asked for help, 2 otherwise.
func usageCode(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}

// interruptible runs a subcommand's work with a context that Ctrl+C or
// SIGTERM cancels, and returns its exit code: 0 when it ran, 1 when it
// failed, 130 when interrupted.
func interruptible(name string, stderr io.Writer, work func(ctx context.Context) error) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := work(ctx)
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, "concurrencylab %s: interrupted\n", name)
		return 130
	}
	if err != nil {
		fmt.Fprintf(stderr, "concurrencylab %s: %v\n", name, err)
		return 1
	}
	return 0
}

func writeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func bench(ctx context.Context, f benchFlags, stderr io.Writer) ([]jobs.Result, error) {
	out := f.out
	if out == "" {
		tmp, err := os.MkdirTemp("", "concurrencylab-bench-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		out = tmp
	}
	nw := gallery.Network{Latency: f.latency, Bandwidth: f.bandwidth}
	if strings.HasPrefix(f.source, "builtin") {
		fmt.Fprintf(stderr, "preparing the built-in gallery of %d images (generated once, then cached)…\n", f.images)
	}
	src, err := source.Prepare(ctx, f.source, source.Options{Images: f.images, Network: nw}, f.task, filepath.Join(out, "source"))
	if err != nil {
		return nil, err
	}
	defer src.Close()
	if len(src.Skipped) > 0 {
		fmt.Fprintf(stderr, "skipped in the folder: %s\n", strings.Join(src.Skipped, ", "))
	}
	cs, stopShare, err := share(f, stderr)
	if err != nil {
		return nil, err
	}
	defer stopShare()
	prog := newProgress(ctx, stderr)
	var runs []jobs.Result
	var lines []timeline.Run
	for _, mode := range f.modes {
		spec := jobs.Spec{Task: f.task, Mode: mode, Workers: f.workers, Size: f.size, Items: src.Items,
			OutDir: filepath.Join(out, string(f.task)+"-"+string(mode)), ItemTimeout: f.timeout, Decoder: f.decoder}
		switch mode {
		case jobs.Goroutines:
			spec.Cores = f.cores // worker processes use one core each
		case jobs.Cluster:
			spec.Workers, spec.Cluster = f.clusterWorkers, cs
		}
		rec := timeline.NewRecorder(results.Title(spec), os.Getpid())
		res, err := jobs.Run(ctx, spec, jobs.Reporters(prog.bar(spec), rec))
		if err != nil {
			prog.wait()
			return nil, fmt.Errorf("%s run: %w", mode, err)
		}
		if f.task == jobs.Download && src.Bytes > 0 {
			ideal := idealDownload(len(src.Items), res.Workers, src.Bytes, nw).Seconds()
			res.IdealSeconds = &ideal
		}
		runs = append(runs, res)
		lines = append(lines, rec.Run())
	}
	prog.wait()
	results.SetSpeedups(runs)
	return runs, writeExports(f, runs, lines)
}

// writeExports writes the files asked for, each atomically.
func writeExports(f benchFlags, rs []jobs.Result, lines []timeline.Run) error {
	if f.csv != "" {
		if err := atomicfile.Write(f.csv, func(w io.Writer) error { return results.WriteCSV(w, rs) }); err != nil {
			return err
		}
	}
	if f.trace != "" {
		if err := atomicfile.Write(f.trace, func(w io.Writer) error { return timeline.WriteTrace(w, lines) }); err != nil {
			return err
		}
	}
	if f.png != "" {
		if err := atomicfile.Write(f.png, func(w io.Writer) error { return timeline.WritePNG(w, lines, 1400) }); err != nil {
			return err
		}
	}
	return nil
}

// idealDownload is the shortest time a pool of workers connections can
// download items totalling bytes on the simulated network: each connection
// waits the latency once per item it fetches and receives at the bandwidth.
func idealDownload(items, workers int, bytes int64, nw gallery.Network) time.Duration {
	rounds := (items + workers - 1) / workers
	d := time.Duration(rounds) * nw.Latency
	if nw.Bandwidth > 0 {
		d += time.Duration(float64(bytes) / float64(workers) / float64(nw.Bandwidth) * float64(time.Second))
	}
	return d
}

func printTable(w io.Writer, rs []jobs.Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "task\tdecoder\tmode\tworkers\tcores\titems\tok\tfailed\twall s\tcpu s\timg/s\tspeed-up\tideal s\tformats\t")
	for _, r := range rs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%.2f\t%.2f\t%.1f\t%s\t%s\t%s\t\n",
			r.Task, optionalText(r.Decoder), r.Mode, r.Workers, r.Cores, r.Items, r.OK, r.Failed, r.WallSeconds, r.CPUSeconds,
			float64(r.OK)/r.WallSeconds, results.Text(r.Speedup), optional(r.IdealSeconds), formats(r.Formats))
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, "where the time went, mean ms per finished item:")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "mode\tnetwork\tdecode\tresize\tencode\tipc\t")
	for _, r := range rs {
		ms := func(k string) string {
			if r.OK == 0 {
				return "-"
			}
			return fmt.Sprintf("%.1f", r.PhaseSeconds[k]/float64(r.OK)*1000)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\n", r.Mode, ms("network"), ms("decode"), ms("resize"), ms("encode"), ms("ipc"))
	}
	tw.Flush()
	for _, r := range rs {
		if r.Mode == jobs.Cluster {
			fmt.Fprintf(w, "cluster: workers joined %d, tasks redelivered after a worker was lost %d, duplicate results dropped %d, foreign messages rejected %d\n",
				r.Joined, r.Redeliveries, r.Duplicates, r.Rejected)
		}
	}
	for _, r := range rs {
		for _, e := range r.Errors {
			fmt.Fprintf(w, "%s failed: %s (%s): %s\n", r.Mode, e.Name, e.Stage, e.Error)
		}
		for _, e := range r.Warnings {
			fmt.Fprintf(w, "%s done with a warning: %s: %s\n", r.Mode, e.Name, e.Warning)
		}
	}
}

// formats lists counts by format, the most common first: "png 10, jpeg 2".
func formats(m map[string]int) string {
	names := slices.Collect(maps.Keys(m))
	slices.SortFunc(names, func(a, b string) int { return cmp.Or(cmp.Compare(m[b], m[a]), cmp.Compare(a, b)) })
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %d", n, m[n])
	}
	return optionalText(strings.Join(parts, ", "))
}

func optionalText(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func optional(p *float64) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprintf("%.2f", *p)
}
