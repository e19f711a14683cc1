package ui

import "testing"

func TestHandoffStopsWhatTheWindowNeverShowed(t *testing.T) {
	var stopped []string
	stop := func(s string) { stopped = append(stopped, s) }

	var shown handoff[string]
	if !shown.hold("server") {
		t.Fatal("hold before close refused")
	}
	shown.release() // its frame came: the view owns it
	shown.close(stop)
	if len(stopped) != 0 {
		t.Fatalf("close stopped %v, which its view owns", stopped)
	}

	var unshown handoff[string]
	unshown.hold("room")
	unshown.close(stop) // the window closed before the frame
	if len(stopped) != 1 || stopped[0] != "room" {
		t.Fatalf("close stopped %v, want [room]", stopped)
	}
	if unshown.hold("client") {
		t.Fatal("hold after close accepted: nobody would stop it")
	}
}
