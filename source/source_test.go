package source

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"concurrencylab/jobs"
	"concurrencylab/jobs/gallery"
)

func TestURLs(t *testing.T) {
	file := filepath.Join(t.TempDir(), "urls.txt")
	os.WriteFile(file, []byte("# a comment\nhttp://127.0.0.1:9/a/cat.jpg\n\n  https://127.0.0.1:9/dog.png  \nftp://x/y.jpg\n"), 0o644)
	s, err := Open(context.Background(), "urls:"+file, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Items) != 3 || s.Items[0].Name != "cat.jpg" || s.Items[1].URL != "https://127.0.0.1:9/dog.png" {
		t.Fatalf("%+v", s.Items)
	}
	if s.Items[2].Err == nil || !strings.Contains(s.Items[2].Err.Error(), "line 5") {
		t.Fatalf("ftp URL accepted: %+v", s.Items[2])
	}
}

func TestDirIsServed(t *testing.T) {
	dir := t.TempDir()
	imgs, err := gallery.Ensure(context.Background(), dir, 2, []gallery.Size{{W: 64, H: 48}})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a picture"), 0o644)
	os.WriteFile(filepath.Join(dir, ".hidden.jpg"), []byte("x"), 0o644)
	s, err := Open(context.Background(), "dir:"+dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if len(s.Items) != 2 || s.Items[0].Path != imgs[0].Path || !strings.HasPrefix(s.Items[0].URL, "http://127.0.0.1:") {
		t.Fatalf("%+v", s.Items)
	}
	if s.Bytes != imgs[0].Bytes+imgs[1].Bytes {
		t.Fatalf("bytes %d", s.Bytes)
	}
}

func TestThumbnailRunsReadFromDisk(t *testing.T) {
	dir := t.TempDir()
	imgs, err := gallery.Ensure(context.Background(), dir, 2, []gallery.Size{{W: 64, H: 48}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := Prepare(context.Background(), "dir:"+dir, Options{}, jobs.Thumbnail, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Server != nil {
		t.Errorf("a thumbnail run started a server at %s", s.Server.URL)
	}
	if len(s.Items) != 2 || s.Items[1].Path != imgs[1].Path || s.Items[1].URL != "" {
		t.Fatalf("%+v", s.Items)
	}
}

func TestBadSpecs(t *testing.T) {
	for _, spec := range []string{"", "web", "urls:", "dir:", "urls:/does/not/exist", "dir:/does/not/exist", "builtin:x"} {
		if s, err := Open(context.Background(), spec, Options{}); err == nil {
			s.Close()
			t.Errorf("%q accepted", spec)
		}
	}
	if _, err := Open(context.Background(), "dir:"+t.TempDir(), Options{}); err == nil || !strings.Contains(err.Error(), "no images") {
		t.Errorf("empty folder: %v", err)
	}
}

// TestFolderFollowsLinksAndSaysWhatItSkipped: a link to a picture is a
// picture; subfolders, other names and broken links are listed with why.
func TestFolderFollowsLinksAndSaysWhatItSkipped(t *testing.T) {
	pics := t.TempDir()
	imgs, err := gallery.Ensure(context.Background(), pics, 1, []gallery.Size{{W: 64, H: 48}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.Symlink(imgs[0].Path, filepath.Join(dir, "linked.jpg"))
	os.Symlink(filepath.Join(dir, "gone.jpg"), filepath.Join(dir, "broken.jpg"))
	os.Mkdir(filepath.Join(dir, "holiday"), 0o755)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644)
	s, err := Open(context.Background(), "dir:"+dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if len(s.Items) != 1 || s.Items[0].Name != "linked.jpg" || s.Items[0].Bytes != imgs[0].Bytes {
		t.Fatalf("items %+v", s.Items)
	}
	got := strings.Join(s.Skipped, "; ")
	for _, want := range []string{"broken.jpg (a link to nothing)", "holiday (a folder: subfolders are not read)", "notes.txt (not an image name"} {
		if !strings.Contains(got, want) {
			t.Errorf("skipped %q lacks %q", got, want)
		}
	}
	// A folder of nothing usable says what it passed over.
	os.Remove(filepath.Join(dir, "linked.jpg"))
	if _, err := Open(context.Background(), "dir:"+dir, Options{}); err == nil || !strings.Contains(err.Error(), "skipped: ") {
		t.Errorf("err = %v", err)
	}
}
