package lesson

import (
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// Stuck is one goroutine of a goroutine dump (runtime.Stack with all set,
// or what the runtime prints when it dies): its number, what it waits for
// in the runtime's words ("sync.Mutex.Lock", "chan receive") and the first
// line of the program's own code on its stack, where it waits.
type Stuck struct {
	ID    int64
	State string
	Func  string // the function of that line: concurrencylab/lesson.lockOrder.func1
	At    string // file:line, the file without its folder
}

// parseDump reads a goroutine dump. Frames of the runtime and of the
// standard library's sync packages are skipped to find where the program
// itself waits.
func parseDump(dump []byte) []Stuck {
	var out []Stuck
	var cur *Stuck
	lines := strings.Split(string(dump), "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if id, state, ok := dumpHeader(line); ok {
			out = append(out, Stuck{ID: id, State: state})
			cur = &out[len(out)-1]
			continue
		}
		if cur == nil || cur.At != "" || line == "" || strings.HasPrefix(line, "\t") || strings.HasPrefix(line, "created by ") {
			continue
		}
		fn := line
		if j := strings.LastIndex(fn, "("); j > 0 {
			fn = fn[:j]
		}
		if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "\t") || libraryFrame(fn) {
			continue
		}
		loc := strings.TrimSpace(lines[i+1])
		if j := strings.LastIndex(loc, " +0x"); j > 0 {
			loc = loc[:j]
		}
		cur.Func, cur.At = fn, filepath.Base(loc)
	}
	return out
}

// dumpHeader reads "goroutine 18 [sync.Mutex.Lock, 2 minutes]:".
func dumpHeader(line string) (id int64, state string, ok bool) {
	rest, found := strings.CutPrefix(line, "goroutine ")
	if !found {
		return 0, "", false
	}
	num, rest, found := strings.Cut(rest, " [")
	if !found || !strings.HasSuffix(rest, "]:") {
		return 0, "", false
	}
	id, err := strconv.ParseInt(num, 10, 64)
	if err != nil {
		return 0, "", false
	}
	state, _, _ = strings.Cut(strings.TrimSuffix(rest, "]:"), ",")
	return id, state, true
}

func libraryFrame(fn string) bool {
	for _, p := range []string{"runtime.", "sync.", "internal/", "sync/"} {
		if strings.HasPrefix(fn, p) {
			return true
		}
	}
	return false
}

// dumpAll is every goroutine's stack, as runtime.Stack gives it.
func dumpAll() []byte {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return buf[:n]
		}
		buf = make([]byte, 2*len(buf))
	}
}
