package ui

import (
	"encoding/json"
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

	"concurrencylab/jobs"
	"concurrencylab/lesson"
	"concurrencylab/lesson/chart"
	"concurrencylab/room"
)

// roomFeed follows a hosted room off the UI goroutine: at each change it
// takes the room's snapshot, draws the charts of the lessons whose results
// changed (only those), and hands the update to the Room tab through the
// bridge. It waits for each update to be on screen before taking the next,
// so however fast results pour in, the tab changes at most once a frame,
// and a burst costs one snapshot and one drawing per lesson.
type roomFeed struct {
	host   *room.Host
	redraw chan float32 // a new presentation scale: every chart again
	shown  chan struct{}
	stop   chan struct{}
	once   sync.Once
}

// roomUpdate is what the feed hands the tab: the snapshot, the strip plots
// drawn again (by lesson) and the scaling curves if drawn again, at when
// it was handed over.
type roomUpdate struct {
	feed   *roomFeed
	snap   room.Snapshot
	strips map[string]image.Image
	curve  image.Image
	at     time.Time
}

// newRoomFeed starts following h, on a goroutine of bg; show gets each
// update on the UI goroutine.
func newRoomFeed(h *room.Host, bg background, show func(roomUpdate)) *roomFeed {
	f := &roomFeed{host: h, redraw: make(chan float32, 1), shown: make(chan struct{}, 1), stop: make(chan struct{})}
	changes := h.Changes()
	bg.run(func() func() {
		drawn := map[string]string{} // lesson → what its chart shows
		var curves string
		scale := float32(0)
		for {
			select {
			case _, ok := <-changes:
				if !ok {
					return nil
				}
			case s := <-f.redraw:
				scale, drawn, curves = s, map[string]string{}, ""
			case <-f.stop:
				return nil
			}
			if scale == 0 {
				continue // no scale yet: the first rescale draws
			}
			u := roomUpdate{feed: f, snap: h.Snapshot(), strips: map[string]image.Image{}}
			for _, name := range u.snap.Order {
				sum := u.snap.Lessons[name]
				fp := fingerprint(sum)
				if drawn[name] == fp {
					continue
				}
				drawn[name] = fp
				if img, err := stripImage(name, sum, scale); err == nil {
					u.strips[name] = img
				}
				if name == "scaling" && fp != curves {
					curves = fp
					if img, err := curvesImage(sum, scale); err == nil {
						u.curve = img
					}
				}
			}
			u.at = time.Now()
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
		}
	})
	return f
}

// rescale draws every chart again at scale (and the first time, draws them).
func (f *roomFeed) rescale(scale float32) {
	select {
	case <-f.redraw: // a scale not drawn yet: this one replaces it
	default:
	}
	f.redraw <- scale
}

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

// entries are a lesson's results as the strip plot takes them.
func entries(sum *room.Summary) []chart.RoomEntry {
	out := make([]chart.RoomEntry, len(sum.Results))
	for i, r := range sum.Results {
		out[i] = chart.RoomEntry{Name: r.Name, Prediction: r.Prediction, Answer: r.Answer, Holds: r.Holds}
	}
	return out
}

func stripImage(name string, sum *room.Summary, scale float32) (image.Image, error) {
	ls, err := lesson.Find(name)
	if err != nil {
		return nil, err
	}
	p, err := chart.Strip(ls, entries(sum))
	if err != nil {
		return nil, err
	}
	return chart.ImageScaled(p, roomChartW, roomChartH, float64(scale)), nil
}

// curvesOf are the scaling lesson's results as curves: a result whose
// figures do not read as the lesson's is left out.
func curvesOf(sum *room.Summary) []chart.Curve {
	var out []chart.Curve
	for _, r := range sum.Results {
		var m lesson.ScalingMeasured
		if json.Unmarshal(r.Measured, &m) != nil || len(m.Workers) == 0 {
			continue
		}
		out = append(out, chart.Curve{Name: r.Name, Cores: r.Cores, Measured: m})
	}
	return out
}

func curvesImage(sum *room.Summary, scale float32) (image.Image, error) {
	p, err := chart.RoomScaling(curvesOf(sum), jobs.Thumbnail)
	if err != nil {
		return nil, err
	}
	return chart.ImageScaled(p, roomChartW, roomChartH, float64(scale)), nil
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
