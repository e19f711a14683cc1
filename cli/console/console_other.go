//go:build !windows

package console

func attach() {}
