// Package thumb makes one thumbnail: it reads an image file, checks it against
// the limits (format allow-list, pixel cap) before decoding, decodes it honouring
// EXIF orientation, fits it into a square box keeping its aspect ratio (what PIL's
// Image.thumbnail does; imaging.Thumbnail would crop), and writes a JPEG
// atomically. It times each step.
//
// Every format takes the cheap path PIL's Image.thumbnail takes: shrink by an
// integer factor with a box average first, then resample what remains. What
// PIL reads, it reads too (see tolerant.go): a file with a flaw its pixels
// survive makes a thumbnail, and Info.Warning says what the flaw was. All of
// it runs on the calling goroutine (imaging v1.6.2 would spread every resize
// over GOMAXPROCS goroutines, beside a window's), so a caller that gives a
// thumbnail one goroutine gives it one core.
package thumb

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"sync"
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
	Format      string  `json:"format"`
	Width       int     `json:"width"`
	Height      int     `json:"height"`
	Bytes       int64   `json:"bytes"`
	ThumbWidth  int     `json:"thumb_width"`
	ThumbHeight int     `json:"thumb_height"`
	ThumbBytes  int64   `json:"thumb_bytes"`
	Thumbnail   string  `json:"thumbnail"`
	Timings     Timings `json:"timings"`
	// Warning says what was wrong with the file, though the thumbnail
	// was made, as PIL and browsers show such pictures: a libjpeg
	// warning ("Corrupt JPEG data: 5 extraneous bytes before marker
	// 0xdb"), data past a PNG's last row, a GIF without colours. Empty
	// for a sound file.
	Warning string `json:"warning,omitempty"`
}

// Decoder chooses how JPEGs are decoded.
type Decoder string

const (
	// Std decodes JPEGs with Go's decoder at full size, as every format
	// but 8-bit RGB(A) PNG (see reducePNG) is decoded; then the picture is
	// reduced by an integer factor (see reduce) and the rest fitted with
	// Lanczos.
	Std Decoder = "std"
	// Fast decodes JPEGs with libjpeg-turbo reduced in the DCT, fits them
	// with FastFilter and encodes with libjpeg-turbo, as PIL's
	// Image.thumbnail does (see fastFit). Other formats go as with Std.
	Fast Decoder = "fast"
)

// FastLabel names what Fast does in this build: libjpeg-turbo's reduced
// decode (every cgo build, the packages too), or, built without cgo, Go's
// full decode averaged down, about ten times slower.
func FastLabel() string {
	if turbojpeg.Native {
		return "libjpeg-turbo at reduced scale"
	}
	return "Go image/jpeg averaged (built without cgo: not the fast path)"
}

// FastFilter is the fast path's final resampling filter: Catmull-Rom, the
// bicubic PIL's thumbnail uses, on a picture at most twice the thumbnail's
// size. TestFastMatchesLanczos and TestFastDoesNotAlias measure what the
// fast path gives against a full decode and Lanczos, on photos and on a zone
// plate. (Lanczos here measured 1–2 dB closer and 10% slower.)
var FastFilter = CatmullRom

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
	info, out, err := fitFile(src, box, lim, dec, t0)
	if err != nil {
		return info, err
	}
	t2 := time.Now()
	if err := atomicfile.WriteBytes(dst, out); err != nil {
		return info, err
	}
	info.Thumbnail = dst
	info.Timings.Encode += time.Since(t2)
	return info, nil
}

// fitFile is fit for a file. A PNG that reducePNG decodes streams from the
// file, so that a large one costs no more memory than a small one; any
// other image is read whole first.
func fitFile(src string, box int, lim imagecheck.Limits, dec Decoder, t0 time.Time) (Info, []byte, error) {
	f, size, err := openLimited(src, lim.MaxBytes)
	if err != nil {
		return Info{}, nil, err
	}
	defer f.Close()
	var sig [8]byte // only a PNG's header is read twice; any other file is read once, whole
	if _, err := f.ReadAt(sig[:], 0); err == nil && string(sig[:]) == pngSignature {
		cfg, err := lim.CheckAt(f, size)
		if err != nil {
			return Info{}, nil, err
		}
		info := Info{Format: cfg.Format, Bytes: size}
		r := bufio.NewReaderSize(io.NewSectionReader(f, 0, size), 64<<10)
		th, err := pngFit(r, cfg, box, &info, t0)
		if err == nil {
			return encode(info, th, encodeGo)
		}
		if !errors.Is(err, errNotPlainPNG) {
			return Info{}, nil, err
		}
	}
	bufp := files.Get().(*[]byte)
	defer files.Put(bufp)
	data, err := readLimited(f, src, size, lim.MaxBytes, *bufp)
	if data != nil {
		*bufp = data[:0]
	}
	if err != nil {
		return Info{}, nil, err
	}
	return fit(data, box, lim, dec, t0)
}

