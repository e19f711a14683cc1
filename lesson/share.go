package lesson

import (
	"fmt"
	"runtime"
	"strings"
	"time"

	"concurrencylab/jobs"
	"concurrencylab/jobs/cpustat"
	"concurrencylab/results"
)

// Share is how a run's cores were shared, measured (see package
// jobs/cpustat): a verdict judges the work against the cores it really had,
// and names who had the rest, instead of guessing.
type Share struct {
	// Had is the cores the work could have had: all of them, less the two
	// figures below, over the run's wall time.
	Had float64 `json:"cores_had"`
	// Upkeep is what this program used besides the work, in cores: the
	// window drawing itself, the garbage collector, a progress bar. Known
	// where threads' CPU time is (UpkeepKnown).
	Upkeep      float64 `json:"program_cores"`
	UpkeepKnown bool    `json:"program_measured"`
	// Others is what every other program used, in cores. Known where the
	// cores' busy time is read (OthersKnown); when not, OthersWhy says why.
	Others      float64 `json:"other_programs_cores"`
	OthersKnown bool    `json:"other_programs_measured"`
	OthersWhy   string  `json:"other_programs_why,omitempty"`
	// Window says the program was the window, drawing itself meanwhile.
	Window bool `json:"in_window"`
}

// ShareOf is run r's share of cores cores; window says r ran in the window.
func ShareOf(r jobs.Result, cores int, window bool) Share {
	s := Share{Had: float64(cores), Window: window}
	if r.WallSeconds <= 0 {
		return s
	}
	if r.WorkCPUSeconds != nil {
		s.Upkeep, s.UpkeepKnown = max(0, (r.CPUSeconds-*r.WorkCPUSeconds)/r.WallSeconds), true
	}
	if r.OtherCPUSeconds != nil {
		s.Others, s.OthersKnown = *r.OtherCPUSeconds/r.WallSeconds, true
	} else {
		s.OthersWhy = "other programs' CPU time could not be measured on " + runtime.GOOS
	}
	s.Had = max(0, float64(cores)-s.Upkeep-s.Others)
	return s
}

// ShareOfUsage is the share of a run that is not a jobs.Run run (its own
// goroutines, a child process): u is cpustat.Between around it, and work
// the CPU time of the work alone (its threads' and its children's), when
// workKnown; window says it ran in the window.
func ShareOfUsage(u cpustat.Usage, work time.Duration, workKnown bool, cores int, window bool) Share {
	r := jobs.Result{WallSeconds: u.Wall.Seconds(), CPUSeconds: u.Ours.Seconds()}
	if workKnown && u.OursOK {
		w := work.Seconds()
		r.WorkCPUSeconds = &w
	}
	if u.Known {
		o := u.Others.Seconds()
		r.OtherCPUSeconds = &o
	}
	s := ShareOf(r, cores, window)
	if !u.Known && u.Why != "" {
		s.OthersWhy = u.Why
	}
	return s
}

// Possible is the speed-up over a one-worker run with share base that
// workers workers with share s could reach: as many cores as they had, up to
// one each, over the one the base had (or less, if it had less).
func (s Share) Possible(base Share, workers int) float64 {
	b := min(1, base.Had)
	if b <= 0 {
		return 0
	}
	return min(float64(workers), s.Had) / b
}

// Taken says whether this program or other programs took a noticeable part
// of the cores (a tenth of one).
func (s Share) Taken() bool { return s.Upkeep >= 0.1 || s.Others >= 0.1 }

// Text says who had the cores besides the work, and what was left for it:
// "the window used 0.4 of a core to draw itself and other programs 0.0, so
// the work had 1.6 of 2 cores".
func (s Share) Text(cores int) string {
	var who []string
	if s.UpkeepKnown {
		if s.Window {
			who = append(who, fmt.Sprintf("the window used %s to draw itself", coresText(s.Upkeep)))
		} else {
			who = append(who, fmt.Sprintf("this program used %s besides the work", coresText(s.Upkeep)))
		}
	}
	if s.OthersKnown {
		who = append(who, fmt.Sprintf("other programs %s", coresText(s.Others)))
	} else {
		who = append(who, s.OthersWhy)
	}
	return fmt.Sprintf("%s, so the work had %.1f of %d %s", strings.Join(who, ", "), s.Had, cores, results.Plural(cores, "core", "cores"))
}

// coresText says a number of cores: "0.4 of a core", "1.2 cores".
func coresText(c float64) string {
	if c < 0.05 {
		return "next to nothing"
	}
	if c < 0.95 {
		return fmt.Sprintf("%.1f of a core", c)
	}
	return fmt.Sprintf("%.1f cores", c)
}

// during says who had the cores during runs a and b (named aName and
// bName): once if they read the same.
func during(cores int, aName string, a Share, bName string, b Share) string {
	if at, bt := a.Text(cores), b.Text(cores); at != bt {
		return fmt.Sprintf("during the %s run %s; during the %s run %s", aName, at, bName, bt)
	}
	return "during both runs " + a.Text(cores)
}

// blame says what took the cores during a run with share s, as measured:
// the share, and when nothing measurable did, that the cause is elsewhere.
// It never names another program it has not measured.
func blame(cores int, what string, s Share) string {
	t := fmt.Sprintf("During %s %s.", what, s.Text(cores))
	switch {
	case !s.OthersKnown:
		return t + " Whether another program was using a core is not known here."
	case !s.Taken():
		return t + " Nothing else measurably took the cores then, so the cause is in the computer itself: cores that share memory, caches and often their clock (a laptop on battery, a virtual machine's cores)."
	}
	return t
}

// say is a share as the list of figures shows it: "1.6 cores (the window
// 0.4, other programs next to nothing)".
func (s Share) say() string {
	var who []string
	if s.UpkeepKnown {
		if s.Window {
			who = append(who, "the window "+coresText(s.Upkeep))
		} else {
			who = append(who, "this program besides the work "+coresText(s.Upkeep))
		}
	}
	if s.OthersKnown {
		who = append(who, "other programs "+coresText(s.Others))
	} else {
		who = append(who, "other programs not measured")
	}
	return fmt.Sprintf("%.1f cores (%s)", s.Had, strings.Join(who, ", "))
}
