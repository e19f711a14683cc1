package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2/widget"

	"concurrencylab/room"
)

// The room's life on the Room tab: Host a room starts it, off the UI
// goroutine, Stop hosting (or the window closing) stops it; its results
// stay in its folder either way.

// hostRoom starts the room's server, off the UI goroutine.
func (v *hostView) hostRoom() {
	if v.host != nil {
		return
	}
	addr := strings.TrimSpace(v.addr.Text)
	v.start.Disable()
	v.addr.Disable()
	setStyled(v.where, "Starting the room on "+addr+"…", widget.MediumImportance)
	dir := v.dir
	v.bg.run(func() func() {
		h := &room.Host{Dir: dir, Listen: addr, Logf: func(format string, args ...any) { v.logf("Room: " + fmt.Sprintf(format, args...)) }}
		err := h.Start()
		if err == nil && !v.pending.hold(h) {
			h.Close()
			return nil
		}
		return func() {
			v.pending.release()
			v.start.Enable()
			v.addr.Enable()
			if err != nil {
				setStyled(v.where, "Cannot host the room: "+err.Error(), widget.DangerImportance)
				return
			}
			if v.stopped() {
				v.bg.run(func() func() { h.Close(); return nil })
				return
			}
			v.showWhere()
			v.host = h
			if v.onHosting != nil {
				v.onHosting(h)
			}
			v.snap = room.Snapshot{}
			v.idle.Hide()
			v.live.Show()
			v.line.SetText(strings.Join(v.joinLines(), "\n"))
			v.showHostStatus()
			v.feed = newRoomFeed(h, v.bg, v.apply)
			v.drawn = drawSpec{}
			v.areaChanged(v.charts.Size())
			if v.newWindow != nil && !v.inTab {
				v.openBoard() // for the projector; Bring it back here keeps it on the tab
			}
		}
	})
}

// stopHosting stops the room's server; its results stay in its folder.
func (v *hostView) stopHosting() {
	h := v.host
	if h == nil {
		return
	}
	v.host = nil
	if v.onHosting != nil {
		v.onHosting(nil)
	}
	v.feed.close()
	v.feed = nil
	v.bg.run(func() func() { h.Close(); return nil })
	v.closeBoard()
	v.live.Hide()
	v.idle.Show()
	setStyled(v.where, "The room has stopped; its results stay in its folder. Host a room again to continue it.", widget.MediumImportance)
}

// showRunning keeps the room up while a run or a lesson is under way: a
// Cluster run queues its tasks on the room's server.
func (v *hostView) showRunning(on bool) {
	if on {
		v.stop.Disable()
	} else {
		v.stop.Enable()
	}
}

// close stops hosting for good: the window is closing.
func (v *hostView) close() {
	v.pending.close(func(h *room.Host) { h.Close() })
	v.closeBoard()
	if v.host != nil {
		v.feed.close()
		v.host.Close()
		v.host = nil
	}
}