// Bytes makes a thumbnail of the image in data fitted into a box×box square
// and returns it as JPEG bytes (Info.Path is empty): what a cluster worker,
// which has the image in memory and sends the thumbnail back, does.
func Bytes(data []byte, box int, lim imagecheck.Limits, dec Decoder) (Info, []byte, error) {
	if box < 1 {
		return Info{}, nil, fmt.Errorf("thumbnail box %d is too small", box)
	}
	if lim.MaxBytes > 0 && int64(len(data)) > lim.MaxBytes {
		return Info{}, nil, fmt.Errorf("image is %d bytes, over the %d byte limit", len(data), lim.MaxBytes)
	}
	return fit(data, box, lim, dec, time.Now())
}

// fit decodes data, fits it into the box and encodes the thumbnail; its
// timings count from t0.
func fit(data []byte, box int, lim imagecheck.Limits, dec Decoder, t0 time.Time) (Info, []byte, error) {
	cfg, err := lim.Check(data)
	if err != nil {
		return Info{}, nil, err
	}
	info := Info{Format: cfg.Format, Bytes: int64(len(data))}
	var th image.Image
	enc := encodeTurbo
	fast := dec == Fast && cfg.Format == "jpeg"
	if fast {
		var release func()
		th, release, err = fastFit(data, cfg, box, &info, t0)
		defer release()
	}
	if !fast || errors.Is(err, turbojpeg.ErrCMYK) { // Go's decoder converts CMYK
		th, err = stdFit(data, cfg, box, &info, t0)
		enc = encodeGo
	}
	if err != nil {
		return Info{}, nil, err
	}
	return encode(info, th, enc)
}

// encode encodes the thumbnail th with enc and completes its info.
func encode(info Info, th image.Image, enc func(image.Image) ([]byte, error)) (Info, []byte, error) {
	t2 := time.Now()
	info.ThumbWidth, info.ThumbHeight = th.Bounds().Dx(), th.Bounds().Dy()
	out, err := enc(th)
	if err != nil {
		return info, nil, fmt.Errorf("encoding thumbnail: %w", err)
	}
	info.ThumbBytes = int64(len(out))
	info.Timings.Encode = time.Since(t2)
	return info, out, nil
}

func encodeGo(img image.Image) ([]byte, error) {
	var out bytes.Buffer
	err := imaging.Encode(&out, img, imaging.JPEG, imaging.JPEGQuality(Quality))
	return out.Bytes(), err
}

// encodeTurbo encodes the fast path's thumbnails, opaque as decoded JPEGs
// are (so premultiplied or not, the bytes are the same), with libjpeg-turbo:
// 0.16 ms against image/jpeg's 1.4 for a 256×192 picture.
func encodeTurbo(img image.Image) ([]byte, error) {
	rgba := img.(*image.RGBA)
	return turbojpeg.Encode(&image.NRGBA{Pix: rgba.Pix, Stride: rgba.Stride, Rect: rgba.Rect}, Quality)
}

// openLimited opens the file at path and returns its size, failing when it
// is over max bytes (max > 0).
func openLimited(path string, max int64) (*os.File, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if max > 0 && fi.Size() > max {
		f.Close()
		return nil, 0, fmt.Errorf("%s is %d bytes, over the %d byte limit", path, fi.Size(), max)
	}
	return f, fi.Size(), nil
}

// readLimited reads the whole file f (named path, size bytes when opened)
// into buf's memory (or a larger buffer when it is too small), failing (not
// truncating) past max bytes when max > 0: the file may have grown since.
// It reads from the start, at offsets, whatever read f before.
func readLimited(f *os.File, path string, size, max int64, buf []byte) ([]byte, error) {
	if want := size + 1; int64(cap(buf)) < want { // +1: room to see the end
		buf = make([]byte, 0, want)
	}
	data, err := imagecheck.ReadAll(io.NewSectionReader(f, 0, 1<<62), buf, max)
	if errors.Is(err, imagecheck.ErrTooLarge) {
		return nil, fmt.Errorf("%s is over the %d byte limit", path, max)
	}
	if err != nil {
		return nil, err
	}
	return data, nil
}

// stdFit reduces the picture by the largest integer factor that keeps twice
// the thumbnail's size (a box average, as PIL's thumbnail does for every
// format), fits the rest with Lanczos, and turns the small result upright.
// An 8-bit RGB or RGBA PNG is decoded and reduced row by row (pngFit);
// anything else is decoded whole by Go's decoders, or by decodeTolerant
// where they refuse what PIL reads, then reduced.
func stdFit(data []byte, cfg imagecheck.Config, box int, info *Info, t0 time.Time) (image.Image, error) {
	if cfg.Format == "png" {
		th, err := pngFit(bytes.NewReader(data), cfg, box, info, t0)
		if !errors.Is(err, errNotPlainPNG) {
			return th, err
		}
	}
	tw, th := fitSize(cfg.Width, cfg.Height, box, box) // like PIL, never enlarge
	img, warning, err := decodeTolerant(data, cfg)
	if err != nil {
		return nil, fmt.Errorf("decoding %s: %w", cfg.Format, err)
	}
	info.Warning = warning
	t1 := time.Now()
	small := reduce(img, reduceFactor(cfg.Width, cfg.Height, tw, th))
	return finishStd(small, orientation(cfg.Format, data), cfg, tw, th, info, t0, t1), nil
}

