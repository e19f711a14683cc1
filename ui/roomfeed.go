package ui

import (
	"fmt"
	"image"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot"

	"concurrencylab/jobs"
	"concurrencylab/lesson"
	"concurrencylab/lesson/chart"
	"concurrencylab/room"
)

// roomFeed follows a hosted room off the UI goroutine: at each change it
// takes the room's snapshot, draws the shown lesson's charts if what they
// show changed (only those: another lesson is drawn when it is picked),
// and hands the update to the Room tab through the bridge. It waits for
// each update to be on screen, and then roomEvery, before taking the next,
// so however fast results pour in, the tab changes at most a few times a
// second, and a burst costs one snapshot and one drawing.
type roomFeed struct {
	host   *room.Host
	redraw chan drawSpec // a lesson picked, a new scale or size
	shown  chan struct{}
	stop   chan struct{}
	once   sync.Once
}

// roomEvery is the least time between two of the Room tab's updates: live
// to the eye, and a tenth of the frames at most.
const roomEvery = 100 * time.Millisecond

// roomSettle is how long the charts' place must keep its size before they
// are drawn at it.
const roomSettle = 60 * time.Millisecond

// roomUpdate is what the feed hands the tab: the snapshot, the lesson whose
// charts it drew again (strip, and curve for scaling; nil: not drawn
// again), at when it was handed over.
type roomUpdate struct {
	feed   *roomFeed
	snap   room.Snapshot
	lesson string
	strip  image.Image
	curve  image.Image
	at     time.Time
}

// newRoomFeed starts following h, on a goroutine of bg; show gets each
// update on the UI goroutine.
func newRoomFeed(h *room.Host, bg background, show func(roomUpdate)) *roomFeed {
	f := &roomFeed{host: h, redraw: make(chan drawSpec, 1), shown: make(chan struct{}, 1), stop: make(chan struct{})}
	changes := h.Changes()
	bg.run(func() func() {
		var spec, drawnAt drawSpec
		var drawn string // what the shown lesson's charts show
		for {
			select {
			case _, ok := <-changes:
				if !ok {
					return nil
				}
			case spec = <-f.redraw:
				// A window being laid out passes through sizes on its way
				// (its least, then its own): the one it settles at is drawn.
				for settled := false; !settled; {
					select {
					case spec = <-f.redraw:
					case <-time.After(roomSettle):
						settled = true
					case <-f.stop:
						return nil
					}
				}
			case <-f.stop:
				return nil
			}
			if spec.scale == 0 {
				continue // not laid out yet: the first redraw draws
			}
			u := roomUpdate{feed: f, snap: h.Snapshot(), lesson: spec.shown}
			if sum := u.snap.Lessons[spec.shown]; sum != nil {
				if fp := fingerprint(sum); fp != drawn || spec != drawnAt {
					drawn, drawnAt = fp, spec
					u.strip, _ = stripImage(spec.shown, sum, spec.strip(spec.shown))
					if spec.shown == "scaling" {
						u.curve, _ = curvesImage(sum, spec.half())
					}
				}
			}
			bg.post(func() {
				u.at = time.Now() // the frame it is shown at
				show(u)
				select {
				case f.shown <- struct{}{}:
				default:
				}
			})
			select { // one update on its way at a time
			case <-f.shown:
			case <-f.stop:
				return nil
			}
			select {
			case <-time.After(roomEvery):
			case <-f.stop:
				return nil
			}
		}
	})
	return f
}

// redrawAt draws every chart again as spec says (and the first time,
// draws them).
func (f *roomFeed) redrawAt(spec drawSpec) {
	select {
	case <-f.redraw: // one not drawn yet: this one replaces it
	default:
	}
	f.redraw <- spec
}

// drawSpec is which lesson's charts are drawn, and how: at the
// presentation scale, to fill area (their place on screen, in Fyne's
// units), so that their text is the scale's size however large the window.
type drawSpec struct {
	shown string
	scale float32
	area  fyne.Size
}

// chartSize is a chart's size, drawn at scale, to fill w×h units.
type chartSize struct {
	w, h  int
	scale float64
}

// strip is where lesson name's strip plot goes: the whole area, or its left
// half beside the scaling lesson's curves.
func (d drawSpec) strip(name string) chartSize {
	if name == "scaling" {
		return d.half()
	}
	return d.size(d.area.Width)
}

func (d drawSpec) half() chartSize { return d.size((d.area.Width - chartGap) / 2) }

func (d drawSpec) size(w float32) chartSize {
	return chartSize{int(w / d.scale), int(d.area.Height / d.scale), float64(d.scale)}
}

// chartGap is the space between two charts side by side.
const chartGap = 8

// close stops the feed.
func (f *roomFeed) close() { f.once.Do(func() { close(f.stop) }) }

// fingerprint is what a lesson's charts show: every latest result's
// participant, time and figures.
func fingerprint(sum *room.Summary) string {
	var b strings.Builder
	for _, r := range sum.Results {
		fmt.Fprintf(&b, "%s %d %v %v;", r.ID, r.Sent.UnixNano(), r.Answer, r.Holds)
		if r.Prediction != nil {
			fmt.Fprintf(&b, "%v;", *r.Prediction)
		}
	}
	return b.String()
}

func stripImage(name string, sum *room.Summary, at chartSize) (image.Image, error) {
	ls, err := lesson.Find(name)
	if err != nil {
		return nil, err
	}
	p, err := chart.Strip(ls, room.StripEntries(sum))
	if err != nil {
		return nil, err
	}
	compact(p, at)
	return chart.ImageScaled(p, at.w, at.h, at.scale), nil
}

