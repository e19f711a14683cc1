package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"

	"concurrencylab/jobs/atomicfile"
	"concurrencylab/jobs/cluster"
	"concurrencylab/jobs/imagecheck"
	"concurrencylab/jobs/thumb"
)

// clusterRun is a Cluster run's state beside the run's: who joined, who has
// which item. Its lock is held by the queue's handlers, which run on the NATS
// connection's goroutines, and by the feeders when they hand an item over.
type clusterRun struct {
	r       *run
	q       *cluster.Queue
	mu      sync.Mutex
	closed  bool // the run is over: late messages are answered and ignored
	workers map[cluster.Who]Worker
	open    map[int]Worker // item → the worker that last started it
	left    int            // items neither done nor failed
	allDone chan struct{}
	stats   ClusterStats
}

// cluster queues every item's thumbnail on a NATS JetStream server and waits
// until each is done or failed; a pipeline downloads here first, on Workers
// goroutines (or one per core with no local workers), and queues each image
// as it arrives.
func (r *run) cluster(ctx context.Context) (ClusterStats, error) {
	url, token := r.spec.Cluster.URL, r.spec.Cluster.Token
	if url == "" {
		srv, err := cluster.StartServer("", cluster.NewToken())
		if err != nil {
			return ClusterStats{}, err
		}
		defer srv.Close()
		url, token = srv.URL(), srv.Token()
	}
	lost := make(chan struct{})
	nc, err := cluster.Connect(url, cluster.ConnOptions{Token: token, Name: "concurrencylab run", OnClosed: func() { close(lost) }})
	if err != nil {
		return ClusterStats{}, err
	}
	defer nc.Close()
	c := &clusterRun{r: r, workers: map[cluster.Who]Worker{}, open: map[int]Worker{},
		left: len(r.items), allDone: make(chan struct{})}
	if c.left == 0 {
		close(c.allDone)
	}
	c.q, err = cluster.OpenQueue(ctx, nc, r.spec.Cluster.AckWait, cluster.Handlers{
		Progress: c.progress, Result: c.result, GaveUp: c.gaveUp, Rejected: c.rejected})
	if err != nil {
		return ClusterStats{}, err
	}
	defer c.q.Close()
	if r.spec.Workers > 0 {
		local, err := cluster.StartLocal(r.spec.Workers, url, token,
			cluster.LocalOptions{Command: r.spec.WorkerCommand, Nice: r.spec.WorkerNice, Idle: r.spec.WorkerIdle})
		if err != nil {
			return ClusterStats{}, err
		}
		defer local.Close()
	}
	var feeders sync.WaitGroup
	feedCtx, stopFeeding := context.WithCancel(ctx)
	feeders.Go(func() { c.feed(feedCtx) })
	defer feeders.Wait()
	defer stopFeeding() // a run that lost its server does not download the rest
	select {
	case <-c.allDone:
	case <-ctx.Done():
	case <-lost:
		err = fmt.Errorf("lost the NATS server at %s", url)
	}
	c.mu.Lock()
	c.closed = true
	stats := c.stats
	c.mu.Unlock()
	return stats, err
}

// feed queues each item's thumbnail task, downloading it first in a pipeline.
func (c *clusterRun) feed(ctx context.Context) {
	r := c.r
	order := r.order()
	if r.spec.Task != Pipeline {
		for _, i := range order {
			if ctx.Err() != nil {
				return
			}
			c.queue(ctx, &r.items[i])
		}
		return
	}
	n := r.spec.Workers
	if n == 0 {
		n = runtime.NumCPU()
	}
	r.client = r.newClient(n)
	defer r.client.Close()
	in := make(chan *itemState, len(order))
	for _, i := range order {
		in <- &r.items[i]
	}
	close(in)
	var wg sync.WaitGroup
	for i := range n {
		w := Worker{Kind: Goroutine, Role: DownloadStage, Index: i + 1}
		wg.Go(func() {
			for it := range in {
				if ctx.Err() != nil {
					return
				}
				ok := r.step(ctx, it, DownloadStage, w, r.local(DownloadStage))
				c.mu.Lock() // hands it over: the handlers lock before they touch it
				if !ok && ctx.Err() == nil {
					c.resolved()
				}
				c.mu.Unlock()
				if ok {
					c.queue(ctx, it)
				}
			}
		})
	}
	wg.Wait()
}

