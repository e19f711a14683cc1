package cpustat

import (
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	got, ok := parseStat([]byte("cpu  100 5 50 1000 20 3 2 1 0 0"))
	if !ok || got != 1610*time.Millisecond {
		t.Fatalf("busy = %v, %v; want 1.61s (user+nice+system+irq+softirq+steal, 161 ticks)", got, ok)
	}
}
