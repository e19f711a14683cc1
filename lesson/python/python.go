// Package python runs the lessons' Python scripts beside their Go
// experiments: the participant's own python3, found on PATH or named by
// the user, runs a script that is part of this program (scripts/, embedded,
// standard library only) as a child process with a timeout, and sends its
// figures back as JSON. Nothing here knows which lesson asks.
package python

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"concurrencylab/jobs/proc"
)

//go:embed scripts/*.py
var scripts embed.FS

// ErrNotFound is returned by Find when there is no Python 3 to run.
var ErrNotFound = errors.New("no python3 found")

// Interpreter is a Python 3 found on this computer.
type Interpreter struct {
	Path    string `json:"path"`
	Version string `json:"version"` // "3.12.3"
	// GIL says the interpreter runs with its global interpreter lock: one
	// thread at a time runs Python code. A free-threaded build
	// (python3.13t and later, sys._is_gil_enabled() false) runs without.
	GIL bool `json:"gil"`
	// FreeThreadedBuild says it was built to run without the GIL
	// (Py_GIL_DISABLED), whether or not the GIL is on now.
	FreeThreadedBuild bool `json:"free_threaded_build"`
}

// probe is what an interpreter says about itself.
const probe = `import json, sys, sysconfig
print(json.dumps({"version": "%d.%d.%d" % sys.version_info[:3],
    "gil": getattr(sys, "_is_gil_enabled", lambda: True)(),
    "free_threaded_build": bool(sysconfig.get_config_var("Py_GIL_DISABLED"))}))`

// Find returns the interpreter at path, or the first python3 (python on
// Windows, where python3 is often a shortcut to the Store) on PATH when path
// is "". Its error wraps ErrNotFound when there is none, and says why one
// that is there cannot run the scripts (Python 2, a broken install).
func Find(ctx context.Context, path string) (*Interpreter, error) {
	if path == "" {
		names := []string{"python3", "python"}
		if runtime.GOOS == "windows" {
			names = []string{"python", "python3", "py"}
		}
		for _, n := range names {
			if p, err := exec.LookPath(n); err == nil {
				path = p
				break
			}
		}
		if path == "" {
			return nil, fmt.Errorf("%w on PATH", ErrNotFound)
		}
	} else if _, err := os.Stat(path); err != nil {
		if p, lerr := exec.LookPath(path); lerr == nil {
			path = p
		} else {
			return nil, fmt.Errorf("%w: %s: %v", ErrNotFound, path, err)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "-I", "-c", probe)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s does not run: %v %s", path, err, strings.TrimSpace(tail(stderr.String(), 300)))
	}
	in := &Interpreter{Path: path}
	if err := json.Unmarshal(bytes.TrimSpace(out), in); err != nil {
		return nil, fmt.Errorf("%s is not a Python 3 (it said %q)", path, tail(string(out), 100))
	}
	var major, minor int
	if _, err := fmt.Sscanf(in.Version, "%d.%d", &major, &minor); err != nil || major != 3 || minor < 8 {
		return nil, fmt.Errorf("%s is Python %s: the scripts need 3.8 or later", path, in.Version)
	}
	return in, nil
}

// Run runs script (a file in scripts/) with args as JSON on its standard
// input, and decodes the one JSON value it prints into result. It kills the
// script, and any process the script started, when timeout passes or ctx
// ends. Its error says how the script ended and the end of what it wrote to
// standard error.
func (in *Interpreter) Run(ctx context.Context, script string, args, result any, timeout time.Duration) error {
	src, err := scripts.ReadFile("scripts/" + script)
	if err != nil {
		return fmt.Errorf("no script %q: %w", script, err)
	}
	raw, err := json.Marshal(args)
	if err != nil {
		return err
	}
	// A file, not -c: multiprocessing's children import the main module by
	// its path (its spawn and forkserver start methods).
	dir, err := os.MkdirTemp("", "concurrencylab-python-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, script)
	if err := os.WriteFile(file, src, 0o644); err != nil {
		return err
	}
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(tctx, in.Path, "-I", file) // -I: no user site, no PYTHON* variables
	cmd.Dir = dir
	cmd.Cancel = func() error { proc.KillGroup(cmd); return nil }
	cmd.WaitDelay = 2 * time.Second
	cmd.Stdin = bytes.NewReader(raw)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// Its own process group (a Job object on Windows), which the kill
	// reaches, multiprocessing's children too; once waited for, its CPU
	// time counts as this program's children's (see jobs/cpustat).
	if err = proc.Start(cmd); err == nil {
		err = proc.Wait(cmd)
	}
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case tctx.Err() != nil:
		return fmt.Errorf("%s did not finish within %.0f s and was stopped", script, timeout.Seconds())
	case err != nil:
		return fmt.Errorf("%s failed (%v): %s", script, err, strings.TrimSpace(tail(stderr.String(), 600)))
	}
	if err := json.Unmarshal(bytes.TrimSpace(stdout.Bytes()), result); err != nil {
		return fmt.Errorf("%s printed no JSON (%v): %q", script, err, tail(stdout.String(), 200))
	}
	return nil
}

// tail is the end of s, at most n bytes.
func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
