// Package gallery makes and serves the built-in image gallery: deterministic,
// photo-like JPEGs (gradients, shapes and sensor-like noise, so decoding costs
// what a photo costs), generated once into a cache folder and served over HTTP on
// 127.0.0.1 with a simulated network.
package gallery

import (
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"concurrencylab/jobs/atomicfile"
)

// version is part of the cache folder's name; bump it when the pictures change.
const version = 1

// MaxImages is the largest built-in gallery: about 1.2 GB of photos in the
// cache, a few minutes to generate. Larger sets are a folder's job.
const MaxImages = 1000

// TooMany explains why a built-in gallery of n pictures is refused.
func TooMany(n int) error {
	return fmt.Errorf("the built-in gallery has at most %d pictures, not %d (each is generated and cached on disk); to work on more, point the source at a folder of your own (dir:PATH)", MaxImages, n)
}

// Size is a picture's width and height in pixels.
type Size struct{ W, H int }

// PhotoSizes are the sizes the default gallery cycles through: a 12 MP camera
// photo, a 4 MP phone export and a 1 MP web image.
var PhotoSizes = []Size{{4000, 3000}, {2400, 1600}, {1200, 800}}

// Image is one picture of the gallery.
type Image struct {
	Name   string `json:"name"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Bytes  int64  `json:"bytes"`
	Path   string `json:"-"`             // the file in the cache folder
	URL    string `json:"url,omitempty"` // set once served
}

// DefaultDir is the cache folder for generated galleries.
func DefaultDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(base, "concurrencylab", fmt.Sprintf("gallery-v%d", version)), nil
}

// Ensure returns the first count pictures of the gallery whose sizes cycle
// through sizes, generating into dir those not there yet, on all cores. Files
// are written atomically, so an interrupted or concurrent Ensure is safe.
func Ensure(ctx context.Context, dir string, count int, sizes []Size) ([]Image, error) {
	return EnsureProgress(ctx, dir, count, sizes, nil)
}

// EnsureProgress is Ensure that calls progress, when set, with how many
// pictures it has generated and how many it must, after each (from any
// goroutine); it is not called when every picture is cached.
func EnsureProgress(ctx context.Context, dir string, count int, sizes []Size, progress func(made, toMake int)) ([]Image, error) {
	if count < 0 {
		return nil, fmt.Errorf("gallery size %d is negative", count)
	}
	if count > MaxImages {
		return nil, TooMany(count)
	}
	if len(sizes) == 0 {
		sizes = PhotoSizes
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	// One look at each file: what is there gives its size, what is not is made.
	imgs := make([]Image, count)
	var missing []int
	for i := range imgs {
		s := sizes[i%len(sizes)]
		name := fileName(i, s)
		imgs[i] = Image{Name: name, Width: s.W, Height: s.H, Path: filepath.Join(dir, name)}
		if fi, err := os.Stat(imgs[i].Path); err == nil {
			imgs[i].Bytes = fi.Size()
		} else {
			missing = append(missing, i)
		}
	}
	var made atomic.Int64
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.NumCPU())
	for _, i := range missing {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			im := &imgs[i]
			err := atomicfile.Write(im.Path, func(w io.Writer) error {
				return jpeg.Encode(w, Picture(int64(i+1), im.Width, im.Height), &jpeg.Options{Quality: 85})
			})
			if err != nil {
				return fmt.Errorf("generating %s: %w", im.Name, err)
			}
			if progress != nil {
				progress(int(made.Add(1)), len(missing))
			}
			fi, err := os.Stat(im.Path)
			if err != nil {
				return err
			}
			im.Bytes = fi.Size()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return imgs, nil
}

// fileName is the file name of picture i of size s.
func fileName(i int, s Size) string { return fmt.Sprintf("photo-%04d-%dx%d.jpg", i+1, s.W, s.H) }

// Picture draws the photo-like picture number seed at w×h: a sky-to-ground
// gradient, overlapping discs and boxes, fine texture and per-pixel noise.
// The same seed always gives the same pixels.
func Picture(seed int64, w, h int) *image.RGBA {
	r := rng(uint64(seed)*0x9E3779B97F4A7C15 + 1)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	top := [3]float64{r.f(40, 120), r.f(90, 180), r.f(160, 250)}
	bottom := [3]float64{r.f(40, 160), r.f(60, 140), r.f(20, 90)}
	for y := 0; y < h; y++ {
		t := float64(y) / float64(h)
		var c [3]uint8
		for k := range c {
			c[k] = uint8(top[k]*(1-t) + bottom[k]*t)
		}
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for x := 0; x < 4*w; x += 4 {
			row[x], row[x+1], row[x+2], row[x+3] = c[0], c[1], c[2], 255
		}
	}
	scale := float64(min(w, h))
	for n := 0; n < 24; n++ {
		cx, cy := r.f(0, float64(w)), r.f(0, float64(h))
		rad := r.f(0.03, 0.25) * scale
		col := [3]uint8{uint8(r.f(0, 255)), uint8(r.f(0, 255)), uint8(r.f(0, 255))}
		disc := n%2 == 0
		x0, x1 := clamp(int(cx-rad), 0, w), clamp(int(cx+rad), 0, w)
		y0, y1 := clamp(int(cy-rad), 0, h), clamp(int(cy+rad), 0, h)
		for y := y0; y < y1; y++ {
			dy := float64(y) - cy
			row := img.Pix[y*img.Stride:]
			for x := x0; x < x1; x++ {
				dx := float64(x) - cx
				if disc && dx*dx+dy*dy > rad*rad {
					continue
				}
				i := 4 * x
				// Blend so shapes shade into each other like real objects.
				row[i] = uint8((int(row[i]) + 3*int(col[0])) / 4)
				row[i+1] = uint8((int(row[i+1]) + 3*int(col[1])) / 4)
				row[i+2] = uint8((int(row[i+2]) + 3*int(col[2])) / 4)
			}
		}
	}
	// Texture and noise: what makes a photo expensive to encode and decode.
	for y := 0; y < h; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for x := 0; x < 4*w; x += 4 {
			v := r.next()
			tex := int((x/4+y)%9) - 4
			for k := 0; k < 3; k++ {
				n := int(v>>(8*k)&31) - 16 + tex
				row[x+k] = uint8(clamp(int(row[x+k])+n, 0, 255))
			}
		}
	}
	return img
}

func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }

// rng is xorshift64*: fast, deterministic, good enough for noise.
type rngState struct{ s uint64 }

func rng(seed uint64) *rngState { return &rngState{s: seed | 1} }

func (r *rngState) next() uint64 {
	r.s ^= r.s >> 12
	r.s ^= r.s << 25
	r.s ^= r.s >> 27
	return r.s * 2685821657736338717
}

func (r *rngState) f(lo, hi float64) float64 {
	return lo + (hi-lo)*float64(r.next()>>11)/float64(1<<53)
}
