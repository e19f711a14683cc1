// Package cluster spreads a run's thumbnails over worker processes on any
// machine through NATS JetStream, a real distributed queue: the run puts each
// image in a JetStream object store and publishes one task per image to a
// work-queue stream; workers pull tasks with explicit acks, keep telling the
// server they are still working (InProgress), report their start and send the
// thumbnail back as a request the run answers; only then do they ack. A worker
// that dies mid-item never acks, so the server redelivers its task to another
// worker after the ack wait (AckWait, a few seconds).
//
// Images travel through JetStream too, so workers need no second port: each
// image is published, cut to the server's message limit (max_payload: 1 MB
// on a plain nats-server, which its owner sets, not us; 8 MB on ours), as
// chunks on a second stream of the run, and its task lists the chunks'
// sequence numbers, which a worker reads back with direct gets. That is what
// JetStream's object store does inside; its Put (nats.go v1.55) sometimes
// leaves a goroutine blocked for ever (resetPendingAcksOnReconnect on a
// channel cleanupReplySub has set to nil), which goleak caught in our tests,
// so we publish the chunks ourselves, synchronously. Thumbnails come back in
// the result message: they fit a small box and stay far below the limit (one
// that does not fails its item with a clear error).
//
// Everything of a run is named after its run ID (stream, consumer, bucket,
// subjects) and deleted when the run ends, so a second run never sees the
// first one's messages. The package knows nothing of thumbnails: the run and
// the workers' Handler give the payloads their meaning.
package cluster

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"time"
)

// Subjects every run and worker agree on. A worker asks HelloSubject which run
// is in progress; a run announces itself on AnnounceSubject when it starts.
const (
	HelloSubject    = "clab.hello"
	AnnounceSubject = "clab.announce"
)

// DefaultAckWait is how long the server waits for a worker's ack (or its
// InProgress) before it redelivers the task to another worker.
const DefaultAckWait = 3 * time.Second

// MaxDeliver is how often one task is delivered before the run gives it up: an
// image that kills every worker that takes it must not go round forever.
const MaxDeliver = 4

// RunInfo is a run's answer to HelloSubject: where its tasks are and where to
// report.
type RunInfo struct {
	Run      string        `json:"run"`
	Stream   string        `json:"stream"`
	Consumer string        `json:"consumer"`
	Images   string        `json:"images"`   // stream of image chunks
	Progress string        `json:"progress"` // subject of Progress messages
	Results  string        `json:"results"`  // subject of result requests
	AckWait  time.Duration `json:"ack_wait"`
}

func infoFor(run string, ackWait time.Duration) RunInfo {
	return RunInfo{Run: run, Stream: "CLAB_" + run, Consumer: "workers", Images: "CLAB_" + run + "_IMAGES",
		Progress: "clab." + run + ".w.progress", Results: "clab." + run + ".w.results", AckWait: ackWait}
}

func (ri RunInfo) tasks() string { return "clab." + ri.Run + ".tasks" }

func (ri RunInfo) image(item int) string { return "clab." + ri.Run + ".images." + strconv.Itoa(item) }

// Task is one task message: an item of the run and the sequence numbers of
// its image's chunks on the run's Images stream. Params is the run's own
// (the Handler reads it).
type Task struct {
	Item   int      `json:"item"`
	Name   string   `json:"name"`
	Chunks []uint64 `json:"chunks"`
	Params []byte   `json:"params,omitempty"`
}

// MaxImage is the largest image a worker reads back.
const MaxImage = 64 << 20

// Who names a worker: its machine, its process and its place in that process.
type Who struct {
	Host  string `json:"host"`
	PID   int    `json:"pid"`
	Index int    `json:"index"`
}

// Progress is what a worker reports on RunInfo.Progress: "hello" when it
// joins the run, "start" when it begins an item (Delivered counts the
// deliveries of the task, 1 the first time).
type Progress struct {
	Kind      string `json:"kind"`
	Who       Who    `json:"who"`
	Item      int    `json:"item"`
	Delivered int    `json:"delivered,omitempty"`
}

// Done is the header of a result: the item, who did it, and the Handler's
// own metadata (Meta) or error. The thumbnail is the message's body.
type Done struct {
	Item      int    `json:"item"`
	Who       Who    `json:"who"`
	Delivered int    `json:"delivered"`
	Err       string `json:"error,omitempty"`
	Meta      []byte `json:"meta,omitempty"`
	// Fetch is how long the worker took to read the image from the server.
	Fetch time.Duration `json:"fetch_ns"`
}

// DoneHeader is the header that carries a result's Done as JSON.
const DoneHeader = "Clab-Done"

// NewToken returns a random token for a shared server: 128 bits from
// crypto/rand, hex-encoded.
func NewToken() string { return randomHex(16) }

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand, Go 1.24)
	return hex.EncodeToString(b)
}
