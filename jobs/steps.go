package jobs

import (
	"context"
	"time"

	"concurrencylab/jobs/fetch"
	"concurrencylab/jobs/pool"
	"concurrencylab/jobs/thumb"
)

func (r *run) newClient(workers int) *fetch.Client {
	c := fetch.New(workers)
	c.Limits = r.spec.Limits
	c.ItemTimeout = r.spec.ItemTimeout
	return c
}

// local returns the in-process step for stage.
func (r *run) local(stage Stage) stepFunc {
	if stage == DownloadStage {
		return func(ctx context.Context, it *itemState) (Phases, int64, error) {
			res, err := r.client.Download(ctx, it.URL, r.downloads)
			if err != nil {
				return Phases{}, 0, err
			}
			it.noteDownload(res)
			return Phases{Network: res.Network}, res.Bytes, nil
		}
	}
	return func(ctx context.Context, it *itemState) (Phases, int64, error) {
		src, err := r.source(it)
		if err != nil {
			return Phases{}, 0, err
		}
		info, err := thumb.File(src, r.thumbPath(it), r.spec.Size, r.spec.Limits, r.spec.Decoder)
		if err != nil {
			return Phases{}, 0, err
		}
		it.noteThumb(info)
		return thumbPhases(info), info.ThumbBytes, nil
	}
}

// remote returns the step for stage done by the worker process in slot s.
// Its IPC phase is the round trip less the time the worker reports working.
func (r *run) remote(s *pool.Slot, stage Stage) stepFunc {
	if stage == DownloadStage {
		return func(ctx context.Context, it *itemState) (Phases, int64, error) {
			t0 := time.Now()
			var res fetch.Result
			args := downloadArgs{URL: it.URL, Dir: r.downloads, Limits: r.spec.Limits, Timeout: r.spec.ItemTimeout}
			if err := s.Call(ctx, string(DownloadStage), args, &res); err != nil {
				return Phases{}, 0, err
			}
			it.noteDownload(res)
			return Phases{Network: res.Network, IPC: time.Since(t0) - res.Network}, res.Bytes, nil
		}
	}
	return func(ctx context.Context, it *itemState) (Phases, int64, error) {
		src, err := r.source(it)
		if err != nil {
			return Phases{}, 0, err
		}
		t0 := time.Now()
		var info thumb.Info
		args := thumbArgs{Src: src, Dst: r.thumbPath(it), Size: r.spec.Size, Limits: r.spec.Limits, Decoder: r.spec.Decoder}
		if err := s.Call(ctx, string(ThumbnailStage), args, &info); err != nil {
			return Phases{}, 0, err
		}
		it.noteThumb(info)
		ph := thumbPhases(info)
		ph.IPC = time.Since(t0) - ph.Decode - ph.Resize - ph.Encode
		return ph, info.ThumbBytes, nil
	}
}

func thumbPhases(info thumb.Info) Phases {
	return Phases{Decode: info.Timings.Decode, Resize: info.Timings.Resize, Encode: info.Timings.Encode}
}

func (it *itemState) noteDownload(res fetch.Result) {
	it.info.Download, it.info.Format = res.Path, res.Format
	it.info.Bytes, it.info.Width, it.info.Height = res.Bytes, res.Width, res.Height
}

func (it *itemState) noteThumb(info thumb.Info) {
	it.info.Thumbnail, it.info.Format = info.Thumbnail, info.Format
	it.info.Bytes, it.info.Width, it.info.Height = info.Bytes, info.Width, info.Height
	it.info.ThumbWidth, it.info.ThumbHeight, it.info.ThumbBytes = info.ThumbWidth, info.ThumbHeight, info.ThumbBytes
	it.info.Warning = info.Warning
}
