package gallery

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"time"

	"concurrencylab/jobs/wait"
)

// Network is the simulated network of the gallery server: every request waits
// Latency before its response starts, and every connection sends at most
// Bandwidth bytes a second (0: unlimited).
type Network struct {
	Latency   time.Duration
	Bandwidth int64
}

// CDN is a typical content-delivery network seen from a laptop.
var CDN = Network{Latency: 150 * time.Millisecond, Bandwidth: 4_000_000}

// Server serves a set of images on 127.0.0.1 at a random port: GET /index.json
// lists them, GET /img/NAME sends one.
type Server struct {
	URL    string // http://127.0.0.1:PORT
	net    Network
	byName map[string]Image
	listed []Image // in the order given to Serve, with their URLs
	index  []byte
	srv    *http.Server
	done   chan error
}

// Serve starts a server for imgs (their Path must exist). Close stops it.
func Serve(imgs []Image, nw Network) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{URL: "http://" + ln.Addr().String(), net: nw, byName: make(map[string]Image), done: make(chan error, 1)}
	s.listed = make([]Image, len(imgs))
	for i, im := range imgs {
		im.URL = s.ImageURL(im.Name)
		if _, dup := s.byName[im.Name]; dup {
			ln.Close()
			return nil, fmt.Errorf("two images are named %q", im.Name)
		}
		s.byName[im.Name] = im
		s.listed[i] = im
	}
	s.index, _ = json.MarshalIndent(s.listed, "", "  ")
	mux := http.NewServeMux()
	mux.HandleFunc("GET /index.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(s.index)
	})
	mux.HandleFunc("GET /img/{name}", s.serveImage)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { s.done <- s.srv.Serve(ln) }()
	return s, nil
}

// ImageURL is where the server sends the image called name.
func (s *Server) ImageURL(name string) string { return s.URL + "/img/" + url.PathEscape(name) }

// Images lists what the server sends, as given to Serve and in that order,
// with their URLs.
func (s *Server) Images() []Image { return slices.Clone(s.listed) }

// Close stops the server at once and waits for its goroutines to end.
func (s *Server) Close() error {
	err := s.srv.Close()
	if serr := <-s.done; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

func (s *Server) serveImage(w http.ResponseWriter, r *http.Request) {
	im, ok := s.byName[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	data, err := os.ReadFile(im.Path)
	if err != nil {
		http.Error(w, "image unavailable", http.StatusInternalServerError)
		return
	}
	if !wait.Sleep(r.Context(), s.net.Latency) {
		return
	}
	w.Header().Set("Content-Type", http.DetectContentType(data))
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	writePaced(r.Context(), w, data, s.net.Bandwidth)
}

// writePaced sends data no faster than bw bytes a second, in small chunks so the
// pace is smooth, and stops early when the client goes away.
func writePaced(ctx context.Context, w http.ResponseWriter, data []byte, bw int64) {
	if bw <= 0 {
		w.Write(data)
		return
	}
	const chunk = 16 << 10
	start := time.Now()
	flusher, _ := w.(http.Flusher)
	for sent := 0; sent < len(data); {
		n := min(chunk, len(data)-sent)
		// A chunk leaves when the link would have carried it, so the last
		// byte arrives at latency + size/bandwidth, not a chunk early.
		due := time.Duration(float64(sent+n) / float64(bw) * float64(time.Second))
		if !wait.Sleep(ctx, due-time.Since(start)) {
			return
		}
		if _, err := w.Write(data[sent : sent+n]); err != nil {
			return
		}
		sent += n
		if flusher != nil {
			flusher.Flush()
		}
	}
}
