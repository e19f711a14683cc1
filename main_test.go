package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2/app"

	"concurrencylab/jobs"
	"concurrencylab/lesson"
	"concurrencylab/ui"
)

// TestMain lets the test binary be the app (for the window test), the
// whole command line (main itself), and a pool worker (for the app's
// process pool), like the real binary.
func TestMain(m *testing.M) {
	jobs.ServeIfWorker(lesson.WorkerOps())
	lesson.ServeIfChild() // the deadlock lesson's child process
	// The binary itself, for its subcommands (see room_test.go).
	if os.Getenv("CONCURRENCYLAB_TEST_MAIN") == "1" {
		main()
	}
	if os.Getenv("CONCURRENCYLAB_TEST_APP") == "1" {
		os.Exit(ui.Main(strings.Fields(os.Getenv("CONCURRENCYLAB_TEST_ARGS")), os.Stderr))
	}
	code := m.Run()
	if cacheDir != "" {
		os.RemoveAll(cacheDir)
	}
	os.Exit(code)
}

// TestWindowUnderXvfb opens the real window (make test runs it under Xvfb),
// does a process-pool, a blocking and a goroutine-pool run through
// --autorun, and checks the stats, the screenshot, and that Fyne's thread
// checker (on in a build without the migrated_fynedo tag) saw no widget
// touched off the UI goroutine.
func TestWindowUnderXvfb(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		t.Skip("no X display: run under xvfb-run (make test does)")
	}
	shot, stats := runApp(t, "--autorun task=thumbnail,mode=processes,workers=2,images=6;mode=blocking;mode=goroutines")

	var st ui.Stats
	b, err := os.ReadFile(stats)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	if len(st.Runs) != 3 || st.UI.Samples == 0 {
		t.Fatalf("stats: %s", b)
	}
	for i, mode := range []jobs.Mode{jobs.Processes, jobs.Blocking, jobs.Goroutines} {
		r := st.Runs[i]
		if r.Mode != mode || r.OK != 6 || r.Failed != 0 || r.Err != "" {
			t.Errorf("run %d: %+v", i, r)
		}
	}
	blocking := st.Runs[1]
	if blocking.UI.FrozenSeconds < 0.9*blocking.WallSeconds {
		t.Errorf("blocking run frozen %.2f s of %.2f s", blocking.UI.FrozenSeconds, blocking.WallSeconds)
	}
	if st.Runs[1].Speedup == nil || st.Runs[0].Speedup == nil {
		t.Errorf("speed-ups against the blocking run missing")
	}

	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() < 1000 || b.Dy() < 600 {
		t.Fatalf("screenshot is %v", b)
	}
	// Not blank: the thumbnails and widgets give many distinct colours.
	colours := map[uint32]bool{}
	for y := 0; y < img.Bounds().Dy(); y += 5 {
		for x := 0; x < img.Bounds().Dx(); x += 5 {
			r, g, b, _ := img.At(x, y).RGBA()
			colours[r>>11<<10|g>>11<<5|b>>11] = true
		}
	}
	if len(colours) < 50 {
		t.Fatalf("screenshot has only %d colours", len(colours))
	}
}

// runApp runs the app (this test binary as the app) with args, a screenshot
// and a stats file, in a fresh cache and configuration, and fails the test if
// it fails or if Fyne's thread checker saw a widget touched off the UI
// goroutine. It returns the screenshot's and the stats' paths.
func runApp(t *testing.T, args string) (shot, stats string) {
	t.Helper()
	dir := t.TempDir()
	shot, stats = filepath.Join(dir, "window.png"), filepath.Join(dir, "stats.json")
	exe, _ := os.Executable()
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), "CONCURRENCYLAB_TEST_APP=1",
		"CONCURRENCYLAB_TEST_ARGS="+args+" --screenshot "+shot+" --stats-json "+stats,
		"XDG_CACHE_HOME="+sharedCache(t), "XDG_CONFIG_HOME="+filepath.Join(dir, "config"),
		"GORACE=atexit_sleep_ms=0")
	// Fyne's development builds read FyneApp.toml from the working folder,
	// and its fyneDo migration turns the thread checker off: run elsewhere.
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("app: %v\n%s", err, stderr.String())
	}
	if strings.Contains(stderr.String(), "Error in Fyne call thread") {
		t.Fatalf("a widget was touched off the UI goroutine:\n%s", stderr.String())
	}
	return shot, stats
}

// TestFyneHasWhatTheWorkaroundsUse checks, on the real app Fyne makes, the two
// methods of Fyne's internal types the window relies on (see
// withoutStoppedHook and saveSettings in ui/): without them a Fyne upgrade
// would bring back the race at quit, silently.
func TestFyneHasWhatTheWorkaroundsUse(t *testing.T) {
	a := app.NewWithID(ui.AppID + ".test")
	if _, ok := a.Lifecycle().(interface{ SetOnStoppedHookExecuted(func()) }); !ok {
		t.Errorf("Fyne's lifecycle %T cannot drop its stopped hook", a.Lifecycle())
	}
	if _, ok := a.Preferences().(interface{ WriteValues(func(map[string]any)) }); !ok {
		t.Errorf("Fyne's preferences %T cannot write several values as one change", a.Preferences())
	}
}

