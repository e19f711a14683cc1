package jobs

// The worker's side of a Cluster run: what a worker process on this machine
// (see ServeIfWorker) or a machine that joins does with each task.

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"concurrencylab/jobs/cluster"
	"concurrencylab/jobs/imagecheck"
	"concurrencylab/jobs/thumb"
)

// clusterParams travel in each task: how to make the thumbnail.
type clusterParams struct {
	Size    int               `json:"size"`
	Decoder thumb.Decoder     `json:"decoder"`
	Limits  imagecheck.Limits `json:"limits"`
}

// clusterHandler makes a thumbnail on a cluster worker. The run's limits
// apply only where they are stricter than this machine's own.
func clusterHandler(t cluster.Task, image []byte) (meta, out []byte, err error) {
	var p clusterParams
	if err := json.Unmarshal(t.Params, &p); err != nil {
		return nil, nil, fmt.Errorf("bad task parameters: %v", err)
	}
	if p.Size < 1 || p.Size > 10_000 {
		return nil, nil, fmt.Errorf("thumbnail size %d is out of range", p.Size)
	}
	if _, err := thumb.ParseDecoder(string(p.Decoder)); err != nil {
		return nil, nil, err
	}
	lim := imagecheck.Default
	if p.Limits.MaxPixels > 0 {
		lim.MaxPixels = min(lim.MaxPixels, p.Limits.MaxPixels)
	}
	if p.Limits.MaxBytes > 0 {
		lim.MaxBytes = min(lim.MaxBytes, p.Limits.MaxBytes)
	}
	info, out, err := thumb.Bytes(image, p.Size, lim, p.Decoder)
	if err != nil {
		return nil, nil, err
	}
	meta, err = json.Marshal(info)
	return meta, out, err
}

// Join makes this process a cluster worker of the server at url, with
// workers workers, for every run there, until ctx ends or the server is gone
// for good (it waits up to 30 s for it to come back). log gets a line per
// item and per change of state.
func Join(ctx context.Context, url, token string, workers int, log func(string), st *cluster.Stats) error {
	return cluster.Serve(ctx, cluster.WorkerOptions{URL: url, Token: token, Workers: workers, Handler: clusterHandler,
		Log: log, Reconnect: 30 * time.Second}, st)
}
