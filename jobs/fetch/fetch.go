// Package fetch downloads images over HTTP the way a careful client does: one
// shared client whose connection pool fits the number of workers, bounded
// connect/header/body times, retries only for transient failures, a size limit
// that fails instead of truncating, content sniffed from the bytes, and files
// written atomically under names derived safely from the URL. A body streams
// to a temporary file in the destination folder, so memory does not grow
// with its size.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"concurrencylab/jobs/atomicfile"
	"concurrencylab/jobs/imagecheck"
	"concurrencylab/jobs/wait"
)

// Client downloads images. Its zero value is not usable; call New.
type Client struct {
	HTTP        *http.Client
	Limits      imagecheck.Limits
	ItemTimeout time.Duration // a whole download, retries included
	Attempts    int           // tries for a transient failure
	Backoff     time.Duration // wait before the second try; doubled after
}

// New returns a Client for workers concurrent downloads. Go's default transport
// keeps only 2 idle connections per host, which makes a larger pool reconnect
// all the time; this one keeps one per worker.
func New(workers int) *Client {
	workers = max(workers, 1)
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConns:          2 * workers,
		MaxIdleConnsPerHost:   workers,
		ForceAttemptHTTP2:     true,
	}
	return &Client{
		HTTP:        &http.Client{Transport: tr},
		Limits:      imagecheck.Default,
		ItemTimeout: 2 * time.Minute,
		Attempts:    3,
		Backoff:     250 * time.Millisecond,
	}
}

// Close closes idle connections, so that no connection goroutine outlives a run.
func (c *Client) Close() { c.HTTP.CloseIdleConnections() }

// Result is one image downloaded.
type Result struct {
	Path     string        `json:"path"`
	Bytes    int64         `json:"bytes"`
	Format   string        `json:"format"`
	Width    int           `json:"width"`
	Height   int           `json:"height"`
	Attempts int           `json:"attempts"`
	Network  time.Duration `json:"network_ns"` // from request to last byte, over all tries
}

// StatusError is an HTTP response that is not 200 OK.
type StatusError struct {
	Code       int
	RetryAfter time.Duration
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("HTTP %d %s", e.Code, http.StatusText(e.Code))
}

// Download fetches url, checks that it is an allowed image within the limits,
// and writes it into dir under Name(url, format). The body streams into a
// temporary file in dir, renamed once whole and checked; nothing is left in
// dir on failure.
func (c *Client) Download(ctx context.Context, url, dir string) (Result, error) {
	if c.ItemTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.ItemTimeout)
		defer cancel()
	}
	tmp, err := atomicfile.Create(dir, Name(url, ""))
	if err != nil {
		return Result{}, err
	}
	defer tmp.Abort()
	start := time.Now()
	var res Result
	backoff := c.Backoff
	for res.Attempts = 1; ; res.Attempts++ {
		res.Bytes, err = c.get(ctx, url, tmp.File)
		if err == nil || res.Attempts >= c.Attempts || !transient(err) {
			break
		}
		d := backoff
		if se := (*StatusError)(nil); errors.As(err, &se) && se.RetryAfter > d {
			d = min(se.RetryAfter, 10*time.Second)
		}
		if !wait.Sleep(ctx, d) {
			break
		}
		backoff *= 2
	}
	res.Network = time.Since(start)
	if err != nil {
		res.Bytes = 0
		switch {
		case errors.Is(ctx.Err(), context.DeadlineExceeded) && c.ItemTimeout > 0:
			// Say what timed out, not just "context deadline exceeded".
			err = fmt.Errorf("timed out: the download took longer than %v, the most one item may take (--timeout): %w", c.ItemTimeout, err)
		case ctx.Err() != nil && !errors.Is(err, ctx.Err()):
			err = fmt.Errorf("%w (%v)", ctx.Err(), err)
		}
		if res.Attempts > 1 {
			err = fmt.Errorf("%w (after %d tries)", err, res.Attempts)
		}
		return res, err
	}
	cfg, err := c.Limits.CheckAt(tmp, res.Bytes)
	if err != nil {
		return res, err
	}
	res.Format, res.Width, res.Height = cfg.Format, cfg.Width, cfg.Height
	res.Path = filepath.Join(dir, Name(url, cfg.Format))
	return res, tmp.Commit(res.Path)
}

// get writes the body of url over f (emptied first: a retry starts again)
// and returns its length.
func (c *Client) get(ctx context.Context, url string, f *os.File) (int64, error) {
	if err := f.Truncate(0); err != nil {
		return 0, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept", "image/*")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
		return 0, &StatusError{Code: resp.StatusCode, RetryAfter: retryAfter(resp.Header.Get("Retry-After"))}
	}
	max := c.Limits.MaxBytes
	if max > 0 && resp.ContentLength > max {
		return 0, fmt.Errorf("body is %d bytes, over the %d byte limit", resp.ContentLength, max)
	}
	n, err := copyLimited(f, resp.Body, max)
	if errors.Is(err, ErrTooLarge) {
		return n, fmt.Errorf("reading body: body %w (%d bytes)", err, max)
	}
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return n, fmt.Errorf("body cut short after %d of %d bytes: %w", n, resp.ContentLength, err)
		}
		return n, fmt.Errorf("reading body: %w", err)
	}
	return n, nil
}

// copyLimited copies r to w through one small buffer, failing with
// ErrTooLarge (never truncating) past max bytes when max > 0: it reads one
// byte past the limit to tell a body of exactly max bytes from a longer one.
func copyLimited(w io.Writer, r io.Reader, max int64) (int64, error) {
	if max <= 0 {
		return io.Copy(w, r)
	}
	n, err := io.Copy(w, io.LimitReader(r, max+1))
	if err == nil && n > max {
		return n, ErrTooLarge
	}
	return n, err
}

// ErrTooLarge is returned (wrapped) for a body over the size limit.
var ErrTooLarge = imagecheck.ErrTooLarge

// transient reports whether trying again may help: connection failures, server
// errors other than 501, and 429 Too Many Requests. A 404 never gets better.
func transient(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var se *StatusError
	if errors.As(err, &se) {
		return se.Code == http.StatusTooManyRequests || (se.Code >= 500 && se.Code != http.StatusNotImplemented)
	}
	// A URL that can never work is not tried again: a bad address or port,
	// a host that does not exist.
	var addr *net.AddrError
	var dns *net.DNSError
	if errors.As(err, &addr) || (errors.As(err, &dns) && dns.IsNotFound) {
		return false
	}
	// Every error of http.Client.Do is a *url.Error, which calls itself a
	// net.Error: look inside. What fails on the network (a refused or reset
	// connection, a timeout, a body cut short) may work next time; a
	// malformed request ("no Host in request URL") will not.
	var ue *url.Error
	if errors.As(err, &ue) {
		var op *net.OpError
		return ue.Timeout() || errors.As(ue.Err, &op) || errors.Is(ue.Err, io.ErrUnexpectedEOF) || errors.Is(ue.Err, io.EOF)
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return time.Until(t)
	}
	return 0
}
