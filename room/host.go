package room

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"concurrencylab/jobs/cluster"
	"concurrencylab/lesson"
)

// Host is the facilitator's side of a room: set its fields, then Start.
type Host struct {
	// Dir keeps the room: its token and every result, as they arrive
	// ("": DefaultDir()). A room started again in the same Dir has the same
	// token and port and every result it had.
	Dir string
	// Listen is the address to listen on: "" is this machine only
	// (127.0.0.1); "0.0.0.0:4222" takes a room's laptops.
	Listen string
	// Logf, when set, receives a line about what the room had to do
	// differently (a port taken, a damaged line in its file).
	Logf func(format string, args ...any)

	mu      sync.Mutex
	state   roomState
	srv     *cluster.Server
	nc      *nats.Conn
	log     *os.File
	lock    *os.File // held while the room runs: one room a folder
	people  map[string]*Participant
	results map[string]map[string][]Result // lesson → participant id → runs, by Sent
	seen    map[string]bool                // participant id + "/" + message id
	reasons map[string]int
	stored  int // results, reruns included
	version uint64
	subs    []chan struct{}
	closed  bool
}

// roomState is DIR/room.json.
type roomState struct {
	Token string `json:"token"`
	Room  string `json:"room"`
	Port  int    `json:"port"`
}

// Result is one participant's outcome of one lesson, as the room stored it.
type Result struct {
	Name string `json:"name"` // the participant's latest name
	ID   string `json:"id"`
	Outcome
	Sent     time.Time `json:"sent"`     // the participant's clock
	Received time.Time `json:"received"` // the room's clock, when stored
	// Runs is how many times this participant sent this lesson: the latest
	// counts, the earlier ones are in the lesson's History.
	Runs int `json:"runs"`
}

// record is a line of DIR/results.jsonl: a stored result, or a rejection.
type record struct {
	At       time.Time `json:"at"`
	Rejected string    `json:"rejected,omitempty"`
	Msg      string    `json:"msg,omitempty"`
	ID       string    `json:"id,omitempty"`
	Name     string    `json:"name,omitempty"`
	Sent     time.Time `json:"sent,omitzero"`
	Outcome  *Outcome  `json:"outcome,omitempty"`
}

// DefaultDir is where a room keeps itself by default:
// concurrencylab/room in the user's cache folder.
func DefaultDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache folder for the room (give --dir): %w", err)
	}
	return filepath.Join(dir, "concurrencylab", "room"), nil
}

const (
	stateFile   = "room.json"
	resultsFile = "results.jsonl"
)

