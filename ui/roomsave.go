package ui

import (
	"fmt"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/room"
)

// chooseRoomFolder asks where to save the room's results, then saves them
// there.
func (l *Lab) chooseRoomFolder() {
	if l.win == nil {
		return
	}
	dialog.ShowFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil || dir == nil {
			return
		}
		l.SaveRoom(filepath.Join(dir.Path(), "concurrencylab-room"), nil)
	}, l.win)
}

// SaveRoom writes the hosted room's results into dir, off the UI
// goroutine: room.json, room.md, room.csv and the charts the tab shows
// (room.Save: every file whole or not at all); done, if set, gets the
// outcome on the UI goroutine.
func (l *Lab) SaveRoom(dir string, done func(error)) {
	v := l.host
	if v.host == nil {
		l.setBanner("Host a room first: Save room results saves the room this window hosts.", widget.WarningImportance)
		return
	}
	snap := v.host.Snapshot() // now, not as last shown
	l.setBanner("Saving the room's results…", widget.MediumImportance)
	l.bg.run(func() func() {
		files, err := saveRoom(dir, snap)
		return func() {
			if err != nil {
				l.setBanner("Could not save the room's results: "+err.Error(), widget.DangerImportance)
			} else {
				l.setBanner(fmt.Sprintf("Saved the room's results to %s: %d files (room.json, room.md, room.csv and the charts).", dir, len(files)), widget.SuccessImportance)
			}
			if done != nil {
				done(err)
			}
		}
	})
}

// saveRoom writes snap's files into dir and returns them.
func saveRoom(dir string, snap room.Snapshot) ([]string, error) {
	return room.Save(snap, filepath.Join(dir, "room.json"))
}
