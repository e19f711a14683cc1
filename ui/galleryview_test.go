package ui

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/jobs"
)

// TestCellImageFitsTheCell checks the loader's side of thumb.Preview (tested
// in jobs/thumb): a picture for the cell, or a nil image.Image, not a nil
// *image.RGBA in one, when there is none.
func TestCellImageFitsTheCell(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 256, 192)), nil); err != nil {
		t.Fatal(err)
	}
	ok := dir + "/ok.jpg"
	os.WriteFile(ok, buf.Bytes(), 0o644)
	for box, want := range map[image.Point]image.Rectangle{
		image.Pt(120, 96):  image.Rect(0, 0, 120, 90),
		image.Pt(240, 192): image.Rect(0, 0, 240, 180), // a 2× canvas
	} {
		if pic, isRGBA := cellImage(ok, box).(*image.RGBA); !isRGBA || pic.Rect != want {
			t.Errorf("in %v: got %T, want an *image.RGBA %v", box, cellImage(ok, box), want)
		}
	}
	bad := dir + "/bad.jpg"
	os.WriteFile(bad, []byte("not a picture"), 0o644)
	for _, path := range []string{bad, dir + "/missing.jpg"} {
		if got := cellImage(path, image.Pt(120, 96)); got != nil {
			t.Errorf("%s: got %v, want nil (the cell stays empty)", path, got.Bounds())
		}
	}
}

func TestThumbLoaderRunsOneJobAtATimeAndEnds(t *testing.T) {
	var ld thumbLoader
	var mu sync.Mutex
	running, most := 0, 0
	done := make(chan struct{}, 20)
	for i := 0; i < 20; i++ {
		ld.load("/does/not/exist", image.Pt(120, 96), func(image.Image) {
			mu.Lock()
			running++
			most = max(most, running)
			mu.Unlock()
			time.Sleep(time.Millisecond) // overlap, if there were a second loader
			mu.Lock()
			running--
			mu.Unlock()
			done <- struct{}{}
		})
	}
	for i := 0; i < 20; i++ {
		select {
		case <-done:
		case <-time.After(patience):
			t.Fatalf("%d of 20 jobs done", i)
		}
	}
	if most != 1 {
		t.Errorf("%d jobs ran at once, want 1", most)
	}
	deadline := time.Now().Add(patience)
	for {
		ld.mu.Lock()
		r := ld.running
		ld.mu.Unlock()
		if !r {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the loader goroutine did not end with its queue empty")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestLoadedPicturesWaitForTheFrame(t *testing.T) {
	l, q := newTestLab(t)
	dir := t.TempDir()
	path := dir + "/a.png"
	var buf bytes.Buffer
	png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 40, 30)))
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	close(l.stop) // no more frames but the test's own
	for len(q) > 0 {
		(<-q)()
	}
	g := l.gallery
	if g.thumbnail(path) != nil {
		t.Fatal("a picture before it was loaded")
	}
	deadline := time.Now().Add(patience)
	for {
		g.ready.mu.Lock()
		n := len(g.ready.pics)
		g.ready.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the loader did not make the picture")
		}
		time.Sleep(time.Millisecond)
	}
	// Made, but not shown: the loader asks nothing of the UI goroutine (each
	// request would be a repaint of its own); a frame takes the picture.
	if len(q) != 0 {
		t.Fatalf("the loader posted %d functions to the UI goroutine", len(q))
	}
	for range 6 { // a tenth of a second of frames
		l.frame(time.Now())
	}
	if pic, _ := g.thumbs.get(path); pic == nil || pic.Bounds().Dx() != 40 {
		t.Fatalf("after six frames the cache holds %v", pic)
	}
}

// cells returns the grid's laid-out cells: each its picture and its name.
func cells(t *testing.T, g *galleryView) (imgs []*canvas.Image, names []*widget.Label) {
	t.Helper()
	test.WidgetRenderer(g.grid).Layout(g.grid.Size())
	for _, o := range test.LaidOutObjects(g.grid) {
		c, ok := o.(*fyne.Container)
		if !ok || len(c.Objects) != 2 {
			continue
		}
		img, ok1 := c.Objects[0].(*canvas.Image)
		box, ok2 := c.Objects[1].(*fyne.Container)
		if !ok1 || !ok2 || len(box.Objects) != 3 {
			continue
		}
		if name, ok := box.Objects[1].(*widget.Label); ok {
			imgs, names = append(imgs, img), append(names, name)
		}
	}
	return imgs, names
}

