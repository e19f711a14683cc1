//go:build linux

package cpuset

import "golang.org/x/sys/unix"

func pick(n int) []int {
	all := current()
	if n < 1 || len(all) == 0 {
		return nil
	}
	return all[max(0, len(all)-n):]
}

func pin(cpus []int) bool {
	var set unix.CPUSet
	for _, c := range cpus {
		set.Set(c)
	}
	return unix.SchedSetaffinity(0, &set) == nil
}

func current() []int {
	var set unix.CPUSet
	if unix.SchedGetaffinity(0, &set) != nil {
		return nil
	}
	var cpus []int
	for c, n := 0, set.Count(); len(cpus) < n; c++ {
		if set.IsSet(c) {
			cpus = append(cpus, c)
		}
	}
	return cpus
}
