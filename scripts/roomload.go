//go:build ignore

// roomload loads a room as a workshop would: -participants processes, each
// one laptop (its own id and outbox) that joins and sends an outcome of
// every lesson, all starting together. By default it runs the room itself
// (room.Host, the code `concurrencylab room` and the window's Host a room
// run) and measures, for each result, the time from its send (the end of a
// lesson) to the moment a reader woken by Changes finds it in Snapshot
// (what the live table and the window redraw from), and the room's memory.
// Participants and room share this machine's clock, so the times are
// valid on loopback only.
//
//	go run scripts/roomload.go                    # 30 participants, a room of its own
//	go run scripts/roomload.go -spread 20s        # the sends spread at random over 20 s
//	go run scripts/roomload.go -room nats://127.0.0.1:PORT -token T   # load another room (the window's)
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"concurrencylab/lesson"
	"concurrencylab/room"
)

func main() {
	n := flag.Int("participants", 30, "simulated laptops, each a process of its own")
	spread := flag.Duration("spread", 0, "spread each laptop's sends at random over this long (0: all at once)")
	url := flag.String("room", "", "load this room instead of one of roomload's own")
	token := flag.String("token", "", "the token of -room")
	rounds := flag.Int("rounds", 1, "times each laptop sends every lesson (reruns after the first)")
	child := flag.Bool("participant", false, "(internal) be one laptop")
	name := flag.String("name", "", "(internal) the laptop's name")
	home := flag.String("home", "", "(internal) the laptop's folder")
	flag.Parse()
	if *child {
		if err := participant(*url, *token, *name, *home, *spread, *rounds); err != nil {
			fmt.Fprintln(os.Stderr, "roomload participant:", err)
			os.Exit(1)
		}
		return
	}
	tmp, err := os.MkdirTemp("", "roomload-")
	check(err)
	defer os.RemoveAll(tmp)
	var h *room.Host
	if *url == "" {
		h = &room.Host{Dir: filepath.Join(tmp, "room")}
		check(h.Start())
		defer h.Close()
		*url, *token = h.URL(), h.Token()
	}
	want := *n * len(lesson.All) * *rounds
	var lat []time.Duration
	done := make(chan struct{})
	rssBefore := rss("VmRSS")
	if h != nil {
		ch := h.Changes()
		go func() {
			defer close(done)
			seen := map[string]bool{}
			for range ch {
				s := h.Snapshot()
				now := time.Now()
				for _, name := range s.Order {
					for _, r := range slices.Concat(s.Lessons[name].History, s.Lessons[name].Results) {
						key := r.ID + "/" + r.Lesson + "/" + r.Sent.String()
						if !seen[key] {
							seen[key] = true
							lat = append(lat, now.Sub(r.Sent))
						}
					}
				}
				if len(lat) >= want {
					return
				}
			}
		}()
	}
	exe, err := os.Executable()
	check(err)
	t0 := time.Now()
	var wg sync.WaitGroup
	var failed atomic.Int64
	for i := range *n {
		cmd := exec.Command(exe, "-participant", "-room", *url, "-token", *token, "-name", fmt.Sprintf("Laptop %02d", i+1),
			"-home", filepath.Join(tmp, "p"+strconv.Itoa(i)), "-spread", spread.String(), "-rounds", strconv.Itoa(*rounds))
		cmd.Stderr = os.Stderr
		check(cmd.Start())
		wg.Go(func() {
			if err := cmd.Wait(); err != nil {
				fmt.Fprintf(os.Stderr, "participant %d: %v\n", i+1, err)
				failed.Add(1)
			}
		})
	}
	wg.Wait()
	sent := time.Since(t0)
	if failed.Load() > 0 {
		fmt.Fprintf(os.Stderr, "roomload: %d of %d participants could not send everything (see above)\n", failed.Load(), *n)
		os.Exit(1)
	}
	if h == nil {
		fmt.Printf("%d participants sent %d outcomes to %s in %.1f s\n", *n, want, *url, sent.Seconds())
		return
	}
	select {
	case <-done:
	case <-time.After(time.Minute):
		fmt.Fprintf(os.Stderr, "only %d of %d results reached the snapshot\n", len(lat), want)
		os.Exit(1)
	}
	slices.Sort(lat)
	s := h.Snapshot()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("%d participants × %d lessons × %d rounds = %d outcomes, all sent within %.1f s (spread %v), %d stored, %d rejected\n",
		*n, len(lesson.All), *rounds, want, sent.Seconds(), *spread, len(lat), s.Rejected)
	fmt.Printf("send → in the snapshot after a Changes wake-up: p50 %.1f ms, p95 %.1f ms, max %.1f ms\n",
		ms1(lat[len(lat)/2]), ms1(lat[len(lat)*95/100]), ms1(lat[len(lat)-1]))
	fmt.Printf("room process (host, its NATS server, the reader): RSS %.0f MB before the participants, %.0f MB after, peak %.0f MB; Go heap in use %.1f MB\n",
		rssBefore, rss("VmRSS"), rss("VmHWM"), float64(ms.HeapInuse)/(1<<20))
	fmt.Printf("load average now: %s\n", loadavg())
}

