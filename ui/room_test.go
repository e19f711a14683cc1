package ui

import (
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/lesson"
	"concurrencylab/room"
)

// participant dials the room at url as name, with an id and an outbox of
// its own under dir.
func participant(t *testing.T, dir, url, token, name string) *room.Client {
	t.Helper()
	c, err := room.DialWith(url, token, name, room.ClientOptions{
		IdentityFile: filepath.Join(dir, name+".id"), OutboxDir: filepath.Join(dir, "outbox-"+name), Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// hostInLab presses Host a room in l's Room tab, on loopback, with the room
// kept in a folder of the test's, and waits until it is up.
func hostInLab(t *testing.T, l *Lab, q mainLoop) *room.Host {
	t.Helper()
	l.host.dir = t.TempDir()
	l.host.addr.SetText("127.0.0.1:0")
	if !l.ShowTab("room") {
		t.Fatal("no Room tab")
	}
	test.Tap(l.host.start)
	q.until(t, "the room to start", time.Minute, func() bool { return l.host.host != nil || strings.HasPrefix(l.host.where.Text, "Cannot") })
	if l.host.host == nil {
		t.Fatal(l.host.where.Text)
	}
	return l.host.host
}

func scalingOutcome(cores int, top float64) *lesson.Outcome {
	m := lesson.ScalingMeasured{Workers: []int{1, 2, 4, 8, 16}, Download: map[string]float64{}, Thumbnail: map[string]float64{}}
	for _, w := range m.Workers {
		k := fmt.Sprint(w)
		m.Download[k], m.Thumbnail[k] = float64(w)*0.9, min(float64(w), top)
	}
	return &lesson.Outcome{Lesson: "scaling", Cores: cores, Measured: m, Answer: m.Thumbnail["16"], Holds: true, Verdict: "Holds: …", Seconds: 20}
}

// TestHostRoomShowsParticipantsLive hosts a room in the window and has four
// participants send through the room package on loopback: the Room tab
// shows each lesson's results as they arrive (its summary, strip plot and
// table; every laptop's curve for scaling), a rerun replaces the earlier
// result, and Save room results writes the files.
func TestHostRoomShowsParticipantsLive(t *testing.T) {
	l, q := newTestLab(t)
	h := hostInLab(t, l, q)
	v := l.host
	if !strings.Contains(v.line.Text, "--room nats://127.0.0.1:") || !strings.Contains(v.line.Text, "--token "+h.Token()) {
		t.Fatalf("join line %q", v.line.Text)
	}
	// The board opens on its own window, for the projector; the main
	// window keeps the buttons, and both fit a 1366×768 projector at the
	// largest scale. Brought back, the board fits the main window at 1×.
	if v.win == nil || v.win.Content() != v.board || v.slot.Objects[0] == v.board || !v.own.Disabled() {
		t.Fatal("the board did not open on its own window")
	}
	l.SetScale(Scales[len(Scales)-1])
	for _, w := range []fyne.Window{l.win, v.win} {
		if min := w.Content().MinSize(); min.Width > 1366 || min.Height > 768-64 {
			t.Errorf("hosting at %v×, %q needs at least %v", l.scale, w.Title(), min)
		}
	}
	l.SetScale(1)
	v.win.Close() // by its title bar: the board comes back
	if v.win != nil || v.slot.Objects[0] != v.board || v.own.Disabled() || !v.inTab {
		t.Fatal("closing the board's window did not bring it back")
	}
	if min := l.win.Content().MinSize(); min.Width > 1024 || min.Height > 700 {
		t.Errorf("hosting, the window needs at least %v", min)
	}
	v.pick.SetSelectedIndex(lessonIndex("race"))
	if v.shown != "race" || !strings.Contains(v.summary.Text, "no laptop has sent it yet") {
		t.Fatalf("race before any result: %q %q", v.shown, v.summary.Text)
	}
	dir := t.TempDir()
	names := []string{"Alex", "Alex", "Sam", "Kim"} // two called Alex: two participants
	var clients []*room.Client
	for i, name := range names {
		c := participant(t, filepath.Join(dir, fmt.Sprint(i)), h.URL(), h.Token(), name)
		clients = append(clients, c)
		pred := 0.1 * float64(i+1)
		o := &lesson.Outcome{Lesson: "race", Cores: 2 + 2*i, Measured: lesson.RaceMeasured{Expected: 40}, Answer: 0.4 + 0.01*float64(i), Holds: i != 3, Verdict: "Holds: …", Seconds: 3}
		if !o.Holds {
			o.Verdict = "Does not hold here: …"
		}
		send(t, c, o, &pred)
	}
	q.until(t, "four results in the race lesson", time.Minute, func() bool { return len(v.rows) == 4 })
	if !strings.Contains(v.summary.Text, "4 laptops sent it; the claim held on 3") || !strings.Contains(v.summary.Text, "Predicted (4): median 25% lost") {
		t.Errorf("summary %q", v.summary.Text)
	}
	q.until(t, "the strip plot", time.Minute, func() bool { return v.strip.Image != nil })
	shoot(t, l.win, "hosting.png")
	if !strings.Contains(v.status.Text, "4 laptops, 4 results") {
		t.Errorf("status %q", v.status.Text)
	}
	// The table: a row each, in the room's order (by name), with the cells.
	if text, _ := roomCell(v.rows[0], 0); text != "Alex" {
		t.Errorf("first row %q", text)
	}
	if text, imp := roomCell(v.rows[3], 5); text != "Holds: …" || imp != widget.SuccessImportance {
		t.Errorf("Sam's verdict %q", text)
	}
	if text, imp := roomCell(v.rows[2], 5); text != "Does not hold here: …" || imp != widget.WarningImportance {
		t.Errorf("Kim's verdict %q", text)
	}

	// A rerun: the latest counts, and the cell says which run it is.
	before := v.strip.Image
	pred := 0.9
	send(t, clients[2], &lesson.Outcome{Lesson: "race", Cores: 6, Measured: lesson.RaceMeasured{Expected: 40}, Answer: 0.9, Holds: true, Seconds: 3}, &pred)
	q.until(t, "the rerun", time.Minute, func() bool { return strings.Contains(v.summary.Text, "to 90% lost") && v.strip.Image != before })
	if len(v.rows) != 4 {
		t.Errorf("%d rows after a rerun", len(v.rows))
	}

	// Scaling: every laptop's curve on one chart beside the strip plot.
	for i, c := range clients[:3] {
		send(t, c, scalingOutcome(2+2*i, float64(2+2*i)*0.8), nil)
	}
	v.pick.SetSelectedIndex(lessonIndex("scaling"))
	q.until(t, "three scaling curves", time.Minute, func() bool { return len(v.rows) == 3 && v.curves.Visible() && v.curves.Image != nil })
	if !strings.Contains(v.summary.Text, "Predicted (0): none") {
		t.Errorf("scaling summary %q", v.summary.Text)
	}
	v.pick.SetSelectedIndex(lessonIndex("race"))
	if v.curves.Visible() {
		t.Error("the curves stay for the race lesson")
	}

	// On its own window again, and Bring it back here.
	test.Tap(v.own)
	if v.win == nil || v.win.Content() != v.board || v.slot.Objects[0] == v.board {
		t.Fatal("On its own window did not move the board")
	}
	v.bringBoard()
	if v.win != nil || v.slot.Objects[0] != v.board {
		t.Fatal("Bring it back here")
	}

	// Save room results.
	out := filepath.Join(t.TempDir(), "saved")
	saved := make(chan error, 1)
	l.SaveRoom(out, func(err error) { saved <- err })
	q.until(t, "the room's files", time.Minute, func() bool { return len(saved) == 1 })
	if err := <-saved; err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"room.json", "room.md", "room.csv", "room-race.png", "room-scaling.png", "room-scaling-curves.png"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	var js struct {
		Participants []room.Participant `json:"participants"`
	}
	b, _ := os.ReadFile(filepath.Join(out, "room.json"))
	if err := json.Unmarshal(b, &js); err != nil || len(js.Participants) != 4 {
		t.Errorf("room.json: %v, %d participants", err, len(js.Participants))
	}
	if len(v.latency) < 4 {
		t.Errorf("%d results timed", len(v.latency))
	}

	test.Tap(v.stop)
	if v.host != nil || !v.idle.Visible() {
		t.Error("Stop hosting left the room up")
	}
}

func send(t *testing.T, c *room.Client, o *lesson.Outcome, pred *float64) {
	t.Helper()
	out, err := room.FromLesson(o, pred)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Send(out); err != nil {
		t.Fatal(err)
	}
}

// TestJoinRoomSendsEachLesson joins a room from the Lessons tab as a
// participant does (paste the facilitator's line, type a name, Join), runs
// a lesson with a prediction, and finds its outcome in the room; the room
// then goes away and comes back in the same folder, and an outcome made
// meanwhile is kept, shown as kept, and delivered when it is back.
func TestJoinRoomSendsEachLesson(t *testing.T) {
	dir := t.TempDir()
	h := &room.Host{Dir: filepath.Join(dir, "room")}
	if err := h.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { h.Close() }()
	l, q, done := quickLesson(t, "race")
	j := l.join
	j.options = room.ClientOptions{IdentityFile: filepath.Join(dir, "id"), OutboxDir: filepath.Join(dir, "outbox"), Timeout: 3 * time.Second}
	if !strings.HasPrefix(j.status.Text, "Not in a room") || j.formShown() {
		t.Fatalf("before joining: %q, form shown %v", j.status.Text, j.formShown())
	}
	test.Tap(j.open)
	// The form opens in a dialog: the window needs no more room for it.
	if !j.formShown() || j.dlg == nil {
		t.Fatal("Join a room… opened no form")
	}
	if min := l.win.Content().MinSize(); min.Width > 1024 || min.Height > 700 {
		t.Errorf("with the form open, the window needs at least %v", min)
	}
	j.line.SetText(h.JoinLine(h.URL())) // pasted
	if j.addr.Text != h.URL() || j.token.Text != h.Token() || j.name.Text != "" {
		t.Fatalf("the pasted line gave %q %q %q", j.addr.Text, j.token.Text, j.name.Text)
	}
	test.Type(j.name, "Ada\tLovelace") // a tab is cleaned away
	test.Tap(j.join)
	q.until(t, "joining", time.Minute, func() bool { return j.client != nil || strings.HasPrefix(j.status.Text, "Cannot") })
	if j.client == nil || !strings.Contains(j.status.Text, "In the room as Ada Lovelace: connected") || j.formShown() {
		t.Fatalf("joined: %q", j.status.Text)
	}
	if p := l.app.Preferences(); p.String(prefRoomURL) != h.URL() || p.String(prefRoomToken) != h.Token() || p.String(prefRoomName) != "Ada Lovelace" {
		t.Error("the room is not kept in Preferences")
	}

	test.Type(l.lessons.prediction, "30%")
	test.Tap(l.lessons.run)
	if r := waitLesson(t, q, done); r.Err != "" {
		t.Fatal(r.Err)
	}
	q.until(t, "the outcome in the room", time.Minute, func() bool { return h.Snapshot().Lessons["race"].Count == 1 })
	r := h.Snapshot().Lessons["race"].Results[0]
	if r.Name != "Ada Lovelace" || r.Prediction == nil || *r.Prediction != 0.3 || r.Cores < 1 || r.OS == "" {
		t.Errorf("the room has %+v", r)
	}
	q.until(t, "the status to count it", time.Minute, func() bool { return strings.Contains(j.status.Text, "1 outcome sent this session") })
	shoot(t, l.win, "joined.png")

	// The room goes away: the status says so, and an outcome is kept.
	h.Close()
	q.until(t, "the status to say the room is away", time.Minute, func() bool { return strings.Contains(j.status.Text, "not connected") })
	j.send(&lesson.Outcome{Lesson: "race", Cores: 2, Measured: lesson.RaceMeasured{Expected: 40}, Answer: 0.5, Holds: true, Seconds: 1}, nil)
	q.until(t, "the outcome to be kept", time.Minute, func() bool { return strings.Contains(j.status.Text, "1 outcome kept on this computer") })
	// Back in the same folder: same port and token; the client reconnects and resends.
	h = &room.Host{Dir: filepath.Join(dir, "room")}
	if err := h.Start(); err != nil {
		t.Fatal(err)
	}
	q.until(t, "the kept outcome to arrive", 2*time.Minute, func() bool {
		s := h.Snapshot().Lessons["race"]
		return len(s.Results) == 1 && s.Results[0].Runs == 2
	})
	q.until(t, "the status to say it went", time.Minute, func() bool {
		return strings.Contains(j.status.Text, "connected.") && !strings.Contains(j.status.Text, "kept")
	})
	test.Tap(j.leave)
	if j.client != nil || !strings.HasPrefix(j.status.Text, "Not in a room") || !j.open.Visible() {
		t.Errorf("after leaving: %q", j.status.Text)
	}
}

// TestJoinRoomWrongToken is refused at Join, with one line saying why.
func TestJoinRoomWrongToken(t *testing.T) {
	dir := t.TempDir()
	h := &room.Host{Dir: filepath.Join(dir, "room")}
	if err := h.Start(); err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	l, q := newTestLab(t)
	j := l.join
	j.options = room.ClientOptions{IdentityFile: filepath.Join(dir, "id"), OutboxDir: filepath.Join(dir, "outbox")}
	test.Tap(j.open)
	j.line.SetText(strings.Replace(h.JoinLine(h.URL()), h.Token(), "0123456789abcdef0123456789abcdef", 1))
	j.name.SetText("Ada")
	test.Tap(j.join)
	q.until(t, "the refusal", time.Minute, func() bool { return strings.HasPrefix(j.status.Text, "Cannot join: ") })
	if j.client != nil || strings.Contains(j.status.Text, "\n") || !j.formShown() || j.note.Text != j.status.Text {
		t.Errorf("refused: %q", j.status.Text)
	}
	j.name.SetText("\x00\x01")
	test.Tap(j.join)
	if !strings.Contains(j.status.Text, "a name is needed") {
		t.Errorf("an empty name: %q", j.status.Text)
	}
}

// shoot saves what w shows as ROOM_SHOTS/name, to look at (Fyne's
// software painter, as captureWindow falls back to), when ROOM_SHOTS is set.
func shoot(t *testing.T, w fyne.Window, name string) {
	dir := os.Getenv("ROOM_SHOTS")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}

// TestClusterRunOnTheRoomsServer: while the window hosts a room, its
// Cluster runs queue their tasks on the room's server, with the room's
// token (one server serves both), the cluster panel says how to join it,
// and the room cannot be stopped under the run.
func TestClusterRunOnTheRoomsServer(t *testing.T) {
	l, q := newTestLab(t)
	h := hostInLab(t, l, q)
	if cs := l.cluster.spec(); cs.URL != h.URL() || cs.Token != h.Token() {
		t.Fatalf("cluster runs go to %+v, not the room's server %s", cs, h.URL())
	}
	if !strings.Contains(l.cluster.status.Text, "the room's server") || !strings.Contains(l.cluster.join.Text, "--token "+h.Token()) {
		t.Errorf("the cluster panel says %q / %q", l.cluster.status.Text, l.cluster.join.Text)
	}
	l.show(clusterSettings(4, 2))
	r := runOnce(t, l, q, func() {
		if l.run != nil && !l.host.stop.Disabled() {
			t.Error("Stop hosting is enabled during a run on the room's server")
		}
	})
	if r.Err != "" || r.OK != 4 || r.Joined < 1 {
		t.Fatalf("run: %+v", r)
	}
	test.Tap(l.host.stop)
	if cs := l.cluster.spec(); cs.URL != "" || strings.Contains(l.cluster.status.Text, "room") {
		t.Errorf("after Stop hosting, cluster runs go to %+v; the panel says %q", cs, l.cluster.status.Text)
	}
}
