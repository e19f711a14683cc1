package room

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"concurrencylab/jobs/cluster"
)

// Client is a participant's connection to a room.
type Client struct {
	nc      *nats.Conn
	url     string
	id      Identity
	name    string
	outbox  string
	timeout time.Duration

	send sync.Mutex // one delivery at a time: Send and the resender

	mu        sync.Mutex
	connected bool
	lastErr   string
	subs      []chan struct{}

	kick chan struct{}
	stop chan struct{}
	done chan struct{}
}

// ClientOptions change where a Client keeps things, for tests and the
// window.
type ClientOptions struct {
	IdentityFile string // "": IdentityFile()
	// OutboxDir holds the outcomes not yet stored by a room, a folder per
	// room ("": concurrencylab/room-outbox in the user's cache folder).
	OutboxDir string
	// Timeout is how long Send waits for the room to store an outcome
	// before keeping it for later (0: 5 s).
	Timeout time.Duration
}

// Status says whether the client is connected and what waits to be sent.
type Status struct {
	Connected bool
	Pending   int    // outcomes kept, not yet stored by the room
	Err       string // the last delivery's problem, "" once one succeeds
}

// Dial connects to the room at url (nats://HOST:PORT) with token, as name,
// and sends what this machine kept for that room before. It fails within a
// few seconds for a wrong token, an address where nothing answers, or a
// server that is not a room, with one line a learner can act on.
func Dial(url, token, name string) (*Client, error) {
	return DialWith(url, token, name, ClientOptions{})
}

// DialWith is Dial with options.
func DialWith(url, token, name string, o ClientOptions) (*Client, error) {
	clean, err := CleanName(name)
	if err != nil {
		return nil, err
	}
	id, err := LoadIdentity(o.IdentityFile)
	if err != nil {
		return nil, err
	}
	if o.OutboxDir == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("no cache folder for the room's outbox: %w", err)
		}
		o.OutboxDir = filepath.Join(dir, "concurrencylab", "room-outbox")
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	c := &Client{url: url, id: id, name: clean, timeout: o.Timeout, connected: true,
		kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	// Keep trying for a day after losing the room: a workshop's room may
	// be restarted, or a laptop's Wi-Fi drop, at any time.
	nc, err := cluster.Connect(url, cluster.ConnOptions{Token: token, Name: "room participant " + clean,
		Reconnect: 24 * time.Hour,
		OnLost:    func() { c.setConnected(false, "") },
		OnBack:    func() { c.setConnected(true, ""); c.wake() }})
	if err != nil {
		return nil, roomError(url, err)
	}
	c.nc = nc
	msg, err := nc.Request(subjectHello, nil, o.Timeout)
	if err != nil {
		nc.Close()
		if errors.Is(err, nats.ErrNoResponders) {
			return nil, fmt.Errorf("the server at %s is not a room: start one with `concurrencylab room`", url)
		}
		return nil, fmt.Errorf("the room at %s did not answer within %v: %v", url, o.Timeout, err)
	}
	var hi hello
	if err := jsonUnmarshal(msg.Data, &hi); err != nil || !roomID.MatchString(hi.Room) {
		nc.Close()
		return nil, fmt.Errorf("the server at %s answered, but not as a room does", url)
	}
	c.outbox = filepath.Join(o.OutboxDir, hi.Room)
	if err := os.MkdirAll(c.outbox, 0o700); err != nil {
		nc.Close()
		return nil, err
	}
	go c.resend()
	c.wake() // what an earlier run kept for this room
	return c, nil
}

var roomID = regexp.MustCompile(`^[0-9a-f]{8,32}$`)

// roomError says a Connect error as about a room.
func roomError(url string, err error) error {
	s := err.Error()
	s = strings.Replace(s, "is the run started, and shared with --share?", "is `concurrencylab room` running there, with --listen?", 1)
	s = strings.Replace(s, "shown where the run was started", "printed by `concurrencylab room`", 1)
	s = strings.Replace(s, "it changes every time the run's program starts", "it is printed by `concurrencylab room`", 1)
	return errors.New(s)
}

// ID is this participant's id as the room shows it.
func (c *Client) ID() string { return c.id.ID() }

// Name is this participant's name, cleaned.
func (c *Client) Name() string { return c.name }

