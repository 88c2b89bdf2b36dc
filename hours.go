package liaise

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// OpeningHours says when a site is staffed, so work that arrives out of hours
// can be queued for the next opening (the next morning's queue). Hours are
// wall-clock times in Europe/London.
//
// The text form, as staff type it:
//
//	24/7
//	mon-fri 09:00-17:00; sat 09:00-12:00
//	daily 07:00-22:00; bank holidays closed
//	mon-thu 09:00-12:30, 13:30-17:00; fri 22:00-07:00
//
// Days are mon…sun (or full names), ranges like mon-fri, lists like mon,wed,
// and the words daily, weekdays, weekends and "bank holidays". A closing time
// earlier than the opening time runs past midnight. Days not mentioned are
// closed. Bank holidays keep Sunday's hours unless an entry names them: the
// usual British convention, so a Monday-to-Friday court is shut on a bank
// holiday and a seven-day custody suite stays open.
type OpeningHours struct {
	always bool
	// days holds the spans for Monday (0) … Sunday (6) and bank holidays (7).
	days [8][]hourSpan
	// holidaySet records whether bank holidays were named.
	holidaySet bool
}

// hourSpan is an opening period in minutes from midnight. To exceeds 1440
// when the period runs past midnight into the next day.
type hourSpan struct{ from, to int }

const (
	minutesPerDay = 24 * 60
	holidayIndex  = 7
)

var dayNames = [7]string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
var dayLongNames = [8]string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "bank holidays"}

// AlwaysOpen is the hours of a service staffed around the clock.
var AlwaysOpen = OpeningHours{always: true}

func hoursError(format string, args ...any) error {
	return Errorf(EINVALID, "%s", "Opening hours: "+fmt.Sprintf(format, args...)+". Write them like \"mon-fri 09:00-17:00; sat 09:00-12:00\", or \"24/7\".")
}

// ParseHours reads opening hours in the text form described on OpeningHours.
// Errors are EINVALID with a message that says what to change.
func ParseHours(s string) (OpeningHours, error) {
	var h OpeningHours
	text := strings.ToLower(strings.TrimSpace(s))
	text = strings.NewReplacer("–", "-", "—", "-", ".", ":", " to ", "-", " and ", ",", "&", ",").Replace(text)
	text = strings.Join(strings.Fields(text), " ")
	switch text {
	case "":
		return h, hoursError("enter the hours the site is staffed")
	case "24/7", "24x7", "24 hours", "always":
		return AlwaysOpen, nil
	}
	var seen [8]bool
	for _, entry := range strings.Split(text, ";") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		entry = strings.NewReplacer("bank holidays", "bh", "bank holiday", "bh", "every day", "daily").Replace(entry)
		// The day part runs up to the first digit or the word closed/24h.
		cut := strings.IndexFunc(entry, func(r rune) bool { return r >= '0' && r <= '9' })
		if i := strings.Index(entry, "closed"); i >= 0 && (cut < 0 || i < cut) {
			cut = i
		}
		if cut <= 0 {
			return h, hoursError("%q needs the days first, then the times", entry)
		}
		daySpec := strings.ReplaceAll(entry[:cut], " ", "")
		timeSpec := strings.ReplaceAll(entry[cut:], " ", "")
		days, err := parseDays(daySpec)
		if err != nil {
			return h, err
		}
		spans, err := parseSpans(timeSpec)
		if err != nil {
			return h, err
		}
		for _, d := range days {
			if spans == nil && len(h.days[d]) > 0 {
				return h, hoursError("%s is both open and closed", dayLongNames[d])
			}
			seen[d] = true
			h.days[d] = append(h.days[d], spans...)
			slices.SortFunc(h.days[d], func(a, b hourSpan) int { return a.from - b.from })
		}
	}
	h.holidaySet = seen[holidayIndex]
	open := false
	for d := 0; d < 7; d++ {
		open = open || len(h.days[d]) > 0
	}
	if !open {
		return h, hoursError("the site is never open")
	}
	if h.isAlways() {
		return AlwaysOpen, nil
	}
	return h, nil
}

