// Package room gathers a workshop's lesson outcomes on the facilitator's
// machine, live, through the app's embedded NATS server (the one cluster
// runs use, with the same token, so `concurrencylab join` works on it too).
//
// The facilitator's side is a Host: it starts the server, keeps every
// result on disk as it arrives (a kill -9 loses nothing that was
// acknowledged) and answers Snapshot, a per-lesson summary for the live
// table and the window, with Changes telling when to look again:
//
//	h := &room.Host{Dir: dir, Listen: "0.0.0.0:4222"}
//	if err := h.Start(); err != nil { … }
//	defer h.Close()
//	fmt.Println(h.JoinLine(h.JoinURLs()[0]))
//	for range h.Changes() { show(h.Snapshot()) }
//
// A participant's side is a Client: Dial checks the address and the token
// before any lesson runs, and Send hands over each lesson's Outcome. An
// outcome is written to the participant's outbox (in the user's cache
// folder) before it is sent, and stays there until the room has stored
// it, so a room that goes away and comes back still gets it:
//
//	c, err := room.Dial(url, token, "Alex") // one line a learner can act on
//	if err != nil { … }
//	defer c.Close()
//	err = c.Send(room.FromLesson(o, prediction)) // nil, ErrKept, or *Rejected
//
// Everyone in the room has the same token, so the token alone cannot say
// who sent what. Each participant therefore has a key pair of their own,
// made once and kept in the user's config folder; every message is signed
// with it, and a participant's id is a digest of the public key. Nobody
// without that file can send results under that id, and a message copied
// off the wire is a duplicate the room ignores.
package room

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"concurrencylab/lesson"
)

// The subjects the room answers on.
const (
	subjectHello   = "clab.room.hello"
	subjectOutcome = "clab.room.outcome"
)

// MaxMessage is the largest message the room takes (an outcome with its
// measured figures is 1–3 kB): anything larger is rejected.
const MaxMessage = 64 << 10

// MaxNameLen is the most characters a participant's name keeps.
const MaxNameLen = 40

// maxPerParticipant bounds how many outcomes one participant may send (8
// lessons rerun 60 times each): the rest are rejected, so that one laptop
// in a loop cannot fill the facilitator's disk.
var maxPerParticipant = 500

// maxResults bounds the whole room's results (a room of 80 laptops each
// rerunning every lesson 50 times; about 50 MB of memory and disk), so that
// a token holder making up participants cannot either.
var maxResults = 50000

// Outcome is what a participant's laptop sends the room about one lesson
// run: the prediction made before it, the answer measured, whether the
// claim held, and the figures behind it.
type Outcome struct {
	Lesson string `json:"lesson"`
	// Prediction is the participant's answer to the lesson's Question
	// before the run (nil: none made), in the lesson's Unit (a fraction
	// for "lost").
	Prediction *float64 `json:"prediction,omitempty"`
	Answer     float64  `json:"answer"`
	Holds      bool     `json:"holds"`
	Verdict    string   `json:"verdict,omitempty"`
	// Measured is the lesson's own figures, as `lesson NAME --json` prints
	// them under "measured" (lesson.ScalingMeasured for scaling, …).
	Measured json.RawMessage `json:"measured,omitempty"`
	Cores    int             `json:"cores"`
	OS       string          `json:"os"`
	Arch     string          `json:"arch"`
	Seconds  float64         `json:"seconds"` // how long the lesson took
}

// FromLesson is the Outcome to send for a lesson's outcome o run on this
// machine, with the participant's prediction (nil for none).
func FromLesson(o *lesson.Outcome, prediction *float64) (Outcome, error) {
	m, err := json.Marshal(o.Measured)
	if err != nil {
		return Outcome{}, fmt.Errorf("%s: its figures: %w", o.Lesson, err)
	}
	return Outcome{Lesson: o.Lesson, Prediction: prediction, Answer: o.Answer, Holds: o.Holds, Verdict: o.Verdict,
		Measured: m, Cores: o.Cores, OS: runtime.GOOS, Arch: runtime.GOARCH, Seconds: o.Seconds}, nil
}

// CleanName is name as the room shows it: control and formatting
// characters (which could redraw a terminal or reverse text) removed,
// spaces collapsed, at most MaxNameLen characters. It fails for a name
// left empty.
func CleanName(name string) (string, error) {
	var b strings.Builder
	space := false
	n := 0
	for _, r := range name {
		if unicode.IsSpace(r) { // tabs and newlines too
			space = b.Len() > 0
			continue
		}
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			continue
		}
		if n >= MaxNameLen {
			break
		}
		if space {
			if n+1 >= MaxNameLen {
				break
			}
			b.WriteByte(' ')
			n++
			space = false
		}
		b.WriteRune(r)
		n++
	}
	if b.Len() == 0 {
		return "", errors.New("a name is needed (letters or digits, at most 40 characters)")
	}
	return b.String(), nil
}

