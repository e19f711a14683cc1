package room

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"go.uber.org/goleak"

	"concurrencylab/jobs/cluster"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func startHost(t *testing.T, dir string) *Host {
	t.Helper()
	h := &Host{Dir: dir, Logf: t.Logf}
	if err := h.Start(); err != nil {
		t.Fatal(err)
	}
	return h
}

func dial(t *testing.T, h *Host, name, home string) *Client {
	t.Helper()
	c, err := DialWith(h.URL(), h.Token(), name, ClientOptions{IdentityFile: filepath.Join(home, "id"), OutboxDir: filepath.Join(home, "outbox")})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func outcome(l string, answer float64, pred *float64) Outcome {
	return Outcome{Lesson: l, Answer: answer, Prediction: pred, Holds: answer < 2, Cores: 2, OS: "linux", Arch: "amd64",
		Measured: json.RawMessage(`{"speedup":1.5,"per":{"1":2}}`), Seconds: 3}
}

func ptr(v float64) *float64 { return &v }

// waitFor polls the host's snapshot until ok, generously for a loaded
// machine.
func waitFor(t *testing.T, h *Host, ok func(Snapshot) bool) Snapshot {
	t.Helper()
	ch := h.Changes()
	deadline := time.After(60 * time.Second)
	for {
		s := h.Snapshot()
		if ok(s) {
			return s
		}
		select {
		case <-ch:
		case <-time.After(time.Second):
		case <-deadline:
			t.Fatalf("the room never got there: %+v", s)
		}
	}
}

func TestRoomGathersAndSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	h := startHost(t, dir)
	alex1 := dial(t, h, "Alex", t.TempDir())
	alex2 := dial(t, h, "  Alex\a\u202e ", t.TempDir()) // another Alex, a name with escapes
	if alex1.ID() == alex2.ID() || alex2.Name() != "Alex" {
		t.Fatalf("ids %s %s, name %q", alex1.ID(), alex2.ID(), alex2.Name())
	}
	if err := alex1.Send(outcome("cpu-bound", 1.0, ptr(2))); err != nil {
		t.Fatal(err)
	}
	if err := alex2.Send(outcome("cpu-bound", 0.9, nil)); err != nil {
		t.Fatal(err)
	}
	if err := alex1.Send(outcome("cpu-bound", 1.1, ptr(1.5))); err != nil { // a rerun: the latest counts
		t.Fatal(err)
	}
	s := h.Snapshot()
	cpu := s.Lessons["cpu-bound"]
	if cpu.Count != 2 || len(cpu.History) != 1 || cpu.Answers.Median != 1.0 || cpu.Answers.Min != 0.9 || cpu.Answers.Max != 1.1 ||
		cpu.Predictions.N != 1 || cpu.Predictions.Median != 1.5 || cpu.Held != 2 || len(s.Participants) != 2 {
		t.Fatalf("snapshot: %+v", cpu)
	}
	var unknown *Rejected
	if err := alex1.Send(outcome("no-such", 1, nil)); !errors.As(err, &unknown) {
		t.Fatalf("unknown lesson: %v", err)
	}
	alex1.Close()
	alex2.Close()
	before := h.Snapshot()
	token, port := h.Token(), h.Port()
	if _, err := os.Stat(filepath.Join(dir, "nats")); err != nil {
		t.Errorf("the server's files are not in the room's folder: %v", err)
	}
	h.Close()
	if left, _ := os.ReadDir(filepath.Join(dir, "nats")); len(left) > 0 {
		t.Errorf("the server's files outlived it: %v", left)
	}

	h = startHost(t, dir)
	defer h.Close()
	after := h.Snapshot()
	if h.Token() != token || h.Port() != port {
		t.Errorf("restarted with token %s port %d, was %s %d", h.Token(), h.Port(), token, port)
	}
	a, _ := json.Marshal(before)
	b, _ := json.Marshal(after)
	if !bytes.Equal(a, b) {
		t.Errorf("restart changed the room:\n%s\n%s", a, b)
	}
}

