//go:build cgo

package turbojpeg

/*
#cgo LDFLAGS: -lturbojpeg
#include <stdlib.h>
#include <turbojpeg.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"image"
	"runtime"
	"unsafe"
)

// Native is true: this build decodes with libjpeg-turbo, the fast path.
const Native = true

// DecodeHeader reads a JPEG's size without decoding it. A header that
// libjpeg reads with a warning gives the header and a *Warning.
func DecodeHeader(data []byte) (Header, error) {
	// libjpeg's messages live in a thread-local buffer (tjGetErrorStr2
	// falls back to it once it has read the handle's own, and libjpeg
	// writes its warnings and errors only there): the calls and the
	// reading of their message must be on one thread, or the message is
	// another thread's ("No error").
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if len(data) == 0 {
		return Header{}, ErrEmpty
	}
	h := C.tjInitDecompress()
	if h == nil {
		return Header{}, errors.New("turbojpeg: cannot create a decompressor")
	}
	defer C.tjDestroy(h)
	hdr, _, err := readHeader(h, data)
	return hdr, err
}

// readHeader reads data's header with h, and its colour space.
func readHeader(h C.tjhandle, data []byte) (Header, C.int, error) {
	var w, ht C.int
	subsamp, cs := C.int(-1), C.int(-1)
	if C.tjDecompressHeader3(h, (*C.uchar)(unsafe.Pointer(&data[0])), C.ulong(len(data)), &w, &ht, &subsamp, &cs) != 0 {
		// A warning alone still fills every field; an error after a
		// warning (which TurboJPEG also calls a warning) leaves some unset.
		if C.tjGetErrorCode(h) != C.TJERR_WARNING || w < 1 || ht < 1 || subsamp < 0 || cs < 0 {
			return Header{}, 0, lastError(h)
		}
		return Header{Width: int(w), Height: int(ht)}, cs, &Warning{Msg: C.GoString(C.tjGetErrorStr2(h))}
	}
	return Header{Width: int(w), Height: int(ht)}, cs, nil
}

// Decode decodes data reduced by s into a new opaque NRGBA image. Callers
// check the header's size against their limits first: Decode allocates
// s.Of(width)×s.Of(height)×4 bytes.
func Decode(data []byte, s Scale) (*image.NRGBA, error) {
	return DecodeInto(nil, data, s)
}

// DecodeInto is Decode writing the pixels into buf when it is large enough,
// so that a caller making many images can reuse one buffer: a fresh one
// costs the zeroing and the page faults of every byte. The image shares
// buf's memory.
//
// When err is a *Warning, the image is whole and usable: libjpeg warned
// and decoded past it. A file cut short is an error, not a warning: libjpeg
// would make up its missing part.
func DecodeInto(buf []byte, data []byte, s Scale) (*image.NRGBA, error) {
	// libjpeg's messages live in a thread-local buffer (tjGetErrorStr2
	// falls back to it once it has read the handle's own, and libjpeg
	// writes its warnings and errors only there): the calls and the
	// reading of their message must be on one thread, or the message is
	// another thread's ("No error").
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if len(data) == 0 {
		return nil, ErrEmpty
	}
	if s.Num < 1 || s.Denom < 1 {
		return nil, fmt.Errorf("turbojpeg: bad scale %d/%d", s.Num, s.Denom)
	}
	h := C.tjInitDecompress()
	if h == nil {
		return nil, errors.New("turbojpeg: cannot create a decompressor")
	}
	defer C.tjDestroy(h)
	hdr, cs, err := readHeader(h, data)
	var warn *Warning
	if err != nil && !errors.As(err, &warn) {
		return nil, err
	}
	if cs == C.TJCS_CMYK || cs == C.TJCS_YCCK {
		return nil, ErrCMYK
	}
	sw, sh := s.Of(hdr.Width), s.Of(hdr.Height)
	if sw < 1 || sh < 1 {
		return nil, fmt.Errorf("turbojpeg: image is %dx%d", hdr.Width, hdr.Height)
	}
	if need := sw * sh * 4; cap(buf) >= need {
		buf = buf[:need]
	} else {
		buf = make([]byte, need)
	}
	img := &image.NRGBA{Pix: buf, Stride: sw * 4, Rect: image.Rect(0, 0, sw, sh)}
	decode := func(flags C.int) bool {
		return C.tjDecompress2(h, (*C.uchar)(unsafe.Pointer(&data[0])), C.ulong(len(data)),
			(*C.uchar)(unsafe.Pointer(&img.Pix[0])), C.int(sw), C.int(img.Stride), C.int(sh), C.TJPF_RGBA, flags) == 0
	}
	// LIMITSCANS: refuse progressive files with absurd scan counts. The
	// first pass stops at a warning, so that a clean file (nearly every
	// one) is decoded once and a warning is known for what it is.
	if decode(C.TJFLAG_STOPONWARNING | C.TJFLAG_LIMITSCANS) {
		return img, nil
	}
	if C.tjGetErrorCode(h) != C.TJERR_WARNING {
		return nil, lastError(h)
	}
	first := C.GoString(C.tjGetErrorStr2(h))
	if first == eofWarning || cutShort(data) {
		return nil, errors.New("turbojpeg: the file ends before its picture does (truncated)")
	}
	// Again, past the warnings. TurboJPEG calls an error that follows a
	// warning a warning too; but libjpeg keeps only its first warning's
	// text, and an error's text replaces it, so the same text means
	// warnings only, the picture decoded to its end.
	if !decode(C.TJFLAG_LIMITSCANS) &&
		(C.tjGetErrorCode(h) != C.TJERR_WARNING || C.GoString(C.tjGetErrorStr2(h)) != first) {
		return nil, lastError(h)
	}
	return img, &Warning{Msg: first}
}

// Encode compresses an NRGBA image as a baseline JPEG of the given quality
// (1–100) with 4:2:0 chroma subsampling, as Go's image/jpeg and PIL do. The
// alpha channel is ignored: give it opaque images.
func Encode(img *image.NRGBA, quality int) ([]byte, error) {
	// libjpeg's messages live in a thread-local buffer (tjGetErrorStr2
	// falls back to it once it has read the handle's own, and libjpeg
	// writes its warnings and errors only there): the calls and the
	// reading of their message must be on one thread, or the message is
	// another thread's ("No error").
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b := img.Bounds()
	if b.Empty() {
		return nil, errors.New("turbojpeg: empty image")
	}
	if quality < 1 || quality > 100 {
		return nil, fmt.Errorf("turbojpeg: quality %d is not 1–100", quality)
	}
	h := C.tjInitCompress()
	if h == nil {
		return nil, errors.New("turbojpeg: cannot create a compressor")
	}
	defer C.tjDestroy(h)
	pix := img.Pix[img.PixOffset(b.Min.X, b.Min.Y):]
	var out *C.uchar // TurboJPEG allocates it; freed below
	var size C.ulong
	defer func() {
		if out != nil {
			C.tjFree(out)
		}
	}()
	if C.tjCompress2(h, (*C.uchar)(unsafe.Pointer(&pix[0])), C.int(b.Dx()), C.int(img.Stride), C.int(b.Dy()), C.TJPF_RGBA,
		&out, &size, C.TJSAMP_420, C.int(quality), 0) != 0 {
		return nil, lastError(h)
	}
	return C.GoBytes(unsafe.Pointer(out), C.int(size)), nil
}

func lastError(h C.tjhandle) error {
	return fmt.Errorf("turbojpeg: %s", C.GoString(C.tjGetErrorStr2(h)))
}