// pngFit is stdFit for an 8-bit RGB or RGBA PNG read from r, decoded and
// reduced row by row by reducePNG (its decode phase includes the
// reduction). Any other PNG gives errNotPlainPNG, having read no pixels.
func pngFit(r io.Reader, cfg imagecheck.Config, box int, info *Info, t0 time.Time) (image.Image, error) {
	tw, th := fitSize(cfg.Width, cfg.Height, box, box)
	small, notes, err := reducePNG(r, cfg, reduceFactor(cfg.Width, cfg.Height, tw, th))
	if errors.Is(err, errNotPlainPNG) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("decoding png: %w", err)
	}
	info.Warning = notes.warning
	return finishStd(small, notes.orientation, cfg, tw, th, info, t0, time.Now()), nil
}

// finishStd fits the reduced picture small into tw×th with Lanczos and
// turns it upright (o is its EXIF orientation); decoding ended at t1.
func finishStd(small *image.RGBA, o int, cfg imagecheck.Config, tw, th int, info *Info, t0, t1 time.Time) image.Image {
	info.Timings.Decode = t1.Sub(t0)
	info.Width, info.Height = cfg.Width, cfg.Height
	if o >= 5 {
		info.Width, info.Height = cfg.Height, cfg.Width
	}
	out := upright(resample(small, tw, th, Lanczos), o)
	info.Timings.Resize = time.Since(t1)
	return out
}

// fastFit makes a thumbnail the way PIL's Image.thumbnail does, in three
// steps, each cheaper than the next would be on more pixels:
//
//  1. PIL's draft: libjpeg-turbo decodes at the largest DCT reduction that
//     keeps at least twice the thumbnail's size; then PIL's Image.reduce
//     averages 2×2 blocks while the picture stays at least the thumbnail's
//     size. The DCT computes those block means itself (an 8×8 block's DC
//     term is its mean), so where a further DCT scale exists we decode at it
//     instead of decoding 4× the pixels and averaging them away: the
//     decode picks the largest reduction keeping the thumbnail's size.
//  2. halveTo averages 2×2 blocks for pictures still twice the thumbnail at
//     1/8 (16 times the thumbnail a side: 4096 pixels for 256).
//  3. resample fits what remains, at most a halving, with FastFilter.
//
// The small result is then turned upright (cheaper than turning the decoded
// picture, and the same: the box is square). The caller calls release,
// never nil, once done with the image.
func fastFit(data []byte, cfg imagecheck.Config, box int, info *Info, t0 time.Time) (image.Image, func(), error) {
	tw, th := fitSize(cfg.Width, cfg.Height, box, box)
	bufp := pixels.Get().(*[]byte)
	release := func() { pixels.Put(bufp) }
	img, err := turbojpeg.DecodeInto(*bufp, data, turbojpeg.Pick(cfg.Width, cfg.Height, tw, th))
	var warning *turbojpeg.Warning
	if errors.As(err, &warning) {
		info.Warning = warning.Msg
	} else if err != nil {
		release()
		return nil, func() {}, fmt.Errorf("decoding jpeg: %w", err)
	}
	*bufp = img.Pix[:0]
	o := orientation("jpeg", data)
	info.Width, info.Height = cfg.Width, cfg.Height
	if o >= 5 { // a quarter turn: the upright picture is the other way round
		info.Width, info.Height = cfg.Height, cfg.Width
	}
	t1 := time.Now()
	info.Timings.Decode = t1.Sub(t0)
	half := halveTo(img, tw, th)
	opaque := &image.RGBA{Pix: half.Pix, Stride: half.Stride, Rect: half.Rect} // premultiplied already
	out := upright(resample(opaque, tw, th, FastFilter), o)
	info.Timings.Resize = time.Since(t1)
	return out, release, nil
}

// files holds read buffers for reuse, for the same reason as pixels.
var files = sync.Pool{New: func() any { return new([]byte) }}

// pixels holds decode buffers for reuse: a fresh 3 MB buffer an image costs
// its zeroing and page faults, a few percent of a thumbnail.
var pixels = sync.Pool{New: func() any { return new([]byte) }}

// fitSize is the size imaging.Fit gives a w×h image in a bw×bh box: the
// largest of the same shape that fits, never enlarged, at least a pixel a side.
func fitSize(w, h, bw, bh int) (int, int) {
	if w <= bw && h <= bh {
		return w, h
	}
	aspect := float64(w) / float64(h)
	if aspect > float64(bw)/float64(bh) {
		return bw, max(1, int(float64(bw)/aspect))
	}
	return max(1, int(float64(bh)*aspect)), bh
}
