//go:build !linux

package proc

// batch: SCHED_BATCH is Linux's; elsewhere EnvBatch changes nothing.
func batch(int) {}

// Batch reports whether every thread runs under SCHED_BATCH: never here.
func Batch() bool { return false }
