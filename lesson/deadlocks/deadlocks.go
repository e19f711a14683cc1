// Package deadlocks holds the deadlock lesson's cases: goroutines that wait
// for each other forever. It is plain Go with no cgo, so that it also builds
// as the small program (child.wasm, see gen.go) in which Go's runtime can see
// every goroutine asleep and say so: in a program that uses cgo, as
// Concurrency Lab does, that check is off (golang/go#25538).
package deadlocks

import (
	"bytes"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Case is one way to deadlock. Play starts its goroutines, which note on b
// what they hold and want, and returns a channel that is closed when they
// have all finished: never.
type Case struct {
	Name, Title string
	Play        func(b *Book) <-chan struct{}
}

// Cases are the lesson's deadlocks.
var Cases = []Case{
	{"lock-order", "two goroutines take two mutexes in opposite orders", func(b *Book) <-chan struct{} {
		var mu1, mu2 sync.Mutex
		var both sync.WaitGroup // each holds its first mutex before it asks for the second
		both.Add(2)
		done := make(chan struct{})
		var wg sync.WaitGroup
		take := func(me string, first, second *sync.Mutex, fname, sname string) {
			b.Wants(me, fname)
			first.Lock()
			b.Took(me, fname)
			both.Done()
			both.Wait()
			b.Wants(me, sname)
			second.Lock() // the other holds it, and waits for ours
			b.Took(me, sname)
			second.Unlock()
			first.Unlock()
		}
		wg.Go(func() { take("A", &mu1, &mu2, "mu1", "mu2") })
		wg.Go(func() { take("B", &mu2, &mu1, "mu2", "mu1") })
		go func() { wg.Wait(); close(done) }()
		return done
	}},
	{"relock", "a goroutine locks a mutex it already holds", func(b *Book) <-chan struct{} {
		var mu sync.Mutex
		balance := 0
		add := func(n int) { // locks, as it should when called alone
			b.Wants("C", "mu")
			mu.Lock() // C holds mu already: Go's mutex is not reentrant
			b.Took("C", "mu")
			balance += n
			mu.Unlock()
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			b.Wants("C", "mu")
			mu.Lock()
			b.Took("C", "mu")
			add(10) // deposit calls add under its own lock
			mu.Unlock()
		}()
		return done
	}},
	{"forgotten-done", "a WaitGroup waits for a Done that a worker forgot", func(b *Book) <-chan struct{} {
		var wg sync.WaitGroup
		var ended sync.WaitGroup // the workers have all returned
		for i := 1; i <= 3; i++ {
			wg.Add(1)
			ended.Add(1)
			go func() {
				defer ended.Done()
				if i == 3 {
					return // an early return, before its Done: the tutorials' forgotten task_done
				}
				wg.Done()
			}()
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			ended.Wait()
			b.Wants("the waiter", "wg.Done() from worker 3")
			wg.Wait()
		}()
		return done
	}},
}

// Find returns the case called name.
func Find(name string) (Case, bool) {
	i := slices.IndexFunc(Cases, func(c Case) bool { return c.Name == name })
	if i < 0 {
		return Case{}, false
	}
	return Cases[i], true
}

// Book is a case's own note of who holds and wants what: a sync.Mutex
// does not know its owner, so a goroutine dump shows where a goroutine
// waits, not what it holds.
type Book struct {
	mu   sync.Mutex
	ids  map[string]int64
	has  map[string][]string
	wait map[string]string
}

// NewBook returns an empty note.
func NewBook() *Book {
	return &Book{ids: map[string]int64{}, has: map[string][]string{}, wait: map[string]string{}}
}

// Wants notes that goroutine who (the caller) is about to wait for what.
func (b *Book) Wants(who, what string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.ids[who] = GoroutineID()
	b.wait[who] = what
}

// Took notes that who has what, and waits no more.
func (b *Book) Took(who, what string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.has[who] = append(b.has[who], what)
	delete(b.wait, who)
}

// Waiting is who waits for what, by the goroutine's name, with its
// goroutine number, what it holds, and who holds what.
type Waiting struct {
	Name     string
	ID       int64
	Holds    []string
	WaitsFor string
	HeldBy   string // "" when nobody holds it
}

// Waiting lists the goroutines that noted a wait they are still in, by name.
func (b *Book) Waiting() []Waiting {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []Waiting
	for who, what := range b.wait {
		w := Waiting{Name: who, ID: b.ids[who], Holds: slices.Clone(b.has[who]), WaitsFor: what}
		for other, held := range b.has {
			if slices.Contains(held, what) {
				w.HeldBy = other
			}
		}
		out = append(out, w)
	}
	slices.SortFunc(out, func(a, b Waiting) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// GoroutineID is the calling goroutine's number, as a dump shows it. Go
// hides it on purpose (a goroutine has no identity to program with); the
// lesson needs it only to find its goroutines in a dump.
func GoroutineID() int64 {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	line, _, _ := bytes.Cut(buf, []byte("\n"))
	num, _, _ := strings.Cut(strings.TrimPrefix(string(line), "goroutine "), " ")
	id, _ := strconv.ParseInt(num, 10, 64)
	return id
}