// Start opens the room's folder, reads back what it holds, starts the
// server and begins taking outcomes.
func (h *Host) Start() error {
	if h.Dir == "" {
		d, err := DefaultDir()
		if err != nil {
			return err
		}
		h.Dir = d
	}
	if err := os.MkdirAll(h.Dir, 0o700); err != nil {
		return err
	}
	// One room a folder: two appending to the same file would each miss
	// the other's results.
	lock, err := os.OpenFile(filepath.Join(h.Dir, "lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if err := lockFile(lock); err != nil {
		lock.Close()
		if errors.Is(err, errLocked) {
			return fmt.Errorf("a room is already running in %s (concurrencylab room, or the window's Room tab): stop it, or give this one another folder (--dir)", h.Dir)
		}
		return fmt.Errorf("locking %s: %w", h.Dir, err)
	}
	h.lock = lock
	h.people = map[string]*Participant{}
	h.results = map[string]map[string][]Result{}
	h.seen = map[string]bool{}
	h.reasons = map[string]int{}
	if err := h.loadState(); err != nil {
		h.lock.Close()
		return err
	}
	if err := h.loadResults(); err != nil {
		h.lock.Close()
		return err
	}
	// The server's own files (cluster runs' queues) go in Dir too: a room
	// killed and started again leaves nothing behind in the temporary folder.
	addr := h.listenAddr()
	if err := free(addr); err != nil {
		h.Close()
		return err
	}
	srv, err := cluster.StartServerStore(addr, h.state.Token, filepath.Join(h.Dir, "nats"))
	if err != nil {
		h.Close()
		return err
	}
	h.srv = srv
	if h.state.Port != srv.Port() {
		h.state.Port = srv.Port()
		if err := h.saveState(); err != nil {
			h.Close()
			return err
		}
	}
	nc, err := cluster.Connect(srv.URL(), cluster.ConnOptions{Token: h.state.Token, Name: "room host"})
	if err != nil {
		h.Close()
		return err
	}
	h.nc = nc
	helloReply, _ := jsonMarshal(hello{Room: h.state.Room})
	if _, err := nc.Subscribe(subjectHello, func(m *nats.Msg) { m.Respond(helloReply) }); err != nil {
		h.Close()
		return err
	}
	sub, err := nc.Subscribe(subjectOutcome, func(m *nats.Msg) {
		r, _ := jsonMarshal(h.receive(m.Data))
		m.Respond(r)
	})
	if err != nil {
		h.Close()
		return err
	}
	// A burst from a whole room waits in the queue rather than being
	// dropped; beyond 64 MB (a flood of oversized messages) the server drops
	// them, and their senders' outboxes send them again.
	sub.SetPendingLimits(100000, 64<<20)
	return nc.Flush()
}

// listenAddr is Listen, with the port the room had before when Listen
// names none and that port is free: participants' join lines stay valid
// across a restart.
func (h *Host) listenAddr() string {
	addr := h.Listen
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port != "0" || h.state.Port == 0 {
		return addr // StartServer explains a bad address
	}
	again := net.JoinHostPort(host, strconv.Itoa(h.state.Port))
	l, err := net.Listen("tcp", again)
	if err != nil {
		h.logf("the room's port %d is taken now: it listens on another, so participants need the new join line", h.state.Port)
		return addr
	}
	l.Close()
	return again
}

// free says in a line why nothing can listen on addr, at once (the server
// would wait 10 s to find out).
func free(addr string) error {
	if _, port, err := net.SplitHostPort(addr); err != nil || port == "0" {
		return nil // StartServer explains a bad address; port 0 is always free
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s (another room or program has the port? try another --listen port): %v", addr, err)
	}
	return l.Close()
}

func (h *Host) logf(format string, args ...any) {
	if h.Logf != nil {
		h.Logf(format, args...)
	}
}

func (h *Host) loadState() error {
	path := filepath.Join(h.Dir, stateFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		id := make([]byte, 8)
		rand.Read(id)
		h.state = roomState{Token: cluster.NewToken(), Room: hex.EncodeToString(id)}
		return h.saveState()
	}
	if err != nil {
		return err
	}
	if err := jsonUnmarshal(b, &h.state); err != nil || len(h.state.Token) < 32 || h.state.Room == "" {
		return fmt.Errorf("%s is damaged (%v): move it away to start a new room", path, err)
	}
	return nil
}

// saveState writes room.json readable by this user only: it holds the
// token.
func (h *Host) saveState() error {
	b, err := jsonMarshal(h.state)
	if err != nil {
		return err
	}
	return writeFile(filepath.Join(h.Dir, stateFile), append(b, '\n'), 0o600)
}

// loadResults replays results.jsonl and opens it for appending. A last line
// cut short (the power went off mid-write) is dropped.
func (h *Host) loadResults() error {
	path := filepath.Join(h.Dir, resultsFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	rd := bufio.NewReaderSize(f, 64<<10)
	var good int64
	bad := 0
	for {
		line, err := rd.ReadBytes('\n')
		if err == io.EOF {
			if len(line) > 0 {
				h.logf("%s: dropped a last line cut short", path)
			}
			break
		}
		if err != nil {
			f.Close()
			return err
		}
		good += int64(len(line))
		var r record
		if json := bytes.TrimSpace(line); len(json) == 0 || jsonUnmarshal(json, &r) != nil {
			bad++
			continue
		}
		h.apply(r)
	}
	if bad > 0 {
		h.logf("%s: %d damaged lines skipped", path, bad)
	}
	if err := f.Truncate(good); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		f.Close()
		return err
	}
	h.log = f
	return nil
}

// apply adds a record to the room's state. The caller holds mu, or is Start.
func (h *Host) apply(r record) {
	h.version++
	if r.Rejected != "" || r.Outcome == nil {
		h.reasons[r.Rejected]++
		return
	}
	h.seen[r.ID+"/"+r.Msg] = true
	h.stored++
	p := h.people[r.ID]
	if p == nil {
		p = &Participant{ID: r.ID}
		h.people[r.ID] = p
	}
	p.Name, p.Cores, p.OS, p.Arch = r.Name, r.Outcome.Cores, r.Outcome.OS, r.Outcome.Arch
	p.Sent++
	byID := h.results[r.Outcome.Lesson]
	if byID == nil {
		byID = map[string][]Result{}
		h.results[r.Outcome.Lesson] = byID
	}
	runs := append(byID[r.ID], Result{Name: r.Name, ID: r.ID, Outcome: *r.Outcome, Sent: r.Sent, Received: r.At})
	// The latest by the participant's clock counts, whatever order the
	// outbox delivered them in.
	slices.SortStableFunc(runs, func(a, b Result) int { return a.Sent.Compare(b.Sent) })
	byID[r.ID] = runs
}

// receive checks one message and stores it; it is never fatal, whatever
// the message holds.
func (h *Host) receive(data []byte) reply {
	rec, err := h.check(data)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return reply{Error: "the room is closing"}
	}
	if err == nil && h.seen[rec.ID+"/"+rec.Msg] {
		return reply{OK: true, Duplicate: true}
	}
	if err == nil && (h.people[rec.ID] != nil && h.people[rec.ID].Sent >= maxPerParticipant || h.stored >= maxResults) {
		err = errTooMany
	}
	if err != nil {
		rec = record{At: time.Now().UTC(), Rejected: reason(err)}
	}
	if rec.Rejected != "" && h.rejected() >= maxRejectedStored {
		h.apply(rec) // counted, not stored: a flood of junk does not fill the disk
		h.notify()
		return reply{Error: err.Error()}
	}
	line, merr := jsonMarshal(rec)
	if merr == nil {
		_, merr = h.log.Write(append(line, '\n'))
	}
	if merr == nil {
		merr = h.log.Sync() // acknowledged means on disk
	}
	if merr != nil {
		h.logf("could not store a result: %v", merr)
		return reply{Error: "the room could not store it: " + merr.Error()}
	}
	h.apply(rec)
	h.notify()
	if err != nil {
		return reply{Error: err.Error()}
	}
	return reply{OK: true}
}

