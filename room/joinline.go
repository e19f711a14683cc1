package room

import (
	"fmt"
	"strings"
)

// ParseJoinLine reads the line `concurrencylab room` prints for
// participants (`concurrencylab lesson all --room URL --token T --name N`,
// pasted whole or in part, flags as --flag value or --flag=value) and
// returns what it names; name is "" when the line still says YOURNAME. A
// bare nats:// address gives just url.
func ParseJoinLine(line string) (url, token, name string, err error) {
	fields := strings.Fields(line)
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		key, val, hasVal := strings.Cut(strings.TrimLeft(f, "-"), "=")
		if !strings.HasPrefix(f, "-") {
			if strings.HasPrefix(f, "nats://") && url == "" {
				url = f
			}
			continue
		}
		if !hasVal {
			if i+1 >= len(fields) {
				break
			}
			i++
			val = fields[i]
		}
		switch key {
		case "room":
			url = val
		case "token":
			token = val
		case "name":
			name = val
		}
	}
	if name == "YOURNAME" {
		name = ""
	}
	if !strings.HasPrefix(url, "nats://") {
		return "", "", "", fmt.Errorf("no room address in %q: paste the line `concurrencylab room` printed (it has --room nats://…)", line)
	}
	return url, token, name, nil
}
