//go:build cgo

package lesson

// usesCgo says this program was built with cgo (the JPEG decoder and the
// window need it), which turns off the runtime's deadlock check.
const usesCgo = true
