// Package imagecheck decides whether bytes are an image this program will decode:
// it sniffs the real format from the data (never the name or Content-Type), accepts
// only an allow-list of formats, and rejects images whose pixel count is over a cap
// before any decoder allocates the pixels (decompression bombs). A JPEG header
// that Go's image/jpeg refuses is read by libjpeg-turbo, the fast decoder,
// which reads more (arithmetic coding).
package imagecheck

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/gif"  // register decoders for DecodeConfig
	_ "image/jpeg" //
	_ "image/png"  //
	"io"
	"slices"

	_ "golang.org/x/image/webp" //

	"concurrencylab/jobs/turbojpeg"
)

// Limits bound what an untrusted image may cost.
type Limits struct {
	MaxPixels int64    // width × height; imgproxy uses 50 MP
	MaxBytes  int64    // encoded size
	Formats   []string // names as image.DecodeConfig reports them
}

// Default is what the app accepts: the formats a photo gallery uses, up to 50
// megapixels and 64 MiB.
var Default = Limits{
	MaxPixels: 50_000_000,
	MaxBytes:  64 << 20,
	Formats:   []string{"jpeg", "png", "gif", "webp"},
}

// ErrNotImage reports data that no allowed decoder recognises.
var ErrNotImage = errors.New("not an image")

// Config is what Check learned from an image's header.
type Config struct {
	Format        string
	Width, Height int
}

// Check reads only the header of data and returns its format and size, or an
// error when the format is not allowed or the image is too large.
func (l Limits) Check(data []byte) (Config, error) {
	return l.CheckAt(bytes.NewReader(data), int64(len(data)))
}

// CheckAt is Check for size bytes read from r, such as a file being
// downloaded: only the header is read.
func (l Limits) CheckAt(r io.ReaderAt, size int64) (Config, error) {
	if l.MaxBytes > 0 && size > l.MaxBytes {
		return Config{}, fmt.Errorf("image is %d bytes, over the %d byte limit", size, l.MaxBytes)
	}
	cfg, format, err := image.DecodeConfig(io.NewSectionReader(r, 0, size))
	if err != nil && format == "jpeg" {
		cfg, err = turboHeader(r, size, l.MaxBytes, err)
	}
	if err != nil {
		if errors.Is(err, image.ErrFormat) {
			start := make([]byte, min(size, 16))
			n, _ := r.ReadAt(start, 0)
			return Config{}, fmt.Errorf("%w (starts %q)", ErrNotImage, start[:n])
		}
		return Config{}, fmt.Errorf("reading %s header: %w", format, err)
	}
	c := Config{Format: format, Width: cfg.Width, Height: cfg.Height}
	if !slices.Contains(l.Formats, format) {
		return c, fmt.Errorf("format %q is not accepted (accepted: %v)", format, l.Formats)
	}
	if c.Width <= 0 || c.Height <= 0 {
		return c, fmt.Errorf("image has no pixels (%dx%d)", c.Width, c.Height)
	}
	if px := int64(c.Width) * int64(c.Height); l.MaxPixels > 0 && px > l.MaxPixels {
		return c, fmt.Errorf("image is %dx%d = %.1f MP, over the %.1f MP limit (decompression bomb?)",
			c.Width, c.Height, float64(px)/1e6, float64(l.MaxPixels)/1e6)
	}
	return c, nil
}

// turboHeader reads a JPEG's header with libjpeg-turbo, which reads what
// Go's image/jpeg refuses (arithmetic coding: "unsupported JPEG feature:
// unknown marker") and is the decoder of the fast path; it returns goErr,
// Go's error, when libjpeg-turbo cannot read the header either. A header
// read with a warning is read: the decoders report the warning.
func turboHeader(r io.ReaderAt, size, max int64, goErr error) (image.Config, error) {
	data, err := ReadAll(io.NewSectionReader(r, 0, size), nil, max)
	if err != nil || len(data) == 0 {
		return image.Config{}, goErr
	}
	hdr, err := turbojpeg.DecodeHeader(data)
	var w *turbojpeg.Warning
	if err != nil && !errors.As(err, &w) {
		return image.Config{}, goErr
	}
	return image.Config{ColorModel: color.RGBAModel, Width: hdr.Width, Height: hdr.Height}, nil
}
