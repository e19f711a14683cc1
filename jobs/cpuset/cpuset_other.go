//go:build !linux && !windows

package cpuset

func pick(int) []int { return nil }
func pin([]int) bool { return false }
func current() []int { return nil }
