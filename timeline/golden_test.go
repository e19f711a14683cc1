package timeline

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"concurrencylab/jobs"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// fixed is a small run with every feature: a goroutine lane, a process lane
// with IPC, a failed step and UI lag.
func sampleRuns() []Run {
	ms := time.Millisecond
	return []Run{{Title: "thumbnail, processes x2", PID: 100, Wall: 50 * ms,
		Lag: []LagSample{{At: 40 * ms, Lag: 5 * ms}},
		Lanes: []Lane{
			{Worker: jobs.Worker{Kind: jobs.Goroutine, Role: jobs.DownloadStage, Index: 1},
				Spans: []Span{{Item: 0, Name: "a.jpg", Stage: jobs.DownloadStage, Start: 1 * ms, End: 11 * ms, Phases: []Phase{{"network", 9 * ms}}},
					{Item: 1, Name: "b.jpg", Stage: jobs.DownloadStage, Start: 12 * ms, End: 13 * ms, Failed: "HTTP 404 Not Found"}}},
			{Worker: jobs.Worker{Kind: jobs.Process, Role: jobs.ThumbnailStage, Index: 1, PID: 201},
				Spans: []Span{{Item: 0, Name: "a.jpg", Stage: jobs.ThumbnailStage, Start: 12 * ms, End: 40 * ms,
					Phases: []Phase{{"ipc", ms}, {"decode", 10 * ms}, {"resize", 14 * ms}, {"encode", 2 * ms}, {"ipc", ms}}}}},
		}}}
}

func TestTraceGolden(t *testing.T) {
	var got bytes.Buffer
	if err := WriteTrace(&got, sampleRuns()); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "trace.golden.json")
	if *update {
		os.WriteFile(golden, got.Bytes(), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("trace differs from %s (go test -update to accept):\n%s", golden, got.String())
	}
}

// BenchmarkRender1000 draws a timeline of 1,000 items on two lanes, the
// window's width, as the Timeline tab does at most ten times a second.
func BenchmarkRender1000(b *testing.B) {
	run := Run{Title: "1000 items", Wall: 20 * time.Second}
	for w := 0; w < 2; w++ {
		lane := Lane{Worker: jobs.Worker{Kind: jobs.Process, Index: w + 1, PID: 300 + w}}
		for i := 0; i < 500; i++ {
			start := time.Duration(i) * 40 * time.Millisecond
			lane.Spans = append(lane.Spans, Span{Item: 2*i + w, Name: fmt.Sprint(i), Stage: jobs.ThumbnailStage, Start: start, End: start + 38*time.Millisecond,
				Phases: []Phase{{"ipc", time.Millisecond}, {"decode", 17 * time.Millisecond}, {"resize", 7 * time.Millisecond}, {"encode", 2 * time.Millisecond}, {"ipc", time.Millisecond}}})
		}
		run.Lanes = append(run.Lanes, lane)
	}
	for i := 0; i < 1200; i++ {
		run.Lag = append(run.Lag, LagSample{At: time.Duration(i) * 16 * time.Millisecond, Lag: time.Duration(i%50) * time.Millisecond})
	}
	for b.Loop() {
		Render([]Run{run}, 1200)
	}
}
