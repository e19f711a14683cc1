package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"concurrencylab/jobs"
	"concurrencylab/jobs/cluster"
)

// syncBuffer is a bytes.Buffer that a command may write while a test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls until s holds a match of re, or fails the test after 3
// minutes: generous for a loaded 2-core machine (make test-under-load).
func waitFor(t *testing.T, s *syncBuffer, re *regexp.Regexp) []string {
	t.Helper()
	for deadline := time.Now().Add(3 * time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(s.String()); m != nil {
			return m
		}
	}
	t.Fatalf("no %v in %q", re, s.String())
	return nil
}

func benchJSON(t *testing.T, args ...string) []jobs.Result {
	t.Helper()
	var stdout bytes.Buffer
	var stderr syncBuffer
	if code := Bench(append(args, "--json"), &stdout, &stderr); code != 0 {
		t.Fatalf("bench %v: exit %d: %s", args, code, stderr.String())
	}
	var rs []jobs.Result
	if err := json.Unmarshal(stdout.Bytes(), &rs); err != nil {
		t.Fatal(err)
	}
	return rs
}

// join runs Join in the background; stop ends it as Ctrl+C would and
// returns its exit code and what it printed.
func join(t *testing.T, args ...string) (stop func() (int, string)) {
	t.Helper()
	p, _ := os.FindProcess(os.Getpid())
	var out syncBuffer
	code := make(chan int, 1)
	go func() { code <- Join(args, &out, &out) }()
	waitFor(t, &out, regexp.MustCompile(`waiting for a run|joined run`))
	return func() (int, string) {
		p.Signal(os.Interrupt) // Join's signal.NotifyContext takes it
		return <-code, out.String()
	}
}

func TestBenchClusterBesideProcesses(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", galleryCache)
	t.Setenv("GORACE", "atexit_sleep_ms=0")
	rs := benchJSON(t, "--images", "4", "--modes", "processes,cluster", "--workers", "2")
	if len(rs) != 2 || rs[1].Mode != jobs.Cluster || rs[1].OK != 4 || rs[1].Joined != 2 || rs[0].OK != 4 {
		t.Fatalf("%+v", rs)
	}
}

func TestBenchSharedWaitsForJoinedWorkers(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", galleryCache)
	var stdout bytes.Buffer
	var stderr syncBuffer
	code := make(chan int, 1)
	go func() {
		code <- Bench([]string{"--images", "3", "--modes", "cluster", "--share", "127.0.0.1:0", "--workers", "0", "--json"}, &stdout, &stderr)
	}()
	m := waitFor(t, &stderr, regexp.MustCompile(`concurrencylab join (nats://\S+) --token ([0-9a-f]{32})\n`))
	waitFor(t, &stderr, regexp.MustCompile(`waiting for workers to join`))
	stop := join(t, m[1], "--token", m[2], "--workers", "2")
	if c := <-code; c != 0 {
		t.Fatalf("bench: exit %d: %s", c, stderr.String())
	}
	c, said := stop()
	if c != 0 || !strings.Contains(said, "joined run") || strings.Count(said, " done in ") != 3 || !strings.Contains(said, "stopped: 3 items done") {
		t.Fatalf("join: exit %d:\n%s", c, said)
	}
	if !strings.Contains(stderr.String(), "cluster: cluster worker 2 (") {
		t.Errorf("bench did not say who joined: %s", stderr.String())
	}
	var rs []jobs.Result
	if err := json.Unmarshal(stdout.Bytes(), &rs); err != nil || len(rs) != 1 || rs[0].OK != 3 || rs[0].Workers != 0 || rs[0].Joined != 2 {
		t.Fatalf("%v: %s", err, stdout.String())
	}
}

func TestJoinErrorsAreOneLine(t *testing.T) {
	srv, err := cluster.StartServer("", "the-token")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{srv.URL(), "--token", "wrong"}, 1, "refused the token"},
		{[]string{srv.URL()}, 1, "wants a token"},
		{[]string{"localhost:4222"}, 1, "not a server URL"},
		{[]string{}, 2, "Usage"},
		{[]string{srv.URL(), "--workers", "0"}, 2, "Usage"},
	} {
		var stdout, stderr bytes.Buffer
		if code := Join(c.args, &stdout, &stderr); code != c.code || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("join %v: exit %d, %q; want %d and %q", c.args, code, stderr.String(), c.code, c.want)
		}
		if c.code == 1 && strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("join %v: not one line: %q", c.args, stderr.String())
		}
	}
}

// TestBenchOnSeparateNatsServer runs the cluster mode on a plain `nats-server
// -js` started as a process of its own: first with joined workers only (no
// local ones unless asked), then with --workers 2 local ones.
func TestBenchOnSeparateNatsServer(t *testing.T) {
	bin, err := exec.LookPath("nats-server")
	if err != nil {
		if gopath, e := exec.Command("go", "env", "GOPATH").Output(); e == nil {
			bin, err = exec.LookPath(filepath.Join(strings.TrimSpace(string(gopath)), "bin", "nats-server"))
		}
	}
	if err != nil {
		msg := "nats-server is not installed (make test installs it: go install github.com/nats-io/nats-server/v2@v2.15.2)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	t.Setenv("XDG_CACHE_HOME", galleryCache)
	t.Setenv("GORACE", "atexit_sleep_ms=0")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	srv := exec.CommandContext(ctx, bin, "-js", "-a", "127.0.0.1", "-p", port, "-sd", t.TempDir())
	var log syncBuffer
	srv.Stdout, srv.Stderr = &log, &log
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); srv.Wait() }()
	url := "nats://127.0.0.1:" + port
	waitFor(t, &log, regexp.MustCompile(`Server is ready`))

	stop := join(t, url, "--workers", "2")
	rs := benchJSON(t, "--images", "3", "--modes", "cluster", "--cluster", url)
	// The run's figures below say the joined workers did every item; their
	// own lines may count one item twice (a redelivery under load: its late
	// second result is refused, not done).
	if c, said := stop(); c != 0 || !strings.Contains(said, " done in ") {
		t.Errorf("join: exit %d:\n%s", c, said)
	}
	if len(rs) != 1 || rs[0].OK != 3 || rs[0].Workers != 0 || rs[0].Joined != 2 {
		t.Fatalf("joined workers only: %+v", rs)
	}
	rs = benchJSON(t, "--images", "3", "--modes", "cluster", "--cluster", url, "--workers", "2")
	if len(rs) != 1 || rs[0].OK != 3 || rs[0].Workers != 2 || rs[0].Joined != 2 {
		t.Fatalf("local workers: %+v", rs)
	}
}