// check says what is wrong with an outcome, or nil: the room takes only
// lessons it knows, and numbers a laptop could have measured.
func (o *Outcome) check() error {
	l, err := lesson.Find(o.Lesson)
	if err != nil {
		return errUnknownLesson
	}
	most := 1e9 // a ratio of costs can be large; a speed-up of 10⁹ cannot be
	if l.Unit == "lost" {
		most = 1
	}
	if !sane(o.Answer, most) {
		return fmt.Errorf("%w: answer %v", errAbsurd, o.Answer)
	}
	if o.Prediction != nil && !sane(*o.Prediction, most) {
		return fmt.Errorf("%w: prediction %v", errAbsurd, *o.Prediction)
	}
	if o.Cores < 1 || o.Cores > 4096 {
		return fmt.Errorf("%w: %d cores", errAbsurd, o.Cores)
	}
	if !sane(o.Seconds, 1e6) {
		return fmt.Errorf("%w: %v seconds", errAbsurd, o.Seconds)
	}
	if len(o.OS) > 20 || len(o.Arch) > 20 || len(o.Verdict) > 2000 {
		return fmt.Errorf("%w: a text too long", errAbsurd)
	}
	o.OS, o.Arch = printable(o.OS), printable(o.Arch)
	o.Verdict = printable(o.Verdict)
	if len(o.Measured) > 0 {
		var v any
		if err := json.Unmarshal(o.Measured, &v); err != nil {
			return fmt.Errorf("%w: measured figures: %v", errMalformed, err)
		}
		if _, ok := v.(map[string]any); !ok {
			return fmt.Errorf("%w: measured figures are not an object", errMalformed)
		}
		if !saneTree(v, 0) {
			return fmt.Errorf("%w: in the measured figures", errAbsurd)
		}
	}
	return nil
}

func sane(v, most float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) && v >= 0 && v <= most }

// saneTree says every number in a decoded JSON value is within ±10¹⁵, and
// it nests at most 20 deep (the deadlock lesson's wait-for graph is 7).
func saneTree(v any, depth int) bool {
	if depth > 20 {
		return false
	}
	switch v := v.(type) {
	case float64:
		return math.Abs(v) <= 1e15
	case map[string]any:
		for _, x := range v {
			if !saneTree(x, depth+1) {
				return false
			}
		}
	case []any:
		for _, x := range v {
			if !saneTree(x, depth+1) {
				return false
			}
		}
	}
	return true
}

// printable is s without control characters.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
}

// Why the room rejects a message (counted by reason in Snapshot.Reasons).
var (
	errTooBig        = errors.New("over the size limit")
	errMalformed     = errors.New("malformed")
	errSignature     = errors.New("bad signature")
	errUnknownLesson = errors.New("unknown lesson")
	errAbsurd        = errors.New("impossible numbers")
	errLocked        = errors.New("locked by another process")
	errTooMany       = errors.New("too many results (from this participant, or in the room)")
)

// envelope is a message on the wire: a signed body and the key that checks
// it.
type envelope struct {
	Key  []byte `json:"key"`  // ed25519 public key
	Sig  []byte `json:"sig"`  // of Body
	Body []byte `json:"body"` // a message, as JSON
}

// message is an envelope's body.
type message struct {
	ID      string    `json:"msg"` // random: the same message twice is stored once
	Name    string    `json:"name"`
	Sent    time.Time `json:"sent"` // the participant's clock
	Outcome Outcome   `json:"outcome"`
}

// reply is the room's answer to a message.
type reply struct {
	OK        bool   `json:"ok"`
	Duplicate bool   `json:"duplicate,omitempty"`
	Error     string `json:"error,omitempty"`
}

// hello is the room's answer to a client that dials it.
type hello struct {
	Room string `json:"room"` // the room's id: where the client's outbox for it lives
}

// Rejected is the room's refusal of an outcome: sending it again would not
// help.
type Rejected struct{ Reason string }

func (r *Rejected) Error() string { return "the room rejected it: " + r.Reason }

// ErrKept says an outcome could not be delivered now: it is kept in the
// participant's outbox and sent when the room answers again (while this
// client runs, or on the next Dial of the same room).
var ErrKept = errors.New("the room did not answer: the outcome is kept and sent when it is back")
