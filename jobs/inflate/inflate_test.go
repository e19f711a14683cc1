package inflate

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
	"testing/iotest"
)

func compress(t testing.TB, data []byte) []byte {
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sample() []byte {
	data := make([]byte, 1<<20)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(i/512) + byte(r.IntN(4)) // compressible, not trivially
	}
	return data
}

// inflateAll reads the whole stream in pieces of n bytes.
func inflateAll(src io.Reader, n int) ([]byte, *Zlib, error) {
	z, err := NewZlib(src)
	if err != nil {
		return nil, nil, err
	}
	defer z.Close()
	var out []byte
	buf := make([]byte, n)
	for {
		m, err := z.Read(buf)
		out = append(out, buf[:m]...)
		if err == io.EOF {
			return out, z, nil
		}
		if err != nil {
			return out, z, err
		}
	}
}

func TestZlib(t *testing.T) {
	data := sample()
	z := compress(t, data)
	t.Run("inflates what compress/zlib wrote, in pieces of any size", func(t *testing.T) {
		for _, n := range []int{1, 7, 4096, 1 << 16, 3 << 20} {
			out, _, err := inflateAll(bytes.NewReader(z), n)
			if err != nil || !bytes.Equal(out, data) {
				t.Fatalf("pieces of %d: %v, %d bytes of %d", n, err, len(out), len(data))
			}
		}
		out, _, err := inflateAll(iotest.OneByteReader(bytes.NewReader(z)), 5000)
		if err != nil || !bytes.Equal(out, data) {
			t.Fatalf("a byte at a time from the source: %v", err)
		}
	})
	t.Run("bytes after the stream are counted, not inflated", func(t *testing.T) {
		out, zr, err := inflateAll(bytes.NewReader(append(bytes.Clone(z), "tail"...)), 1<<16)
		if err != nil || !bytes.Equal(out, data) || zr.Unused() != 4 {
			t.Fatalf("%v, unused %d", err, zr.Unused())
		}
	})
	t.Run("truncated and corrupt streams are errors", func(t *testing.T) {
		for _, n := range []int{0, 1, 2, len(z) / 2, len(z) - 1} {
			if _, _, err := inflateAll(bytes.NewReader(z[:n]), 4096); !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("cut at %d of %d: %v", n, len(z), err)
			}
		}
		bad := bytes.Clone(z)
		bad[len(bad)-1] ^= 1 // the Adler-32 checksum
		if _, _, err := inflateAll(bytes.NewReader(bad), 4096); !errors.Is(err, ErrCorrupt) {
			t.Errorf("bad checksum: %v", err)
		}
		bad = bytes.Clone(z)
		bad[0] = 0x79 // not deflate's method 8
		if _, _, err := inflateAll(bytes.NewReader(bad), 4096); !errors.Is(err, ErrCorrupt) {
			t.Errorf("bad header: %v", err)
		}
	})
	t.Run("an error stays", func(t *testing.T) {
		// io.ReadFull drops an error that comes with the bytes it wanted:
		// the next Read must give it again, not io.EOF.
		bad := bytes.Clone(z)
		bad[len(bad)-1] ^= 1
		zr, err := NewZlib(bytes.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		io.ReadFull(zr, make([]byte, len(data)))
		for range 2 {
			if _, err := zr.Read(make([]byte, 1)); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("after a bad checksum: %v", err)
			}
		}
	})
	t.Run("a source's error is passed on", func(t *testing.T) {
		boom := errors.New("disk gone")
		src := io.MultiReader(bytes.NewReader(z[:100]), iotest.ErrReader(boom))
		if _, _, err := inflateAll(src, 4096); !errors.Is(err, boom) {
			t.Errorf("%v", err)
		}
	})
	t.Run("reading allocates nothing", func(t *testing.T) {
		zr, err := NewZlib(bytes.NewReader(z))
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		buf := make([]byte, 4096)
		if a := testing.AllocsPerRun(100, func() { zr.Read(buf) }); a != 0 {
			t.Errorf("%v allocations per Read", a)
		}
	})
}

func FuzzZlib(f *testing.F) {
	f.Add(compress(f, []byte("hello, hello, hello")), 19)
	f.Fuzz(func(t *testing.T, in []byte, n int) {
		if n < 1 || n > 1<<16 {
			return
		}
		inflateAll(bytes.NewReader(in), n) // never crashes, never hangs
	})
}

// BenchmarkZlib inflates 1 MiB of compressible data in 64 KiB pieces: ISA-L
// in a cgo build, compress/zlib without cgo (CGO_ENABLED=0), to compare.
func BenchmarkZlib(b *testing.B) {
	data := sample()
	z := compress(b, data)
	buf := make([]byte, 64<<10)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		zr, err := NewZlib(bytes.NewReader(z))
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := zr.Read(buf); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
		zr.Close()
	}
}