// queue reads it's image and queues its task; an image that cannot be read
// fails here.
func (c *clusterRun) queue(ctx context.Context, it *itemState) {
	r := c.r
	params, _ := json.Marshal(clusterParams{Size: r.spec.Size, Decoder: r.spec.Decoder, Limits: r.spec.Limits})
	err := it.Err
	var data []byte
	if err == nil {
		var src string
		if src, err = r.source(it); err == nil {
			data, err = readImage(src, r.spec.Limits.MaxBytes)
		}
	}
	if err == nil {
		err = c.q.Put(ctx, cluster.Task{Item: it.idx, Name: it.Name, Params: params}, data)
	}
	if err != nil && ctx.Err() == nil {
		c.mu.Lock()
		c.fail(it, Worker{}, err)
		c.mu.Unlock()
	}
}

func readImage(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := imagecheck.ReadAll(f, nil, max)
	if errors.Is(err, imagecheck.ErrTooLarge) {
		return nil, fmt.Errorf("%s is over the %d byte limit", path, max)
	}
	return data, err
}

// worker returns who's Worker, numbering it (and reporting it) the first
// time it is heard of.
func (c *clusterRun) worker(who cluster.Who) Worker {
	w, ok := c.workers[who]
	if !ok {
		c.stats.Joined++
		w = Worker{Kind: ClusterWorker, Index: c.stats.Joined, PID: who.PID, Host: who.Host}
		c.workers[who] = w
		c.r.emit(Event{Kind: WorkerUp, Item: -1, Worker: w})
	}
	return w
}

func (c *clusterRun) item(i int) *itemState {
	if i < 0 || i >= len(c.r.items) {
		return nil
	}
	return &c.r.items[i]
}

func (c *clusterRun) progress(p cluster.Progress) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	it := c.item(p.Item)
	if p.Kind == "start" && it == nil {
		c.stats.Rejected++
		return
	}
	w := c.worker(p.Who)
	if p.Kind == "hello" {
		return
	}
	if p.Delivered > 1 {
		c.stats.Redeliveries++
	}
	if it.done || it.err != nil {
		return // a late redelivery of an item already in: its result will be a duplicate
	}
	if prev, ok := c.open[p.Item]; ok && prev != w {
		c.r.emit(Event{Kind: StepLost, Item: it.idx, Name: it.Name, Stage: ThumbnailStage, Worker: prev,
			Err: fmt.Errorf("%s was lost; the queue redelivered the item", prev)})
	}
	c.open[p.Item] = w
	c.r.emit(Event{Kind: StepStarted, Item: it.idx, Name: it.Name, Stage: ThumbnailStage, Worker: w})
}

// result keeps the first result of each item: it writes the thumbnail (temp
// file and rename) and reports the step; a later one is a duplicate.
func (c *clusterRun) result(d cluster.Done, data []byte) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return "the run is over"
	}
	it := c.item(d.Item)
	if it == nil {
		c.stats.Rejected++
		return "rejected: no such item"
	}
	w := c.worker(d.Who)
	if it.done || it.err != nil {
		c.stats.Duplicates++
		return "duplicate: the first result was kept"
	}
	var info thumb.Info
	err := errors.New(d.Err)
	if d.Err == "" {
		if err = json.Unmarshal(d.Meta, &info); err == nil {
			info.Thumbnail = c.r.thumbPath(it)
			err = atomicfile.WriteBytes(info.Thumbnail, data)
		}
	}
	if err != nil {
		c.fail(it, w, err)
		return ""
	}
	it.noteThumb(info)
	ph := thumbPhases(info)
	// The worker's time reading the image from the server: the run's and
	// the worker's clocks cannot be compared, and the run's subscription
	// may take a start late, behind other messages.
	ph.IPC = d.Fetch
	it.info.Phases = it.info.Phases.Add(ph)
	delete(c.open, d.Item)
	c.r.emit(Event{Kind: StepFinished, Item: it.idx, Name: it.Name, Stage: ThumbnailStage, Worker: w, Phases: ph, Bytes: info.ThumbBytes})
	c.r.finish(it)
	c.resolved()
	return ""
}

func (c *clusterRun) gaveUp(item, deliveries int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if it := c.item(item); it != nil && !c.closed && !it.done && it.err == nil {
		c.fail(it, c.open[item], fmt.Errorf("given up after %d deliveries: every worker that took it was lost, or could not get its image from the server", deliveries))
	}
}

func (c *clusterRun) rejected(subject string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stats.Rejected++
}

// fail fails it at its thumbnail stage; c.mu is held.
func (c *clusterRun) fail(it *itemState, w Worker, err error) {
	it.err = &ItemError{Item: it.idx, Name: it.Name, Stage: ThumbnailStage, Error: err.Error()}
	delete(c.open, it.idx)
	c.r.emit(Event{Kind: ItemFailed, Item: it.idx, Name: it.Name, Stage: ThumbnailStage, Worker: w, Err: err})
	c.resolved()
}

// resolved counts an item done or failed; c.mu is held.
func (c *clusterRun) resolved() {
	c.left--
	if c.left == 0 {
		close(c.allDone)
	}
}
