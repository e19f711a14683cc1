package pool

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"concurrencylab/jobs/pool/pooltest"
)

// TestMain makes the test binary a worker when the pool starts it, so the tests
// below exercise real processes, and a pool-owning parent for the parent-death test.
func TestMain(m *testing.M) {
	switch {
	case IsWorker():
		if err := Serve(testHandlers); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	case os.Getenv("POOL_TEST_PARENT") == "1":
		runParent()
		return
	}
	goleak.VerifyTestMain(m)
}

var testHandlers = map[string]Handler{
	"echo": func(args json.RawMessage) (any, error) {
		var s string
		err := json.Unmarshal(args, &s)
		fmt.Println("stdout noise must not break the protocol")
		return strings.ToUpper(s), err
	},
	"fail":  func(json.RawMessage) (any, error) { return nil, errors.New("bad item") },
	"panic": func(json.RawMessage) (any, error) { panic("boom") },
	"exit": func(json.RawMessage) (any, error) {
		fmt.Fprintln(os.Stderr, "worker is going down")
		os.Exit(3)
		return nil, nil
	},
	// hold says it has started (a file at args' path) and sleeps a minute.
	"hold": func(args json.RawMessage) (any, error) {
		var path string
		json.Unmarshal(args, &path)
		os.WriteFile(path, nil, 0o644)
		time.Sleep(time.Minute)
		return nil, nil
	},
	"sleep": func(args json.RawMessage) (any, error) {
		var ms int
		json.Unmarshal(args, &ms)
		time.Sleep(time.Duration(ms) * time.Millisecond)
		return ms, nil
	},
	"pid": func(json.RawMessage) (any, error) { return os.Getpid(), nil },
}

func testConfig(workers int) Config {
	return Config{
		Workers:     workers,
		Command:     pooltest.Worker,
		CallTimeout: 5 * time.Second,
	}
}

func startPool(t *testing.T, cfg Config) *Pool {
	t.Helper()
	p, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// procStat reads a /proc stat file: its fields from the third on (proc(5)
// counts from 1, after the command name in parentheses), so field N is at N-3.
func procStat(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:])), nil
}

// threadStats is procStat of every thread of pid, by file.
func threadStats(t *testing.T, pid int) map[string][]string {
	t.Helper()
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/stat", pid))
	if len(tasks) < 2 {
		t.Fatalf("%d threads in process %d", len(tasks), pid)
	}
	stats := map[string][]string{}
	for _, f := range tasks {
		fields, err := procStat(f)
		if err != nil {
			t.Fatal(err)
		}
		stats[f] = fields
	}
	return stats
}

// gone reports whether pid has exited (a zombie counts: it runs no more).
func gone(pid int) bool {
	f, err := procStat("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return errors.Is(err, os.ErrNotExist)
	}
	return len(f) > 0 && (f[0] == "Z" || f[0] == "X")
}

