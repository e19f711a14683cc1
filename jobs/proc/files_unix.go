//go:build unix

package proc

import (
	"os"
	"os/exec"
)

// passFiles adds files to cmd.ExtraFiles: the child has ExtraFiles[i] as
// descriptor 3+i.
func passFiles(cmd *exec.Cmd, files []*os.File) ([]uintptr, error) {
	var nums []uintptr
	for _, f := range files {
		nums = append(nums, uintptr(3+len(cmd.ExtraFiles)))
		cmd.ExtraFiles = append(cmd.ExtraFiles, f)
	}
	return nums, nil
}
