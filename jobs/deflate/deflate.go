// Package deflate decompresses zlib data whole through libdeflate, about
// twice as fast as zlib and four times as fast as Go's compress/flate on a
// large PNG's pixels (measured in docs/performance-formats.md): a PNG
// thumbnail's cost is mostly inflating. It needs libdeflate (Debian:
// libdeflate-dev to build, libdeflate0 to run).
package deflate

/*
#cgo LDFLAGS: -ldeflate
#include <libdeflate.h>
*/
import "C"

import (
	"errors"
	"fmt"
	"unsafe"
)

// ErrSize reports zlib data that do not decompress to exactly the size
// expected: too little is a truncated stream, too much a bad header.
var ErrSize = errors.New("decompressed size differs from the size expected")

// Zlib decompresses the zlib stream in into out, which it must fill exactly.
// The stream's Adler-32 checksum is checked. It runs on the calling thread.
func Zlib(in, out []byte) error {
	if len(in) == 0 || len(out) == 0 {
		return fmt.Errorf("deflate: %d bytes into %d: %w", len(in), len(out), ErrSize)
	}
	d := C.libdeflate_alloc_decompressor()
	if d == nil {
		return errors.New("deflate: cannot allocate a decompressor")
	}
	defer C.libdeflate_free_decompressor(d)
	switch r := C.libdeflate_zlib_decompress(d, unsafe.Pointer(&in[0]), C.size_t(len(in)),
		unsafe.Pointer(&out[0]), C.size_t(len(out)), nil); r {
	case C.LIBDEFLATE_SUCCESS:
		return nil
	case C.LIBDEFLATE_SHORT_OUTPUT, C.LIBDEFLATE_INSUFFICIENT_SPACE:
		return fmt.Errorf("deflate: %w", ErrSize)
	default:
		return errors.New("deflate: corrupt or unsupported zlib data")
	}
}
