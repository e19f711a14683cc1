package jobs_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"concurrencylab/jobs"
	"concurrencylab/jobs/cpuset"
	"concurrencylab/jobs/gallery"
	"concurrencylab/jobs/pool/pooltest"
)

// TestMain serves as a pool worker when a Processes run re-executes the test
// binary, so the tests below use real worker processes.
func TestMain(m *testing.M) {
	jobs.ServeIfWorker(nil)
	goleak.VerifyTestMain(m)
}

var (
	galleryOnce sync.Once
	galleryImgs []gallery.Image
	galleryErr  error
)

// smallGallery is six photo-like pictures, small enough for quick tests.
func smallGallery(t *testing.T) []gallery.Image {
	t.Helper()
	galleryOnce.Do(func() {
		dir, err := os.MkdirTemp("", "jobs-test-gallery")
		if err != nil {
			galleryErr = err
			return
		}
		galleryImgs, galleryErr = gallery.Ensure(context.Background(), dir, 6,
			[]gallery.Size{{W: 800, H: 600}, {W: 600, H: 900}, {W: 400, H: 300}})
	})
	if galleryErr != nil {
		t.Fatal(galleryErr)
	}
	return galleryImgs
}

func serveGallery(t *testing.T) (*gallery.Server, []jobs.Item) {
	t.Helper()
	srv, err := gallery.Serve(smallGallery(t), gallery.Network{Latency: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	var items []jobs.Item
	for i, im := range srv.Images() {
		items = append(items, jobs.Item{Name: im.Name, URL: im.URL, Path: smallGallery(t)[i].Path})
	}
	return srv, items
}

// recorder keeps every event of a run.
type recorder struct {
	mu      sync.Mutex
	events  []jobs.Event
	started time.Time
	on      func(jobs.Event)
}

func (r *recorder) Report(e jobs.Event) {
	r.mu.Lock()
	if e.Kind == jobs.RunStarted {
		r.started = time.Now()
	}
	r.events = append(r.events, e)
	r.mu.Unlock()
	if r.on != nil {
		r.on(e)
	}
}

// at is when, on the run's clock, wall-clock time t was: the run started
// when its RunStarted event was recorded, give or take a microsecond.
func (r *recorder) at(t time.Time) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return t.Sub(r.started)
}

func (r *recorder) of(k jobs.Kind) []jobs.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []jobs.Event
	for _, e := range r.events {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

func spec(t *testing.T, task jobs.Task, mode jobs.Mode, items []jobs.Item) jobs.Spec {
	return jobs.Spec{Task: task, Mode: mode, Workers: 2, Size: 128, OutDir: t.TempDir(), Items: items,
		WorkerCommand: pooltest.Worker, ItemTimeout: 30 * time.Second}
}

func TestRunEveryTaskAndMode(t *testing.T) {
	_, items := serveGallery(t)
	for _, task := range jobs.Tasks {
		for _, mode := range jobs.Modes {
			if mode == jobs.Cluster {
				continue // cluster_test.go
			}
			t.Run(fmt.Sprintf("%s %s", task, mode), func(t *testing.T) {
				s := spec(t, task, mode, items)
				rec := &recorder{}
				var procs sync.Map // GOMAXPROCS seen while steps start
				rec.on = func(e jobs.Event) {
					if e.Kind == jobs.StepStarted {
						procs.Store(runtime.GOMAXPROCS(0), true)
					}
				}
				before := runtime.GOMAXPROCS(0)
				res, err := jobs.Run(context.Background(), s, rec)
				if err != nil {
					t.Fatal(err)
				}
				if res.OK != len(items) || res.Failed != 0 || len(res.Errors) != 0 {
					t.Fatalf("ok %d failed %d, errors %v", res.OK, res.Failed, res.Errors)
				}
				if runtime.GOMAXPROCS(0) != before {
					t.Fatalf("GOMAXPROCS left at %d, was %d", runtime.GOMAXPROCS(0), before)
				}
				if mode == jobs.Sequential || mode == jobs.Blocking {
					procs.Range(func(k, _ any) bool {
						if k.(int) != 1 {
							t.Errorf("a %s step ran with GOMAXPROCS %d", mode, k)
						}
						return true
					})
				}
				if res.WallSeconds <= 0 || res.CPUSeconds <= 0 {
					t.Errorf("wall %v cpu %v", res.WallSeconds, res.CPUSeconds)
				}
				checkEvents(t, s, rec)
				checkFiles(t, s, rec)
			})
		}
	}
}

func checkEvents(t *testing.T, s jobs.Spec, rec *recorder) {
	t.Helper()
	done := rec.of(jobs.ItemDone)
	if len(done) != len(s.Items) {
		t.Fatalf("%d items done, want %d", len(done), len(s.Items))
	}
	if rs := rec.of(jobs.RunStarted); len(rs) != 1 || rs[0].Total != len(s.Items) {
		t.Fatalf("run-started events: %+v", rs)
	}
	if rf := rec.of(jobs.RunFinished); len(rf) != 1 || rf[0].Result == nil {
		t.Fatalf("run-finished events: %+v", rf)
	}
	starts, ends := rec.of(jobs.StepStarted), rec.of(jobs.StepFinished)
	stages := 1
	if s.Task == jobs.Pipeline {
		stages = 2
	}
	if len(starts) != stages*len(s.Items) || len(ends) != len(starts) {
		t.Fatalf("%d steps started, %d finished, want %d", len(starts), len(ends), stages*len(s.Items))
	}
	// Every worker a process run announces is one that does steps, role and all.
	for _, up := range rec.of(jobs.WorkerUp) {
		found := false
		for _, e := range ends {
			found = found || (e.Worker.Kind == up.Worker.Kind && e.Worker.Role == up.Worker.Role && e.Worker.Index == up.Worker.Index)
		}
		if !found {
			t.Errorf("worker %+v announced but never worked", up.Worker)
		}
	}
	for _, e := range ends {
		w := e.Worker
		switch {
		case s.Mode == jobs.Blocking && w.Kind != jobs.UIThread,
			s.Mode == jobs.Sequential && w.Kind != jobs.Goroutine,
			s.Mode == jobs.Processes && e.Stage == jobs.ThumbnailStage && (w.Kind != jobs.Process || w.PID == 0 || w.PID == os.Getpid()),
			w.Index < 1 || w.Index > s.Workers:
			t.Errorf("%s step of %s done by %+v", e.Stage, s.Mode, w)
		}
		if e.Stage == jobs.ThumbnailStage && (e.Phases.Decode <= 0 || e.Phases.Resize <= 0 || e.Phases.Encode <= 0) {
			t.Errorf("thumbnail phases not measured: %+v", e.Phases)
		}
		if e.Stage == jobs.DownloadStage && e.Phases.Network <= 0 {
			t.Errorf("download phases not measured: %+v", e.Phases)
		}
		if s.Mode == jobs.Processes && e.Stage == jobs.ThumbnailStage && e.Phases.IPC <= 0 {
			t.Errorf("no IPC time in a process step: %+v", e.Phases)
		}
	}
}

func checkFiles(t *testing.T, s jobs.Spec, rec *recorder) {
	t.Helper()
	for _, e := range rec.of(jobs.ItemDone) {
		in := e.Info
		if s.Task != jobs.Thumbnail {
			if fi, err := os.Stat(in.Download); err != nil || fi.Size() != in.Bytes {
				t.Errorf("download %q: %v", in.Download, err)
			}
		}
		if s.Task != jobs.Download {
			f, err := os.Open(in.Thumbnail)
			if err != nil {
				t.Fatal(err)
			}
			cfg, format, err := image.DecodeConfig(f)
			f.Close()
			if err != nil || format != "jpeg" {
				t.Fatalf("thumbnail %s: %s, %v", in.Thumbnail, format, err)
			}
			if max(cfg.Width, cfg.Height) != s.Size || cfg.Width != in.ThumbWidth {
				t.Errorf("thumbnail of %dx%d is %dx%d, want it fitted in %d", in.Width, in.Height, cfg.Width, cfg.Height, s.Size)
			}
			// Aspect kept: fit, not crop.
			if got, want := float64(cfg.Width)/float64(cfg.Height), float64(in.Width)/float64(in.Height); got/want > 1.02 || want/got > 1.02 {
				t.Errorf("aspect %v, source %v", got, want)
			}
		}
	}
	filepath.WalkDir(s.OutDir, func(p string, d os.DirEntry, err error) error {
		if strings.HasSuffix(p, ".part") {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})
}

func TestBadItemsFailAlone(t *testing.T) {
	srv, good := serveGallery(t)
	var bomb bytes.Buffer
	png.Encode(&bomb, image.NewGray(image.Rect(0, 0, 1, 1)))
	bombBytes := bomb.Bytes()
	// Rewrite the IHDR size to 100000x100000 (10 GP) and its CRC: a 70-byte bomb.
	copy(bombBytes[16:24], []byte{0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0})
	binary.BigEndian.PutUint32(bombBytes[29:33], crc32.ChecksumIEEE(bombBytes[12:29]))
	jpegData, _ := os.ReadFile(smallGallery(t)[0].Path)
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/text.jpg":
			w.Write([]byte("<html>this is not an image</html>"))
		case "/truncated.jpg":
			hj, _ := w.(http.Hijacker)
			conn, buf, _ := hj.Hijack()
			fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", len(jpegData))
			buf.Write(jpegData[:len(jpegData)/2])
			buf.Flush()
			conn.Close()
		case "/bomb.png":
			w.Write(bombBytes)
		default:
			http.NotFound(w, r)
		}
	}))
	defer bad.Close()
	items := []jobs.Item{good[0],
		{Name: "missing", URL: bad.URL + "/missing.jpg"},
		{Name: "text", URL: bad.URL + "/text.jpg"},
		good[1],
		{Name: "truncated", URL: bad.URL + "/truncated.jpg"},
		{Name: "bomb", URL: bad.URL + "/bomb.png"},
		{Name: "refused", URL: "http://127.0.0.1:1/x.jpg"},
		good[2]}
	want := map[string]string{
		"missing":   "HTTP 404",
		"text":      "not an image",
		"truncated": "cut short",
		"bomb":      "decompression bomb",
		"refused":   "connection refused",
	}
	_ = srv
	for _, mode := range []jobs.Mode{jobs.Sequential, jobs.Goroutines, jobs.Processes} {
		t.Run(string(mode), func(t *testing.T) {
			s := spec(t, jobs.Pipeline, mode, items)
			res, err := jobs.Run(context.Background(), s, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.OK != 3 || res.Failed != 5 {
				t.Fatalf("ok %d failed %d: %+v", res.OK, res.Failed, res.Errors)
			}
			for _, e := range res.Errors {
				if !strings.Contains(e.Error, want[e.Name]) || e.Stage != jobs.DownloadStage {
					t.Errorf("%s failed at %s with %q, want %q", e.Name, e.Stage, e.Error, want[e.Name])
				}
			}
		})
	}
}

