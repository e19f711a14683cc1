package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func pngBytes(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 8, 4))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDownload(t *testing.T) {
	img := pngBytes(t)
	var hits atomic.Int64
	var flaky atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/ok.png":
			w.Write(img)
		case "/flaky.png": // fails twice, then works
			if flaky.Add(1) <= 2 {
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			w.Write(img)
		case "/busy":
			w.WriteHeader(http.StatusTooManyRequests)
		case "/big":
			w.Header().Set("Content-Length", "100000")
			w.Write(make([]byte, 100000))
		case "/chunked-big":
			for range 20 {
				w.Write(make([]byte, 10000))
				w.(http.Flusher).Flush()
			}
		case "/slow":
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	newClient := func() *Client {
		c := New(2)
		c.Backoff = time.Millisecond
		c.Limits.MaxBytes = 50000
		t.Cleanup(c.Close)
		return c
	}
	dir := t.TempDir()

	t.Run("an image lands under a safe name", func(t *testing.T) {
		res, err := newClient().Download(context.Background(), srv.URL+"/ok.png", dir)
		if err != nil {
			t.Fatal(err)
		}
		if res.Format != "png" || res.Width != 8 || res.Height != 4 || res.Attempts != 1 || filepath.Dir(res.Path) != dir {
			t.Fatalf("%+v", res)
		}
		if got, _ := os.ReadFile(res.Path); !bytes.Equal(got, img) {
			t.Fatal("content differs")
		}
	})

	t.Run("a 503 is tried again", func(t *testing.T) {
		res, err := newClient().Download(context.Background(), srv.URL+"/flaky.png", dir)
		if err != nil || res.Attempts != 3 {
			t.Fatalf("%+v, %v", res, err)
		}
	})

	t.Run("a 404 is not tried again", func(t *testing.T) {
		before := hits.Load()
		_, err := newClient().Download(context.Background(), srv.URL+"/missing.png", dir)
		var se *StatusError
		if !errors.As(err, &se) || se.Code != 404 || hits.Load()-before != 1 {
			t.Fatalf("err %v after %d requests", err, hits.Load()-before)
		}
	})

	t.Run("a 429 is tried a bounded number of times", func(t *testing.T) {
		before := hits.Load()
		_, err := newClient().Download(context.Background(), srv.URL+"/busy", dir)
		if err == nil || !strings.Contains(err.Error(), "after 3 tries") || hits.Load()-before != 3 {
			t.Fatalf("err %v after %d requests", err, hits.Load()-before)
		}
	})

	t.Run("bodies over the limit fail whatever their framing", func(t *testing.T) {
		for _, p := range []string{"/big", "/chunked-big"} {
			_, err := newClient().Download(context.Background(), srv.URL+p, dir)
			if err == nil || !strings.Contains(err.Error(), "limit") {
				t.Errorf("%s: %v", p, err)
			}
		}
	})

	t.Run("the item timeout ends a stalled download", func(t *testing.T) {
		c := newClient()
		c.ItemTimeout = 100 * time.Millisecond
		start := time.Now()
		_, err := c.Download(context.Background(), srv.URL+"/slow", dir)
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
			t.Fatalf("err %v after %v", err, time.Since(start))
		}
		if !strings.Contains(err.Error(), "timed out: the download took longer than 100ms") {
			t.Errorf("the error does not say what timed out: %v", err)
		}
	})

	t.Run("a URL that can never work is tried once", func(t *testing.T) {
		for _, u := range []string{"http://", "http://127.0.0.1:99999/x.jpg"} {
			res, err := newClient().Download(context.Background(), u, dir)
			if err == nil || res.Attempts != 1 || strings.Contains(err.Error(), "tries") {
				t.Errorf("%s: %d tries, %v", u, res.Attempts, err)
			}
		}
	})

	t.Run("a refused connection is tried again", func(t *testing.T) {
		closed := httptest.NewServer(http.NotFoundHandler())
		u := closed.URL + "/x.jpg"
		closed.Close()
		res, err := newClient().Download(context.Background(), u, dir)
		if err == nil || res.Attempts != 3 {
			t.Errorf("%d tries, %v", res.Attempts, err)
		}
	})

	t.Run("nothing else was written", func(t *testing.T) {
		entries, _ := os.ReadDir(dir)
		if len(entries) != 2 {
			t.Fatalf("%d files in the folder, want 2", len(entries))
		}
	})
}

func TestName(t *testing.T) {
	for _, tc := range []struct{ url, format, prefix string }{
		{"http://x/photos/cat.jpg", "jpeg", "cat-"},
		{"http://x/../../etc/passwd", "png", "passwd-"},
		{"http://x/a%2F..%2F..%2Fb.png", "png", "b-"},
		{"http://x/", "gif", "image-"},
		{"http://x/.hidden", "webp", "image-"},
		{"http://x/we%20ird%00na:me*.jpg", "jpeg", "we_ird_na_me-"},
		{"http://x/" + strings.Repeat("y", 300), "jpeg", strings.Repeat("y", 60) + "-"},
	} {
		got := Name(tc.url, tc.format)
		if !strings.HasPrefix(got, tc.prefix) || strings.ContainsAny(got, `/\`) || strings.HasPrefix(got, ".") {
			t.Errorf("Name(%q) = %q, want prefix %q", tc.url, got, tc.prefix)
		}
	}
	if Name("http://x/a.jpg", "jpeg") == Name("http://y/a.jpg", "jpeg") {
		t.Error("different URLs share a name")
	}
}

// TestDownloadStreamsToDisk downloads bodies just under, at and just over an
// 8 MiB limit, without Content-Length (so only counting can stop them), and
// measures what the download allocates: a body held in memory would cost at
// least its size.
func TestDownloadStreamsToDisk(t *testing.T) {
	const limit = 8 << 20
	body := make([]byte, limit+1)
	copy(body, pngBytes(t)) // a PNG header, then zeros: Check reads only the header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
		for b := body[:n]; len(b) > 0; b = b[min(len(b), 1<<20):] { // chunked, 1 MiB a chunk
			w.Write(b[:min(len(b), 1<<20)])
			w.(http.Flusher).Flush()
		}
	}))
	defer srv.Close()
	c := New(1)
	c.Limits.MaxBytes = limit
	defer c.Close()
	allocated := func(f func()) uint64 {
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		f()
		runtime.ReadMemStats(&m1)
		return m1.TotalAlloc - m0.TotalAlloc
	}
	for _, n := range []int{limit - 1, limit, limit + 1} {
		t.Run(fmt.Sprintf("%d bytes", n), func(t *testing.T) {
			dir := t.TempDir()
			var res Result
			var err error
			a := allocated(func() { res, err = c.Download(context.Background(), fmt.Sprintf("%s/%d", srv.URL, n), dir) })
			t.Logf("%d bytes allocated for a %d byte body", a, n)
			if a > limit/8 { // the client's and the test server's buffers: about 100 KB measured
				t.Errorf("%d bytes allocated: the body was held in memory", a)
			}
			entries, _ := os.ReadDir(dir)
			if n > limit {
				if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "limit") {
					t.Errorf("err %v, want one about the limit", err)
				}
				if len(entries) != 0 {
					t.Errorf("%s left in the folder", entries[0].Name())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(res.Path)
			if res.Bytes != int64(n) || !bytes.Equal(got, body[:n]) || len(entries) != 1 || res.Format != "png" {
				t.Fatalf("%+v: %d bytes on disk, %d files in the folder", res, len(got), len(entries))
			}
		})
	}
}
