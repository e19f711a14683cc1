package lesson

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"concurrencylab/jobs"
	"concurrencylab/jobs/gallery"
	"concurrencylab/results"
)

// ScalingMeasured is what the scaling lesson measures: for each pool size
// (as a string, for JSON), the speed-up over one goroutine, for downloads and
// for thumbnails.
type ScalingMeasured struct {
	Workers   []int              `json:"workers" label:"pool sizes tried" unit:"goroutines"`
	Download  map[string]float64 `json:"download" label:"downloads, speed-up by pool size" unit:"×"`
	Thumbnail map[string]float64 `json:"thumbnail" label:"thumbnails, speed-up by pool size" unit:"×"`
	// ThumbnailShares are the cores each thumbnail run really had, measured
	// (see Share), by pool size: the verdict judges against them.
	ThumbnailShares map[string]Share `json:"thumbnail_shares" label:"-"`
}

var scaling = &Lesson{
	Name:     "scaling",
	Title:    "How far more workers help",
	Claim:    "IO-bound work scales with workers far past the core count; CPU-bound work stops at the core count.",
	Question: "With 16 goroutines instead of one, how many times faster are thumbnails made (CPU work) on this computer?",
	Unit:     "×",
	Why: "Each extra goroutine adds one more download waiting at the same time, so downloads keep speeding up until the server or the network is the limit, whatever the cores. " +
		"Thumbnails need a core each: once every core is busy, more goroutines only queue for them. " +
		"Python's rule of thumb (threads or asyncio for waiting, processes for CPU) is this curve; in Go, goroutines do both.",
	Expect: func(cores int) string {
		top := sweepTop(cores)
		return fmt.Sprintf("downloads: at least %d× with %d goroutines (half the ideal), still rising past %d cores; thumbnails: at least %s at %d goroutines, and no more than %.1f× at any size",
			top/2, top, cores, x(parallelFloor(cores)), cores, float64(cores)*1.15)
	},
	run:     runScaling,
	cpuWork: true,
}

// sweep is the pool sizes the scaling lesson tries: powers of two up to 16,
// or up to four times the cores, and the core count itself (6 on six
// cores), where the thumbnails' curve is judged.
func sweep(cores int) []int {
	var ws []int
	for w := 1; w <= sweepTop(cores); w *= 2 {
		if w/2 < cores && cores < w {
			ws = append(ws, cores)
		}
		ws = append(ws, w)
	}
	return ws
}

func sweepTop(cores int) int {
	top := 16
	for top < 4*cores {
		top *= 2
	}
	return top
}

func runScaling(ctx context.Context, e *Env) (*Outcome, error) {
	ws := sweep(e.cores)
	dn, dsize, nw := 2*ws[len(ws)-1], gallery.Size{W: 640, H: 480}, gallery.CDN
	tn, tsize := 48, gallery.Size{W: 4000, H: 3000} // the cpu-bound lesson's photos
	if e.Quick {
		dn, dsize, nw = ws[len(ws)-1], gallery.Size{W: 320, H: 240}, gallery.Network{Latency: 40 * time.Millisecond}
		tn, tsize = 4, gallery.Size{W: 640, H: 480}
	}
	var runs []jobs.Result
	for _, part := range []struct {
		task jobs.Task
		n    int
		size gallery.Size
		nw   gallery.Network
	}{{jobs.Download, dn, dsize, nw}, {jobs.Thumbnail, tn, tsize, gallery.Network{}}} {
		src, err := e.gallery(ctx, part.task, part.n, part.size, part.nw)
		if err != nil {
			return nil, err
		}
		var specs []jobs.Spec
		for _, w := range ws {
			specs = append(specs, jobs.Spec{Mode: jobs.Goroutines, Workers: w})
		}
		rounds := 1 // the network's latency, not the machine's speed, sets a download
		if part.task == jobs.Thumbnail {
			rounds = cpuRounds
		}
		rs, err := e.runRounds(ctx, part.task, src.Items, specs, rounds)
		src.Close()
		if err != nil {
			return nil, err
		}
		runs = append(runs, rs...)
	}
	m := scalingFrom(runs, e.cores, e.Window)
	var notes []string
	base := runs[len(ws)] // the one-goroutine thumbnail run
	for _, r := range runs {
		if r.Task == jobs.Thumbnail && r.Workers > 1 {
			if n := results.Note(base, r, results.Ideal(r)); n != "" {
				notes = append(notes, results.Name(r)+": "+n)
			}
		}
	}
	o := &Outcome{Runs: runs, Measured: m, Answer: m.Thumbnail["16"], Notes: notes} // the sweep always holds 16
	o.Holds, o.Verdict = m.judge(e.cores)
	return o, nil
}

