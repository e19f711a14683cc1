package results

import (
	"strings"
	"testing"

	"concurrencylab/jobs"
)

func TestNote(t *testing.T) {
	cpu := func(v float64) *float64 { return &v }
	base := jobs.Result{Task: jobs.Thumbnail, Mode: jobs.Sequential, Workers: 1, OK: 24, WallSeconds: 7.2, CPUSeconds: 7.3, WorkCPUSeconds: cpu(7.2), Decoder: "std"}
	fast := jobs.Result{Task: jobs.Thumbnail, Mode: jobs.Goroutines, Workers: 2, OK: 24, WallSeconds: 3.0, CPUSeconds: 6.7, WorkCPUSeconds: cpu(6.4), Decoder: "std"}
	if n := Note(base, fast, 2); !strings.Contains(n, "Above the ideal of 2×") || !strings.Contains(n, "12% more CPU") || !strings.Contains(n, "garbage collector") {
		t.Errorf("superlinear: %q", n)
	}
	slowed := fast
	slowed.WorkCPUSeconds = cpu(7.2)
	if n := Note(base, slowed, 2); !strings.Contains(n, "slowed by something other than its work") || !strings.Contains(n, "not measured") {
		t.Errorf("superlinear, same CPU: %q", n)
	}
	measured := base
	measured.OtherCPUSeconds = cpu(5.04)
	if n := Note(measured, slowed, 2); !strings.Contains(n, "other programs used 0.7 of a core") {
		t.Errorf("superlinear, another program measured: %q", n)
	}
	busy := jobs.Result{Task: jobs.Thumbnail, Mode: jobs.Goroutines, Workers: 2, OK: 24, WallSeconds: 5, WorkCPUSeconds: cpu(9.4)}
	if n := Note(base, busy, 2); !strings.Contains(n, "31% more CPU") {
		t.Errorf("sublinear: %q", n)
	}
	fine := jobs.Result{Task: jobs.Thumbnail, Mode: jobs.Goroutines, Workers: 2, OK: 24, WallSeconds: 3.8, WorkCPUSeconds: cpu(7.3)}
	if n := Note(base, fine, 2); n != "" {
		t.Errorf("a plain 1.9×: %q", n)
	}
}
