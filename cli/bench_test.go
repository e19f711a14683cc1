package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/disintegration/imaging"

	"concurrencylab/jobs"
	"concurrencylab/jobs/gallery"
	"concurrencylab/lesson"
)

// TestMain serves as a pool worker when bench's process mode re-executes the
// test binary.
func TestMain(m *testing.M) {
	jobs.ServeIfWorker(lesson.WorkerOps())
	lesson.ServeIfChild() // the deadlock lesson's child process
	dir, err := os.MkdirTemp("", "cli-test-cache")
	if err != nil {
		panic(err)
	}
	galleryCache = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// galleryCache is an XDG_CACHE_HOME the cluster tests share, so that the
// built-in gallery is generated once.
var galleryCache string

func TestBadFlagsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"--modes", "threads"},
		{"--modes", "blocking"},
		{"--task", "resize"},
		{"--workers", "0"},
		{"--images", "-1"},
		{"--images", "100000"},
		{"--bandwidth", "fast"},
		{"--source", "web"},
		{"--nope"},
		{"--decoder", "libjpeg"},
		{"extra"},
		{"--modes", "cluster", "--task", "download"},
		{"--modes", "processes", "--share", "127.0.0.1:0"},
		{"--modes", "cluster", "--workers", "0"},
		{"--modes", "cluster", "--share", "127.0.0.1:0", "--cluster", "nats://127.0.0.1:1"},
	} {
		var stderr bytes.Buffer
		if code := Bench(args, &bytes.Buffer{}, &stderr); code != 2 || !strings.Contains(stderr.String(), "Usage") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr.String())
		}
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"4MB": 4e6, "4MB/s": 4e6, "512KiB": 512 << 10, "1000": 1000, "0": 0, "2.5mb": 2.5e6, "3 GiB": 3 << 30, "10B": 10} {
		if got, err := parseBytes(in); err != nil || got != want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "fast", "-1MB", "4XB"} {
		if _, err := parseBytes(in); err == nil {
			t.Errorf("parseBytes(%q) accepted", in)
		}
	}
}

func TestBenchJSON(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // the gallery cache
	t.Setenv("GORACE", "atexit_sleep_ms=0") // workers under -race exit at once
	var stdout, stderr bytes.Buffer
	out := t.TempDir()
	csvFile, traceFile, pngFile := filepath.Join(out, "r.csv"), filepath.Join(out, "t.json"), filepath.Join(out, "t.png")
	code := Bench([]string{"--images", "3", "--task", "download", "--latency", "20ms", "--bandwidth", "20MB",
		"--workers", "3", "--json", "--csv", csvFile, "--trace", traceFile, "--timeline-png", pngFile}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var rs []map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &rs); err != nil {
		t.Fatalf("%v: %s", err, stdout.String())
	}
	if len(rs) != 3 {
		t.Fatalf("%d runs", len(rs))
	}
	for i, mode := range []string{"sequential", "goroutines", "processes"} {
		r := rs[i]
		for _, k := range []string{"task", "mode", "workers", "items", "ok", "failed", "wall_seconds", "cpu_seconds", "speedup", "errors", "ideal_seconds"} {
			if _, ok := r[k]; !ok {
				t.Errorf("run %d has no %q", i, k)
			}
		}
		if f, _ := r["formats"].(map[string]any); r["mode"] != mode || r["ok"] != 3.0 || r["speedup"] == nil || len(f) != 1 || f["jpeg"] != 3.0 {
			t.Errorf("run %d: %v", i, r)
		}
	}
	// 3 items on 3 connections: one latency and a third of the bytes each.
	ideal := rs[1]["ideal_seconds"].(float64)
	if min := (20 * time.Millisecond).Seconds(); ideal < min {
		t.Errorf("ideal %v below one latency", ideal)
	}
	if !strings.Contains(stderr.String(), "download goroutines: 3 ok") {
		t.Errorf("no progress on stderr: %q", stderr.String())
	}
	rows, err := csv.NewReader(mustOpen(t, csvFile)).ReadAll()
	if err != nil || len(rows) != 4 || rows[0][0] != "task" || rows[3][2] != "processes" || rows[1][11] != "1.0000" {
		t.Errorf("csv: %v, %v", rows, err)
	}
	var tr struct{ TraceEvents []map[string]any }
	if err := json.NewDecoder(mustOpen(t, traceFile)).Decode(&tr); err != nil || len(tr.TraceEvents) < 3*3 {
		t.Errorf("trace: %d events, %v", len(tr.TraceEvents), err)
	}
	if img, err := png.Decode(mustOpen(t, pngFile)); err != nil || img.Bounds().Dx() != 1400 {
		t.Errorf("timeline png: %v", err)
	}
}

func TestBenchTableCountsFormats(t *testing.T) {
	dir := t.TempDir()
	pic := gallery.Picture(1, 64, 48)
	for _, name := range []string{"a.png", "b.png", "c.jpg"} {
		if err := imaging.Save(pic, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := Bench([]string{"--task", "thumbnail", "--source", "dir:" + dir, "--modes", "sequential"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "formats") || !strings.Contains(stdout.String(), "png 2, jpeg 1") {
		t.Errorf("no count of formats in the table:\n%s", stdout.String())
	}
}

// TestBenchSaysWhichItemsWarned: a picture made despite a flaw in its file
// is counted done, and the table's notes say what the flaw was.
func TestBenchSaysWhichItemsWarned(t *testing.T) {
	dir := t.TempDir()
	var b bytes.Buffer
	if err := imaging.Encode(&b, gallery.Picture(2, 64, 48), imaging.JPEG); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	dqt := bytes.Index(data, []byte{0xFF, 0xDB})
	os.WriteFile(filepath.Join(dir, "clean.jpg"), data, 0o644)
	os.WriteFile(filepath.Join(dir, "extra.jpg"), bytes.Join([][]byte{data[:dqt], make([]byte, 5), data[dqt:]}, nil), 0o644)
	var stdout, stderr bytes.Buffer
	if code := Bench([]string{"--task", "thumbnail", "--source", "dir:" + dir, "--modes", "sequential", "--decoder", "fast"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	out := stdout.String()
	if want := "sequential done with a warning: extra.jpg: Corrupt JPEG data: 5 extraneous bytes before marker 0xdb"; !strings.Contains(out, want) ||
		strings.Contains(out, "clean.jpg") || strings.Contains(out, "failed:") {
		t.Errorf("want %q in the table's notes:\n%s", want, out)
	}
}

func mustOpen(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestIdealDownload(t *testing.T) {
	nw := gallery.Network{Latency: 100 * time.Millisecond, Bandwidth: 1_000_000}
	if got := idealDownload(10, 4, 8_000_000, nw); got != 300*time.Millisecond+2*time.Second {
		t.Fatalf("got %v", got)
	}
}
