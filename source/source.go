// Package source turns what a user picked (the built-in gallery, a file of
// URLs, or a folder of their own images) into the items of a run, starting the
// built-in gallery server when the run downloads them.
package source

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"concurrencylab/jobs"
	"concurrencylab/jobs/gallery"
)

// Options shape the built-in gallery and the simulated network.
type Options struct {
	Images   int             // built-in gallery size
	Sizes    []gallery.Size  // built-in picture sizes, cycled; nil: gallery.PhotoSizes
	Network  gallery.Network // of the built-in server
	CacheDir string          // where the built-in gallery is kept; "": gallery.DefaultDir()
	// Progress, when set, hears how the built-in gallery's generation goes:
	// pictures made of those to make (see gallery.EnsureProgress).
	Progress func(made, toMake int)
	// Task is what the run does with the items. A Thumbnail run reads the
	// built-in gallery's and a folder's pictures from disk, so no server
	// starts for it and its items have no URL; any other task (and the zero
	// Task) downloads them from the built-in server on 127.0.0.1.
	Task jobs.Task
}

// Source is the items of a run and what serves them.
type Source struct {
	Kind   string // "builtin", "urls" or "dir"
	Items  []jobs.Item
	Bytes  int64           // total size of the items, when known (0 for URLs)
	Server *gallery.Server // serves builtin and dir items on 127.0.0.1; nil for a Thumbnail run
	// Skipped says, for a folder, each entry that is not one of its items and
	// why: "holiday (a folder: subfolders are not read)".
	Skipped []string
}

// Open parses spec ("builtin", "urls:FILE" or "dir:PATH") and prepares its items.
func Open(ctx context.Context, spec string, opt Options) (*Source, error) {
	kind, arg, _ := strings.Cut(spec, ":")
	switch {
	case kind == "builtin" && arg == "":
		dir := opt.CacheDir
		if dir == "" {
			var err error
			if dir, err = gallery.DefaultDir(); err != nil {
				return nil, err
			}
		}
		imgs, err := gallery.EnsureProgress(ctx, dir, opt.Images, opt.Sizes, opt.Progress)
		if err != nil {
			return nil, err
		}
		return serve("builtin", imgs, opt)
	case kind == "dir" && arg != "":
		imgs, skipped, err := folder(arg)
		if err != nil {
			return nil, err
		}
		s, err := serve("dir", imgs, opt)
		if s != nil {
			s.Skipped = skipped
		}
		return s, err
	case kind == "urls" && arg != "":
		items, err := urlList(arg)
		if err != nil {
			return nil, err
		}
		return &Source{Kind: "urls", Items: items}, nil
	}
	return nil, fmt.Errorf("unknown source %q (want builtin, urls:FILE or dir:PATH)", spec)
}

// Close stops the server, if any.
func (s *Source) Close() error {
	if s.Server != nil {
		return s.Server.Close()
	}
	return nil
}

// serve makes the items of imgs, served on 127.0.0.1 unless opt's task only
// reads them from disk.
func serve(kind string, imgs []gallery.Image, opt Options) (*Source, error) {
	s := &Source{Kind: kind}
	if opt.Task != jobs.Thumbnail {
		srv, err := gallery.Serve(imgs, opt.Network)
		if err != nil {
			return nil, err
		}
		s.Server, imgs = srv, srv.Images()
	}
	for _, im := range imgs {
		s.Items = append(s.Items, jobs.Item{Name: im.Name, URL: im.URL, Path: im.Path, Bytes: im.Bytes})
		s.Bytes += im.Bytes
	}
	return s, nil
}

// ImageExts are the file name endings a folder source picks up.
var ImageExts = []string{".jpg", ".jpeg", ".png", ".gif", ".webp"}

// folder lists the images of dir, following links to files, and says what
// it passed over and why.
func folder(dir string) ([]gallery.Image, []string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	var imgs []gallery.Image
	var skipped []string
	for _, e := range entries {
		name := e.Name()
		why := ""
		path := filepath.Join(dir, name)
		fi, err := os.Stat(path) // through a link, to what it points at
		switch ext := strings.ToLower(filepath.Ext(name)); {
		case strings.HasPrefix(name, "."):
			continue // hidden files are nobody's pictures to list
		case err != nil && e.Type()&os.ModeSymlink != 0:
			why = "a link to nothing"
		case err != nil:
			why = err.Error()
		case fi.IsDir():
			why = "a folder: subfolders are not read"
		case !fi.Mode().IsRegular():
			why = "not a regular file"
		case !slices.Contains(ImageExts, ext):
			why = "not an image name (" + strings.Join(ImageExts, " ") + ")"
		}
		if why != "" {
			skipped = append(skipped, fmt.Sprintf("%s (%s)", name, why))
			continue
		}
		imgs = append(imgs, gallery.Image{Name: name, Bytes: fi.Size(), Path: path})
	}
	if len(imgs) == 0 {
		msg := fmt.Sprintf("no images (%s) in %s", strings.Join(ImageExts, " "), dir)
		if len(skipped) > 0 {
			msg += "; skipped: " + strings.Join(skipped, ", ")
		}
		return nil, nil, errors.New(msg)
	}
	return imgs, skipped, nil
}

func urlList(file string) ([]jobs.Item, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var items []jobs.Item
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		it := jobs.Item{Name: line, URL: line}
		u, err := url.Parse(line)
		switch {
		case err != nil:
			it.Err = fmt.Errorf("%s line %d: %w", file, n, err)
		case u.Scheme != "http" && u.Scheme != "https":
			it.Err = fmt.Errorf("%s line %d: %q is not an http(s) URL", file, n, line)
		default:
			if b := path.Base(u.Path); b != "/" && b != "." {
				it.Name = b
			}
		}
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("no URLs in %s", file)
	}
	return items, nil
}

// Prepare opens spec for task: for a thumbnail run, items that are only URLs
// are downloaded first into dir (not part of the measured run).
func Prepare(ctx context.Context, spec string, opt Options, task jobs.Task, dir string) (*Source, error) {
	opt.Task = task
	s, err := Open(ctx, spec, opt)
	if err != nil {
		return nil, err
	}
	if task == jobs.Thumbnail {
		if err := s.Localize(ctx, dir); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// Localize makes sure every item has a local file, downloading those that
// have only a URL into dir with a pool of goroutines (this is preparation,
// not a measured run). An item that cannot be downloaded gets its Err.
func (s *Source) Localize(ctx context.Context, dir string) error {
	var need []int
	var items []jobs.Item
	for i, it := range s.Items {
		if it.Path == "" && it.Err == nil {
			need = append(need, i)
			items = append(items, it)
		}
	}
	if len(need) == 0 {
		return nil
	}
	rep := jobs.ReporterFunc(func(e jobs.Event) {
		switch e.Kind {
		case jobs.ItemDone:
			s.Items[need[e.Item]].Path = e.Info.Download
		case jobs.ItemFailed:
			s.Items[need[e.Item]].Err = fmt.Errorf("download: %w", e.Err)
		}
	})
	_, err := jobs.Run(ctx, jobs.Spec{Task: jobs.Download, Mode: jobs.Goroutines, Workers: 8, OutDir: dir, Items: items}, rep)
	return err
}