// parseDays reads "mon-fri", "sat,sun", "daily", "bh" into day indexes.
func parseDays(spec string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(spec, ",") {
		switch part {
		case "":
			continue
		case "daily":
			out = append(out, 0, 1, 2, 3, 4, 5, 6)
			continue
		case "weekdays":
			out = append(out, 0, 1, 2, 3, 4)
			continue
		case "weekends":
			out = append(out, 5, 6)
			continue
		case "bh", "holidays":
			out = append(out, holidayIndex)
			continue
		}
		from, to, isRange := strings.Cut(part, "-")
		a, ok := dayIndex(from)
		if !ok {
			return nil, hoursError("%q is not a day (use mon, tue, wed, thu, fri, sat, sun)", from)
		}
		if !isRange {
			out = append(out, a)
			continue
		}
		b, ok := dayIndex(to)
		if !ok {
			return nil, hoursError("%q is not a day (use mon, tue, wed, thu, fri, sat, sun)", to)
		}
		// A range may wrap round the week: fri-mon.
		for d := a; ; d = (d + 1) % 7 {
			out = append(out, d)
			if d == b {
				break
			}
		}
	}
	if len(out) == 0 {
		return nil, hoursError("say which days")
	}
	return out, nil
}

func dayIndex(s string) (int, bool) {
	for i, n := range dayNames {
		if s == n || (len(s) > 3 && strings.HasPrefix(dayLongNames[i], strings.ToUpper(s[:1])+s[1:])) {
			return i, true
		}
	}
	return 0, false
}

// parseSpans reads "09:00-17:00,18:00-20:00", "24h" or "closed" (nil spans).
func parseSpans(spec string) ([]hourSpan, error) {
	switch spec {
	case "closed":
		return nil, nil
	case "24h", "allday", "24hours":
		return []hourSpan{{0, minutesPerDay}}, nil
	}
	var out []hourSpan
	for _, part := range strings.Split(spec, ",") {
		if part == "" {
			continue
		}
		a, b, ok := strings.Cut(part, "-")
		if !ok {
			return nil, hoursError("%q needs an opening and a closing time, like 09:00-17:00", part)
		}
		from, err := parseClock(a)
		if err != nil {
			return nil, err
		}
		to, err := parseClock(b)
		if err != nil {
			return nil, err
		}
		if from == minutesPerDay {
			return nil, hoursError("a site cannot open at 24:00 (use 00:00)")
		}
		if to == from {
			return nil, hoursError("%q opens and closes at the same time", part)
		}
		if to < from {
			to += minutesPerDay // runs past midnight
		}
		out = append(out, hourSpan{from, to})
	}
	if len(out) == 0 {
		return nil, hoursError("give the times, like 09:00-17:00, or say closed")
	}
	return out, nil
}

// parseClock reads H:MM or HH:MM (00:00 to 24:00) as minutes from midnight.
func parseClock(s string) (int, error) {
	hh, mm, ok := strings.Cut(s, ":")
	if !ok || len(hh) < 1 || len(hh) > 2 || len(mm) != 2 {
		return 0, hoursError("%q is not a time like 09:00", s)
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, hoursError("%q is not a time like 09:00", s)
	}
	return h*60 + m, nil
}

func (h OpeningHours) isAlways() bool {
	if h.always {
		return true
	}
	full := []hourSpan{{0, minutesPerDay}}
	for d := 0; d < 7; d++ {
		if !slices.Equal(h.days[d], full) {
			return false
		}
	}
	return !h.holidaySet || slices.Equal(h.days[holidayIndex], full)
}

// spans returns the opening periods that start on date d.
func (h OpeningHours) spans(d Date, isHoliday func(Date) bool) []hourSpan {
	if isHoliday != nil && isHoliday(d) {
		if h.holidaySet {
			return h.days[holidayIndex]
		}
		return h.days[6] // Sunday's hours
	}
	return h.days[(int(d.Time().Weekday())+6)%7]
}

// Open reports whether the site is open at t (shown in Europe/London).
// isHoliday says which dates are bank holidays; nil means none.
func (h OpeningHours) Open(t time.Time, isHoliday func(Date) bool) bool {
	if h.always {
		return true
	}
	lt := t.In(London)
	today := DateOf(lt)
	sec := lt.Hour()*3600 + lt.Minute()*60 + lt.Second()
	for _, s := range h.spans(today, isHoliday) {
		if s.from*60 <= sec && sec < s.to*60 {
			return true
		}
	}
	// A period that began yesterday may run past midnight into today.
	yesterday := DateOf(time.Date(today.Year, today.Month, today.Day-1, 12, 0, 0, 0, time.UTC))
	for _, s := range h.spans(yesterday, isHoliday) {
		if s.to > minutesPerDay && sec+86400 < s.to*60 {
			return true
		}
	}
	return false
}