func waitGone(t *testing.T, pids ...int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for _, pid := range pids {
		for !gone(pid) {
			if time.Now().After(deadline) {
				t.Fatalf("worker pid %d still runs", pid)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

func TestPool(t *testing.T) {
	t.Run("workers are separate processes on one core each", func(t *testing.T) {
		p := startPool(t, testConfig(2))
		a, b := p.Slot(0), p.Slot(1)
		if a.PID() == b.PID() || a.PID() == os.Getpid() {
			t.Fatalf("pids %d and %d (parent %d)", a.PID(), b.PID(), os.Getpid())
		}
		for _, s := range []*Slot{a, b} {
			if got := s.GOMAXPROCS(); got != 1 {
				t.Errorf("worker %d runs with GOMAXPROCS %d, want 1", s.Index(), got)
			}
			var pid int
			if err := s.Call(context.Background(), "pid", nil, &pid); err != nil || pid != s.PID() {
				t.Errorf("pid call: %d, %v; want %d", pid, err, s.PID())
			}
		}
	})

	t.Run("workers can run at a lower priority", func(t *testing.T) {
		cfg := testConfig(1)
		cfg.Nice = 7
		p := startPool(t, cfg)
		if got := p.Slot(0).Nice(); got != 7 {
			t.Fatalf("worker niceness %d, want 7", got)
		}
		if runtime.GOOS != "linux" {
			return
		}
		// Every thread, as the OS sees it: on Linux nice is per thread, and
		// any of the runtime's threads may run the work.
		var pid int
		if err := p.Slot(0).Call(context.Background(), "pid", nil, &pid); err != nil {
			t.Fatal(err)
		}
		for f, fields := range threadStats(t, pid) {
			if nice := fields[19-3]; nice != "7" {
				t.Errorf("%s: nice %s, want 7", f, nice)
			}
		}
	})

	t.Run("workers can run under SCHED_IDLE", func(t *testing.T) {
		if runtime.GOOS != "linux" {
			t.Skip("SCHED_IDLE is Linux's")
		}
		cfg := testConfig(1)
		cfg.Nice, cfg.Idle = 10, true
		p := startPool(t, cfg)
		if !p.Slot(0).Idle() || p.Slot(0).Nice() != 10 {
			t.Fatalf("worker says idle %v, nice %d", p.Slot(0).Idle(), p.Slot(0).Nice())
		}
		var pid int
		if err := p.Slot(0).Call(context.Background(), "pid", nil, &pid); err != nil {
			t.Fatal(err)
		}
		for f, fields := range threadStats(t, pid) {
			if policy := fields[41-3]; policy != "5" { // SCHED_IDLE
				t.Errorf("%s: policy %s, want 5 (SCHED_IDLE)", f, policy)
			}
		}
	})

	t.Run("results come back despite stdout noise", func(t *testing.T) {
		p := startPool(t, testConfig(1))
		for i := range 3 {
			var got string
			if err := p.Slot(0).Call(context.Background(), "echo", fmt.Sprint("item", i), &got); err != nil {
				t.Fatal(err)
			}
			if want := fmt.Sprint("ITEM", i); got != want {
				t.Fatalf("got %q, want %q", got, want)
			}
		}
	})

	t.Run("a handler error or panic fails the item, not the worker", func(t *testing.T) {
		p := startPool(t, testConfig(1))
		s := p.Slot(0)
		pid := s.PID()
		var re *RemoteError
		if err := s.Call(context.Background(), "fail", nil, nil); !errors.As(err, &re) || re.Msg != "bad item" {
			t.Fatalf("err = %v", err)
		}
		if err := s.Call(context.Background(), "panic", nil, nil); !errors.As(err, &re) || !strings.Contains(re.Msg, "panicked: boom") {
			t.Fatalf("err = %v", err)
		}
		if err := s.Call(context.Background(), "nosuchop", nil, nil); !errors.As(err, &re) {
			t.Fatalf("err = %v", err)
		}
		if s.PID() != pid {
			t.Fatal("worker was replaced for an item error")
		}
	})

	t.Run("a worker that exits mid-item fails that item and is replaced", func(t *testing.T) {
		p := startPool(t, testConfig(1))
		s := p.Slot(0)
		old := s.PID()
		err := s.Call(context.Background(), "exit", nil, nil)
		var we *WorkerError
		if !errors.As(err, &we) || we.PID != old || we.Hung || !strings.Contains(we.Exit, "exit status 3") ||
			!strings.Contains(we.Stderr, "going down") || we.Restart != nil {
			t.Fatalf("err = %#v", err)
		}
		if s.PID() == old || s.PID() == 0 {
			t.Fatalf("not replaced: pid %d", s.PID())
		}
		waitGone(t, old)
		var got string
		if err := s.Call(context.Background(), "echo", "next", &got); err != nil || got != "NEXT" {
			t.Fatalf("after restart: %q, %v", got, err)
		}
	})

	t.Run("a worker killed from outside mid-item is replaced", func(t *testing.T) {
		p := startPool(t, testConfig(1))
		s := p.Slot(0)
		old := s.PID()
		errc := make(chan error, 1)
		go func() { errc <- s.Call(context.Background(), "sleep", 3000, nil) }()
		time.Sleep(100 * time.Millisecond) // let the request reach the worker; the test holds either way
		if w, err := os.FindProcess(old); err == nil {
			w.Kill() // SIGKILL on Unix, TerminateProcess on Windows
		}
		err := <-errc
		var we *WorkerError
		if !errors.As(err, &we) || !strings.Contains(we.Exit, "killed") {
			t.Fatalf("err = %v", err)
		}
		if s.PID() == old {
			t.Fatal("not replaced")
		}
	})

	t.Run("a hung worker is killed after the call timeout and replaced", func(t *testing.T) {
		cfg := testConfig(1)
		cfg.CallTimeout = 300 * time.Millisecond
		p := startPool(t, cfg)
		s := p.Slot(0)
		old := s.PID()
		start := time.Now()
		err := s.Call(context.Background(), "sleep", 60_000, nil)
		var we *WorkerError
		if !errors.As(err, &we) || !we.Hung {
			t.Fatalf("err = %v", err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("took %v to notice the hang", d)
		}
		waitGone(t, old)
		if err := s.Call(context.Background(), "sleep", 1, nil); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("cancel stops a call at once and Close leaves no process", func(t *testing.T) {
		p, err := Start(context.Background(), testConfig(2))
		if err != nil {
			t.Fatal(err)
		}
		pids := []int{p.Slot(0).PID(), p.Slot(1).PID()}
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 2)
		for i := range 2 {
			go func() { errc <- p.Slot(i).Call(ctx, "sleep", 60_000, nil) }()
		}
		time.Sleep(50 * time.Millisecond)
		start := time.Now()
		cancel()
		for range 2 {
			if err := <-errc; !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v", err)
			}
		}
		if d := time.Since(start); d > time.Second {
			t.Fatalf("cancel took %v", d)
		}
		p.Close()
		waitGone(t, pids...)
		if err := p.Slot(0).Call(context.Background(), "pid", nil, nil); err == nil {
			t.Fatal("call on a closed pool succeeded")
		}
	})

	t.Run("workers exit when their parent is killed", func(t *testing.T) {
		exe, _ := os.Executable()
		parent := exec.Command(exe, "-test.run=^$")
		parent.Env = append(os.Environ(), "POOL_TEST_PARENT=1")
		out, _ := parent.StdoutPipe()
		if err := parent.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil {
			parent.Process.Kill()
			parent.Wait()
			t.Fatalf("parent said %q: %v", line, err)
		}
		var pids []int
		for _, f := range strings.Fields(line) {
			pid, _ := strconv.Atoi(f)
			pids = append(pids, pid)
		}
		parent.Process.Kill()
		parent.Wait()
		if len(pids) != 2 {
			t.Fatalf("parent printed %q", line)
		}
		waitGone(t, pids...)
	})
}

// runParent owns a pool whose workers are both in the middle of a long call
// (so that EOF on their requests pipe cannot reach them) and prints their
// PIDs; the test kills it.
func runParent() {
	cfg := Config{Workers: 2, Command: pooltest.Worker}
	p, err := Start(context.Background(), cfg)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	pids := fmt.Sprint(p.Slot(0).PID(), p.Slot(1).PID()) // before the calls hold the slots
	dir, _ := os.MkdirTemp("", "pool-parent")
	for i := range 2 {
		go p.Slot(i).Call(context.Background(), "hold", filepath.Join(dir, strconv.Itoa(i)), nil)
	}
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(filepath.Join(dir, "1")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "0")); err == nil {
				break
			}
		}
	}
	os.RemoveAll(dir)
	fmt.Println(pids)
	time.Sleep(time.Minute)
	os.Exit(1)
}
