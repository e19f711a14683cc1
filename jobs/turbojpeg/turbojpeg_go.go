//go:build !cgo

package turbojpeg

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
)

// Native is false: without cgo this package is Go's image/jpeg, a full
// decode then an average of each block, not libjpeg-turbo's reduced decode.
const Native = false

// DecodeHeader reads a JPEG's size without decoding it.
func DecodeHeader(data []byte) (Header, error) {
	if len(data) == 0 {
		return Header{}, ErrEmpty
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Header{}, fmt.Errorf("turbojpeg: %v", err)
	}
	return Header{Width: cfg.Width, Height: cfg.Height}, nil
}

// Decode decodes data reduced by s into a new opaque NRGBA image. Callers
// check the header's size against their limits first: Decode allocates
// s.Of(width)×s.Of(height)×4 bytes (and image/jpeg the full picture).
func Decode(data []byte, s Scale) (*image.NRGBA, error) {
	return DecodeInto(nil, data, s)
}

// DecodeInto is Decode writing the pixels into buf when it is large enough.
// The image shares buf's memory. A CMYK JPEG gives ErrCMYK, as with
// libjpeg-turbo, so that callers take the same route on every build.
func DecodeInto(buf []byte, data []byte, s Scale) (*image.NRGBA, error) {
	if len(data) == 0 {
		return nil, ErrEmpty
	}
	if s.Num < 1 || s.Denom < 1 {
		return nil, fmt.Errorf("turbojpeg: bad scale %d/%d", s.Num, s.Denom)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("turbojpeg: %v", err)
	}
	if cfg.ColorModel == color.CMYKModel {
		return nil, ErrCMYK
	}
	if cutShort(data) {
		return nil, errors.New("turbojpeg: the file ends before its picture does (truncated)")
	}
	src, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("turbojpeg: %v", err)
	}
	b := src.Bounds()
	sw, sh := s.Of(b.Dx()), s.Of(b.Dy())
	if sw < 1 || sh < 1 {
		return nil, fmt.Errorf("turbojpeg: image is %dx%d", b.Dx(), b.Dy())
	}
	if need := sw * sh * 4; cap(buf) >= need {
		buf = buf[:need]
	} else {
		buf = make([]byte, need)
	}
	dst := &image.NRGBA{Pix: buf, Stride: sw * 4, Rect: image.Rect(0, 0, sw, sh)}
	average(dst, src)
	return dst, nil
}

// average fills dst with src reduced: source column x goes into dst column
// x*dw/sw (likewise rows), and each dst pixel is the mean of its block, as
// the reduced inverse DCT gives the mean of each 8×8 block at 1/8.
func average(dst *image.NRGBA, src image.Image) {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := dst.Rect.Dx(), dst.Rect.Dy()
	sum := make([]uint32, dw*3)
	count := make([]uint32, dw)
	col := make([]int, w)
	for x := range col {
		col[x] = x * dw / w
	}
	rgb := rowReader(src)
	row := make([]uint8, w*3)
	y := 0
	for oy := 0; oy < dh; oy++ {
		clear(sum)
		clear(count)
		for ; y < h && y*dh/h == oy; y++ {
			rgb(row, b.Min.Y+y)
			for x, ox := range col {
				sum[ox*3] += uint32(row[x*3])
				sum[ox*3+1] += uint32(row[x*3+1])
				sum[ox*3+2] += uint32(row[x*3+2])
				count[ox]++
			}
		}
		out := dst.Pix[oy*dst.Stride:]
		for ox, n := range count {
			if n == 0 {
				n = 1
			}
			out[ox*4] = uint8((sum[ox*3] + n/2) / n)
			out[ox*4+1] = uint8((sum[ox*3+1] + n/2) / n)
			out[ox*4+2] = uint8((sum[ox*3+2] + n/2) / n)
			out[ox*4+3] = 0xFF
		}
	}
}

// rowReader returns a function that writes row y of src as RGB triples,
// directly for what image/jpeg gives (YCbCr, Gray), through At otherwise.
func rowReader(src image.Image) func(row []uint8, y int) {
	b := src.Bounds()
	switch m := src.(type) {
	case *image.YCbCr:
		return func(row []uint8, y int) {
			for x := b.Min.X; x < b.Max.X; x++ {
				yi, ci := m.YOffset(x, y), m.COffset(x, y)
				r, g, bl := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
				i := (x - b.Min.X) * 3
				row[i], row[i+1], row[i+2] = r, g, bl
			}
		}
	case *image.Gray:
		return func(row []uint8, y int) {
			for x := b.Min.X; x < b.Max.X; x++ {
				v := m.Pix[m.PixOffset(x, y)]
				i := (x - b.Min.X) * 3
				row[i], row[i+1], row[i+2] = v, v, v
			}
		}
	}
	return func(row []uint8, y int) {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(src.At(x, y)).(color.NRGBA)
			i := (x - b.Min.X) * 3
			row[i], row[i+1], row[i+2] = c.R, c.G, c.B
		}
	}
}

// Encode compresses an NRGBA image as a baseline JPEG of the given quality
// (1–100) with 4:2:0 chroma subsampling (what image/jpeg writes). The alpha
// channel is ignored: give it opaque images.
func Encode(img *image.NRGBA, quality int) ([]byte, error) {
	b := img.Bounds()
	if b.Empty() {
		return nil, errors.New("turbojpeg: empty image")
	}
	if quality < 1 || quality > 100 {
		return nil, fmt.Errorf("turbojpeg: quality %d is not 1–100", quality)
	}
	var out bytes.Buffer
	if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: quality}); err != nil {
		return nil, fmt.Errorf("turbojpeg: %v", err)
	}
	return out.Bytes(), nil
}