// NextOpening returns t itself when the site is open at t, otherwise the
// time it next opens: work that arrives out of hours is due then. It looks
// a month ahead and returns the zero time if the site never opens in it.
func (h OpeningHours) NextOpening(t time.Time, isHoliday func(Date) bool) time.Time {
	if h.Open(t, isHoliday) {
		return t
	}
	lt := t.In(London)
	for i := 0; i <= 31; i++ {
		day := time.Date(lt.Year(), lt.Month(), lt.Day()+i, 12, 0, 0, 0, London)
		d := DateOf(day)
		for _, s := range h.spans(d, isHoliday) {
			start := time.Date(d.Year, d.Month, d.Day, s.from/60, s.from%60, 0, 0, London)
			if start.After(t) {
				return start
			}
		}
	}
	return time.Time{}
}

// String is the canonical text form, which ParseHours reads back to the same hours.
func (h OpeningHours) String() string {
	if h.always {
		return "24/7"
	}
	var parts []string
	for _, g := range h.groups() {
		name := dayNames[g.first]
		if g.last != g.first {
			name += "-" + dayNames[g.last]
		}
		parts = append(parts, name+" "+spansText(g.spans, clockText, ", "))
	}
	if h.holidaySet {
		t := "closed"
		if len(h.days[holidayIndex]) > 0 {
			t = spansText(h.days[holidayIndex], clockText, ", ")
		}
		parts = append(parts, "bank holidays "+t)
	}
	return strings.Join(parts, "; ")
}

// Describe says the hours in plain English for staff: "Monday to Friday,
// 9am to 5pm; Saturday, 9am to midday".
func (h OpeningHours) Describe() string {
	if h.always {
		return "24 hours a day, every day"
	}
	var parts []string
	for _, g := range h.groups() {
		var name string
		switch {
		case g.first == 0 && g.last == 6:
			name = "Every day"
		case g.first == g.last:
			name = dayLongNames[g.first]
		case g.last == g.first+1:
			name = dayLongNames[g.first] + " and " + dayLongNames[g.last]
		default:
			name = dayLongNames[g.first] + " to " + dayLongNames[g.last]
		}
		parts = append(parts, name+", "+spansText(g.spans, clockWords, " and "))
	}
	if h.holidaySet {
		t := "closed"
		if len(h.days[holidayIndex]) > 0 {
			t = spansText(h.days[holidayIndex], clockWords, " and ")
		}
		parts = append(parts, "bank holidays, "+t)
	}
	return strings.Join(parts, "; ")
}

type dayGroup struct {
	first, last int
	spans       []hourSpan
}

// groups joins consecutive open days with the same hours.
func (h OpeningHours) groups() []dayGroup {
	var out []dayGroup
	for d := 0; d < 7; d++ {
		if len(h.days[d]) == 0 {
			continue
		}
		if n := len(out); n > 0 && out[n-1].last == d-1 && slices.Equal(out[n-1].spans, h.days[d]) {
			out[n-1].last = d
			continue
		}
		out = append(out, dayGroup{first: d, last: d, spans: h.days[d]})
	}
	return out
}

func spansText(spans []hourSpan, clock func(int) string, sep string) string {
	parts := make([]string, len(spans))
	for i, s := range spans {
		if s.from == 0 && s.to == minutesPerDay {
			if sep == ", " {
				parts[i] = "00:00-24:00"
			} else {
				parts[i] = "all day"
			}
			continue
		}
		to := s.to
		if to > minutesPerDay {
			to -= minutesPerDay
		}
		if sep == ", " {
			parts[i] = clock(s.from) + "-" + clock(to)
		} else {
			parts[i] = clock(s.from) + " to " + clock(to)
		}
	}
	return strings.Join(parts, sep)
}

func clockText(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// clockWords writes a time the NHS way: 9am, 5:30pm, midday, midnight.
func clockWords(m int) string {
	switch m {
	case 0, minutesPerDay:
		return "midnight"
	case 12 * 60:
		return "midday"
	}
	h, min := m/60, m%60
	suffix := "am"
	if h >= 12 {
		suffix = "pm"
	}
	if h > 12 {
		h -= 12
	}
	if h == 0 {
		h = 12
	}
	if min == 0 {
		return fmt.Sprintf("%d%s", h, suffix)
	}
	return fmt.Sprintf("%d:%02d%s", h, min, suffix)
}
