//go:build !unix && !windows

package proc

import (
	"errors"
	"os"
	"os/exec"
)

func passFiles(*exec.Cmd, []*os.File) ([]uintptr, error) {
	return nil, errors.New("worker processes are not supported on this system")
}