func TestCorruptLocalFileFailsInWorker(t *testing.T) {
	dir := t.TempDir()
	data, _ := os.ReadFile(smallGallery(t)[0].Path)
	cut := filepath.Join(dir, "cut.jpg")
	os.WriteFile(cut, data[:len(data)/3], 0o644)
	items := []jobs.Item{{Name: "cut", Path: cut}, {Name: "ok", Path: smallGallery(t)[2].Path}}
	res, err := jobs.Run(context.Background(), spec(t, jobs.Thumbnail, jobs.Processes, items), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.OK != 1 || res.Failed != 1 || !strings.Contains(res.Errors[0].Error, "decoding jpeg") {
		t.Fatalf("%+v", res)
	}
}

func TestWorkerKilledMidItem(t *testing.T) {
	_, items := serveGallery(t)
	s := spec(t, jobs.Thumbnail, jobs.Processes, items)
	rec := &recorder{}
	var once sync.Once
	var killed int
	rec.on = func(e jobs.Event) {
		if e.Kind == jobs.StepStarted && e.Item == 1 {
			once.Do(func() {
				killed = e.Worker.PID
				if p, err := os.FindProcess(e.Worker.PID); err == nil {
					p.Kill() // SIGKILL on Unix, TerminateProcess on Windows
				}
			})
		}
	}
	res, err := jobs.Run(context.Background(), s, rec)
	if err != nil {
		t.Fatal(err)
	}
	if res.OK != len(items)-1 || res.Failed != 1 {
		t.Fatalf("ok %d failed %d: %+v", res.OK, res.Failed, res.Errors)
	}
	e := res.Errors[0]
	if e.Item != 1 || !strings.Contains(e.Error, fmt.Sprintf("pid %d) crashed", killed)) || !strings.Contains(e.Error, "replaced") {
		t.Fatalf("error: %+v", e)
	}
	// Later items on that slot ran on the replacement.
	for _, f := range rec.of(jobs.StepFinished) {
		if f.Worker.PID == killed {
			t.Errorf("item %d finished on the killed worker", f.Item)
		}
	}
}

func TestCancelStopsPromptly(t *testing.T) {
	_, items := serveGallery(t)
	many := append(append(append([]jobs.Item{}, items...), items...), items...)
	for _, mode := range []jobs.Mode{jobs.Sequential, jobs.Goroutines, jobs.Processes, jobs.Cluster} {
		t.Run(string(mode), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			rec := &recorder{}
			var canceledAt time.Time
			var once sync.Once
			rec.on = func(e jobs.Event) {
				if e.Kind == jobs.ItemDone {
					once.Do(func() { canceledAt = time.Now(); cancel() })
				}
			}
			s := spec(t, jobs.Pipeline, mode, many)
			res, err := jobs.Run(ctx, s, rec)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v", err)
			}
			if d := time.Since(canceledAt); d > time.Second {
				t.Errorf("run ended %v after cancel", d)
			}
			if res.Canceled == 0 || res.OK+res.Failed+res.Canceled != len(many) || res.Failed != 0 {
				t.Errorf("ok %d failed %d canceled %d", res.OK, res.Failed, res.Canceled)
			}
			for _, w := range rec.of(jobs.WorkerUp) {
				// Signal 0: does it exist (kill(2)); always fails on Windows.
				if p, err := os.FindProcess(w.Worker.PID); err == nil && p.Signal(syscall.Signal(0)) == nil {
					t.Errorf("worker %d still exists", w.Worker.PID)
				}
			}
			checkFiles(t, s, rec) // what is done is whole, and no temporary file is left
		})
	}
}

