package lesson

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"concurrencylab/jobs"
	"concurrencylab/results"
)

// Figures lists a lesson's measured figures as name and value, in the order
// its type declares them, named as in its JSON form: what a table or a
// terminal shows. A group of figures (the primes lesson's go and python)
// is listed as its own, named "go.goroutines_speedup", and an absent one
// (nil) as "none". Series (the queue's depth over time) and lists of
// records are left to charts.
func Figures(measured any) [][2]string {
	var out [][2]string
	figures("", reflect.ValueOf(measured), &out)
	return out
}

func figures(prefix string, v reflect.Value, out *[][2]string) {
	if v.Kind() != reflect.Struct {
		return
	}
	for i := range v.NumField() {
		f := v.Type().Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		fv := v.Field(i)
		switch {
		case fv.Kind() == reflect.Pointer && fv.IsNil():
			*out = append(*out, [2]string{prefix + name, "none"})
			continue
		case fv.Kind() == reflect.Pointer:
			fv = fv.Elem()
		}
		if fv.Kind() == reflect.Struct {
			figures(prefix+name+".", fv, out)
		} else if s, ok := figure(fv); ok {
			*out = append(*out, [2]string{prefix + name, s})
		}
	}
}

func figure(v reflect.Value) (string, bool) {
	switch v.Kind() {
	case reflect.Int, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), true
	case reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'f', decimals(v.Float()), 64), true
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), true
	case reflect.String:
		return v.String(), true
	case reflect.Slice:
		if v.Type().Elem().Kind() != reflect.Int {
			return "", false
		}
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = strconv.FormatInt(v.Index(i).Int(), 10)
		}
		return strings.Join(parts, " "), true
	case reflect.Map:
		if k := v.Type().Elem().Kind(); k == reflect.Struct || k == reflect.Slice {
			return "", false
		}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return cmpKeys(a.String(), b.String()) })
		parts := make([]string, len(keys))
		for i, k := range keys {
			s, _ := figure(v.MapIndex(k))
			parts[i] = fmt.Sprintf("%s: %s", k.String(), s)
		}
		return strings.Join(parts, ", "), true
	}
	return "", false
}

// cmpKeys orders numbers as numbers ("2" before "16"), then names.
func cmpKeys(a, b string) int {
	x, errA := strconv.Atoi(a)
	y, errB := strconv.Atoi(b)
	if errA == nil && errB == nil {
		return x - y
	}
	return strings.Compare(a, b)
}

// decimals shows small figures with more digits: 0.004, 1.23, 412.
func decimals(f float64) int {
	switch a := max(f, -f); {
	case a == 0 || a >= 100:
		return 0
	case a >= 1:
		return 2
	}
	return 3
}

// AnswerText says v, an answer to the lesson's Question, in its unit:
// "7.57×", "40% lost", "8717 times as long", "1 item".
func (l *Lesson) AnswerText(v float64) string {
	switch l.Unit {
	case "×":
		return x(v)
	case "lost":
		return fmt.Sprintf("%.0f%% lost", 100*v)
	case "times":
		return fmt.Sprintf("%.0f times as long", v)
	case "seconds":
		return fmt.Sprintf("%.1f s", v)
	}
	unit := l.Unit
	if v == 1 {
		unit = strings.TrimSuffix(unit, "s")
	}
	return fmt.Sprintf("%.0f %s", v, unit)
}

// RunColumns are the columns of a lesson's table of runs, as the terminal
// and the report print it; RunCells fills them.
var RunColumns = []string{"run", "task", "items", "failed", "wall s", "cpu s", "speed-up"}

// RunCells is run r's row of the table of runs: who did the work, and how
// fast against the first run of the same task among runs.
func RunCells(runs []jobs.Result, r jobs.Result) []string {
	return []string{results.Name(r), string(r.Task), strconv.Itoa(r.Items), strconv.Itoa(r.Failed),
		Secs(r.WallSeconds), Secs(r.CPUSeconds), results.Text(results.Speedup(runs, r))}
}

// Secs formats a duration in seconds with the digits a short run needs.
func Secs(v float64) string {
	if v < 1 {
		return strconv.FormatFloat(v, 'f', 3, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}
