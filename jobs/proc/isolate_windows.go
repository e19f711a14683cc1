//go:build windows

package proc

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// Windows has no process groups; a Job object does their work here. Each
// worker gets a job of its own (Start puts it in just after it starts,
// before the pool reads its hello, so before it can start anything), and
// whatever the worker starts is in its job too:
//   - KillGroup terminates the job: the worker and everything it started;
//   - the job is made with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE and only this
//     process holds its handle, so when this process ends, however it ends
//     (killed from the Task Manager too), Windows closes the handle and
//     kills the job's processes: the parent watch of Unix, done by the OS;
//   - JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION: a crashing worker dies
//     at once instead of waiting behind an error-report dialog;
//   - the job's accounting holds the CPU time of every process that was in
//     it, which Wait adds to ChildrenCPU (as RUSAGE_CHILDREN on Unix).
//
// A job per worker, not one per pool, because replacing a hung worker must
// kill it and its children and no other worker.
var children struct {
	sync.Mutex
	of map[*exec.Cmd]*child
}

// child is what Start keeps of a worker until Wait.
type child struct {
	job windows.Handle // 0: none
	// reported is the CPU time the worker last said it had used, in
	// nanoseconds (see ReportCPU): wine 8 reads another process's CPU
	// time wrong (its main thread's while it runs; a job's accounting is
	// 0), a process's own right, so Wait takes the larger of the system's
	// figure and the worker's own.
	reported atomic.Int64
	cpu      *os.File      // our end of the pipe it reports on
	read     chan struct{} // closed at the pipe's EOF
}

// EnvCPU is, in a worker's environment, the handle of the pipe on which it
// reports its CPU time (ReportCPU).
const EnvCPU = "CONCURRENCYLAB_WORKER_CPU"

// reportEvery is how often a worker reports its CPU time: what it spends
// after the last report, before it exits, is lost where the system keeps
// no time of an ended process (wine). A pool's workers sit idle between
// their last item and Close, so little is.
const reportEvery = 100 * time.Millisecond

// childrenCPU adds up the CPU time, in nanoseconds, of the workers waited for.
var childrenCPU atomic.Int64

// Isolate asks for the worker to be in a console process group of its own:
// Ctrl+C in the console reaches this process, which stops its workers, and
// not the workers themselves (as a process group of its own does on Unix).
func Isolate(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.CreationFlags |= windows.CREATE_NEW_PROCESS_GROUP
}

// start starts cmd with a pipe for its CPU reports, puts it in a new job
// and reads its reports. Failure to make the job (a system that refuses
// nested jobs: Windows 7 inside another program's job) leaves it outside
// one: KillGroup then kills the worker alone, and the worker's own parent
// watch (WatchParent) ends it when this process goes.
func start(cmd *exec.Cmd) error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	defer w.Close() // the child's end: its exit is then EOF to us
	nums, err := passFiles(cmd, []*os.File{w})
	if err != nil {
		r.Close()
		return err
	}
	if cmd.Env == nil {
		cmd.Env = cmd.Environ()
	}
	cmd.Env = append(cmd.Env, fmt.Sprintf("%s=%d", EnvCPU, nums[0]))
	if err := cmd.Start(); err != nil {
		r.Close()
		return err
	}
	c := &child{cpu: r, read: make(chan struct{})}
	// Not yet waited for, so the PID is still this child's.
	if p, err := windows.OpenProcess(windows.PROCESS_SET_QUOTA|windows.PROCESS_TERMINATE, false, uint32(cmd.Process.Pid)); err == nil {
		c.job = newJob(p)
		windows.CloseHandle(p)
	}
	children.Lock()
	if children.of == nil {
		children.of = map[*exec.Cmd]*child{}
	}
	children.of[cmd] = c
	children.Unlock()
	go func() {
		defer close(c.read)
		var b [8]byte
		for {
			if _, err := io.ReadFull(r, b[:]); err != nil {
				return
			}
			c.reported.Store(int64(binary.LittleEndian.Uint64(b[:])))
		}
	}()
	return nil
}

