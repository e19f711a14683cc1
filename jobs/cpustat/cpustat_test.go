package cpustat

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"concurrencylab/jobs/proc"
)

// TestMain makes this test binary a busy loop when asked: the child that
// must show up as another program. It prints its own CPU time, in
// nanoseconds, each time another 50 ms of it have gone by.
func TestMain(m *testing.M) {
	if os.Getenv("CPUSTAT_SPIN") == "1" {
		proc.ReportCPU() // as a worker does: where a Job's accounting reads 0 (wine 8)
		runtime.LockOSThread()
		var last time.Duration
		for {
			for i := 0; i < 1e5; i++ {
			}
			if t, ok := Thread(); ok && t-last >= 50*time.Millisecond {
				fmt.Println(int64(t))
				last = t
			}
		}
	}
	os.Exit(m.Run())
}

// spinner is a busy child process and its reports of its own CPU time.
type spinner struct {
	cmd *exec.Cmd
	out *bufio.Scanner
}

func spin(t *testing.T) *spinner {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "CPUSTAT_SPIN=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := proc.Start(cmd); err != nil {
		t.Fatal(err)
	}
	s := &spinner{cmd: cmd, out: bufio.NewScanner(out)}
	t.Cleanup(s.stop)
	return s
}

// cpu waits for the child's next report of its CPU time. It is polled, not
// timed: on a loaded machine the child gets its share when it does.
func (s *spinner) cpu(t *testing.T) time.Duration {
	t.Helper()
	if !s.out.Scan() {
		t.Fatalf("the busy child stopped reporting: %v", s.out.Err())
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s.out.Text()), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return time.Duration(n)
}

func (s *spinner) stop() {
	if s.cmd.ProcessState == nil {
		s.cmd.Process.Kill()
		proc.Wait(s.cmd) // its CPU time counts as our children's
	}
}

// A busy loop in a child process that has not been waited for is another
// program's CPU, not ours: other programs' CPU covers at least what the child
// says it used (the machine's other load comes on top).
func TestChildBusyLoopIsOthers(t *testing.T) {
	if u := Between(Take(), Take()); !u.Known {
		t.Skipf("not measured here: %s", u.Why)
	}
	s := spin(t)
	c0 := s.cpu(t)
	a := Take()
	c1 := c0
	for c1-c0 < time.Second {
		c1 = s.cpu(t)
	}
	u := Between(a, Take())
	t.Logf("the child used %v; in %v other programs used %v, this one %v", c1-c0, u.Wall.Round(time.Millisecond), u.Others, u.Ours)
	// What the child did between its report c0 and a was not in a..b: a
	// fifth of margin for that, and for /proc/stat's ticks of 10 ms.
	if u.Others < (c1-c0)*4/5 {
		t.Errorf("other programs' CPU %v does not cover the busy child's %v", u.Others, c1-c0)
	}
	if u.Ours >= u.Others {
		t.Errorf("ours %v ≥ others %v while only the child was busy", u.Ours, u.Others)
	}
}

// A busy loop of our own is ours, and its thread's.
func TestOwnBusyLoopIsOurs(t *testing.T) {
	a := Take()
	if !a.OursOK {
		t.Skip("this program's CPU is not read here")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	t0, threadOK := Thread()
	for Between(a, Take()).Ours < 300*time.Millisecond {
		for i := 0; i < 1e6; i++ {
		}
	}
	if t1, ok := Thread(); threadOK && ok && t1-t0 < 200*time.Millisecond {
		t.Errorf("the spinning thread's CPU time grew by %v only", t1-t0)
	}
}

// Once waited for, a child's CPU is ours.
func TestWaitedChildIsOurs(t *testing.T) {
	a := Take()
	kids0, ok := Children()
	if !ok {
		t.Skip("children's CPU is not read here")
	}
	s := spin(t)
	var c time.Duration
	for c < 300*time.Millisecond {
		c = s.cpu(t)
	}
	s.stop()
	kids, _ := Children()
	if kids-kids0 < c {
		t.Errorf("the waited-for child used %v, and %v counts as our children's", c, kids-kids0)
	}
	if u := Between(a, Take()); u.Ours < c {
		t.Errorf("the waited-for child used %v, and ours grew by %v only", c, u.Ours)
	}
}
