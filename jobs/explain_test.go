package jobs

import (
	"strings"
	"testing"
)

func TestSpeedupNote(t *testing.T) {
	cpu := func(v float64) *float64 { return &v }
	base := Result{Task: Thumbnail, Mode: Sequential, Workers: 1, OK: 24, WallSeconds: 7.2, CPUSeconds: 7.3, WorkCPUSeconds: cpu(7.2), Decoder: "std"}
	fast := Result{Task: Thumbnail, Mode: Goroutines, Workers: 2, OK: 24, WallSeconds: 3.0, CPUSeconds: 6.7, WorkCPUSeconds: cpu(6.4), Decoder: "std"}
	if n := SpeedupNote(base, fast, 2); !strings.Contains(n, "Above the ideal of 2×") || !strings.Contains(n, "12% more CPU") || !strings.Contains(n, "garbage collector") {
		t.Errorf("superlinear: %q", n)
	}
	slowed := fast
	slowed.WorkCPUSeconds = cpu(7.2)
	if n := SpeedupNote(base, slowed, 2); !strings.Contains(n, "slowed by something else") {
		t.Errorf("superlinear, same CPU: %q", n)
	}
	busy := Result{Task: Thumbnail, Mode: Goroutines, Workers: 2, OK: 24, WallSeconds: 5, WorkCPUSeconds: cpu(9.4)}
	if n := SpeedupNote(base, busy, 2); !strings.Contains(n, "31% more CPU") {
		t.Errorf("sublinear: %q", n)
	}
	fine := Result{Task: Thumbnail, Mode: Goroutines, Workers: 2, OK: 24, WallSeconds: 3.8, WorkCPUSeconds: cpu(7.3)}
	if n := SpeedupNote(base, fine, 2); n != "" {
		t.Errorf("a plain 1.9×: %q", n)
	}
}
