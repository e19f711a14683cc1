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
}

func (l *Lab) buildCluster() fyne.CanvasObject {
	v := &l.cluster
	v.addr = newFieldEntry(l.shortcut)
	v.addr.SetText(defaultShareAddr)
	v.share = widget.NewCheck("Let other computers join", l.setSharing)
	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord
	v.join = widget.NewLabel("")
	v.join.Selectable = true
	v.join.TextStyle = fyne.TextStyle{Monospace: true}
	v.join.Wrapping = fyne.TextWrapBreak
	v.copy = widget.NewButtonWithIcon("Copy the join command", theme.ContentCopyIcon(), func() {
		if cmd := v.commands(); len(cmd) > 0 && l.app != nil {
			l.app.Clipboard().SetContent(cmd[0])
		}
	})
	v.joined = widget.NewLabel("")
	v.joined.Wrapping = fyne.TextWrapWord
	v.showShared()
	setText(v.joined, "Cluster: the workers that join a run are listed here.")
	// Two lines until shared: the moving bar below must stay in view.
	v.box = container.NewVBox(widget.NewSeparator(), v.joined,
		container.NewBorder(nil, nil, v.share, nil, v.addr), v.status, v.join, v.copy)
	return v.box
}

// setSharing follows the checkbox: it starts the shared server (off the UI
// goroutine: it may take a moment) or stops it.
func (l *Lab) setSharing(on bool) {
	v := &l.cluster
	if !on {
		if srv := v.srv; srv != nil {
			v.srv = nil
			l.work.Go(func() { srv.Close() })
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
	l.work.Go(func() {
		srv, err := cluster.StartServer(addr, cluster.NewToken())
		if err == nil && l.stopped() {
			srv.Close()
			return
		}
		l.do(func() {
			if !l.running {
				v.share.Enable()
			}
			switch {
			case err != nil:
				v.share.SetChecked(false) // runs setSharing(false)
				v.status.Importance = widget.DangerImportance
				setText(v.status, "Cannot share: "+err.Error())
				v.status.Show()
			case !v.share.Checked || l.stopped(): // turned off meanwhile
				l.work.Go(func() { srv.Close() })
			default:
				v.srv = srv
				v.showShared()
			}
		})
	})
}

// commands are the commands other machines join with: one per address of
// this machine when the server listens on all of them.
func (v *clusterView) commands() []string {
	if v.srv == nil {
		return nil
	}
	urls := v.srv.JoinURLs()
	if len(urls) == 0 {
		urls = []string{v.srv.URL()} // shared on loopback: this machine only
	}
	cmds := make([]string, len(urls))
	for i, u := range urls {
		cmds[i] = fmt.Sprintf("concurrencylab join %s --token %s", u, v.srv.Token())
	}
	return cmds
}

// showShared shows how to join the shared server; unshared (each run then
// starts its own server on 127.0.0.1), nothing.
func (v *clusterView) showShared() {
	v.status.Importance = widget.MediumImportance
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
// or (zero) a server of its own on 127.0.0.1.
func (v *clusterView) spec() jobs.ClusterSpec {
	if v.srv == nil {
		return jobs.ClusterSpec{}
	}
	return jobs.ClusterSpec{URL: v.srv.URL(), Token: v.srv.Token()}
}

// close stops sharing, for good: the window is closing.
func (v *clusterView) close() {
	if v.srv != nil {
		v.srv.Close()
		v.srv = nil
	}
}

// showJoined lists the cluster workers among lanes, by machine.
func (v *clusterView) showJoined(lanes []lane) {
	pids := map[string][]int{}
	n := 0
	for _, ln := range lanes {
		if ln.Worker.Kind == "cluster" {
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
