package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"concurrencylab/jobs/cluster"
)

// The room's tests run the real command line: this test binary is the app
// (TestMain calls main for CONCURRENCYLAB_TEST_MAIN=1), a process for the
// room and one per participant, each participant with its own config and
// cache folders, on loopback.

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type proc struct {
	cmd            *exec.Cmd
	stdout, stderr lockedBuffer
	done           chan struct{}
	code           int
}

// start runs the app with args as a participant or room whose user folders
// are under home.
func start(t *testing.T, home string, args ...string) *proc {
	t.Helper()
	exe, _ := os.Executable()
	p := &proc{cmd: exec.Command(exe, args...), done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), "CONCURRENCYLAB_TEST_MAIN=1", "GORACE=atexit_sleep_ms=0",
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"), "XDG_CACHE_HOME="+filepath.Join(home, "cache"))
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		err := p.cmd.Wait()
		var ee *exec.ExitError
		switch {
		case err == nil:
		case errors.As(err, &ee):
			p.code = ee.ExitCode()
		default:
			p.code = -1
		}
		close(p.done)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
	})
	return p
}

// exit waits for the process and returns its exit code.
func (p *proc) exit(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
		return p.code
	case <-time.After(10 * time.Minute): // every lesson, in a race build on a loaded machine
		t.Fatalf("%v did not end:\n%s\n%s", p.cmd.Args, p.stdout.String(), p.stderr.String())
		return 0
	}
}

// await waits until out holds a match of re and returns it.
func (p *proc) await(t *testing.T, out *lockedBuffer, re string) []string {
	t.Helper()
	rx := regexp.MustCompile(re)
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := rx.FindStringSubmatch(out.String()); m != nil {
			return m
		}
		select {
		case <-p.done:
			if m := rx.FindStringSubmatch(out.String()); m != nil {
				return m
			}
			t.Fatalf("%v ended (exit %d) without %q:\n%s\n%s", p.cmd.Args, p.code, re, p.stdout.String(), p.stderr.String())
		default:
		}
	}
	t.Fatalf("no %q from %v:\n%s\n%s", re, p.cmd.Args, p.stdout.String(), p.stderr.String())
	return nil
}

// startRoom starts `concurrencylab room` in dir and returns it with its
// address and token.
func startRoom(t *testing.T, dir, jsonFile string) (p *proc, url, token string) {
	t.Helper()
	args := []string{"room", "--dir", dir}
	if jsonFile != "" {
		args = append(args, "--json", jsonFile)
	}
	p = start(t, t.TempDir(), args...)
	m := p.await(t, &p.stderr, `concurrencylab lesson all --room (nats://\S+) --token ([0-9a-f]{32}) --name YOURNAME`)
	return p, m[1], m[2]
}

