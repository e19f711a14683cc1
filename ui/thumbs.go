package ui

import (
	"image"
	"sync"

	"concurrencylab/jobs/imagecheck"
	"concurrencylab/jobs/thumb"
)

// readyPics are pictures the loader made, waiting for the UI goroutine.
type readyPics struct {
	mu   sync.Mutex
	pics []readyPic
}

type readyPic struct {
	path string
	pic  image.Image // nil: the file could not be read
}

func (r *readyPics) add(path string, pic image.Image) {
	r.mu.Lock()
	r.pics = append(r.pics, readyPic{path, pic})
	r.mu.Unlock()
}

func (r *readyPics) take() []readyPic {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.pics
	r.pics = nil
	return p
}

// thumbLoader makes cell pictures on one goroutine at a time, started when
// there is work and ending when there is none: several decoding at once
// would take every core from the UI goroutine when a screenful of cells appears.
type thumbLoader struct {
	mu      sync.Mutex
	queue   []thumbJob
	running bool
}

type thumbJob struct {
	path string
	box  image.Point
	done func(image.Image)
}

func (t *thumbLoader) load(path string, box image.Point, done func(image.Image)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.queue = append(t.queue, thumbJob{path, box, done})
	if !t.running {
		t.running = true
		go t.run()
	}
}

func (t *thumbLoader) run() {
	for {
		t.mu.Lock()
		if len(t.queue) == 0 {
			t.running = false
			t.mu.Unlock()
			return
		}
		j := t.queue[0]
		t.queue = t.queue[1:]
		t.mu.Unlock()
		j.done(cellImage(j.path, j.box))
	}
}

// cellImage is the cell picture of the thumbnail at path, fitted inside box
// (in pixels), or nil if it cannot be read (the cell stays empty).
func cellImage(path string, box image.Point) image.Image {
	pic, err := thumb.Preview(path, box, imagecheck.Default)
	if err != nil {
		return nil // not a nil *image.RGBA in an image.Image
	}
	return pic
}

// thumbCache holds the last thumbCacheSize cell pictures (a screenful is a
// few dozen; 120×96 pixels on a 1× canvas, 45 KiB each). Used on the UI goroutine.
type thumbCache struct {
	pics  map[string]image.Image // nil value: being decoded, or undecodable
	order []string               // oldest first
}

const thumbCacheSize = 128

func (c *thumbCache) get(path string) (image.Image, bool) {
	pic, ok := c.pics[path]
	return pic, ok
}

func (c *thumbCache) loading(path string) { c.put(path, nil) }

func (c *thumbCache) put(path string, pic image.Image) {
	if c.pics == nil {
		c.pics = map[string]image.Image{}
	}
	if _, ok := c.pics[path]; !ok {
		c.order = append(c.order, path)
		if len(c.order) > thumbCacheSize {
			delete(c.pics, c.order[0])
			c.order = c.order[1:]
		}
	}
	c.pics[path] = pic
}