// ScalingFrom is the scaling lesson's figures from the runs made so far: each
// goroutine pool's speed-up over the one-goroutine run of the same task. The
// window draws the chart from it as the runs finish.
func ScalingFrom(runs []jobs.Result, cores int) ScalingMeasured {
	return scalingFrom(runs, cores, false)
}

// scalingFrom is ScalingFrom, with the runs' shares of the cores; window
// says they ran in the window.
func scalingFrom(runs []jobs.Result, cores int, window bool) ScalingMeasured {
	m := ScalingMeasured{Workers: sweep(cores), Download: map[string]float64{}, Thumbnail: map[string]float64{}, ThumbnailShares: map[string]Share{}}
	for _, r := range runs {
		into := m.Download
		if r.Task == jobs.Thumbnail {
			into = m.Thumbnail
			m.ThumbnailShares[strconv.Itoa(r.Workers)] = ShareOf(r, cores, window)
		}
		if s := results.Speedup(runs, r); s != nil {
			into[strconv.Itoa(r.Workers)] = *s
		}
	}
	return m
}

// judge applies the scaling rule: downloads reach half the ideal at the top
// of the sweep and keep rising past the cores; thumbnails reach the parallel
// floor at the core count and never go much past it.
func (m ScalingMeasured) judge(cores int) (bool, string) {
	top := m.Workers[len(m.Workers)-1]
	dTop := m.Download[strconv.Itoa(top)]
	// The download curve past the cores: the size after cores (rounded up
	// to the sweep) against the cores' own.
	atCores, past := 1.0, dTop
	for _, w := range m.Workers {
		if w >= cores {
			atCores = m.Download[strconv.Itoa(w)]
			break
		}
	}
	tCores := m.Thumbnail[strconv.Itoa(cores)]
	base, atC := m.share("1", cores), m.share(strconv.Itoa(cores), cores)
	possible := atC.Possible(base, cores)
	tMax, tMaxAt := 0.0, 0
	for _, w := range m.Workers {
		if v := m.Thumbnail[strconv.Itoa(w)]; v > tMax {
			tMax, tMaxAt = v, w
		}
	}
	switch {
	case dTop < float64(top)/2:
		return false, fmt.Sprintf("Does not hold here: %d goroutines downloaded only %s faster than one (expected at least %d×). The server or network was the limit.", top, x(dTop), top/2)
	case past < 1.5*atCores:
		return false, fmt.Sprintf("Does not hold here: downloads stopped speeding up near the core count (%s at %d cores' worth, %s at %d).", x(atCores), cores, x(past), top)
	case cores > 1 && !baseFair(base):
		return false, fmt.Sprintf("Cannot be judged here: during the thumbnails with one goroutine %s. That is less than most of one core, so the speed-ups over it say how the machine was shared: run it again when the computer is quieter.",
			base.Text(cores))
	case cores > 1 && !judgeable(atC, cores):
		return false, fmt.Sprintf("Cannot be judged here: during the thumbnails with %d goroutines %s. That is too little of the cores beyond one to show parallelism: run it again when the computer is quieter.",
			cores, atC.Text(cores))
	case cores > 1 && tCores < floorFor(possible):
		return false, fmt.Sprintf("Does not hold here: thumbnails with %d goroutines on %d cores reached only %s of the %s possible (expected at least %s). %s",
			cores, cores, x(tCores), x(possible), x(floorFor(possible)), blame(cores, fmt.Sprintf("the run of %d goroutines", cores), atC))
	case tMax > float64(cores)*1.15:
		return false, fmt.Sprintf("Does not hold here: thumbnails reached %s with %d goroutines on %d cores, past the core count, so the one-goroutine run was slowed. %s",
			x(tMax), tMaxAt, cores, blame(cores, "the one-goroutine run", base))
	}
	had := ""
	if cores > 1 {
		had = fmt.Sprintf(" With %d goroutines %s; %s was possible.", cores, atC.Text(cores), x(possible))
	}
	return true, fmt.Sprintf("Holds: downloads went on speeding up to %s with %d goroutines on %d cores, while thumbnails stopped at %s (best at %d goroutines): CPU work stops at the core count.%s",
		x(dTop), top, cores, x(tMax), tMaxAt, had)
}

// share is the thumbnail run of w goroutines' share of the cores; every
// core, measured, when the figures have none (older ones, tests).
func (m ScalingMeasured) share(w string, cores int) Share {
	if s, ok := m.ThumbnailShares[w]; ok {
		return s
	}
	return Share{Had: float64(cores), UpkeepKnown: true, OthersKnown: true}
}
