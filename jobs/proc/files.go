package proc

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// EnvFiles lists, in a worker's environment, the numbers of the files its
// parent passed it (PassFiles), comma-separated, in order: file descriptors
// on Unix, handles on Windows.
const EnvFiles = "CONCURRENCYLAB_WORKER_FILES"

// PassFiles makes files the worker cmd's own, in order, and tells it their
// numbers in its environment (EnvFiles), which InheritedFiles reads. Call it
// after setting cmd.Env and before starting cmd (with Start); the caller
// closes its copies once cmd has started. On Unix they are cmd.ExtraFiles,
// descriptors 3, 4, …; on Windows, where os/exec refuses ExtraFiles,
// inheritable handles listed in SysProcAttr.AdditionalInheritedHandles, so
// that this child alone inherits them.
func PassFiles(cmd *exec.Cmd, files ...*os.File) error {
	nums, err := passFiles(cmd, files)
	if err != nil {
		return err
	}
	if cmd.Env == nil {
		cmd.Env = cmd.Environ()
	}
	cmd.Env = append(cmd.Env, EnvFiles+"="+formatFiles(nums))
	return nil
}

// InheritedFiles opens the files this worker's parent passed it (see
// PassFiles), named as given; it fails unless there are exactly that many.
// It takes EnvFiles out of the environment: a process this one starts
// inherits none of these files, and must not take the numbers for its own.
func InheritedFiles(names ...string) ([]*os.File, error) {
	nums, err := parseFiles(os.Getenv(EnvFiles))
	os.Unsetenv(EnvFiles)
	if err != nil {
		return nil, err
	}
	if len(nums) != len(names) {
		return nil, fmt.Errorf("%s lists %d files, want %d", EnvFiles, len(nums), len(names))
	}
	files := make([]*os.File, len(nums))
	for i, n := range nums {
		if files[i] = os.NewFile(n, names[i]); files[i] == nil {
			return nil, fmt.Errorf("%s: file %d (%s) is not open", EnvFiles, n, names[i])
		}
	}
	return files, nil
}

func formatFiles(nums []uintptr) string {
	s := make([]string, len(nums))
	for i, n := range nums {
		s[i] = strconv.FormatUint(uint64(n), 10)
	}
	return strings.Join(s, ",")
}

func parseFiles(s string) ([]uintptr, error) {
	if s == "" {
		return nil, fmt.Errorf("%s is not set: this process was not started as a worker", EnvFiles)
	}
	var nums []uintptr
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s=%q: %q is not a file number", EnvFiles, s, f)
		}
		nums = append(nums, uintptr(n))
	}
	return nums, nil
}
