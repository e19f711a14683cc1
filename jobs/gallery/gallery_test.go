package gallery

import (
	"bytes"
	"context"
	"encoding/json"
	"image/jpeg"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

func TestEnsureIsDeterministicAndCached(t *testing.T) {
	dir := t.TempDir()
	sizes := []Size{{W: 320, H: 240}, {W: 200, H: 300}}
	a, err := Ensure(context.Background(), dir, 3, sizes)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 3 || a[1].Width != 200 || a[2].Width != 320 {
		t.Fatalf("%+v", a)
	}
	first, _ := os.ReadFile(a[0].Path)
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(first))
	if err != nil || cfg.Width != 320 || cfg.Height != 240 {
		t.Fatalf("%+v, %v", cfg, err)
	}
	stat, _ := os.Stat(a[0].Path)
	b, err := Ensure(context.Background(), dir, 3, sizes)
	if err != nil {
		t.Fatal(err)
	}
	stat2, _ := os.Stat(b[0].Path)
	if !stat.ModTime().Equal(stat2.ModTime()) {
		t.Error("a cached picture was generated again")
	}
	if !bytes.Equal(Picture(7, 64, 48).Pix, Picture(7, 64, 48).Pix) {
		t.Error("the same seed drew different pictures")
	}
	if bytes.Equal(Picture(7, 64, 48).Pix, Picture(8, 64, 48).Pix) {
		t.Error("different seeds drew the same picture")
	}
}

func TestServer(t *testing.T) {
	imgs, err := Ensure(context.Background(), t.TempDir(), 2, []Size{{W: 400, H: 300}})
	if err != nil {
		t.Fatal(err)
	}
	nw := Network{Latency: 100 * time.Millisecond, Bandwidth: 200_000}
	srv, err := Serve(imgs, nw)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("listens on %s, not loopback", srv.URL)
	}

	resp, err := http.Get(srv.URL + "/index.json")
	if err != nil {
		t.Fatal(err)
	}
	var index []Image
	json.NewDecoder(resp.Body).Decode(&index)
	resp.Body.Close()
	if len(index) != 2 || index[0].URL != srv.ImageURL(imgs[0].Name) || index[0].Bytes != imgs[0].Bytes {
		t.Fatalf("index %+v", index)
	}

	start := time.Now()
	resp, err = http.Get(index[1].URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	want, _ := os.ReadFile(imgs[1].Path)
	if !bytes.Equal(body, want) {
		t.Fatal("served bytes differ from the file")
	}
	ideal := nw.Latency + time.Duration(float64(len(body))/float64(nw.Bandwidth)*float64(time.Second))
	if took < ideal || took > ideal+300*time.Millisecond {
		t.Errorf("took %v for %d bytes, the simulated network says %v", took, len(body), ideal)
	}

	resp, err = http.Get(srv.URL + "/img/nope.jpg")
	if err != nil || resp.StatusCode != 404 {
		t.Fatalf("unknown image: %v %v", resp.StatusCode, err)
	}
	resp.Body.Close()
}

func TestEnsureRefusesAHugeGallery(t *testing.T) {
	dir := t.TempDir()
	_, err := Ensure(context.Background(), dir, MaxImages+1, nil)
	if err == nil || !strings.Contains(err.Error(), "dir:PATH") {
		t.Fatalf("err = %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("%d files generated", len(entries))
	}
}