func TestCellsShowPicturesWithoutCaptionsAndNamesWithoutPictures(t *testing.T) {
	l, _ := newTestLab(t)
	close(l.stop) // no frames but the test's own
	g := l.gallery
	g.grid.Resize(fyne.NewSize(400, 300))
	g.thumbs.put("a.png", image.NewRGBA(image.Rect(0, 0, 120, 90)))
	g.add([]galleryItem{
		{Index: 0, Name: "a.jpg", Info: jobs.Info{Thumbnail: "a.png"}},
		{Index: 1, Name: "b.jpg"}, // downloaded only: no thumbnail
	})
	g.applyReady()
	imgs, names := cells(t, g)
	if len(imgs) != 2 {
		t.Fatalf("%d cells laid out, want 2", len(imgs))
	}
	if !imgs[0].Visible() || imgs[0].Image == nil || names[0].Visible() {
		t.Errorf("a thumbnail's cell: picture shown %v (%v), caption shown %v", imgs[0].Visible(), imgs[0].Image != nil, names[0].Visible())
	}
	if imgs[1].Visible() || !names[1].Visible() || names[1].Text != "b.jpg" {
		t.Errorf("a download's cell: picture shown %v, name shown %v %q", imgs[1].Visible(), names[1].Visible(), names[1].Text)
	}
	// Cells are reused as the grid scrolls: a cell that showed a name shows
	// a picture, and no name, when it is given a thumbnail's item.
	cell := g.grid.CreateItem().(*fyne.Container)
	img, name := cell.Objects[0].(*canvas.Image), cell.Objects[1].(*fyne.Container).Objects[1].(*widget.Label)
	g.grid.UpdateItem(1, cell)
	if img.Visible() || !name.Visible() {
		t.Fatalf("a download's cell: picture shown %v, name shown %v", img.Visible(), name.Visible())
	}
	g.grid.UpdateItem(0, cell)
	if !img.Visible() || img.Image == nil || name.Visible() {
		t.Errorf("the same cell given a thumbnail: picture shown %v (%v), name shown %v", img.Visible(), img.Image != nil, name.Visible())
	}
}

func TestGalleryNamesFitTheirCell(t *testing.T) {
	test.NewTempApp(t)
	long := "photo-0001-4000x3000.jpg"
	got := fitName(long, cellPicture.Width)
	if got == long || !strings.HasPrefix(got, "photo-00") || !strings.HasSuffix(got, "jpg") || !strings.Contains(got, "…") {
		t.Errorf("fitName = %q", got)
	}
	if w := fyne.MeasureText(got, theme.TextSize(), fyne.TextStyle{}).Width; w > cellPicture.Width-2*theme.InnerPadding() {
		t.Errorf("%q is %v wide", got, w)
	}
	if fitName("a.jpg", cellPicture.Width) != "a.jpg" {
		t.Error("a short name was cut")
	}
}

// TestGalleryDetailSaysTheWarning: an item made despite a flaw in its file
// says what the flaw was when it is selected.
func TestGalleryDetailSaysTheWarning(t *testing.T) {
	l := newFramelessLab(t)
	l.begin("run") // under way: frames show its progress
	l.bridge.reset(time.Now())
	const warning = "Corrupt JPEG data: 5 extraneous bytes before marker 0xdb"
	l.bridge.Report(jobs.Event{Kind: jobs.ItemDone, Item: 0, Name: "clean.jpg"})
	l.bridge.Report(jobs.Event{Kind: jobs.ItemDone, Item: 1, Name: "photoshop.jpg", Info: jobs.Info{Warning: warning}})
	runEnd{run: l.run, start: l.run.start, wall: time.Second}.apply(l)
	for i, want := range []bool{false, true} {
		l.gallery.grid.Select(i)
		if txt := l.gallery.detailText.Text; strings.Contains(txt, "Warning: "+warning) != want {
			t.Errorf("item %d: %q", i, txt)
		}
	}
}
