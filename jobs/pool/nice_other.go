//go:build !unix

package pool

func lower(int, bool) {}

func niceness() int { return 0 }

func idle() bool { return false }
