// Command child plays one deadlock case as a whole program: `child NAME`.
// It is built for WebAssembly (see ../gen.go) and run by the deadlock
// lesson, so that it is pure Go, where the runtime notices when every
// goroutine is asleep.
package main

import (
	"fmt"
	"os"

	"concurrencylab/lesson/deadlocks"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: child CASE")
		os.Exit(3)
	}
	c, ok := deadlocks.Find(os.Args[1])
	if !ok {
		fmt.Fprintf(os.Stderr, "no deadlock case %q\n", os.Args[1])
		os.Exit(3)
	}
	<-c.Play(deadlocks.NewBook()) // main waits for the case's goroutines, as a program does
	fmt.Fprintln(os.Stderr, "the case finished: there was no deadlock")
}