func TestGoroutinePoolUsesItsCores(t *testing.T) {
	_, items := serveGallery(t)
	s := spec(t, jobs.Thumbnail, jobs.Goroutines, items)
	s.Workers = 1
	var seen sync.Map
	rec := &recorder{on: func(e jobs.Event) { seen.Store(runtime.GOMAXPROCS(0), true) }}
	if _, err := jobs.Run(context.Background(), s, rec); err != nil {
		t.Fatal(err)
	}
	seen.Range(func(k, _ any) bool {
		if k.(int) != 1 {
			t.Errorf("one goroutine ran with GOMAXPROCS %d", k)
		}
		return true
	})
}

func TestRunRejectsBadSpecs(t *testing.T) {
	for _, s := range []jobs.Spec{
		{Task: "resize", Mode: jobs.Sequential, OutDir: t.TempDir()},
		{Task: jobs.Download, Mode: "threads", OutDir: t.TempDir()},
		{Task: jobs.Download, Mode: jobs.Goroutines, Workers: 0, OutDir: t.TempDir()},
		{Task: jobs.Download, Mode: jobs.Goroutines, Workers: 1},
		{Task: jobs.Download, Mode: jobs.Goroutines, Workers: 2, Cores: -1, OutDir: t.TempDir()},
		{Task: jobs.Download, Mode: jobs.Processes, Workers: 2, Cores: 1, OutDir: t.TempDir()},
		{Task: jobs.Pipeline, Mode: jobs.Goroutines, Workers: 2, Queue: -1, OutDir: t.TempDir()},
	} {
		if _, err := jobs.Run(context.Background(), s, nil); err == nil {
			t.Errorf("%+v accepted", s)
		}
	}
}

