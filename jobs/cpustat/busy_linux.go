package cpustat

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"time"
)

const whyNotBusy = "the cores' busy time could not be read from /proc/stat"

// userHZ is the unit of /proc/stat's counters: the kernel reports them in
// USER_HZ ticks, 100 a second on every Linux architecture.
const userHZ = 100

// busy is the first line of /proc/stat, "cpu user nice system idle iowait
// irq softirq steal guest guest_nice": every field but idle and iowait is a
// core running something (guest time is already counted in user, and steal
// is a virtual machine's core taken by its host: not ours to have).
func busy() (time.Duration, bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, false
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	return parseStat(line)
}

func parseStat(line []byte) (time.Duration, bool) {
	sc := bufio.NewScanner(bytes.NewReader(line))
	sc.Split(bufio.ScanWords)
	if !sc.Scan() || sc.Text() != "cpu" {
		return 0, false
	}
	var ticks uint64
	for i := 0; sc.Scan() && i < 8; i++ {
		v, err := strconv.ParseUint(sc.Text(), 10, 64)
		if err != nil {
			return 0, false
		}
		if i != 3 && i != 4 { // idle, iowait
			ticks += v
		}
	}
	return time.Duration(ticks) * time.Second / userHZ, true
}
