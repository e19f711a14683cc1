package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"golang.org/x/term"

	"concurrencylab/jobs"
)

// progress draws one live bar per run on a terminal; elsewhere it prints one
// line per finished run.
type progress struct {
	p   *mpb.Progress
	out io.Writer
	tty bool
	mu  sync.Mutex // lines to out come from the runs' goroutines
}

func newProgress(ctx context.Context, w io.Writer) *progress {
	f, ok := w.(*os.File)
	tty := ok && term.IsTerminal(int(f.Fd()))
	out := io.Writer(nil) // mpb discards
	if tty {
		out = w
	}
	return &progress{p: mpb.NewWithContext(ctx, mpb.WithOutput(out), mpb.WithWidth(32)), out: w, tty: tty}
}

// bar returns the reporter of one run: it advances a bar on each finished or
// failed item and shows how many steps are in flight and how many failed.
func (pr *progress) bar(spec jobs.Spec) jobs.Reporter {
	var active, failed atomic.Int64
	label := fmt.Sprintf("%-9s %-10s ×%-2d", spec.Task, spec.Mode, spec.Workers)
	if spec.Mode == jobs.Cluster && spec.Workers == 0 {
		label = fmt.Sprintf("%-9s %-10s +join", spec.Task, spec.Mode)
	} else if spec.Mode == jobs.Sequential {
		label = fmt.Sprintf("%-9s %-10s    ", spec.Task, spec.Mode)
	}
	b := pr.p.AddBar(int64(len(spec.Items)),
		mpb.PrependDecorators(decor.Name(label), decor.CountersNoUnit(" %d/%d", decor.WCSyncWidth)),
		mpb.AppendDecorators(
			decor.Elapsed(decor.ET_STYLE_GO, decor.WCSyncSpace),
			decor.Any(func(decor.Statistics) string {
				return fmt.Sprintf(" busy %d  failed %d", active.Load(), failed.Load())
			}),
			decor.OnComplete(decor.AverageETA(decor.ET_STYLE_GO, decor.WCSyncSpace), " done"),
		),
	)
	return jobs.ReporterFunc(func(e jobs.Event) {
		switch e.Kind {
		case jobs.WorkerUp:
			if e.Worker.Kind == jobs.ClusterWorker {
				pr.line(fmt.Sprintf("cluster: %s joined", e.Worker))
			}
		case jobs.StepLost:
			active.Add(-1)
			pr.line(fmt.Sprintf("cluster: %s: %s", e.Name, e.Err))
		case jobs.StepStarted:
			active.Add(1)
		case jobs.StepFinished:
			active.Add(-1)
		case jobs.ItemDone:
			b.Increment()
		case jobs.ItemFailed:
			if e.Worker.Kind != "" {
				active.Add(-1)
			}
			failed.Add(1)
			b.Increment()
		case jobs.RunFinished:
			r := e.Result
			if r.Canceled > 0 {
				b.Abort(false)
			} else {
				b.SetTotal(-1, true)
			}
			if !pr.tty {
				pr.line(fmt.Sprintf("%s %s: %d ok, %d failed in %.2f s", r.Task, r.Mode, r.OK, r.Failed, r.WallSeconds))
			}
		}
	})
}

// line prints a line above the bars on a terminal, or as it is elsewhere.
func (pr *progress) line(s string) {
	if pr.tty {
		fmt.Fprintln(pr.p, s)
		return
	}
	pr.mu.Lock()
	defer pr.mu.Unlock()
	fmt.Fprintln(pr.out, s)
}

func (pr *progress) wait() { pr.p.Wait() }
