//go:build !unix

package pool

// watchParent: elsewhere a worker ends at EOF on its requests pipe, read
// between calls.
func watchParent() {}