// maxRejectedStored is how many rejections the room's file keeps a line
// for; beyond, they are only counted until the room stops.
const maxRejectedStored = 10000

func (h *Host) rejected() int {
	n := 0
	for _, c := range h.reasons {
		n += c
	}
	return n
}

// check decodes and validates a message into the record to store.
func (h *Host) check(data []byte) (record, error) {
	if len(data) > MaxMessage {
		return record{}, errTooBig
	}
	m, id, err := open(data)
	if err != nil {
		return record{}, err
	}
	name, err := CleanName(m.Name)
	if err != nil {
		return record{}, fmt.Errorf("%w: no name", errMalformed)
	}
	if m.ID == "" || len(m.ID) > 64 {
		return record{}, fmt.Errorf("%w: no message id", errMalformed)
	}
	if err := m.Outcome.check(); err != nil {
		return record{}, err
	}
	return record{At: time.Now().UTC(), Msg: m.ID, ID: id, Name: name, Sent: m.Sent.UTC(), Outcome: &m.Outcome}, nil
}

// reason is the counted kind of a rejection: its error up to the first
// colon.
func reason(err error) string {
	for _, e := range []error{errTooBig, errMalformed, errSignature, errUnknownLesson, errAbsurd, errTooMany} {
		if errors.Is(err, e) {
			return e.Error()
		}
	}
	s, _, _ := strings.Cut(err.Error(), ":")
	return s
}

// notify wakes every Changes channel. The caller holds mu.
func (h *Host) notify() {
	for _, c := range h.subs {
		select {
		case c <- struct{}{}:
		default: // a wake-up is already waiting: the next Snapshot has it all
		}
	}
}

// Changes returns a channel that receives after the room changed (a result
// stored or a message rejected), at most one wake-up waiting at a time:
// look at Snapshot then. It is closed by Close. Each call makes a new
// channel, for one reader.
func (h *Host) Changes() <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := make(chan struct{}, 1)
	if h.closed {
		close(c)
		return c
	}
	h.subs = append(h.subs, c)
	return c
}

// URL is the room's address on this machine.
func (h *Host) URL() string { return h.srv.URL() }

// JoinURLs are the addresses other machines join with (none for a room on
// loopback: then URL is the one).
func (h *Host) JoinURLs() []string { return h.srv.JoinURLs() }

// Token is what participants (and cluster workers) must present.
func (h *Host) Token() string { return h.state.Token }

// Port is the port the room listens on.
func (h *Host) Port() int { return h.srv.Port() }

// JoinLine is the command a participant runs to join the room at url.
func (h *Host) JoinLine(url string) string {
	return fmt.Sprintf("concurrencylab lesson all --room %s --token %s --name YOURNAME", url, h.state.Token)
}

// Close stops taking outcomes, stops the server and closes the Changes
// channels. What was stored stays in Dir.
func (h *Host) Close() error {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.closed = true
	for _, c := range h.subs {
		close(c)
	}
	h.subs = nil
	h.mu.Unlock()
	if h.nc != nil {
		h.nc.Close()
	}
	var err error
	if h.srv != nil {
		err = h.srv.Close()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.log != nil {
		err = errors.Join(err, h.log.Close())
	}
	if h.lock != nil {
		h.lock.Close() // and with it the lock
	}
	return err
}

// lessonOrder is the lessons' names in teaching order.
func lessonOrder() []string {
	names := make([]string, len(lesson.All))
	for i, l := range lesson.All {
		names[i] = l.Name
	}
	return names
}
