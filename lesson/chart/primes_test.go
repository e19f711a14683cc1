package chart

import (
	"bytes"
	"image/png"
	"testing"

	"concurrencylab/lesson"
)

func TestCCallsAndPrimesCharts(t *testing.T) {
	py := &lesson.PrimesPython{Version: "3.12.3", GIL: true, Below: 90000, OneSeconds: 2, ThreadsSeconds: 2.1, AsyncioSeconds: 2, ProcessesSeconds: 1.1,
		ThreadsSpeedup: 0.95, AsyncioSpeedup: 1, ProcessesSpeedup: 1.8}
	g := lesson.PrimesGo{Below: 900000, OneCoreGoroutines: 4, OneSeconds: 2, OneCoreSeconds: 2, GoroutinesSeconds: 1, ProcessesSeconds: 1.05,
		OneCoreSpeedup: 1, GoroutinesSpeedup: 2, ProcessesSpeedup: 1.9}
	for _, o := range []*lesson.Outcome{
		{Cores: 2, Measured: lesson.CCallsMeasured{Goroutines: 4, OneCoreCSpeedup: 1.9, OneCoreGoSpeedup: 1, Seconds: map[string]float64{"c, one goroutine": 1}}},
		{Cores: 2, Measured: lesson.PrimesMeasured{Workers: 2, Go: g, Python: py}},
		{Cores: 2, Measured: lesson.PrimesMeasured{Workers: 2, Go: g}},
	} {
		p, ok := For(o)
		if !ok {
			t.Fatalf("no chart for %T", o.Measured)
		}
		var buf bytes.Buffer
		if err := WritePNG(&buf, p, 900, 520); err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(&buf); err != nil {
			t.Fatal(err)
		}
	}
}