// TestHelpInTheCLocale: `concurrencylab --help` lists the subcommands and
// exits 0, and the C locale of containers and CI brings no Fyne error.
func TestHelpInTheCLocale(t *testing.T) {
	exe, _ := os.Executable()
	cmd := exec.Command(exe, "-test.run=^$")
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != "LC_ALL" && k != "LC_MESSAGES" && k != "LANGUAGE" && k != "LANG" {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "LANG=C.UTF-8", "CONCURRENCYLAB_TEST_APP=1", "CONCURRENCYLAB_TEST_ARGS=--help")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	for _, want := range []string{"concurrencylab bench", "concurrencylab lesson NAME|all", "concurrencylab join", "concurrencylab room", "--version", "-autorun"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("--help does not mention %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "Fyne error") {
		t.Errorf("Fyne complained about the locale:\n%s", out)
	}
}

// TestLessonInTheWindowUnderXvfb runs a lesson in the real window, as
// --autorun does for the README's screenshot: its runs go through the
// window's bridge with Fyne's thread checker on, and the stats say what the
// lesson found beside the prediction.
func TestLessonInTheWindowUnderXvfb(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		t.Skip("no X display: run under xvfb-run (make test does)")
	}
	shot, stats := runApp(t, "--quick --autorun lesson=io-bound,prediction=4")
	var st struct {
		Runs    []ui.RunRecord `json:"runs"`
		Lessons []struct {
			Lesson     string         `json:"lesson"`
			Holds      *bool          `json:"holds"`
			Prediction float64        `json:"prediction"`
			Answer     float64        `json:"answer"`
			Measured   map[string]any `json:"measured"`
		} `json:"lessons"`
	}
	b, err := os.ReadFile(stats)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	if len(st.Lessons) != 1 || len(st.Runs) != 4 {
		t.Fatalf("stats: %s", b)
	}
	ls := st.Lessons[0]
	if ls.Lesson != "io-bound" || ls.Holds == nil || ls.Prediction != 4 || ls.Answer <= 0 || ls.Measured["speedup_one_core"] == nil {
		t.Errorf("lesson: %+v", ls)
	}
	if _, err := os.Stat(shot); err != nil {
		t.Error(err)
	}
}

// TestNoDisplaySaysSo: without a display the window says so in a line and
// points at the terminal commands, instead of a Go panic.
func TestNoDisplaySaysSo(t *testing.T) {
	exe, _ := os.Executable()
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), "DISPLAY=", "WAYLAND_DISPLAY=", "CONCURRENCYLAB_TEST_APP=1", "CONCURRENCYLAB_TEST_ARGS=--tab lessons")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("exit: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "needs a display") || !strings.Contains(string(out), "concurrencylab bench") || strings.Contains(string(out), "panic") {
		t.Errorf("%s", out)
	}
}

// TestSignalStopsTheWindow: SIGTERM during an --autorun run exits 143 (a
// script sees it did not finish), writes no stats, and leaves no worker
// process behind.
func TestSignalStopsTheWindow(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		t.Skip("no X display: run under xvfb-run (make test does)")
	}
	dir := t.TempDir()
	stats := filepath.Join(dir, "stats.json")
	exe, _ := os.Executable()
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), "CONCURRENCYLAB_TEST_APP=1",
		"CONCURRENCYLAB_TEST_ARGS=--autorun task=thumbnail,mode=processes,workers=2,images=6,decoder=std --stats-json "+stats,
		"XDG_CACHE_HOME="+sharedCache(t), "XDG_CONFIG_HOME="+filepath.Join(dir, "config"), "GORACE=atexit_sleep_ms=0")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for the pool's workers: the run is under way.
	var workers []int
	deadline := time.Now().Add(4 * time.Minute) // a race build generates the photos slowly
	for len(workers) < 2 && time.Now().Before(deadline) {
		workers = childrenOf(cmd.Process.Pid)
		time.Sleep(20 * time.Millisecond)
	}
	if len(workers) < 2 {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("no workers appeared:\n%s", stderr.String())
	}
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 143 {
		t.Fatalf("exit: %v\n%s", err, stderr.String())
	}
	if _, err := os.Stat(stats); err == nil {
		t.Error("stats written for a run that was stopped")
	}
	for _, pid := range workers {
		if syscall.Kill(pid, 0) == nil {
			t.Errorf("worker %d outlived the window", pid)
		}
	}
}

var (
	cacheOnce sync.Once
	cacheDir  string
)

// sharedCache is one gallery cache for the window tests: a race build
// generates photos slowly, and the same six serve them all.
func sharedCache(t *testing.T) string {
	cacheOnce.Do(func() { cacheDir, _ = os.MkdirTemp("", "concurrencylab-test-cache") })
	if cacheDir == "" {
		t.Fatal("no temporary folder for the gallery cache")
	}
	return cacheDir
}

// childrenOf lists the processes whose parent is pid (Linux).
func childrenOf(pid int) []int {
	var kids []int
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, f := range tasks {
		b, _ := os.ReadFile(f)
		for _, s := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(s); err == nil {
				kids = append(kids, n)
			}
		}
	}
	return kids
}

// TestVersionIsFyneAppsVersion: --version says the version FyneApp.toml
// gives `fyne package`.
func TestVersionIsFyneAppsVersion(t *testing.T) {
	b, err := os.ReadFile("FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	var want string
	for line := range strings.Lines(string(b)) {
		if k, v, ok := strings.Cut(line, "="); ok && strings.TrimSpace(k) == "Version" {
			want = strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	if got := version(); want == "" || !strings.HasPrefix(got, "Concurrency Lab "+want+" (") {
		t.Errorf("version() = %q, FyneApp.toml says %q", got, want)
	}
}
