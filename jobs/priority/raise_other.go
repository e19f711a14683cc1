//go:build !windows

package priority

// raise: raising a thread above nice 0 needs privileges on Linux and the
// BSDs (CAP_SYS_NICE), and the window's workers are below it anyway.
func raise() bool { return false }