// newJob makes a kill-on-close job holding process p; 0 if it cannot.
func newJob(p windows.Handle) windows.Handle {
	job, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return 0
	}
	limits := windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION{}
	limits.BasicLimitInformation.LimitFlags = windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | windows.JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION
	if _, err := windows.SetInformationJobObject(job, windows.JobObjectExtendedLimitInformation,
		uintptr(unsafe.Pointer(&limits)), uint32(unsafe.Sizeof(limits))); err != nil {
		windows.CloseHandle(job)
		return 0
	}
	if windows.AssignProcessToJobObject(job, p) != nil {
		windows.CloseHandle(job)
		return 0
	}
	return job
}

// release adds the CPU time of the waited worker and of all it started to
// ChildrenCPU and closes its job, which kills anything of it still running.
// The time is its job's accounting (which has its children's), or without
// a job its process times, or its own last report if that is larger. Wine
// 8 gets the first two wrong: the job's is 0, and an ended process's times
// read the same for two workers (1.73 s each after a run of 2.2 s in which
// they reported 0.46 and 0.49 s), so there the report counts.
func release(cmd *exec.Cmd) {
	children.Lock()
	c, ok := children.of[cmd]
	delete(children.of, cmd)
	children.Unlock()
	var cpu time.Duration
	switch {
	case ok && c.job != 0:
		cpu = jobCPU(c.job)
		windows.CloseHandle(c.job)
	case cmd.ProcessState != nil:
		cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if ok {
		select { // the worker has exited: its pipe is at EOF, or soon
		case <-c.read:
		case <-time.After(time.Second): // unless something it started holds it
		}
		c.cpu.Close()
		cpu = max(cpu, time.Duration(c.reported.Load()))
	}
	childrenCPU.Add(int64(cpu))
}

// basicAccounting is JOBOBJECT_BASIC_ACCOUNTING_INFORMATION; times are in
// units of 100 ns.
type basicAccounting struct {
	TotalUserTime, TotalKernelTime                       int64
	ThisPeriodTotalUserTime, ThisPeriodTotalKernelTime   int64
	TotalPageFaultCount, TotalProcesses, ActiveProcesses uint32
	TotalTerminatedProcesses                             uint32
}

func jobCPU(job windows.Handle) time.Duration {
	var a basicAccounting
	if windows.QueryInformationJobObject(job, windows.JobObjectBasicAccountingInformation,
		uintptr(unsafe.Pointer(&a)), uint32(unsafe.Sizeof(a)), nil) != nil {
		return 0
	}
	return time.Duration(a.TotalUserTime+a.TotalKernelTime) * 100
}

// ChildrenCPU is the user+system time of the workers that have been waited
// for (Wait), with whatever they started.
func ChildrenCPU() time.Duration { return time.Duration(childrenCPU.Load()) }

// KillGroup kills cmd's job: the worker and whatever it started (the process
// alone when it has no job). Call it only before cmd has been waited for.
func KillGroup(cmd *exec.Cmd) {
	children.Lock()
	c, ok := children.of[cmd]
	children.Unlock()
	if ok {
		if c.job != 0 && windows.TerminateJobObject(c.job, 1) == nil {
			return
		}
	}
	if cmd.Process != nil {
		cmd.Process.Kill()
	}
}

// ReportCPU, in a worker, reports this process's CPU time to its parent
// every reportEvery, on the pipe its parent's Start passed it, until the
// parent stops reading.
func ReportCPU() {
	h, err := strconv.ParseUint(os.Getenv(EnvCPU), 10, 64)
	os.Unsetenv(EnvCPU) // not a handle of this process's children
	if err != nil {
		return
	}
	f := os.NewFile(uintptr(h), "cpu-reports")
	go func() {
		defer f.Close()
		t := time.NewTicker(reportEvery)
		defer t.Stop()
		var b [8]byte
		for range t.C {
			var created, exited, kernel, user windows.Filetime
			if windows.GetProcessTimes(windows.CurrentProcess(), &created, &exited, &kernel, &user) != nil {
				return
			}
			binary.LittleEndian.PutUint64(b[:], uint64(filetime(kernel)+filetime(user)))
			if _, err := f.Write(b[:]); err != nil {
				return
			}
		}
	}()
}

// filetime is a duration in a FILETIME: units of 100 ns.
func filetime(ft windows.Filetime) time.Duration {
	return time.Duration(int64(ft.HighDateTime)<<32|int64(ft.LowDateTime)) * 100
}
