package ui

import (
	"fmt"
	"image"
	"image/png"
	"io"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/jobs"
	"concurrencylab/jobs/atomicfile"
	"concurrencylab/lesson/chart"
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
// goroutine: room.json, room.md and room.csv (room.Save), and each
// lesson's strip plot and the scaling lesson's curves as PNGs, every file
// whole or not at all; done, if set, gets the outcome on the UI goroutine.
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
	files, err := room.Save(snap, filepath.Join(dir, "room.json"))
	if err != nil {
		return files, err
	}
	write := func(name string, draw func() (image.Image, error)) error {
		img, err := draw()
		if err != nil {
			return err
		}
		path := filepath.Join(dir, name)
		if err := atomicfile.Write(path, func(w io.Writer) error { return png.Encode(w, img) }); err != nil {
			return err
		}
		files = append(files, path)
		return nil
	}
	for _, name := range snap.Order {
		sum := snap.Lessons[name]
		if sum == nil || sum.Count == 0 {
			continue
		}
		if err := write("strip-"+name+".png", func() (image.Image, error) { return stripImage(name, sum, chartSize{roomChartW, roomChartH, 1}) }); err != nil {
			return files, err
		}
		if name != "scaling" {
			continue
		}
		for _, task := range []jobs.Task{jobs.Thumbnail, jobs.Download} {
			err := write(fmt.Sprintf("scaling-%ss.png", task), func() (image.Image, error) {
				p, err := chart.RoomScaling(curvesOf(sum), task)
				if err != nil {
					return nil, err
				}
				return chart.ImageScaled(p, roomChartW, roomChartH, 1), nil
			})
			if err != nil {
				return files, err
			}
		}
	}
	return files, nil
}
