package ui

import (
	"fmt"
	"maps"
	"net"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/jobs"
	"concurrencylab/jobs/cluster"
)

// defaultShareAddr is where a shared server listens unless the user says
// otherwise: every interface, NATS's usual port.
const defaultShareAddr = "0.0.0.0:4222"

// clusterView is the Cluster mode's panel: who joined the run, and the
// choice to let other computers join. Unshared, each cluster run starts its
// own server on 127.0.0.1 (jobs.Run does); shared, one server started here
// serves every run until sharing is turned off, so that machines that joined
// stay for the next run. It is the same server `bench --share` starts.
type clusterView struct {
	box    *fyne.Container // shown in Cluster mode, or while shared
	share  *widget.Check
	addr   *fieldEntry
	status *widget.Label // loopback only, starting, or where it is shared
	join   *widget.Label // the join commands, selectable
	copy   *widget.Button
	joined *widget.Label // the workers that joined the run
	srv    *cluster.Server
	// room is the room this window hosts, whose server takes cluster runs
	// too while nothing is shared here (nil: none).
	room server

	bg      background
	stopped func() bool // the window has closed
	running bool        // a run or a lesson is under way

	// A server that has started but is not shown yet (its start is
	// applied at the next frame), for close to stop if that frame never
	// comes.
	pending handoff[*cluster.Server]
}

// newClusterView builds the panel: clipboard is where Copy puts the join
// command (nil: nowhere), shortcut the window's (the address field hands
// them on), bg where the shared server starts and stops.
func newClusterView(clipboard func() fyne.Clipboard, shortcut func(fyne.Shortcut) bool, bg background, stopped func() bool) *clusterView {
	v := &clusterView{bg: bg, stopped: stopped}
	v.addr = newFieldEntry(shortcut)
	v.addr.SetText(defaultShareAddr)
	v.share = widget.NewCheck("Let other computers join", v.setSharing)
	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord
	v.join = widget.NewLabel("")
	v.join.Selectable = true
	v.join.TextStyle = fyne.TextStyle{Monospace: true}
	v.join.Wrapping = fyne.TextWrapBreak
	v.copy = widget.NewButtonWithIcon("Copy the join command", theme.ContentCopyIcon(), func() {
		if cb := clipboard(); cb != nil && len(v.commands()) > 0 {
			cb.SetContent(v.commands()[0])
		}
	})
	v.joined = widget.NewLabel("")
	v.joined.Wrapping = fyne.TextWrapWord
	v.showShared()
	setText(v.joined, "Cluster: the workers that join a run are listed here.")
	// Two lines until shared: the moving bar below must stay in view.
	v.box = container.NewVBox(widget.NewSeparator(), v.joined,
		container.NewBorder(nil, nil, v.share, nil, v.addr), v.status, v.join, v.copy)
	return v
}

func (v *clusterView) object() fyne.CanvasObject { return v.box }

// setSharing follows the checkbox: it starts the shared server (off the UI
// goroutine: it may take a moment) or stops it.
func (v *clusterView) setSharing(on bool) {
	if !on {
		if srv := v.srv; srv != nil {
			v.srv = nil
			v.bg.run(func() func() { srv.Close(); return nil })
		}
		v.addr.Enable()
		v.showShared()
		return
	}
	if v.srv != nil {
		return
	}
	addr := strings.TrimSpace(v.addr.Text)
	v.addr.Disable()
	v.share.Disable() // until this server is up or has failed: one at a time
	setText(v.status, "Starting a server on "+addr+"…")
	v.status.Show()
	v.bg.run(func() func() {
		srv, err := cluster.StartServer(addr, cluster.NewToken())
		if err == nil && !v.pending.hold(srv) {
			srv.Close()
			return nil
		}
		return func() {
			v.pending.release()
			if !v.running {
				v.share.Enable()
			}
			switch {
			case err != nil:
				v.share.SetChecked(false) // runs setSharing(false)
				v.status.Importance = widget.DangerImportance
				setText(v.status, "Cannot share: "+err.Error())
				v.status.Show()
			case !v.share.Checked || v.stopped(): // turned off meanwhile
				v.bg.run(func() func() { srv.Close(); return nil })
			default:
				v.srv = srv
				v.showShared()
			}
		}
	})
}

// server is what other machines join: the shared server, or the room's.
type server interface {
	URL() string
	Token() string
	JoinURLs() []string
	Port() int
}

// shared is the server cluster runs use: the one shared here, else the
// room's; nil: each run starts its own on 127.0.0.1.
func (v *clusterView) shared() server {
	if v.srv != nil {
		return v.srv
	}
	return v.room
}