// stopRoom ends the room as Ctrl+C would and reads the JSON it writes.
func stopRoom(t *testing.T, p *proc, jsonFile string) roomJSON {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	if code := p.exit(t); code != 0 {
		t.Fatalf("room exit %d:\n%s", code, p.stderr.String())
	}
	var r roomJSON
	b, err := os.ReadFile(jsonFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return r
}

type roomJSON struct {
	Participants []struct {
		Name, ID, OS string
		Cores        int
	}
	Lessons map[string]struct {
		Count   int
		Results []roomResult
		History []roomResult
	}
	Rejected int
}

type roomResult struct {
	Name, ID   string
	Prediction *float64
	Answer     float64
	Holds      bool
	Runs       int
}

func participant(t *testing.T, home, url, token, name string, extra ...string) *proc {
	return start(t, home, append([]string{"lesson", "race", "--quick", "--room", url, "--token", token, "--name", name}, extra...)...)
}

// TestRoomGathersParticipants: three laptops (two called Alex) send the
// race lesson, one reruns it; a wrong token and a wrong address fail before
// any lesson; the room killed with -9 and started again in its folder has
// the same address, token and results; SIGTERM writes them.
func TestRoomGathersParticipants(t *testing.T) {
	dir, out := t.TempDir(), filepath.Join(t.TempDir(), "results", "room.json")
	room, url, token := startRoom(t, dir, "")
	homes := []string{t.TempDir(), t.TempDir(), t.TempDir()}
	names := []string{"Alex", "Alex", "Bea \x1b[31m"}
	var ps []*proc
	for i, h := range homes {
		ps = append(ps, participant(t, h, url, token, names[i], "--predict", []string{"0", "50%", "0.9"}[i]))
	}
	for _, p := range ps {
		if code := p.exit(t); code != 0 || !strings.Contains(p.stderr.String(), "sent to the room") || !strings.Contains(p.stdout.String(), "You predicted:") {
			t.Fatalf("participant exit %d:\n%s\n%s", code, p.stdout.String(), p.stderr.String())
		}
	}
	rerun := participant(t, homes[0], url, token, "Alex", "--predict", "10%")
	if code := rerun.exit(t); code != 0 {
		t.Fatalf("rerun exit %d:\n%s", code, rerun.stderr.String())
	}
	for _, bad := range []struct{ url, token, want string }{
		{url, strings.Repeat("0", 32), "refused the token"},
		{"nats://127.0.0.1:1", token, "nothing answers"},
	} {
		p := participant(t, t.TempDir(), bad.url, bad.token, "Eve")
		code := p.exit(t)
		lines := strings.Split(strings.TrimSpace(p.stderr.String()), "\n")
		if code != 1 || len(lines) != 1 || !strings.Contains(lines[0], bad.want) || p.stdout.String() != "" {
			t.Errorf("%s: exit %d, stderr %q, stdout %q", bad.want, code, p.stderr.String(), p.stdout.String())
		}
	}
	room.await(t, &room.stdout, `(?s)(race .*){4}`)

	room.cmd.Process.Signal(syscall.SIGKILL)
	room.exit(t)
	room, url2, token2 := startRoom(t, dir, out)
	if url2 != url || token2 != token {
		t.Errorf("restarted as %s %s, was %s %s", url2, token2, url, token)
	}
	room.await(t, &room.stdout, `(?s)(race .*){3}`) // what it had before, told again
	r := stopRoom(t, room, out)
	race := r.Lessons["race"]
	if len(r.Participants) != 3 || race.Count != 3 || len(race.History) != 1 || r.Rejected != 0 {
		t.Fatalf("room: %+v", r)
	}
	ids := map[string]bool{}
	for _, res := range race.Results {
		ids[res.ID] = true
		if res.Name == "Alex" && res.Runs == 2 && (res.Prediction == nil || *res.Prediction != 0.1) {
			t.Errorf("the rerun does not count: %+v", res)
		}
		if strings.ContainsAny(res.Name, "\x1b") {
			t.Errorf("name not cleaned: %q", res.Name)
		}
	}
	if len(ids) != 3 {
		t.Errorf("ids: %v", ids)
	}
	for _, f := range []string{"room.md", "room.csv"} {
		if _, err := os.Stat(filepath.Join(filepath.Dir(out), f)); err != nil {
			t.Error(err)
		}
	}
}

// TestRoomAwayAndBack: a room that stops answering mid-lesson and is
// killed: the outcome is kept, and sent when the room is back within the
// participant's wait; when it is not, the participant is told, and the
// next run sends it.
func TestRoomAwayAndBack(t *testing.T) {
	dir := t.TempDir()
	room, url, token := startRoom(t, dir, "")
	home := t.TempDir()
	p := participant(t, home, url, token, "Bo")
	p.await(t, &p.stderr, "joined the room")
	room.cmd.Process.Signal(syscall.SIGSTOP) // the lesson runs meanwhile: nothing answers its outcome
	p.await(t, &p.stderr, "the outcome is kept")
	room.cmd.Process.Signal(syscall.SIGKILL)
	room.exit(t)
	room, _, _ = startRoom(t, dir, "")
	if code := p.exit(t); code != 0 || !strings.Contains(p.stderr.String(), "the room has every outcome now") {
		t.Fatalf("exit %d:\n%s", code, p.stderr.String())
	}
	room.await(t, &room.stdout, `race +Bo `)

	// Now the room goes and stays away.
	cy := t.TempDir()
	q := participant(t, cy, url, token, "Cy")
	q.await(t, &q.stderr, "joined the room")
	room.cmd.Process.Signal(syscall.SIGSTOP)
	q.await(t, &q.stderr, "the outcome is kept")
	room.cmd.Process.Signal(syscall.SIGKILL)
	room.exit(t)
	if code := q.exit(t); code != 1 || !strings.Contains(q.stderr.String(), "NOT SENT: 1 outcome did not reach the room") {
		t.Fatalf("exit %d:\n%s", code, q.stderr.String())
	}
	out := filepath.Join(t.TempDir(), "room.json")
	room, _, _ = startRoom(t, dir, out)
	again := participant(t, cy, url, token, "Cy") // its Dial sends what the last run kept
	if code := again.exit(t); code != 0 {
		t.Fatalf("exit %d:\n%s", code, again.stderr.String())
	}
	r := stopRoom(t, room, out)
	for _, res := range r.Lessons["race"].Results {
		if res.Name == "Cy" && res.Runs != 2 {
			t.Errorf("Cy's kept outcome was not sent: %+v", res)
		}
	}
	if r.Lessons["race"].Count != 2 {
		t.Errorf("room: %+v", r)
	}
}

// TestRoomRejectsBadMessages: an eavesdropper with the room's token copies
// a participant's message off the wire and sends it back altered, then
// malformed, oversized, NaN, unknown-lesson and absurd messages of its own:
// each is rejected and counted, the room carries on, and the participant's
// result is as they sent it.
func TestRoomRejectsBadMessages(t *testing.T) {
	dir := t.TempDir()
	room, url, token := startRoom(t, dir, "")
	nc, err := cluster.Connect(url, cluster.ConnOptions{Token: token})
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	const subject = "clab.room.outcome" // the room's wire: see room/room.go
	tap, err := nc.SubscribeSync(subject)
	if err != nil {
		t.Fatal(err)
	}
	nc.Flush()
	p := participant(t, t.TempDir(), url, token, "Victim")
	if code := p.exit(t); code != 0 {
		t.Fatalf("exit %d:\n%s", code, p.stderr.String())
	}
	copied, err := tap.NextMsg(time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	var env struct{ Key, Sig, Body []byte }
	if err := json.Unmarshal(copied.Data, &env); err != nil {
		t.Fatal(err)
	}
	var victim map[string]any
	json.Unmarshal(env.Body, &victim)
	answer := victim["outcome"].(map[string]any)["answer"].(float64)

	altered := env
	altered.Body = regexp.MustCompile(`"answer":[0-9.e+-]+`).ReplaceAll(env.Body, []byte(`"answer":0.001`))
	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	sign := func(body string) []byte {
		b, _ := json.Marshal(struct{ Key, Sig, Body []byte }{pub, ed25519.Sign(key, []byte(body)), []byte(body)})
		return b
	}
	n := 0
	m := func(outcome string) string {
		n++
		return `{"msg":"m` + strconv.Itoa(n) + `","name":"Mallory","sent":"2026-01-01T00:00:00Z","outcome":` + outcome + `}`
	}
	alteredJSON, _ := json.Marshal(struct{ Key, Sig, Body []byte }{altered.Key, altered.Sig, altered.Body})
	for _, tc := range []struct {
		what string
		data []byte
		want string
	}{
		{"altered copy", alteredJSON, "bad signature"},
		{"not JSON", []byte(`{"key":`), "malformed"},
		{"oversized", bytes.Repeat([]byte("x"), 100<<10), "over the size limit"},
		{"NaN", sign(m(`{"lesson":"race","answer":NaN,"cores":2}`)), "malformed"},
		{"unknown lesson", sign(m(`{"lesson":"quantum","answer":1,"cores":2}`)), "unknown lesson"},
		{"absurd", sign(m(`{"lesson":"race","answer":1e308,"cores":2}`)), "impossible numbers"},
	} {
		r, err := nc.Request(subject, tc.data, time.Minute)
		if err != nil {
			t.Fatalf("%s: %v", tc.what, err)
		}
		if !strings.Contains(string(r.Data), tc.want) || strings.Contains(string(r.Data), `"ok":true`) {
			t.Errorf("%s: %s, want %q", tc.what, r.Data, tc.want)
		}
	}
	if r, err := nc.Request(subject, copied.Data, time.Minute); err != nil || !strings.Contains(string(r.Data), `"duplicate":true`) {
		t.Errorf("replay: %s %v", r.Data, err)
	}
	out := filepath.Join(t.TempDir(), "room.json")
	room.cmd.Process.Signal(syscall.SIGKILL) // then restart, to read it back with --json
	room.exit(t)
	room, _, _ = startRoom(t, dir, out)
	r := stopRoom(t, room, out)
	race := r.Lessons["race"]
	if r.Rejected != 6 || race.Count != 1 || race.Results[0].Name != "Victim" || race.Results[0].Answer != answer || len(race.History) != 0 {
		t.Fatalf("room after bad messages: rejected %d, %+v", r.Rejected, race)
	}
}

// TestRoomTakesEveryLesson: every lesson's real outcome, figures and all,
// is one the room takes (a lesson's figures that the room's checks refuse
// would be lost in every workshop).
func TestRoomTakesEveryLesson(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every lesson")
	}
	out := filepath.Join(t.TempDir(), "room.json")
	room, url, token := startRoom(t, t.TempDir(), out)
	p := start(t, t.TempDir(), "lesson", "all", "--quick", "--room", url, "--token", token, "--name", "Everyone")
	if code := p.exit(t); code != 0 || strings.Contains(p.stderr.String(), "NOT SENT") {
		t.Fatalf("exit %d:\n%s", code, p.stderr.String())
	}
	r := stopRoom(t, room, out)
	for name, l := range r.Lessons {
		if l.Count != 1 {
			t.Errorf("%s: %d results", name, l.Count)
		}
	}
	if r.Rejected != 0 {
		t.Errorf("%d rejected", r.Rejected)
	}
}

// TestRoomTakesClusterWorkers: the room's server and token are a cluster
// server's too: `concurrencylab join` waits there for a run.
func TestRoomTakesClusterWorkers(t *testing.T) {
	room, url, token := startRoom(t, t.TempDir(), "")
	j := start(t, t.TempDir(), "join", url, "--token", token, "--workers", "1")
	j.await(t, &j.stdout, "waiting for a run to start at "+regexp.QuoteMeta(url))
	j.cmd.Process.Signal(os.Interrupt)
	if code := j.exit(t); code != 0 {
		t.Errorf("join exit %d:\n%s%s", code, j.stdout.String(), j.stderr.String())
	}
	room.cmd.Process.Signal(os.Interrupt)
	if code := room.exit(t); code != 0 {
		t.Errorf("room exit %d", code)
	}
}
