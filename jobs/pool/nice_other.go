//go:build !unix

package pool

func renice(int) {}

func niceness() int { return 0 }