// participant is one laptop: it joins, then sends every lesson's outcome
// (rounds times), each after a random pause within spread.
func participant(url, token, name, home string, spread time.Duration, rounds int) error {
	c, err := room.DialWith(url, token, name, room.ClientOptions{IdentityFile: filepath.Join(home, "id"), OutboxDir: filepath.Join(home, "outbox"),
		Timeout: 30 * time.Second})
	if err != nil {
		return err
	}
	defer c.Close()
	cores := []int{2, 4, 4, 8, 8, 12, 16}[rand.IntN(7)]
	for range rounds {
		for _, l := range lesson.All {
			if spread > 0 {
				time.Sleep(time.Duration(rand.Int64N(int64(spread) / int64(len(lesson.All)))))
			}
			if err := c.Send(fake(l, cores)); err != nil {
				return fmt.Errorf("%s: %w", l.Name, err)
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if n := c.Flush(ctx); n > 0 {
		return fmt.Errorf("%d outcomes not stored", n)
	}
	return nil
}

// fake is an outcome of the size and shape a real one has (1–2 kB): a
// prediction, an answer, a verdict's sentence and a few figures; the
// scaling lesson's figures are a curve, as the real lesson's.
func fake(l *lesson.Lesson, cores int) room.Outcome {
	answer := 0.5 + rand.Float64()*float64(cores)
	if l.Unit == "lost" {
		answer = rand.Float64()
	}
	pred := answer * (0.5 + rand.Float64())
	if l.Unit == "lost" {
		pred = min(pred, 1)
	}
	measured := map[string]any{"speedup": answer, "wall_seconds": 1 + rand.Float64()*5, "items": 48, "note": strings.Repeat("figure ", 40)}
	if l.Name == "scaling" {
		m := lesson.ScalingMeasured{Workers: []int{1, 2, 4, 8, 16}, Download: map[string]float64{}, Thumbnail: map[string]float64{}}
		for _, w := range m.Workers {
			m.Download[strconv.Itoa(w)] = float64(w) * (0.8 + 0.2*rand.Float64())
			m.Thumbnail[strconv.Itoa(w)] = min(float64(w), float64(cores)) * (0.8 + 0.2*rand.Float64())
		}
		m.Thumbnail["16"] = answer
		b, _ := json.Marshal(m)
		measured = nil
		json.Unmarshal(b, &measured)
	}
	b, _ := json.Marshal(measured)
	return room.Outcome{Lesson: l.Name, Prediction: &pred, Answer: answer, Holds: rand.IntN(4) > 0,
		Verdict: "Holds: " + strings.Repeat("a sentence of the verdict, ", 12), Measured: b,
		Cores: cores, OS: "linux", Arch: "amd64", Seconds: 10 + rand.Float64()*50}
}

func ms1(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// rss reads a field of /proc/self/status in MB (Linux), 0 elsewhere.
func rss(field string) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && k == field {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	return strings.TrimSpace(string(b))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "roomload:", err)
		os.Exit(1)
	}
}
