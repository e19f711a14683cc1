//go:build !cgo

package lesson

// cCalls says the c-calls lesson can run: this build has no cgo, so it
// has no C code to call.
const cCalls = false

func countPrimesC(lo, hi int) int { panic("lesson: built without cgo") }

func cCallsAtOnce() int { return 0 }
