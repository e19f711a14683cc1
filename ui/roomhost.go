package ui

import (
	"fmt"
	"image"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/lesson"
	"concurrencylab/room"
)

// defaultRoomAddr is where a hosted room listens unless the facilitator
// says otherwise: every network of this computer, NATS's usual port (the
// laptops in the room must reach it). The token guards it.
const defaultRoomAddr = "0.0.0.0:4222"

// hostView is the Room tab, the facilitator's: Host a room starts the
// room's server here (the one `concurrencylab room` starts, keeping its
// results in the same folder, so either continues the other's room), shows
// the line participants join with, and then, per lesson, the room's
// predictions and measured answers as a strip plot, how many held, every
// laptop's scaling curve, and a table of participants, live as results
// arrive: the board, which opens on a window of its own for the projector
// (roomwindow.go). The charts are drawn off the UI goroutine (roomfeed.go),
// only when they changed, and the board changes every 100 ms at most.
type hostView struct {
	box     *fyne.Container
	idle    *fyne.Container // before hosting: the address and Host a room
	live    *fyne.Container // while hosting: the buttons, and the board or a note
	board   *fyne.Container // the room, for the projector
	slot    *fyne.Container // where the board is on the tab
	own     *widget.Button  // On its own window
	addr    *fieldEntry
	where   *widget.Label // the folder the room keeps
	start   *widget.Button
	status  *widget.Label
	line    *widget.Label // the join line, selectable
	copy    *widget.Button
	save    *widget.Button
	stop    *widget.Button
	pick    *widget.Select
	summary *widget.Label
	charts  *fyne.Container // the strip plot, and the curves beside it
	strip   *canvas.Image
	curves  *canvas.Image
	table   *widget.Table

	bg      background
	stopped func() bool
	// dir is the room's folder ("": room.DefaultDir()); tests give their own.
	dir  string
	logf func(string) // a line for the status bar (the host's own notes)

	newWindow func(title string) fyne.Window // nil: no window of its own (some tests)
	win       fyne.Window                    // the board's own window, when shown there
	inTab     bool                           // the facilitator brought it back: keep it here

	host      *room.Host // the UI goroutine's: nil when not hosting
	feed      *roomFeed
	snap      room.Snapshot
	shown     string                 // the lesson shown
	strips    map[string]image.Image // drawn, by lesson
	curve     image.Image            // every laptop's scaling curves
	drawScale float32                // the presentation scale
	drawn     drawSpec               // what the feed was last asked to draw
	rows      []room.Result          // the shown lesson's, as the table lists them
	// latency is, for each result shown, the milliseconds from when the
	// participant sent it to its first frame here (both clocks are the
	// same on loopback; across machines they differ by the clocks' skew).
	latency []float64
	seen    map[string]bool
	// applied is how long each update took on the UI goroutine, in ms
	// (before the repaint it asks for).
	applied []float64
	// onShown, if set, is told the results shown after each update (autorun).
	onShown func(results int)
	// onHosting, if set, is told the room started (its host) or stopped (nil).
	onHosting func(*room.Host)

	pending handoff[*room.Host] // as clusterView's: a host started, not shown yet
}

