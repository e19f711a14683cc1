//go:build cgo

package inflate

/*
#cgo LDFLAGS: -lisal
#include <stdlib.h>
#include <string.h>
#include <isa-l/igzip_lib.h>

static struct inflate_state *newZlib(void) {
	struct inflate_state *s = malloc(sizeof *s);
	if (s) {
		isal_inflate_init(s);
		s->crc_flag = ISAL_ZLIB; // parse the zlib header, check the Adler-32
	}
	return s;
}

// step inflates from in into out and says how much of each it used. Go's
// memory is only borrowed for the call: the state keeps no pointer into it.
typedef struct {
	int err;
	uint32_t used, made;
	int done;
} stepped;

static stepped step(struct inflate_state *s, unsigned char *in, uint32_t nin,
		unsigned char *out, uint32_t nout) {
	s->next_in = in;
	s->avail_in = nin;
	s->next_out = out;
	s->avail_out = nout;
	stepped r = {isal_inflate(s), nin - s->avail_in, nout - s->avail_out, s->block_state == ISAL_BLOCK_FINISH};
	s->next_in = NULL;
	s->avail_in = 0;
	s->next_out = NULL;
	s->avail_out = 0;
	return r;
}
*/
import "C"

import (
	"errors"
	"fmt"
	"io"
	"unsafe"
)

// Native is true: this build inflates with ISA-L.
const Native = true

// Zlib is a zlib stream being inflated from its source. It is an io.Reader
// that returns io.EOF once the stream has ended and its checksum matched.
// Close frees it.
type Zlib struct {
	st     *C.struct_inflate_state
	src    io.Reader
	in     []byte
	lo, hi int   // in[lo:hi] is read from src, not yet inflated
	srcErr error // what src said last
	err    error // ISA-L's error, given again by every later Read
	done   bool
}

// NewZlib starts inflating the zlib stream src holds.
func NewZlib(src io.Reader) (*Zlib, error) {
	st := C.newZlib()
	if st == nil {
		return nil, errors.New("inflate: out of memory")
	}
	return &Zlib{st: st, src: src, in: make([]byte, inSize)}, nil
}

// Read inflates into p. Past the stream's end it returns io.EOF; a source
// that ends before the stream does gives io.ErrUnexpectedEOF. Corrupt data
// give ErrCorrupt, also on every Read after: an error that comes with the
// last bytes a caller wanted (a bad checksum) is not lost when the caller,
// such as io.ReadFull, drops it.
func (z *Zlib) Read(p []byte) (int, error) {
	if z.st == nil {
		return 0, errors.New("inflate: read after Close")
	}
	if z.err != nil {
		return 0, z.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	for idle := 0; ; {
		if z.done {
			return 0, io.EOF
		}
		if z.lo == z.hi && z.srcErr == nil {
			n, err := z.src.Read(z.in)
			z.lo, z.hi, z.srcErr = 0, n, err
		}
		var in *C.uchar
		if z.lo < z.hi {
			in = (*C.uchar)(&z.in[z.lo])
		}
		s := C.step(z.st, in, C.uint32_t(z.hi-z.lo), (*C.uchar)(&p[0]), C.uint32_t(min(len(p), 1<<30)))
		used, made := int(s.used), int(s.made)
		z.lo += used
		if s.err != C.ISAL_DECOMP_OK {
			z.err = fmt.Errorf("inflate: %w (ISA-L error %d)", ErrCorrupt, int(s.err))
			return made, z.err
		}
		z.done = s.done != 0
		switch {
		case made > 0:
			return made, nil
		case z.done:
			continue
		case z.lo == z.hi && z.srcErr != nil:
			if z.srcErr == io.EOF {
				return 0, fmt.Errorf("inflate: the data end before the stream does: %w", io.ErrUnexpectedEOF)
			}
			return 0, z.srcErr
		case used == 0: // neither input taken nor output made
			if idle++; idle > 100 {
				return 0, fmt.Errorf("inflate: %w", io.ErrNoProgress)
			}
		}
	}
}

// Unused is how many bytes read from the source lie past the stream's end
// (meaningful once Read has returned io.EOF).
func (z *Zlib) Unused() int { return z.hi - z.lo }

// Close frees the stream's state. It is safe to call twice.
func (z *Zlib) Close() error {
	if z.st != nil {
		C.free(unsafe.Pointer(z.st))
		z.st = nil
	}
	return nil
}