func TestKeptWhileTheRoomIsAway(t *testing.T) {
	dir := t.TempDir()
	h := startHost(t, dir)
	home := t.TempDir()
	c, err := DialWith(h.URL(), h.Token(), "Sam", ClientOptions{IdentityFile: filepath.Join(home, "id"),
		OutboxDir: filepath.Join(home, "outbox"), Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	h.Close()
	if err := c.Send(outcome("race", 0.4, ptr(0))); !errors.Is(err, ErrKept) {
		t.Fatalf("send to a room away: %v", err)
	}
	if c.Pending() != 1 {
		t.Fatalf("pending %d", c.Pending())
	}
	h = startHost(t, dir) // same port: the client reconnects by itself
	defer h.Close()
	waitFor(t, h, func(s Snapshot) bool { return s.Lessons["race"].Count == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if n := c.Flush(ctx); n != 0 {
		t.Fatalf("%d still kept", n)
	}
}

func TestDialFailsFast(t *testing.T) {
	h := startHost(t, t.TempDir())
	defer h.Close()
	home := t.TempDir()
	opts := ClientOptions{IdentityFile: filepath.Join(home, "id"), OutboxDir: filepath.Join(home, "outbox")}
	if _, err := DialWith(h.URL(), "wrong", "Kim", opts); err == nil || !strings.Contains(err.Error(), "refused the token") {
		t.Errorf("wrong token: %v", err)
	}
	if _, err := DialWith(h.URL(), h.Token(), "\x00\x01", opts); err == nil {
		t.Errorf("empty name accepted")
	}
	again := &Host{Dir: h.Dir}
	if err := again.Start(); err == nil || !strings.Contains(err.Error(), "already running") {
		t.Errorf("a second room in the same folder: %v", err)
	}
	taken := &Host{Dir: t.TempDir(), Listen: strings.TrimPrefix(h.URL(), "nats://")}
	if err := taken.Start(); err == nil || !strings.Contains(err.Error(), "cannot listen") {
		t.Errorf("a port taken: %v", err)
	}
	srv, err := cluster.StartServer("", cluster.NewToken()) // a cluster server, no room
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if _, err := DialWith(srv.URL(), srv.Token(), "Kim", opts); err == nil || !strings.Contains(err.Error(), "not a room") {
		t.Errorf("not a room: %v", err)
	}
}

// TestBadMessages sends what a broken or hostile client could: each is
// rejected and counted, none is fatal or shown, and nobody can send under
// another participant's id.
func TestBadMessages(t *testing.T) {
	h := startHost(t, t.TempDir())
	defer h.Close()
	victim := dial(t, h, "Victim", t.TempDir())
	defer victim.Close()
	if err := victim.Send(outcome("race", 0.3, nil)); err != nil {
		t.Fatal(err)
	}
	nc, err := cluster.Connect(h.URL(), cluster.ConnOptions{Token: h.Token()})
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	send := func(data []byte) reply {
		t.Helper()
		m, err := nc.Request(subjectOutcome, data, 30*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		var r reply
		json.Unmarshal(m.Data, &r)
		return r
	}
	me, _ := LoadIdentity(filepath.Join(t.TempDir(), "id"))
	sealed := func(m message) []byte {
		b, err := me.seal(m)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	signed := func(body []byte) []byte {
		return mustJSON(envelope{Key: me.key.Public().(ed25519.PublicKey), Sig: ed25519.Sign(me.key, body), Body: body})
	}
	good := message{ID: "m1", Name: "Mallory", Sent: time.Now(), Outcome: outcome("race", 0.5, nil)}
	nan := good
	nan.Outcome.Answer = math.NaN()
	body, _ := json.Marshal(good)
	if !bytes.Contains(body, []byte(`"answer":0.5`)) {
		t.Fatalf("%s", body)
	}
	huge := good
	huge.Outcome.Measured = json.RawMessage(`{"x":"` + strings.Repeat("a", MaxMessage) + `"}`)
	for _, tc := range []struct {
		what string
		data []byte
		want string
	}{
		{"not JSON", []byte("{nope"), "malformed"},
		{"NaN as text", signed(bytes.Replace(body, []byte(`"answer":0.5`), []byte(`"answer":NaN`), 1)), "malformed"},
		{"oversized", sealed(huge), "over the size limit"},
		{"unknown lesson", sealed(message{ID: "m2", Name: "M", Outcome: outcome("quantum", 1, nil)}), "unknown lesson"},
		{"absurd answer", sealed(message{ID: "m3", Name: "M", Outcome: outcome("race", 7, nil)}), "impossible numbers"},
		{"absurd cores", sealed(message{ID: "m4", Name: "M", Outcome: Outcome{Lesson: "race", Cores: -3}}), "impossible numbers"},
		{"huge figure", sealed(message{ID: "m5", Name: "M", Outcome: func() Outcome {
			o := outcome("race", 0.1, nil)
			o.Measured = json.RawMessage(`{"x":1e300}`)
			return o
		}()}), "impossible numbers"},
		// Another participant's key with a body signed by someone else.
		{"spoofed id", mustJSON(envelope{Key: victim.id.key.Public().(ed25519.PublicKey), Sig: make([]byte, 64), Body: body}), "bad signature"},
	} {
		if r := send(tc.data); r.OK || !strings.Contains(r.Error, tc.want) {
			t.Errorf("%s: %+v, want %q", tc.what, r, tc.want)
		}
	}
	if _, err := me.seal(nan); err == nil {
		t.Errorf("a NaN answer was sealed")
	}
	s := h.Snapshot()
	race := s.Lessons["race"]
	if s.Rejected != 8 || race.Count != 1 || race.Results[0].Name != "Victim" || race.Results[0].Answer != 0.3 {
		t.Fatalf("after bad messages: rejected %d, race %+v", s.Rejected, race)
	}
	// A copy of the victim's own message, sent again, is a duplicate.
	if r := send(sealed(good)); !r.OK {
		t.Fatal(r)
	}
	if r := send(sealed(good)); !r.OK || !r.Duplicate {
		t.Fatalf("replay: %+v", r)
	}
	if n := len(h.Snapshot().Lessons["race"].History); n != 0 {
		t.Errorf("a replay made history: %d", n)
	}
	_ = nats.ErrNoResponders
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{
		"Alex":                    "Alex",
		"  Ada   Lovelace ":       "Ada Lovelace",
		"a\tb\nc":                 "a b c",
		"\x1b[31mred\x1b[0m":      "[31mred[0m",
		strings.Repeat("é", 50):   strings.Repeat("é", 40),
		"evil\u202etxt.exe":       "eviltxt.exe",
		strings.Repeat("ab ", 30): strings.TrimSpace(strings.Repeat("ab ", 13)) + " a",
	} {
		got, err := CleanName(in)
		if err != nil || got != want || len([]rune(got)) > MaxNameLen {
			t.Errorf("CleanName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := CleanName(" \x00\u200b "); err == nil {
		t.Error("an empty name passed")
	}
	_ = os.Getenv
}

func TestParseJoinLine(t *testing.T) {
	url, token, name, err := ParseJoinLine("  concurrencylab lesson all --room nats://10.0.0.5:4222 --token abc123 --name YOURNAME\n")
	if err != nil || url != "nats://10.0.0.5:4222" || token != "abc123" || name != "" {
		t.Errorf("%q %q %q %v", url, token, name, err)
	}
	url, token, name, err = ParseJoinLine("--room=nats://h:1 --token=t --name=Ada")
	if err != nil || url != "nats://h:1" || token != "t" || name != "Ada" {
		t.Errorf("%q %q %q %v", url, token, name, err)
	}
	if url, _, _, err := ParseJoinLine("nats://h:2"); err != nil || url != "nats://h:2" {
		t.Errorf("%q %v", url, err)
	}
	if _, _, _, err := ParseJoinLine("hello"); err == nil {
		t.Error("no address accepted")
	}
}

func TestSave(t *testing.T) {
	h := startHost(t, t.TempDir())
	defer h.Close()
	for i, name := range []string{"Ada", "Bo|b", "=cmd"} {
		c := dial(t, h, name, t.TempDir())
		o := outcome("scaling", 1.5+float64(i)/10, ptr(4))
		o.Measured = json.RawMessage(`{"workers":[1,2,4,8,16],"thumbnail":{"1":1,"2":1.8,"4":1.9,"8":1.9,"16":1.5},"download":{"1":1,"2":2,"4":4,"8":8,"16":15}}`)
		if err := c.Send(o); err != nil {
			t.Fatal(err)
		}
		if err := c.Send(outcome("race", 0.5, nil)); err != nil {
			t.Fatal(err)
		}
		c.Close()
	}
	dir := t.TempDir()
	if d := os.Getenv("ROOM_SAVE_OUT"); d != "" { // to look at the files
		dir = d
	}
	files, err := Save(h.Snapshot(), filepath.Join(dir, "room.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"room.json", "room.md", "room.csv", "room-race.png", "room-scaling.png", "room-scaling-curves.png"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s: %v (written: %v)", f, err, files)
		}
	}
	md, _ := os.ReadFile(filepath.Join(dir, "room.md"))
	csv, _ := os.ReadFile(filepath.Join(dir, "room.csv"))
	if !strings.Contains(string(md), `Bo\|b`) || !strings.Contains(string(md), "![scaling](room-scaling-curves.png)") || !strings.Contains(string(csv), "'=cmd") {
		t.Errorf("room.md:\n%s\nroom.csv:\n%s", md, csv)
	}
}

// TestLimits: one participant in a loop, or made-up participants, cannot
// fill the room past its limits; each refusal is counted.
func TestLimits(t *testing.T) {
	perOne, all := maxPerParticipant, maxResults
	maxPerParticipant, maxResults = 3, 5
	defer func() { maxPerParticipant, maxResults = perOne, all }()
	h := startHost(t, t.TempDir())
	defer h.Close()
	a := dial(t, h, "Loop", t.TempDir())
	defer a.Close()
	var refused *Rejected
	for i := range 4 {
		err := a.Send(outcome("race", 0.5, nil))
		if i < 3 && err != nil || i == 3 && !errors.As(err, &refused) {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	for i := range 3 {
		c := dial(t, h, fmt.Sprintf("Made up %d", i), t.TempDir())
		err := c.Send(outcome("race", 0.5, nil))
		c.Close()
		if i < 2 && err != nil || i == 2 && !errors.As(err, &refused) {
			t.Fatalf("participant %d: %v", i, err)
		}
	}
	if s := h.Snapshot(); s.Rejected != 2 || len(s.Participants) != 3 {
		t.Errorf("rejected %d, participants %d", s.Rejected, len(s.Participants))
	}
}
