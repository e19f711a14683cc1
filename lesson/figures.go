package lesson

import (
	"cmp"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"concurrencylab/jobs"
	"concurrencylab/results"
)

// Figure is one measured figure of a lesson, as a learner reads it (Label
// and Text: "without a lock", "270,148 of 1,000,000") and as its JSON form
// names it (Key, "unsynchronized"; Raw, "270148").
type Figure struct {
	Key, Label, Text, Raw string
}

// A lesson's figures are described once, on the fields of its Measured type,
// and the terminal, the window and the report all show them from there:
//
//	json:"key"       the figure's name in JSON (a field without one is not a figure)
//	label:"…"        what it is, for a learner ("without a lock"); "-" leaves it out
//	                 of the list (a verdict or a chart says it). Without a label,
//	                 the key with spaces.
//	unit:"…"         what its number counts: "s", "ms", "×", "cores", "items"…
//	of:"key"         "270,148 of 1,000,000": the figure it is a part of
//	none:"…"         what a nil pointer means ("not found"; "none" without it)
//	format:"id"      a number that names something (a PID): no thousands separators
//
// Numbers have thousands separators (1,000,000) and the digits their size
// needs (0.004, 1.23, 412); true and false read yes and no; lists and maps
// are listed ("atomic: 0.208 s, mutex: 0.512 s"); a group of figures (a
// struct) is listed figure by figure under its own label ("Go, goroutines:
// 1.90×"); a type with its own way of saying itself (a Share) says it; series
// and lists of records are left to charts.
func Describe(measured any) []Figure {
	var out []Figure
	describe("", "", reflect.ValueOf(measured), &out)
	return out
}

// Figures lists a lesson's measured figures as JSON key and plain value
// ("increments_each", "250000"), in the order its type declares them: a
// group's figures as "go.goroutines_speedup", an absent group as "none".
func Figures(measured any) [][2]string {
	var out [][2]string
	for _, f := range Describe(measured) {
		out = append(out, [2]string{f.Key, f.Raw})
	}
	return out
}

// sayer is a figure that says itself (a Share: "1.6 cores; the window 0.4…").
type sayer interface{ say() string }

func describe(key, label string, v reflect.Value, out *[]Figure) {
	if v.Kind() != reflect.Struct {
		return
	}
	t := v.Type()
	for i := range v.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		if strings.Contains(opts, "omitempty") && v.Field(i).IsZero() {
			continue // as its JSON leaves it out
		}
		lbl := f.Tag.Get("label")
		if lbl == "-" {
			continue
		}
		if lbl == "" {
			lbl = strings.ReplaceAll(name, "_", " ")
		}
		fig := Figure{Key: key + name, Label: lbl}
		if label != "" {
			fig.Label = label + ", " + lbl
		}
		fv := v.Field(i)
		if fv.Kind() == reflect.Pointer {
			if fv.IsNil() {
				fig.Raw, fig.Text = "none", cmp.Or(f.Tag.Get("none"), "none")
				*out = append(*out, fig)
				continue
			}
			fv = fv.Elem()
		}
		if s, ok := fv.Interface().(sayer); ok {
			fig.Raw, fig.Text = s.say(), s.say()
			*out = append(*out, fig)
			continue
		}
		if fv.Kind() == reflect.Struct {
			describe(fig.Key+".", fig.Label, fv, out)
			continue
		}
		raw, ok := figure(fv, false, "")
		if !ok {
			continue
		}
		fig.Raw = raw
		if f.Tag.Get("format") == "id" {
			fig.Text, _ = figure(fv, false, "")
		} else {
			fig.Text, _ = figure(fv, true, unitFor(fv, f.Tag.Get("unit")))
		}
		if of := f.Tag.Get("of"); of != "" {
			if whole, ok := fieldByKey(v, of); ok {
				w, _ := figure(whole, true, "")
				fig.Text += " of " + w
			}
		}
		*out = append(*out, fig)
	}
}

// unitFor is unit for the value v: "1 item", not "1 items".
func unitFor(v reflect.Value, unit string) string {
	one := (v.CanInt() && v.Int() == 1) || (v.CanFloat() && v.Float() == 1)
	if one && len(unit) > 1 && strings.HasSuffix(unit, "s") && unit != "ms" && unit != "µs" {
		return strings.TrimSuffix(unit, "s")
	}
	return unit
}

// fieldByKey is v's field whose JSON key is key.
func fieldByKey(v reflect.Value, key string) (reflect.Value, bool) {
	for i := range v.NumField() {
		if name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ","); name == key {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// figure says v: plainly (as JSON would: 270148, true), or for a learner,
// with thousands separators, yes and no, and the unit.
func figure(v reflect.Value, learner bool, unit string) (string, bool) {
	withUnit := func(s string) string {
		switch {
		case !learner || unit == "":
			return s
		case unit == "×" || unit == "%":
			return s + unit
		}
		return s + " " + unit
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int64:
		if learner {
			return withUnit(thousands(strconv.FormatInt(v.Int(), 10))), true
		}
		return strconv.FormatInt(v.Int(), 10), true
	case reflect.Float64:
		s := strconv.FormatFloat(v.Float(), 'f', decimals(v.Float()), 64)
		if learner {
			return withUnit(thousands(s)), true
		}
		return s, true
	case reflect.Bool:
		if learner {
			return map[bool]string{true: "yes", false: "no"}[v.Bool()], true
		}
		return strconv.FormatBool(v.Bool()), true
	case reflect.String:
		return v.String(), true
	case reflect.Slice:
		if k := v.Type().Elem().Kind(); k != reflect.Int && k != reflect.String {
			return "", false
		}
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i], _ = figure(v.Index(i), learner, "")
		}
		sep := " "
		if learner {
			sep = ", "
		}
		return withUnit(strings.Join(parts, sep)), true
	case reflect.Map:
		if k := v.Type().Elem().Kind(); k == reflect.Struct || k == reflect.Slice || k == reflect.Map {
			return "", false
		}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return cmpKeys(a.String(), b.String()) })
		parts := make([]string, len(keys))
		for i, k := range keys {
			s, _ := figure(v.MapIndex(k), learner, unit)
			parts[i] = fmt.Sprintf("%s: %s", k.String(), s)
		}
		return strings.Join(parts, ", "), true
	}
	return "", false
}

// thousands puts a comma between each three digits of a number's whole
// part: 1000000 → 1,000,000; -1234.5 → -1,234.5.
func thousands(s string) string {
	sign, rest := "", s
	if strings.HasPrefix(rest, "-") {
		sign, rest = "-", rest[1:]
	}
	whole, frac, dot := strings.Cut(rest, ".")
	if len(whole) <= 3 {
		return s
	}
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if dot {
		return sign + b.String() + "." + frac
	}
	return sign + b.String()
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

// ShortAnswerText is AnswerText for a chart's label, where room is short:
// "7.57×", "40%", "8717×", "2.5 items".
func (l *Lesson) ShortAnswerText(v float64) string {
	switch l.Unit {
	case "lost":
		return fmt.Sprintf("%.0f%%", 100*v)
	case "times":
		return fmt.Sprintf("%.0f×", v)
	case "×", "seconds":
		return l.AnswerText(v)
	}
	decimals := 1
	if v == math.Trunc(v) {
		decimals = 0
	}
	return strconv.FormatFloat(v, 'f', decimals, 64) + " " + l.Unit
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
