package deflate

import (
	"bytes"
	"compress/zlib"
	"errors"
	"math/rand/v2"
	"testing"
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

func TestZlib(t *testing.T) {
	data := make([]byte, 1<<20)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(i/512) + byte(r.IntN(4)) // compressible, not trivially
	}
	z := compress(t, data)
	t.Run("decompresses what compress/zlib wrote", func(t *testing.T) {
		out := make([]byte, len(data))
		if err := Zlib(z, out); err != nil || !bytes.Equal(out, data) {
			t.Fatalf("%v", err)
		}
	})
	t.Run("a size other than the stream's is an error", func(t *testing.T) {
		for _, n := range []int{len(data) - 1, len(data) + 1} {
			if err := Zlib(z, make([]byte, n)); !errors.Is(err, ErrSize) {
				t.Errorf("%d bytes: %v", n, err)
			}
		}
	})
	t.Run("truncated and corrupt streams are errors", func(t *testing.T) {
		out := make([]byte, len(data))
		if err := Zlib(z[:len(z)/2], out); err == nil {
			t.Error("truncated stream accepted")
		}
		bad := bytes.Clone(z)
		bad[len(bad)-1] ^= 1 // the Adler-32 checksum
		if err := Zlib(bad, out); err == nil {
			t.Error("bad checksum accepted")
		}
		if err := Zlib(nil, out); err == nil {
			t.Error("empty input accepted")
		}
	})
}

func FuzzZlib(f *testing.F) {
	f.Add(compress(f, []byte("hello, hello, hello")), 19)
	f.Fuzz(func(t *testing.T, in []byte, n int) {
		if n < 1 || n > 1<<16 {
			return
		}
		Zlib(in, make([]byte, n)) // never crashes
	})
}
