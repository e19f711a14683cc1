package results

import (
	"encoding/csv"
	"io"
	"strconv"

	"concurrencylab/jobs"
)

// WriteCSV writes results as CSV, one row per run, the JSON fields flattened.
func WriteCSV(w io.Writer, rs []jobs.Result) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"task", "decoder", "mode", "workers", "cores", "items", "ok", "failed", "canceled",
		"wall_seconds", "cpu_seconds", "speedup", "ideal_seconds", "bytes",
		"network_seconds", "decode_seconds", "resize_seconds", "encode_seconds", "ipc_seconds", "work_cpu_seconds"})
	num := func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', 4, 64)
	}
	sec := func(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }
	for _, r := range rs {
		cw.Write([]string{string(r.Task), r.Decoder, string(r.Mode), strconv.Itoa(r.Workers), strconv.Itoa(r.Cores),
			strconv.Itoa(r.Items), strconv.Itoa(r.OK), strconv.Itoa(r.Failed), strconv.Itoa(r.Canceled),
			sec(r.WallSeconds), sec(r.CPUSeconds), num(r.Speedup), num(r.IdealSeconds), strconv.FormatInt(r.Bytes, 10),
			sec(r.PhaseSeconds["network"]), sec(r.PhaseSeconds["decode"]), sec(r.PhaseSeconds["resize"]),
			sec(r.PhaseSeconds["encode"]), sec(r.PhaseSeconds["ipc"]), num(r.WorkCPUSeconds)})
	}
	cw.Flush()
	return cw.Error()
}
