//go:build !cgo

package lesson

// usesCgo says this program was built with cgo; it was not.
const usesCgo = false