func TestPoolsTakeLargestFirstWhenSizesAreKnown(t *testing.T) {
	_, items := serveGallery(t)
	sized := append([]jobs.Item{}, items...)
	for i := range sized {
		sized[i].Bytes = int64(100 + i) // the last is the largest
	}
	s := spec(t, jobs.Download, jobs.Goroutines, sized)
	s.Workers = 1
	rec := &recorder{}
	if _, err := jobs.Run(context.Background(), s, rec); err != nil {
		t.Fatal(err)
	}
	starts := rec.of(jobs.StepStarted)
	for i, e := range starts {
		if want := len(sized) - 1 - i; e.Item != want {
			t.Fatalf("step %d took item %d, want %d", i, e.Item, want)
		}
	}
}

// TestCappedGoroutinePool: Spec.Cores runs many goroutines on fewer cores,
// GOMAXPROCS and pinned threads both, and says so in the result.
func TestCappedGoroutinePool(t *testing.T) {
	_, items := serveGallery(t)
	s := spec(t, jobs.Thumbnail, jobs.Goroutines, items)
	s.Workers, s.Cores = 4, 1
	if s.CoreCount() != 1 {
		t.Fatalf("CoreCount %d", s.CoreCount())
	}
	var mu sync.Mutex
	var bad []string
	rec := &recorder{on: func(e jobs.Event) {
		if e.Kind != jobs.StepStarted {
			return
		}
		// Reported on the lane's goroutine, so from its thread.
		if n, cpus := runtime.GOMAXPROCS(0), cpuset.Current(); n != 1 || (runtime.GOOS == "linux" && len(cpus) != 1) {
			mu.Lock()
			bad = append(bad, fmt.Sprintf("GOMAXPROCS %d on CPUs %v", n, cpus))
			mu.Unlock()
		}
	}}
	res, err := jobs.Run(context.Background(), s, rec)
	if err != nil {
		t.Fatal(err)
	}
	if res.Cores != 1 || res.Workers != 4 || res.OK != len(items) || len(bad) > 0 {
		t.Fatalf("cores %d workers %d ok %d; steps ran with %v", res.Cores, res.Workers, res.OK, bad)
	}
	if len(rec.of(jobs.StepStarted)) != len(items) {
		t.Fatal("missing steps")
	}
	// Linux and Windows pin threads; elsewhere the result says it could not.
	if want := runtime.GOOS != "linux" && runtime.GOOS != "windows"; res.Unpinned != want {
		t.Fatalf("Unpinned %v on %s", res.Unpinned, runtime.GOOS)
	}
}

// TestPipelineQueueIsBoundedAndMeasured: Spec.Queue bounds the channel
// between a pipeline's stages, and the result says how full it got.
func TestPipelineQueueIsBoundedAndMeasured(t *testing.T) {
	_, items := serveGallery(t)
	for _, mode := range []jobs.Mode{jobs.Goroutines, jobs.Processes} {
		s := spec(t, jobs.Pipeline, mode, items)
		s.Queue = 1
		res, err := jobs.Run(context.Background(), s, nil)
		if err != nil {
			t.Fatal(err)
		}
		q := res.Queue
		if q == nil || q.Capacity != 1 || q.MaxDepth > 1 || len(q.Depth) != 2*len(items) || res.OK != len(items) {
			t.Fatalf("%s: queue %+v, ok %d", mode, q, res.OK)
		}
	}
	s := spec(t, jobs.Thumbnail, jobs.Goroutines, items)
	if res, err := jobs.Run(context.Background(), s, nil); err != nil || res.Queue != nil {
		t.Fatalf("a one-stage run has a queue: %+v, %v", res.Queue, err)
	}
}