// useRoom makes the room this window hosts (nil: none now) take the
// cluster runs while nothing is shared here: one server serves the room.
func (v *clusterView) useRoom(s server) {
	v.room = s
	v.showShared()
}

// commands are the commands other machines join with: one per address of
// this machine when the server listens on all of them.
func (v *clusterView) commands() []string {
	srv := v.shared()
	if srv == nil {
		return nil
	}
	urls := srv.JoinURLs()
	if len(urls) == 0 {
		urls = []string{srv.URL()} // shared on loopback: this machine only
	}
	cmds := make([]string, len(urls))
	for i, u := range urls {
		cmds[i] = fmt.Sprintf("concurrencylab join %s --token %s", u, srv.Token())
	}
	return cmds
}

// showShared shows how to join the shared server; unshared (each run then
// starts its own server on 127.0.0.1), nothing.
func (v *clusterView) showShared() {
	v.status.Importance = widget.MediumImportance
	if v.srv == nil && v.room != nil {
		v.status.Show()
		setText(v.status, fmt.Sprintf("Cluster runs use the room's server (port %d, the room's token) while this window hosts it. On each computer that should help, run:", v.room.Port()))
		v.join.SetText(strings.Join(v.commands(), "\n"))
		v.join.Show()
		v.copy.Show()
		return
	}
	if v.srv == nil {
		setText(v.status, "")
		v.join.SetText("")
		v.status.Hide()
		v.join.Hide()
		v.copy.Hide()
		return
	}
	v.status.Show()
	host, _, _ := net.SplitHostPort(strings.TrimSpace(v.addr.Text)) // the server took it: it splits
	addr := net.JoinHostPort(host, strconv.Itoa(v.srv.Port()))      // the port it got, for :0
	setText(v.status, fmt.Sprintf("Shared on %s with token %s. On each computer that should help, run:", addr, v.srv.Token()))
	v.join.SetText(strings.Join(v.commands(), "\n"))
	v.join.Show()
	v.copy.Show()
}

// spec is where the next cluster run queues its tasks: the shared server,
// the room's, or (zero) a server of its own on 127.0.0.1.
func (v *clusterView) spec() jobs.ClusterSpec {
	srv := v.shared()
	if srv == nil {
		return jobs.ClusterSpec{}
	}
	return jobs.ClusterSpec{URL: srv.URL(), Token: srv.Token()}
}

// close stops sharing, for good: the window is closing.
func (v *clusterView) close() {
	v.pending.close(func(s *cluster.Server) { s.Close() })
	if v.srv != nil {
		v.srv.Close()
		v.srv = nil
	}
}

// showRunning fixes sharing while a run or a lesson is under way: a run
// uses the shared server until it ends, so it cannot be turned off (or on)
// meanwhile.
func (v *clusterView) showRunning(on bool) {
	v.running = on
	if on {
		v.share.Disable()
	} else {
		v.share.Enable()
	}
}

// showJoined lists the cluster workers among lanes, by machine.
func (v *clusterView) showJoined(lanes []lane) {
	pids := map[string][]int{}
	n := 0
	for _, ln := range lanes {
		if ln.Worker.Kind == jobs.ClusterWorker {
			pids[ln.Worker.Host] = append(pids[ln.Worker.Host], ln.Worker.PID)
			n++
		}
	}
	if n == 0 {
		setText(v.joined, "Cluster: no worker has joined this run yet.")
		return
	}
	var parts []string
	for _, h := range slices.Sorted(maps.Keys(pids)) {
		ps := slices.Sorted(slices.Values(pids[h]))
		text := make([]string, len(ps))
		for i, p := range ps {
			text[i] = strconv.Itoa(p)
		}
		parts = append(parts, fmt.Sprintf("%s (pid %s)", h, strings.Join(text, ", ")))
	}
	setText(v.joined, fmt.Sprintf("Cluster: %s joined this run — %s", workerCount(n), strings.Join(parts, ", ")))
}

// showFor shows the panel in Cluster mode, and while shared (so that
// sharing is never on out of sight).
func (v *clusterView) showFor(m jobs.Mode) {
	if m == jobs.Cluster || v.srv != nil || v.share.Checked {
		v.box.Show()
	} else {
		v.box.Hide()
	}
}

// workerCount is "1 worker" or "n workers".
func workerCount(n int) string {
	if n == 1 {
		return "1 worker"
	}
	return fmt.Sprintf("%d workers", n)
}