// Send hands the room o. It returns nil once the room has stored it;
// ErrKept when the room did not answer in time (o is in the outbox and
// goes when the room is back); a *Rejected when the room refused it (a
// lesson it does not know, impossible numbers), which no resending fixes.
func (c *Client) Send(o Outcome) error {
	if err := o.check(); err != nil {
		return &Rejected{Reason: err.Error()}
	}
	id := make([]byte, 12)
	rand.Read(id)
	data, err := c.id.seal(message{ID: hex.EncodeToString(id), Name: c.name, Sent: time.Now(), Outcome: o})
	if err != nil {
		return err
	}
	if len(data) > MaxMessage {
		return &Rejected{Reason: errTooBig.Error()}
	}
	// Named by time, so that the outbox is sent oldest first.
	file := filepath.Join(c.outbox, fmt.Sprintf("%020d-%s.json", time.Now().UnixNano(), hex.EncodeToString(id)))
	if err := writeFile(file, data, 0o600); err != nil {
		return fmt.Errorf("keeping the outcome: %w", err)
	}
	c.send.Lock()
	err = c.deliver(file, data)
	c.send.Unlock()
	c.changed()
	if err != nil && !isRejected(err) {
		c.wake()
		return ErrKept
	}
	return err
}

func isRejected(err error) bool {
	var r *Rejected
	return errors.As(err, &r)
}

// deliver sends one kept outcome and removes it from the outbox once the
// room has answered for it (stored, or refused). The caller holds send.
func (c *Client) deliver(file string, data []byte) error {
	msg, err := c.nc.Request(subjectOutcome, data, c.timeout)
	if err != nil {
		c.setErr(fmt.Sprintf("not sent yet (%v)", err))
		return err
	}
	var r reply
	if err := jsonUnmarshal(msg.Data, &r); err != nil {
		c.setErr("the room's answer was not understood")
		return err
	}
	if !r.OK && strings.HasPrefix(r.Error, "the room could not store it") || r.Error == "the room is closing" {
		c.setErr(r.Error)
		return errors.New(r.Error) // kept: the room may store it later
	}
	os.Remove(file)
	c.setErr("")
	if !r.OK {
		return &Rejected{Reason: r.Error}
	}
	return nil
}

// pending lists the outbox, oldest first.
func (c *Client) pending() []string {
	files, _ := filepath.Glob(filepath.Join(c.outbox, "*.json"))
	slices.Sort(files)
	return files
}

// Pending is how many outcomes wait in the outbox.
func (c *Client) Pending() int { return len(c.pending()) }

// resend delivers the outbox whenever woken, and every 2 s while something
// waits in it, until Close.
func (c *Client) resend() {
	defer close(c.done)
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-c.kick:
		case <-tick.C:
		}
		for _, f := range c.pending() {
			select {
			case <-c.stop:
				return
			default:
			}
			data, err := os.ReadFile(f)
			if err != nil {
				continue // sent meanwhile by Send
			}
			c.send.Lock()
			err = c.deliver(f, data)
			c.send.Unlock()
			c.changed()
			if err != nil && !isRejected(err) {
				break // the room is away: try again later
			}
		}
	}
}

// Flush waits until the outbox is empty, or ctx is done; it returns how
// many outcomes are still kept.
func (c *Client) Flush(ctx context.Context) int {
	ch := c.Changes()
	defer c.unsubscribe(ch)
	for {
		n := c.Pending()
		if n == 0 {
			return 0
		}
		c.wake()
		select {
		case <-ctx.Done():
			return c.Pending()
		case _, ok := <-ch:
			if !ok { // closed
				return c.Pending()
			}
		case <-time.After(time.Second):
		}
	}
}

func (c *Client) wake() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// Status is the client's state now.
func (c *Client) Status() Status {
	c.mu.Lock()
	s := Status{Connected: c.connected, Err: c.lastErr}
	c.mu.Unlock()
	s.Pending = c.Pending()
	return s
}

// Changes returns a channel that receives when Status may have changed (at
// most one wake-up waiting). Close closes it.
func (c *Client) Changes() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan struct{}, 1)
	c.subs = append(c.subs, ch)
	return ch
}

func (c *Client) unsubscribe(ch <-chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.subs = slices.DeleteFunc(c.subs, func(s chan struct{}) bool { return s == ch })
}

func (c *Client) setConnected(on bool, err string) {
	c.mu.Lock()
	c.connected = on
	if err != "" {
		c.lastErr = err
	}
	c.mu.Unlock()
	c.changed()
}

func (c *Client) setErr(err string) {
	c.mu.Lock()
	c.lastErr = err
	c.mu.Unlock()
}

func (c *Client) changed() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ch := range c.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// Close stops resending and disconnects. What was not sent stays in the
// outbox for the next Dial of this room.
func (c *Client) Close() {
	select {
	case <-c.stop:
		return
	default:
	}
	close(c.stop)
	<-c.done
	c.nc.Close()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ch := range c.subs {
		close(ch)
	}
	c.subs = nil
}
