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
	"concurrencylab/jobs/turbojpeg"
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

// Decoder chooses how JPEGs are decoded.
type Decoder string

const (
	// Std decodes every format with Go's decoders at full size, and fits
	// with Lanczos: the naive baseline.
	Std Decoder = "std"
	// Fast decodes JPEGs with libjpeg-turbo at the largest 1/2, 1/4 or 1/8
	// reduction that keeps at least twice the thumbnail's size (PIL's draft
	// mode), then fits with FastFilter. Other formats decode as with Std.
	Fast Decoder = "fast"
)

// FastFilter is the fast path's resampling filter. The reduced image is
// still at least twice the thumbnail, so a cheaper filter than Lanczos
// loses nothing visible (see TestFastMatchesLanczos for the PSNR).
var FastFilter = imaging.CatmullRom

// ParseDecoder checks a decoder name given by a user.
func ParseDecoder(s string) (Decoder, error) {
	switch Decoder(s) {
	case Std, Fast:
		return Decoder(s), nil
	}
	return "", fmt.Errorf("unknown decoder %q (want std or fast)", s)
}

// File makes a thumbnail of src fitted into a box×box square at dst.
func File(src, dst string, box int, lim imagecheck.Limits, dec Decoder) (Info, error) {
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
	info := Info{Format: cfg.Format, SrcBytes: int64(len(data)), Path: dst}
	var th image.Image
	if dec == Fast && cfg.Format == "jpeg" {
		th, err = fastFit(data, cfg, box, &info, t0)
	} else {
		th, err = stdFit(data, cfg, box, &info, t0)
	}
	if err != nil {
		return Info{}, err
	}
	t2 := time.Now()
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

// stdFit decodes with Go's decoders (imaging.Decode, which turns the image
// upright) and fits with Lanczos.
func stdFit(data []byte, cfg imagecheck.Config, box int, info *Info, t0 time.Time) (image.Image, error) {
	img, err := imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
	if err != nil {
		return nil, fmt.Errorf("decoding %s: %w", cfg.Format, err)
	}
	b := img.Bounds()
	info.SrcWidth, info.SrcHeight = b.Dx(), b.Dy()
	t1 := time.Now()
	info.Timings.Decode = t1.Sub(t0)
	th := image.Image(img)
	if b.Dx() > box || b.Dy() > box { // like PIL, never enlarge
		th = imaging.Fit(img, box, box, imaging.Lanczos)
	}
	info.Timings.Resize = time.Since(t1)
	return th, nil
}

// fastFit decodes a JPEG reduced by libjpeg-turbo to at least twice the
// thumbnail's size, fits it with FastFilter, and turns the small result
// upright (cheaper than turning the full image, and the same: the box is square).
func fastFit(data []byte, cfg imagecheck.Config, box int, info *Info, t0 time.Time) (image.Image, error) {
	tw, th := fitted(cfg.Width, cfg.Height, box)
	img, err := turbojpeg.Decode(data, turbojpeg.Pick(cfg.Width, cfg.Height, 2*tw, 2*th))
	if err != nil {
		return nil, fmt.Errorf("decoding jpeg: %w", err)
	}
	o := orientation(data)
	info.SrcWidth, info.SrcHeight = cfg.Width, cfg.Height
	if o >= 5 { // a quarter turn: the upright picture is the other way round
		info.SrcWidth, info.SrcHeight = cfg.Height, cfg.Width
	}
	t1 := time.Now()
	info.Timings.Decode = t1.Sub(t0)
	out := image.Image(img)
	if cfg.Width > box || cfg.Height > box {
		out = imaging.Fit(img, box, box, FastFilter)
	}
	out = upright(out, o)
	info.Timings.Resize = time.Since(t1)
	return out, nil
}

// fitted is the size imaging.Fit gives a w×h image in a box×box square.
func fitted(w, h, box int) (int, int) {
	if w <= box && h <= box {
		return w, h
	}
	if w >= h {
		return box, max(1, int(float64(h)*float64(box)/float64(w)+0.5))
	}
	return max(1, int(float64(w)*float64(box)/float64(h)+0.5)), box
}

// upright applies an EXIF orientation, as imaging.AutoOrientation does.
func upright(img image.Image, o int) image.Image {
	switch o {
	case 2:
		return imaging.FlipH(img)
	case 3:
		return imaging.Rotate180(img)
	case 4:
		return imaging.FlipV(img)
	case 5:
		return imaging.Transpose(img)
	case 6:
		return imaging.Rotate270(img)
	case 7:
		return imaging.Transverse(img)
	case 8:
		return imaging.Rotate90(img)
	}
	return img
}
