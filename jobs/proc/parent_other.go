//go:build !unix && !windows

package proc

// WatchParent: elsewhere a worker ends at EOF on its requests pipe, read
// between calls.
func WatchParent() {}
