package timeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"os"
	"sort"
	"testing"
	"time"

	"concurrencylab/jobs"
	"concurrencylab/jobs/gallery"
	"concurrencylab/jobs/pool/pooltest"
)

func TestMain(m *testing.M) {
	jobs.ServeIfWorker(nil)
	os.Exit(m.Run())
}

// record runs a real pipeline and returns its timeline.
func record(t *testing.T, mode jobs.Mode) Run {
	t.Helper()
	dir := t.TempDir()
	imgs, err := gallery.Ensure(context.Background(), dir, 6, []gallery.Size{{W: 640, H: 480}})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := gallery.Serve(imgs, gallery.Network{Latency: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var items []jobs.Item
	for _, im := range srv.Images() {
		items = append(items, jobs.Item{Name: im.Name, URL: im.URL})
	}
	items = append(items, jobs.Item{Name: "missing", URL: srv.URL + "/img/missing.jpg"})
	rec := NewRecorder(string(mode), os.Getpid())
	_, err = jobs.Run(context.Background(), jobs.Spec{Task: jobs.Pipeline, Mode: mode, Workers: 2, OutDir: dir, Items: items,
		WorkerCommand: pooltest.Worker}, rec)
	if err != nil {
		t.Fatal(err)
	}
	return rec.Run()
}

type trace struct {
	TraceEvents []traceEvent `json:"traceEvents"`
}

func TestTrace(t *testing.T) {
	runs := []Run{record(t, jobs.Sequential), record(t, jobs.Processes)}
	var buf bytes.Buffer
	if err := WriteTrace(&buf, runs); err != nil {
		t.Fatal(err)
	}
	var tr trace
	if err := json.Unmarshal(buf.Bytes(), &tr); err != nil {
		t.Fatalf("not JSON: %v", err)
	}

	type track struct{ pid, tid int }
	names := map[track]string{}
	slices := map[track][]traceEvent{}
	pids := map[int]bool{}
	for _, e := range tr.TraceEvents {
		k := track{e.PID, e.TID}
		switch {
		case e.Ph == "M" && e.Name == "thread_name":
			if _, dup := names[k]; dup {
				t.Errorf("track %v named twice", k)
			}
			names[k] = e.Args["name"].(string)
		case e.Ph == "X" && e.Cat != "phase":
			slices[k] = append(slices[k], e)
			pids[e.PID] = true
		}
	}
	// One track per worker: sequential has 1 lane, processes 2 download goroutines + 2 processes.
	if len(names) != 5 {
		t.Fatalf("%d tracks: %v", len(names), names)
	}
	// Worker processes appear under their real PIDs, beside this process.
	if len(pids) != 3 || !pids[os.Getpid()] {
		t.Fatalf("pids %v (this process %d)", pids, os.Getpid())
	}
	steps := 0
	for k, ss := range slices {
		sort.Slice(ss, func(i, j int) bool { return ss[i].Ts < ss[j].Ts })
		for i := 1; i < len(ss); i++ {
			if ss[i].Ts < ss[i-1].Ts+ss[i-1].Dur {
				t.Errorf("track %v: %q overlaps %q", names[k], ss[i].Name, ss[i-1].Name)
			}
		}
		steps += len(ss)
	}
	// 6 good items × 2 steps, and the 404's failed download, per run.
	if steps != 2*(6*2+1) {
		t.Errorf("%d step slices", steps)
	}
	// Phases nest inside their step.
	for _, e := range tr.TraceEvents {
		if e.Cat != "phase" {
			continue
		}
		inside := false
		for _, s := range slices[track{e.PID, e.TID}] {
			inside = inside || (e.Ts >= s.Ts && e.Ts+e.Dur <= s.Ts+s.Dur+1)
		}
		if !inside {
			t.Errorf("phase %s at %v sticks out of its step", e.Name, e.Ts)
		}
	}
}

func TestLayout(t *testing.T) {
	runs := []Run{
		{Title: "a", Wall: 2 * time.Second, Lanes: make([]Lane, 1)},
		{Title: "b", Wall: 4 * time.Second, Lanes: make([]Lane, 3)},
	}
	l := NewLayout(runs, 1020)
	if l.X(0) != l.LabelWidth || l.X(4*time.Second) != 1010 || l.X(2*time.Second) != l.LabelWidth+(1010-l.LabelWidth)/2 {
		t.Errorf("x: %d %d %d", l.X(0), l.X(2*time.Second), l.X(4*time.Second))
	}
	if got, want := l.Height(runs), 2*l.TitleHeight+4*l.LaneHeight+l.AxisHeight; got != want {
		t.Errorf("height %d, want %d", got, want)
	}
	if r := l.Lane(runs, 1, 2); r.Min.Y != 2*l.TitleHeight+3*l.LaneHeight {
		t.Errorf("lane (1,2) at %v", r)
	}
	for span, want := range map[time.Duration]time.Duration{
		4 * time.Second:        500 * time.Millisecond,
		900 * time.Millisecond: 100 * time.Millisecond,
		25 * time.Second:       5 * time.Second,
		30 * time.Millisecond:  5 * time.Millisecond,
	} {
		l.Span = span
		ts := l.Ticks()
		if ts[1] != want || len(ts) < 5 || len(ts) > 11 {
			t.Errorf("span %v: ticks %v", span, ts)
		}
	}
}

func TestHitAndLagLane(t *testing.T) {
	runs := []Run{{Title: "r", Wall: time.Second,
		Lag:   []LagSample{{At: 900 * time.Millisecond, Lag: 500 * time.Millisecond}},
		Lanes: []Lane{{Spans: []Span{{Item: 7, Start: 100 * time.Millisecond, End: 300 * time.Millisecond}}}}}}
	l := NewLayout(runs, 1220)
	lag, lane := l.LagLane(runs, 0), l.Lane(runs, 0, 0)
	if lag.Max.Y != lane.Min.Y || l.Height(runs) != l.TitleHeight+2*l.LaneHeight+l.AxisHeight {
		t.Fatalf("lag lane %v, worker lane %v", lag, lane)
	}
	mid := lane.Min.Y + l.LaneHeight/2
	if h, ok := l.At(runs, image.Pt(l.X(200*time.Millisecond), mid)); !ok || h.Span == nil || h.Span.Item != 7 {
		t.Errorf("hit in the bar: %+v %v", h, ok)
	}
	if h, ok := l.At(runs, image.Pt(l.X(600*time.Millisecond), mid)); !ok || h.Span != nil {
		t.Errorf("hit between bars: %+v %v", h, ok)
	}
	if _, ok := l.At(runs, image.Pt(5, mid)); ok {
		t.Error("a hit on the label")
	}
	img := Render(runs, 1220)
	// The freeze, from 400 to 900 ms, is a red wall in the lag lane.
	c := img.RGBAAt(l.X(650*time.Millisecond), lag.Min.Y+l.LaneHeight/2)
	if c != Colours["failed"] {
		t.Errorf("lag lane at the freeze is %v", c)
	}
}

func TestRender(t *testing.T) {
	runs := []Run{record(t, jobs.Goroutines)}
	img := Render(runs, 900)
	if b := img.Bounds(); b.Dx() != 900 || b.Dy() != NewLayout(runs, 900).Height(runs) {
		t.Fatalf("bounds %v", img.Bounds())
	}
	// Every phase colour and the failed colour appear.
	seen := map[string]bool{}
	for i := 0; i < len(img.Pix); i += 4 {
		for name, c := range Colours {
			if img.Pix[i] == c.R && img.Pix[i+1] == c.G && img.Pix[i+2] == c.B {
				seen[name] = true
			}
		}
	}
	for _, name := range []string{"network", "decode", "resize", "encode", "failed"} {
		if !seen[name] {
			t.Errorf("no %s in the picture", name)
		}
	}
	if err := WritePNG(errWriter{}, runs, 100); err == nil {
		t.Error("a failed write was not reported")
	}
}

type errWriter struct{}

func (errWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }
