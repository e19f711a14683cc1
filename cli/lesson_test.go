package cli

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"concurrencylab/lesson"
)

func TestLessonList(t *testing.T) {
	var stdout bytes.Buffer
	if code := Lesson([]string{"--list"}, &stdout, &bytes.Buffer{}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != len(lesson.All) {
		t.Fatalf("%d lines:\n%s", len(lines), stdout.String())
	}
	for i, l := range lesson.All {
		if !strings.HasPrefix(lines[i], l.Name+" ") || !strings.Contains(lines[i], l.Claim) {
			t.Errorf("line %d: %q", i, lines[i])
		}
	}
}

func TestLessonBadUsageExits2(t *testing.T) {
	for _, args := range [][]string{{}, {"threads"}, {"race", "cpu-bound"}, {"--list", "race"}, {"race", "--nope"}} {
		var stderr bytes.Buffer
		if code := Lesson(args, &bytes.Buffer{}, &stderr); code != 2 || !strings.Contains(stderr.String(), "Usage") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr.String())
		}
	}
	if code := Lesson([]string{"-h"}, &bytes.Buffer{}, &bytes.Buffer{}); code != 0 {
		t.Errorf("-h: exit %d", code)
	}
}

func TestLessonJSON(t *testing.T) {
	t.Setenv("GORACE", "atexit_sleep_ms=0")
	var stdout, stderr bytes.Buffer
	if code := Lesson([]string{"race", "--quick", "--json"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var o map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &o); err != nil {
		t.Fatalf("%v: %s", err, stdout.String())
	}
	for _, k := range []string{"lesson", "claim", "cores", "runs", "expected", "measured", "holds", "verdict"} {
		if _, ok := o[k]; !ok {
			t.Errorf("no %q in %v", k, o)
		}
	}
	m, _ := o["measured"].(map[string]any)
	for _, k := range []string{"expected", "unsynchronized", "mutex", "atomic", "sharded", "processes_parent", "processes_sent_back"} {
		if _, ok := m[k]; !ok {
			t.Errorf("measured has no %q: %v", k, m)
		}
	}
	if o["lesson"] != "race" || !strings.Contains(stderr.String(), "unsynchronized:") {
		t.Errorf("lesson %v; stderr %q", o["lesson"], stderr.String())
	}
}

// The terminal lists the figures as the window does: labels, units and
// thousands separators, not the JSON's keys.
func TestLessonMeasuredReadsLikeTheWindow(t *testing.T) {
	t.Setenv("GORACE", "atexit_sleep_ms=0")
	var stdout, stderr bytes.Buffer
	if code := Lesson([]string{"race", "--quick"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	out := stdout.String()
	for _, w := range []string{"Measured:\n", "  additions by each goroutine:", " 10,000\n", "  without a lock:", " of 40,000\n", "  the fixes exact in tight loops too:"} {
		if !strings.Contains(out, w) {
			t.Errorf("no %q in:\n%s", w, out)
		}
	}
	if strings.Contains(out, "increments_each") || strings.Contains(out, "tight_exact") {
		t.Errorf("the JSON's keys in the terminal:\n%s", out)
	}
}

// TestLessonAllReport runs every lesson's quick form the way a participant
// hands in their results: report.md, lessons.json and the charts.
func TestLessonAllReport(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("GORACE", "atexit_sleep_ms=0")
	dir := filepath.Join(t.TempDir(), "report")
	var stdout, stderr bytes.Buffer
	if code := Lesson([]string{"all", "--quick", "--report", dir}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	var entries []map[string]any
	if b, err := os.ReadFile(filepath.Join(dir, "lessons.json")); err != nil || json.Unmarshal(b, &entries) != nil || len(entries) != len(lesson.All) {
		t.Fatalf("lessons.json: %v, %d entries", err, len(entries))
	}
	for i, l := range lesson.All {
		if entries[i]["lesson"] != l.Name || !strings.Contains(string(md), "## "+l.Name+"\n") || !strings.Contains(stdout.String(), l.Name+" — ") {
			t.Errorf("%s missing from the report, the JSON or the terminal", l.Name)
		}
	}
	for _, name := range []string{"io-bound", "cpu-bound", "scaling", "race", "startup", "pipeline"} {
		if !strings.Contains(string(md), "]("+name+".png)") {
			t.Errorf("report.md does not show %s.png", name)
		}
		img, err := png.Decode(mustOpen(t, filepath.Join(dir, name+".png")))
		if err != nil || img.Bounds().Dx() != 900 {
			t.Errorf("%s.png: %v", name, err)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) > 0 {
		t.Errorf("half-written files left: %v", left)
	}
}

// signalOnWrite sends this process SIGINT the first time the lesson writes
// a line containing want, as Ctrl+C in a terminal would.
type signalOnWrite struct {
	want string
	once sync.Once
	buf  bytes.Buffer
}

func (w *signalOnWrite) Write(p []byte) (int, error) {
	if strings.Contains(string(p), w.want) {
		w.once.Do(func() {
			if p, err := os.FindProcess(os.Getpid()); err == nil {
				p.Signal(os.Interrupt) // SIGINT on Unix; not deliverable on Windows
			}
		})
	}
	return w.buf.Write(p)
}

func TestLessonInterruptedExits130(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	stderr := &signalOnWrite{want: "preparing"}
	if code := Lesson([]string{"io-bound"}, &bytes.Buffer{}, stderr); code != 130 || !strings.Contains(stderr.buf.String(), "interrupted") {
		t.Fatalf("exit %d: %s", code, stderr.buf.String())
	}
}

// TestLessonDeadlockJSON: the deadlock lesson's child processes, and the
// keys of its figures.
func TestLessonDeadlockJSON(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Lesson([]string{"deadlock", "--quick", "--json"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var o map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &o); err != nil {
		t.Fatal(err)
	}
	m, _ := o["measured"].(map[string]any)
	for _, k := range []string{"noticed_alone", "noticed_live", "alone_exit_codes", "cases", "guard", "this_program"} {
		if _, ok := m[k]; !ok {
			t.Errorf("measured has no %q: %v", k, m)
		}
	}
	if m["noticed_alone"] != 3.0 || m["noticed_live"] != 0.0 || o["holds"] != true {
		t.Errorf("noticed %v alone, %v live; %v", m["noticed_alone"], m["noticed_live"], o["verdict"])
	}
}

func TestLessonCCallsJSON(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Lesson([]string{"c-calls", "--quick", "--json"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var o map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &o); err != nil {
		t.Fatal(err)
	}
	m, _ := o["measured"].(map[string]any)
	for _, k := range []string{"one_core_c_speedup", "one_core_go_speedup", "gomaxprocs", "c_calls_at_once", "pinned"} {
		if _, ok := m[k]; !ok {
			t.Errorf("measured has no %q: %v", k, m)
		}
	}
	if m["gomaxprocs"] != 1.0 || m["pinned"] != false {
		t.Errorf("%v", m)
	}
}

// TestLessonPrimesJSON: the JSON's keys, without Python (--python names
// none that is there), so Python is null and Go's figures are there.
func TestLessonPrimesJSON(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Lesson([]string{"primes", "--quick", "--json", "--python", "/nonexistent/python3"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var o map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &o); err != nil {
		t.Fatal(err)
	}
	m, _ := o["measured"].(map[string]any)
	g, _ := m["go"].(map[string]any)
	for _, k := range []string{"one_core_speedup", "goroutines_speedup", "processes_speedup"} {
		if _, ok := g[k]; !ok {
			t.Errorf("measured.go has no %q: %v", k, g)
		}
	}
	if py, ok := m["python"]; !ok || py != nil {
		t.Errorf("measured.python: %v, %v", py, ok)
	}
}

// TestLessonPrimesPython: with the python3 on PATH, Python's keys.
func TestLessonPrimesPython(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("no python3 here")
	}
	var stdout, stderr bytes.Buffer
	if code := Lesson([]string{"primes", "--quick", "--json"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var o map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &o); err != nil {
		t.Fatal(err)
	}
	m, _ := o["measured"].(map[string]any)
	py, _ := m["python"].(map[string]any)
	for _, k := range []string{"version", "gil", "threads_speedup", "asyncio_speedup", "processes_speedup"} {
		if _, ok := py[k]; !ok {
			t.Errorf("measured.python has no %q: %v", k, m)
		}
	}
}
