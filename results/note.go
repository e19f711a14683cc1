package results

import (
	"fmt"

	"concurrencylab/jobs"
)

// Note explains a speed-up that would mislead a learner, from what
// the two runs measured, or says nothing: one above ideal (the baseline did
// more work than its share), or one far below it for CPU work (the workers
// needed more CPU for the same work). base is the one-worker run r is
// compared with; ideal is what r could reach (its workers, or its cores
// for CPU work).
func Note(base, r jobs.Result, ideal float64) string {
	if base.WallSeconds <= 0 || r.WallSeconds <= 0 || base.OK == 0 || r.OK == 0 {
		return ""
	}
	speedup := base.WallSeconds / r.WallSeconds
	perItem := func(x jobs.Result) float64 {
		cpu := x.CPUSeconds
		if x.WorkCPUSeconds != nil {
			cpu = *x.WorkCPUSeconds
		}
		return cpu / float64(x.OK)
	}
	b, w := perItem(base), perItem(r)
	switch {
	case speedup > ideal*1.02 && b > w*1.02:
		why := "Go's garbage collector, for one, collects more often with less in memory."
		if r.Decoder == "std" {
			// Measured with 24 photos: GOGC=off took the one-core run's extra
			// user CPU from 8-13% to 3%.
			why = "With Go's own JPEG decoder that is mostly the garbage collector: with one photo in memory at a time it collects more often."
		}
		return fmt.Sprintf("Above the ideal of %.0f×: the one-worker run needed %.0f%% more CPU for each item than this one, so it is not a fair 1×. %s", ideal, 100*(b/w-1), why)
	case speedup > ideal*1.02:
		return fmt.Sprintf("Above the ideal of %.0f×: the one-worker run was slowed by something other than its work: %s Run both again.", ideal, othersDuring(base))
	case r.Task != jobs.Download && speedup < ideal*0.8 && w > b*1.05:
		return fmt.Sprintf("Below the ideal: the %d workers needed %.0f%% more CPU for each item than one worker. Cores that run at once share memory, caches and often their clock (a laptop's turbo, a virtual machine's cores), so each goes slower.",
			r.Workers, 100*(w/b-1))
	}
	return ""
}

// othersDuring says what other programs used during run r, as measured: a
// note blames no program it has not measured.
func othersDuring(r jobs.Result) string {
	switch {
	case r.OtherCPUSeconds == nil || r.WallSeconds <= 0:
		return "other programs' CPU was not measured here, so whether one took a core is not known."
	case *r.OtherCPUSeconds/r.WallSeconds >= 0.1:
		return fmt.Sprintf("other programs used %.1f of a core meanwhile.", *r.OtherCPUSeconds/r.WallSeconds)
	}
	return "other programs used next to nothing meanwhile, so perhaps a cold disk cache."
}
