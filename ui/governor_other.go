//go:build !linux

package ui

// setChildren: the governor is Linux's (it sets each of the workers' threads);
// elsewhere it changes nothing and reports false, so the workers keep the
// priority they started with.
func setChildren(int, bool) bool { return false }
