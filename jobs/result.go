package jobs

// Result is the measured outcome of a run. Its JSON form is one object of
// `concurrencylab bench --json`.
type Result struct {
	Task        Task    `json:"task"`
	Mode        Mode    `json:"mode"`
	Workers     int     `json:"workers"`
	Decoder     string  `json:"decoder,omitempty"` // thumbnails: std or fast
	Cores       int     `json:"cores"`             // the most cores the run could use
	Items       int     `json:"items"`
	OK          int     `json:"ok"`
	Failed      int     `json:"failed"`
	Canceled    int     `json:"canceled"` // not tried because the run was cancelled
	WallSeconds float64 `json:"wall_seconds"`
	// CPUSeconds is user+system time of this process and of the worker
	// processes it waited for during the run.
	CPUSeconds float64 `json:"cpu_seconds"`
	// WorkCPUSeconds is the CPU time of the work alone: the threads the run's
	// steps ran on and the worker processes it waited for, without what
	// else the process did meanwhile (a window drawing itself, the garbage
	// collector's own threads). Nil where threads' CPU time is not known
	// (every system but Linux and Windows).
	WorkCPUSeconds *float64 `json:"work_cpu_seconds,omitempty"`
	// Unpinned says a goroutine pool capped at fewer cores (Spec.Cores)
	// could not pin its threads to them: the system lets no program choose
	// a thread's CPUs (macOS). GOMAXPROCS still ran Go code on that many
	// threads at a time, but a cgo call (libjpeg-turbo's decode) gives up
	// its P and may run beside them, on another core.
	Unpinned bool `json:"unpinned,omitempty"`
	// OtherCPUSeconds is the CPU time every other program on this computer
	// used during the run: the cores' busy time less this process's and its
	// workers'. Nil where it is not measured (see package cpustat), so that
	// nothing is blamed on other programs without evidence.
	OtherCPUSeconds *float64 `json:"other_cpu_seconds,omitempty"`
	// Speedup is this run's speed-up over its baseline among the runs it is
	// shown with (see package results); nil when there is none.
	Speedup *float64 `json:"speedup"`
	// IdealSeconds, when known, is the shortest wall time the simulated
	// network allows for a download (set by the caller, which knows the network).
	IdealSeconds *float64 `json:"ideal_seconds,omitempty"`
	Bytes        int64    `json:"bytes"` // source bytes handled
	// Formats counts the items that finished by their source's format
	// (sniffed from the bytes): a PNG costs several times a JPEG's decode.
	Formats map[string]int `json:"formats"`
	// PhaseSeconds sums each phase over the items that finished.
	PhaseSeconds map[string]float64 `json:"phase_seconds"`
	Errors       []ItemError        `json:"errors"`
	// Warnings lists the items that were done though their source image
	// had something wrong with it (Info.Warning).
	Warnings []ItemWarning `json:"warnings,omitempty"`
	// Queue is what the queue between a pipeline's stages saw.
	Queue *QueueStats `json:"queue,omitempty"`
	// ClusterStats are a Cluster run's counters, zero in other modes; in
	// JSON their fields are the Result's own (joined, redeliveries…).
	ClusterStats
}

// ClusterStats count what a Cluster run's queue did: workers that joined
// (local ones included), tasks it delivered again after a worker was lost,
// results that came after an item's first (delivery is at least once: the
// first is kept), and messages on the run's subjects that were not ours
// (dropped).
type ClusterStats struct {
	Joined       int `json:"joined,omitempty"`
	Redeliveries int `json:"redeliveries,omitempty"`
	Duplicates   int `json:"duplicates,omitempty"`
	Rejected     int `json:"rejected,omitempty"`
}

// ItemError is one item that failed.
type ItemError struct {
	Item  int    `json:"item"`
	Name  string `json:"name"`
	Stage Stage  `json:"stage"`
	Error string `json:"error"`
}

// ItemWarning is an item that was done with a warning about its source.
type ItemWarning struct {
	Item    int    `json:"item"`
	Name    string `json:"name"`
	Warning string `json:"warning"`
}
