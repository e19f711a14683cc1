//go:build !unix && !windows

package proc

func lower(int, bool) {}

func Niceness() int { return 0 }

func Idle() bool { return false }
