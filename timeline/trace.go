package timeline

import (
	"encoding/json"
	"fmt"
	"io"

	"concurrencylab/jobs"
)

// traceEvent is one record of the Chrome trace-event format (the JSON object
// form that Perfetto and chrome://tracing open): "M" names a process or
// thread, "X" is a complete slice with a start and a duration in µs.
type traceEvent struct {
	Name string         `json:"name"`
	Cat  string         `json:"cat,omitempty"`
	Ph   string         `json:"ph"`
	Ts   float64        `json:"ts"`
	Dur  float64        `json:"dur,omitempty"`
	PID  int            `json:"pid"`
	TID  int            `json:"tid"`
	Args map[string]any `json:"args,omitempty"`
}

// WriteTrace writes runs as one trace: each run's goroutine lanes are threads
// of its process (real PID), each worker process lane a process of its own
// (real PID); steps are slices and their phases nested slices; the UI's lag,
// when the run had a UI, a counter. Runs follow one another on the time
// axis, a second apart.
func WriteTrace(w io.Writer, runs []Run) error {
	var evs []traceEvent
	var offset float64
	named := map[int]bool{}
	for ri, run := range runs {
		for li, l := range run.Lanes {
			pid, tid := run.PID, ri*1000+li+1
			if l.Worker.Kind == jobs.Process && l.Worker.PID != 0 {
				pid, tid = l.Worker.PID, 1
			}
			if !named[pid] {
				named[pid] = true
				name := "concurrencylab"
				if pid != run.PID {
					name = fmt.Sprintf("worker process %d", l.Worker.Index)
				}
				evs = append(evs, traceEvent{Name: "process_name", Ph: "M", PID: pid, TID: tid, Args: map[string]any{"name": name}})
			}
			evs = append(evs, traceEvent{Name: "thread_name", Ph: "M", PID: pid, TID: tid,
				Args: map[string]any{"name": run.Title + ": " + l.Worker.String()}})
			for _, s := range l.Spans {
				start := offset + us(s.Start)
				args := map[string]any{"item": s.Item, "stage": s.Stage, "run": run.Title}
				if s.Failed != "" {
					args["error"] = s.Failed
				}
				evs = append(evs, traceEvent{Name: s.Name, Cat: string(s.Stage), Ph: "X", Ts: start, Dur: us(s.End - s.Start), PID: pid, TID: tid, Args: args})
				at := start
				for _, p := range s.Phases {
					d := min(us(p.Dur), start+us(s.End-s.Start)-at) // never past the step
					if d <= 0 {
						break
					}
					evs = append(evs, traceEvent{Name: p.Name, Cat: "phase", Ph: "X", Ts: at, Dur: d, PID: pid, TID: tid})
					at += d
				}
			}
		}
		// The UI goroutine's heartbeat, as a counter track of this process.
		for _, s := range run.Lag {
			evs = append(evs, traceEvent{Name: "UI lag (ms)", Ph: "C", Ts: offset + us(s.At), PID: run.PID, TID: 0,
				Args: map[string]any{"lag_ms": float64(s.Lag.Microseconds()) / 1000}})
		}
		offset += us(run.Wall) + 1e6
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(map[string]any{"traceEvents": evs, "displayTimeUnit": "ms"})
}

func us(d interface{ Microseconds() int64 }) float64 { return float64(d.Microseconds()) }
