package ui

import "sync"

// handoff keeps what a start off the UI goroutine made (a server, a room,
// a room's client) from the moment it exists until the frame that shows
// it, so that a window closed in between still stops it: the start holds
// it, the frame releases it to its view, and close stops whatever is held
// and makes any later hold fail, so the start stops what it made itself.
type handoff[T any] struct {
	mu      sync.Mutex
	held    T
	holding bool
	closed  bool
}

// hold keeps x until release, and reports false if close has been called
// (the caller then stops x).
func (h *handoff[T]) hold(x T) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.held, h.holding = x, true
	return true
}

// release forgets what is held: it is shown, and its view owns it now.
func (h *handoff[T]) release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	var zero T
	h.held, h.holding = zero, false
}

// close stops what is held with stop, for good: the window is closing.
func (h *handoff[T]) close(stop func(T)) {
	h.mu.Lock()
	h.closed = true
	x, ok := h.held, h.holding
	var zero T
	h.held, h.holding = zero, false
	h.mu.Unlock()
	if ok {
		stop(x)
	}
}