func curvesImage(sum *room.Summary, at chartSize) (image.Image, error) {
	p, err := chart.RoomScaling(room.Curves(sum), jobs.Thumbnail)
	if err != nil {
		return nil, err
	}
	compact(p, at)
	return chart.ImageScaled(p, at.w, at.h, at.scale), nil
}

// summaryText is a lesson across the room in three lines (a height that
// does not change as results come): how many sent it and held, then the
// predictions' and the answers' middles and ends.
func summaryText(ls *lesson.Lesson, sum *room.Summary) string {
	if sum.Count == 0 {
		return fmt.Sprintf("%s: no laptop has sent it yet.\nPredicted: —\nMeasured: —", ls.Name)
	}
	spread := func(s room.Spread) string {
		if s.N == 0 {
			return "none"
		}
		return fmt.Sprintf("median %s, from %s to %s", ls.AnswerText(s.Median), ls.AnswerText(s.Min), ls.AnswerText(s.Max))
	}
	return fmt.Sprintf("%s: %d %s sent it; the claim held on %d.\nPredicted (%d): %s.\nMeasured (%d): %s.",
		ls.Name, sum.Count, plural(sum.Count, "laptop", "laptops"), sum.Held,
		sum.Predictions.N, spread(sum.Predictions), sum.Answers.N, spread(sum.Answers))
}

func sameResults(a, b []room.Result) bool {
	for i := range a {
		if a[i].ID != b[i].ID || !a[i].Sent.Equal(b[i].Sent) || a[i].Name != b[i].Name {
			return false
		}
	}
	return true
}

// chartsLayout places the room's charts: the strip plot over the whole
// area, or on its left half beside the scaling lesson's curves; and when
// the area's size changes (the window resized, the board moved to its own
// window), it asks for them drawn again at that size.
type chartsLayout struct{ v *hostView }

func (c chartsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	strip, curves := objs[0], objs[1]
	if c.v.shown == "scaling" {
		half := fyne.NewSize((size.Width-chartGap)/2, size.Height)
		strip.Resize(half)
		strip.Move(fyne.NewPos(0, 0))
		curves.Resize(half)
		curves.Move(fyne.NewPos(half.Width+chartGap, 0))
	} else {
		strip.Resize(size)
		strip.Move(fyne.NewPos(0, 0))
	}
	c.v.areaChanged(size)
}

// MinSize is small: the split above the table gives the charts their room.
func (chartsLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(240, 60) }

// compact leaves out what a short chart has no room for, so that its data
// keep some: the title (the summary over the charts says it) below 260
// units, the axes' labels below 160.
func compact(p *plot.Plot, at chartSize) {
	if at.h < 260 {
		p.Title.Text = ""
	}
	if at.h < 160 {
		p.X.Label.Text, p.Y.Label.Text = "", ""
	}
}

// roomColumns are the participants table's columns.
var roomColumns = []struct {
	title string
	width float32 // at the normal scale
}{{"name", 170}, {"cores", 60}, {"OS", 80}, {"predicted", 130}, {"measured", 130}, {"verdict", 520}}

// newRoomTable lists *rows, one participant a row: name, cores, OS,
// prediction, measured answer and verdict.
func newRoomTable(rows *[]room.Result) *widget.Table {
	t := widget.NewTableWithHeaders(
		func() (int, int) { return len(*rows), len(roomColumns) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Row < len(*rows) {
				text, imp := roomCell((*rows)[id.Row], id.Col)
				setStyled(o.(*widget.Label), text, imp)
			}
		})
	t.ShowHeaderColumn = false
	t.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(roomColumns) {
			o.(*widget.Label).SetText(roomColumns[id.Col].title)
		}
	}
	sizeRoomColumns(t, 1)
	return t
}

// sizeRoomColumns sets the table's columns' widths for scale.
func sizeRoomColumns(t *widget.Table, scale float32) {
	for i, c := range roomColumns {
		t.SetColumnWidth(i, c.width*scale)
	}
}

// roomCell is one cell of the participants table, and its importance (the
// verdict's colour).
func roomCell(r room.Result, col int) (string, widget.Importance) {
	ls, err := lesson.Find(r.Lesson)
	if err != nil {
		return "", widget.MediumImportance
	}
	switch col {
	case 0:
		return r.Name, widget.MediumImportance
	case 1:
		return strconv.Itoa(r.Cores), widget.MediumImportance
	case 2:
		return r.OS, widget.MediumImportance
	case 3:
		if r.Prediction == nil {
			return "—", widget.MediumImportance
		}
		return ls.AnswerText(*r.Prediction), widget.MediumImportance
	case 4:
		text := ls.AnswerText(r.Answer)
		if r.Runs > 1 {
			text += fmt.Sprintf(" (run %d)", r.Runs)
		}
		return text, widget.MediumImportance
	}
	// A lesson's verdict begins with "Holds" or "Does not hold here".
	text, imp := r.Verdict, widget.SuccessImportance
	if !r.Holds {
		imp = widget.WarningImportance
	}
	if text == "" {
		text = map[bool]string{true: "Holds.", false: "Does not hold here."}[r.Holds]
	}
	return text, imp
}

// percentiles are the p50, p95 and largest of ms (which it sorts), 0 for none.
func percentiles(ms []float64) (p50, p95, most float64) {
	if len(ms) == 0 {
		return 0, 0, 0
	}
	s := slices.Sorted(slices.Values(ms))
	at := func(q float64) float64 { return s[int(math.Ceil(q*float64(len(s))))-1] }
	return at(0.5), at(0.95), s[len(s)-1]
}