// newHostView builds the Room tab at presentation scale scale: newWindow
// opens the board's own window, clipboard is where Copy puts the join line,
// save asks where to save the room's results, status shows the host's
// notes, bg runs the server's start and the charts' drawing.
func newHostView(scale float32, newWindow func(string) fyne.Window, clipboard func() fyne.Clipboard, shortcut func(fyne.Shortcut) bool,
	bg background, stopped func() bool, save func(), status func(string)) *hostView {
	v := &hostView{bg: bg, stopped: stopped, logf: status, strips: map[string]image.Image{}, seen: map[string]bool{}, drawScale: scale}
	v.addr = newFieldEntry(shortcut)
	v.addr.SetText(defaultRoomAddr)
	v.where = wrappedHint("")
	v.start = widget.NewButtonWithIcon("Host a room", theme.MediaPlayIcon(), v.hostRoom)
	v.start.Importance = widget.HighImportance
	title := widget.NewLabelWithStyle("Host a room", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	v.idle = container.NewVBox(title,
		wrapped("For the facilitator. The laptops in the room join with the line shown here, and each lesson they run sends its outcome and their prediction. "+
			"The room's board then shows the whole room, lesson by lesson, as results arrive, on a window of its own: put it on the projector (Ctrl+= makes everything larger)."),
		widget.NewForm(widget.NewFormItem("Listen on", v.addr)),
		wrappedHint("0.0.0.0:4222: every network of this computer (the laptops must reach its port 4222); 127.0.0.1:0: this computer only. A random token guards it."),
		v.where, container.NewHBox(v.start))

	v.status = widget.NewLabel("") // one line: its height must not change as it counts
	v.status.Truncation = fyne.TextTruncateEllipsis
	v.line = widget.NewLabel("")
	v.line.Selectable = true
	v.line.TextStyle = fyne.TextStyle{Monospace: true}
	v.copy = widget.NewButtonWithIcon("Copy the join line", theme.ContentCopyIcon(), func() {
		if cb := clipboard(); cb != nil && v.host != nil {
			cb.SetContent(v.joinLines()[0])
		}
	})
	v.save = widget.NewButtonWithIcon("Save room results…", theme.DocumentSaveIcon(), save)
	v.stop = widget.NewButtonWithIcon("Stop hosting", theme.MediaStopIcon(), v.stopHosting)
	var opts []string // short: the summary beside it says the rest
	for i, ls := range lesson.All {
		opts = append(opts, fmt.Sprintf("%d. %s", i+1, ls.Name))
	}
	v.pick = widget.NewSelect(opts, func(string) {
		if i := v.pick.SelectedIndex(); i >= 0 {
			v.showLesson(lesson.All[i].Name)
		}
	})
	v.summary = widget.NewLabel("") // three lines, not wrapped: the charts' place keeps its size
	v.summary.TextStyle = fyne.TextStyle{Bold: true}
	v.summary.Truncation = fyne.TextTruncateEllipsis
	v.strip = roomImage()
	v.curves = roomImage()
	v.curves.Hide()
	v.table = newRoomTable(&v.rows)
	sizeRoomColumns(v.table, scale)
	v.charts = container.New(chartsLayout{v}, v.strip, v.curves)
	v.own = widget.NewButtonWithIcon("On its own window", theme.ViewFullScreenIcon(), v.openBoard)
	if newWindow == nil {
		v.own.Hide()
	}
	v.newWindow = newWindow
	split := container.NewVSplit(v.charts, v.table)
	split.Offset = 0.6
	// The board is what the room sees: on the tab, or on a window of its
	// own that goes on the projector (see roomwindow.go).
	v.board = container.NewBorder(container.NewVBox(v.status, container.NewHScroll(v.line), widget.NewSeparator(),
		container.NewBorder(nil, nil, container.NewVBox(v.pick), nil, v.summary)), nil, nil, nil, split)
	v.slot = container.NewStack(v.board)
	v.live = container.NewBorder(container.NewHBox(v.copy, v.save, v.own, v.stop), nil, nil, nil, v.slot)
	v.live.Hide()
	v.box = container.NewStack(container.NewVScroll(v.idle), v.live)
	v.pick.SetSelectedIndex(0)
	v.showWhere()
	return v
}

func (v *hostView) object() fyne.CanvasObject { return v.box }

func roomImage() *canvas.Image {
	img := canvas.NewImageFromImage(nil)
	img.FillMode = canvas.ImageFillContain // drawn to fit: this only keeps its shape meanwhile
	return img
}

// showWhere says where the room keeps its results.
func (v *hostView) showWhere() {
	dir := v.dir
	if dir == "" {
		d, err := room.DefaultDir()
		if err != nil {
			setText(v.where, err.Error())
			return
		}
		dir = d
	}
	setText(v.where, "The room keeps every result in "+dir+" as it arrives: hosting again (here or with `concurrencylab room`) continues the same room, with the same token and results.")
}

// joinLines are the lines participants join with: one per address of this
// machine for a room on every network, or the loopback one.
func (v *hostView) joinLines() []string {
	urls := v.host.JoinURLs()
	if len(urls) == 0 {
		urls = []string{v.host.URL()}
	}
	lines := make([]string, len(urls))
	for i, u := range urls {
		lines[i] = v.host.JoinLine(u)
	}
	return lines
}

// showHostStatus says where the room is and how full.
func (v *hostView) showHostStatus() {
	s := v.snap
	n := 0
	for _, sum := range s.Lessons {
		n += sum.Count
	}
	text := fmt.Sprintf("Hosting the room on port %d: %d %s, %d %s. Each laptop joins with:",
		v.host.Port(), len(s.Participants), plural(len(s.Participants), "laptop", "laptops"), n, plural(n, "result", "results"))
	if s.Rejected > 0 {
		text = fmt.Sprintf("Hosting the room on port %d: %d %s, %d %s (%d %s rejected: never shown). Each laptop joins with:",
			v.host.Port(), len(s.Participants), plural(len(s.Participants), "laptop", "laptops"), n, plural(n, "result", "results"),
			s.Rejected, plural(s.Rejected, "message", "messages"))
	}
	setText(v.status, text)
}

// apply shows a feed's update; it runs on the UI goroutine.
func (v *hostView) apply(u roomUpdate) {
	if v.host == nil || v.feed != u.feed {
		return
	}
	defer func(t0 time.Time) { v.applied = append(v.applied, float64(time.Since(t0).Microseconds())/1000) }(time.Now())
	v.snap = u.snap
	if u.strip != nil {
		v.strips[u.lesson] = u.strip
	}
	if u.curve != nil {
		v.curve = u.curve
	}
	total := 0
	for _, sum := range u.snap.Lessons {
		total += sum.Count
		for _, r := range sum.Results {
			if k := r.ID + "/" + r.Lesson + "/" + r.Sent.String(); !v.seen[k] {
				v.seen[k] = true
				v.latency = append(v.latency, float64(u.at.Sub(r.Sent).Microseconds())/1000)
			}
		}
	}
	v.showHostStatus()
	v.showLesson(v.shown)
	if v.onShown != nil {
		v.onShown(total)
	}
}

// showLesson shows lesson name's summary, charts and participants.
func (v *hostView) showLesson(name string) {
	changed := v.shown != name
	v.shown = name
	ls, err := lesson.Find(name)
	if err != nil {
		return
	}
	sum := v.snap.Lessons[name]
	if sum == nil {
		sum = &room.Summary{Lesson: name}
	}
	setText(v.summary, summaryText(ls, sum))
	if img := v.strips[name]; img != v.strip.Image {
		v.strip.Image = img
		v.strip.Refresh()
	}
	if name == "scaling" {
		if v.curves.Image != v.curve {
			v.curves.Image = v.curve
			v.curves.Refresh()
		}
		v.curves.Show()
	} else {
		v.curves.Hide()
	}
	if changed {
		v.charts.Refresh() // the strip's place: beside the curves or not
		v.areaChanged(v.charts.Size())
	}
	rows := sum.Results
	if changed || len(rows) != len(v.rows) || !sameResults(rows, v.rows) {
		v.rows = rows
		v.table.Refresh()
	}
}

// rescale draws the charts again at scale.
func (v *hostView) rescale(scale float32) {
	v.drawScale = scale
	sizeRoomColumns(v.table, scale)
	v.areaChanged(v.charts.Size())
}

// areaChanged asks the feed to draw the charts again if the presentation
// scale changed or their place on screen did by more than a few per cent
// (a chart drawn at its place's size keeps its text at the scale's size).
func (v *hostView) areaChanged(area fyne.Size) {
	if v.feed == nil || area.Width < 100 || area.Height < 60 {
		return
	}
	// A chart a little off its place's size shows whole (it is drawn to
	// fit), so the text above it changing its height by a line does not
	// draw it again.
	d := v.drawn
	near := func(a, b float32) bool { return a > 0 && b/a > 0.9 && b/a < 1.1 }
	if d.shown == v.shown && d.scale == v.drawScale && near(d.area.Width, area.Width) && near(d.area.Height, area.Height) {
		return
	}
	v.drawn = drawSpec{shown: v.shown, scale: v.drawScale, area: area}
	v.feed.redrawAt(v.drawn)
}
