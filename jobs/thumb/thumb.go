// Package thumb makes one thumbnail: it reads an image file, checks it against
// the limits (format allow-list, pixel cap) before decoding, decodes it honouring
// EXIF orientation, fits it into a square box keeping its aspect ratio (what PIL's
// Image.thumbnail does; imaging.Thumbnail would crop), and writes a JPEG
// atomically. It times each step.
//
// imaging v1.6.2 spreads every resize over runtime.GOMAXPROCS(0) goroutines;
// callers that promise a core count must set GOMAXPROCS accordingly.
package thumb

import (
	"bytes"
	"fmt"
	"image"
	"io"
	"os"
	"time"

	"github.com/disintegration/imaging"

	"concurrencylab/jobs/atomicfile"
	"concurrencylab/jobs/imagecheck"
)

// Quality is the JPEG quality of thumbnails.
const Quality = 85

// Timings split a thumbnail's cost into its steps.
type Timings struct {
	Decode time.Duration `json:"decode_ns"` // reading the file and decoding it
	Resize time.Duration `json:"resize_ns"`
	Encode time.Duration `json:"encode_ns"` // encoding and writing the JPEG
}

// Info describes a thumbnail made.
type Info struct {
	Format    string  `json:"format"`
	SrcWidth  int     `json:"src_width"`
	SrcHeight int     `json:"src_height"`
	SrcBytes  int64   `json:"src_bytes"`
	Width     int     `json:"width"`
	Height    int     `json:"height"`
	Bytes     int64   `json:"bytes"`
	Path      string  `json:"path"`
	Timings   Timings `json:"timings"`
}

// File makes a thumbnail of src fitted into a box×box square at dst.
func File(src, dst string, box int, lim imagecheck.Limits) (Info, error) {
	if box < 1 {
		return Info{}, fmt.Errorf("thumbnail box %d is too small", box)
	}
	t0 := time.Now()
	data, err := readLimited(src, lim.MaxBytes)
	if err != nil {
		return Info{}, err
	}
	cfg, err := lim.Check(data)
	if err != nil {
		return Info{}, err
	}
	img, err := imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
	if err != nil {
		return Info{}, fmt.Errorf("decoding %s: %w", cfg.Format, err)
	}
	info := Info{Format: cfg.Format, SrcBytes: int64(len(data)), Path: dst}
	b := img.Bounds()
	info.SrcWidth, info.SrcHeight = b.Dx(), b.Dy()
	t1 := time.Now()
	info.Timings.Decode = t1.Sub(t0)

	var th image.Image = img
	if b.Dx() > box || b.Dy() > box { // like PIL, never enlarge
		th = imaging.Fit(img, box, box, imaging.Lanczos)
	}
	t2 := time.Now()
	info.Timings.Resize = t2.Sub(t1)
	info.Width, info.Height = th.Bounds().Dx(), th.Bounds().Dy()

	var out bytes.Buffer
	if err := imaging.Encode(&out, th, imaging.JPEG, imaging.JPEGQuality(Quality)); err != nil {
		return info, fmt.Errorf("encoding thumbnail: %w", err)
	}
	if err := atomicfile.WriteBytes(dst, out.Bytes()); err != nil {
		return info, err
	}
	info.Bytes = int64(out.Len())
	info.Timings.Encode = time.Since(t2)
	return info, nil
}

// readLimited reads a whole file, failing (not truncating) past max bytes.
func readLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if max <= 0 {
		return io.ReadAll(f)
	}
	if fi, err := f.Stat(); err == nil && fi.Size() > max {
		return nil, fmt.Errorf("%s is %d bytes, over the %d byte limit", path, fi.Size(), max)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err == nil && int64(len(data)) > max {
		err = fmt.Errorf("%s is over the %d byte limit", path, max)
	}
	return data, err
}
