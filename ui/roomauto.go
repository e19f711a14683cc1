package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"concurrencylab/lesson"
)

// RoomPlan is --autorun's room form, "room=ADDR,results=N[,dir=DIR][,lesson=NAME]":
// host a room on ADDR (keeping it in DIR) as Host a room does, show lesson
// NAME on its board (on its own window, which the screenshot then shows),
// and end once it shows N results (each participant's latest per lesson).
// It measures the window while a room pours results into it.
type RoomPlan struct {
	Listen  string
	Dir     string
	Results int
	Lesson  string
}

// IsRoomAutorun reports whether an --autorun value hosts a room.
func IsRoomAutorun(spec string) bool { return strings.HasPrefix(strings.TrimSpace(spec), "room=") }

// ParseRoomAutorun reads "room=ADDR,results=N[,dir=DIR][,lesson=NAME]".
func ParseRoomAutorun(spec string) (RoomPlan, error) {
	p := RoomPlan{Lesson: "scaling"}
	for _, kv := range strings.Split(spec, ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(kv), "=")
		switch k {
		case "room":
			p.Listen = val
		case "dir":
			p.Dir = val
		case "results":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 {
				return p, fmt.Errorf("results=%q: want a count of results to wait for", val)
			}
			p.Results = n
		case "lesson":
			if _, err := lesson.Find(val); err != nil {
				return p, err
			}
			p.Lesson = val
		default:
			return p, fmt.Errorf("unknown key %q (want room, results, dir, lesson)", k)
		}
	}
	if p.Listen == "" || p.Results == 0 {
		return p, fmt.Errorf("%q: want room=ADDR,results=N", spec)
	}
	return p, nil
}

// RoomStats is what --stats-json says of a hosted room: how many results
// and laptops it showed, how long each result took from the participant's
// Send to its first frame on this screen, and the board's updates: how
// many, and how long each took on the UI goroutine (before the repaint).
type RoomStats struct {
	Results      int     `json:"results"`
	Participants int     `json:"participants"`
	ShownP50Ms   float64 `json:"shown_after_sent_p50_ms"`
	ShownP95Ms   float64 `json:"shown_after_sent_p95_ms"`
	ShownMaxMs   float64 `json:"shown_after_sent_max_ms"`
	Updates      int     `json:"updates"`
	UpdateP50Ms  float64 `json:"update_p50_ms"`
	UpdateMaxMs  float64 `json:"update_max_ms"`
}

// AutorunRoom hosts a room as plan says, as a facilitator would (the Room
// tab, Host a room), tells announce the join line, waits until the tab
// shows plan.Results results, then saves a screenshot and the stats: the
// UI's lag from the room's start to then. It is called off the UI goroutine.
func (l *Lab) AutorunRoom(plan RoomPlan, shot, statsFile string, announce func(string)) error {
	shown := make(chan int, 1)
	l.doWait(func() {
		l.ShowTab("room")
		v := l.host
		v.dir = plan.Dir
		v.addr.SetText(plan.Listen)
		for i, ls := range lesson.All {
			if ls.Name == plan.Lesson {
				v.pick.SetSelectedIndex(i)
			}
		}
		v.onShown = func(n int) {
			select {
			case <-shown:
			default:
			}
			shown <- n
		}
		v.hostRoom()
	})
	var line, failed string
	deadline := time.Now().Add(time.Minute)
	for line == "" && failed == "" {
		if l.stopped() {
			return errStopped
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the room did not start within a minute")
		}
		l.waitFrames(2)
		l.doWait(func() {
			if l.host.host != nil {
				line = l.host.joinLines()[0]
			} else if strings.HasPrefix(l.host.where.Text, "Cannot") {
				failed = l.host.where.Text
			}
		})
	}
	if failed != "" {
		return fmt.Errorf("%s", failed)
	}
	first := time.Now()
	announce(line)
	for n := 0; n < plan.Results; {
		select {
		case n = <-shown:
		case <-l.stop:
			return errStopped
		}
	}
	last := time.Now()
	var rs RoomStats
	l.doWait(func() {
		v := l.host
		rs.Participants = len(v.snap.Participants)
		for _, sum := range v.snap.Lessons {
			rs.Results += sum.Count
		}
		rs.ShownP50Ms, rs.ShownP95Ms, rs.ShownMaxMs = percentiles(v.latency)
		rs.Updates = len(v.applied)
		rs.UpdateP50Ms, _, rs.UpdateMaxMs = percentiles(v.applied)
	})
	l.waitFrames(3)
	return l.finishAutorun(Stats{Runs: []RunRecord{}, Room: &rs}, first, last, shot, statsFile)
}
