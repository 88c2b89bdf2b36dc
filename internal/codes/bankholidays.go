package codes

import (
	"sort"
	"sync"
	"time"

	"liaise"
)

// Holiday is one bank holiday.
type Holiday struct {
	Date liaise.Date
	Name string
}

// FirstBankHolidayYear and LastBankHolidayYear bound the years
// data/bank-holidays.csv holds; the file is generated from EnglandAndWalesBankHolidays (go test -run TestBankHolidaysCSV -update).
const (
	FirstBankHolidayYear = 2018
	LastBankHolidayYear  = 2030
)

// EnglandAndWalesBankHolidays computes the bank holidays of a year by the
// standing rules plus the one-off changes announced so far:
//   - New Year's Day, 1 January (the next Monday if it falls at a weekend);
//   - Good Friday and Easter Monday;
//   - Early May bank holiday, the first Monday of May (moved to Friday 8 May
//     in 2020 for the 75th anniversary of VE Day);
//   - Spring bank holiday, the last Monday of May (moved to Thursday 2 June in
//     2022, with an extra holiday on Friday 3 June, for the Platinum Jubilee);
//   - Summer bank holiday, the last Monday of August;
//   - Christmas Day and Boxing Day, with substitute days when they fall at a weekend;
//   - one-offs: the State Funeral of Queen Elizabeth II (19 September 2022)
//     and the Coronation of King Charles III (8 May 2023).
func EnglandAndWalesBankHolidays(year int) []Holiday {
	d := func(m time.Month, day int) time.Time { return time.Date(year, m, day, 0, 0, 0, 0, time.UTC) }
	var hs []Holiday
	add := func(t time.Time, name string) { hs = append(hs, Holiday{liaise.DateOf(t), name}) }

	ny := d(time.January, 1)
	switch ny.Weekday() {
	case time.Saturday:
		add(ny.AddDate(0, 0, 2), "New Year’s Day (substitute day)")
	case time.Sunday:
		add(ny.AddDate(0, 0, 1), "New Year’s Day (substitute day)")
	default:
		add(ny, "New Year’s Day")
	}

	easter := easterSunday(year)
	add(easter.AddDate(0, 0, -2), "Good Friday")
	add(easter.AddDate(0, 0, 1), "Easter Monday")

	if year == 2020 {
		add(d(time.May, 8), "Early May bank holiday (VE day)")
	} else {
		add(firstMonday(year, time.May), "Early May bank holiday")
	}
	if year == 2023 {
		add(d(time.May, 8), "Bank holiday for the coronation of King Charles III")
	}
	if year == 2022 {
		add(d(time.June, 2), "Spring bank holiday")
		add(d(time.June, 3), "Platinum Jubilee bank holiday")
	} else {
		add(lastMonday(year, time.May), "Spring bank holiday")
	}
	add(lastMonday(year, time.August), "Summer bank holiday")
	if year == 2022 {
		add(d(time.September, 19), "Bank Holiday for the State Funeral of Queen Elizabeth II")
	}

	xmas := d(time.December, 25)
	switch xmas.Weekday() {
	case time.Friday: // Boxing Day on Saturday moves to Monday 28th.
		add(xmas, "Christmas Day")
		add(d(time.December, 28), "Boxing Day (substitute day)")
	case time.Saturday:
		add(d(time.December, 27), "Christmas Day (substitute day)")
		add(d(time.December, 28), "Boxing Day (substitute day)")
	case time.Sunday: // Boxing Day stays on Monday 26th; Christmas moves to Tuesday.
		add(d(time.December, 26), "Boxing Day")
		add(d(time.December, 27), "Christmas Day (substitute day)")
	default:
		add(xmas, "Christmas Day")
		add(d(time.December, 26), "Boxing Day")
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i].Date.Before(hs[j].Date) })
	return hs
}

// easterSunday is the Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
func easterSunday(y int) time.Time {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(y, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

func firstMonday(year int, m time.Month) time.Time {
	t := time.Date(year, m, 1, 0, 0, 0, 0, time.UTC)
	for t.Weekday() != time.Monday {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

func lastMonday(year int, m time.Month) time.Time {
	t := time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC) // last day of m
	for t.Weekday() != time.Monday {
		t = t.AddDate(0, 0, -1)
	}
	return t
}

// holidaySet is the set of bank holidays from the shipped list, built once.
var holidaySet = sync.OnceValue(func() map[liaise.Date]bool {
	set := map[liaise.Date]bool{}
	cs, err := List("bank-holidays")
	if err != nil {
		return set // the shipped-data test fails loudly; rules still apply below
	}
	for _, c := range cs {
		if d, err := liaise.ParseDate(c.Code); err == nil {
			set[d] = true
		}
	}
	return set
})

// IsBankHoliday reports whether d is a bank holiday in England and Wales:
// from the shipped list for the years it covers, by the standing rules for
// other years.
func IsBankHoliday(d liaise.Date) bool {
	if d.Year >= FirstBankHolidayYear && d.Year <= LastBankHolidayYear {
		return holidaySet()[d]
	}
	for _, h := range EnglandAndWalesBankHolidays(d.Year) {
		if h.Date == d {
			return true
		}
	}
	return false
}

// IsWorkingDay reports whether d is a working day: Monday to Friday and not a
// bank holiday in England and Wales.
func IsWorkingDay(d liaise.Date) bool {
	switch d.Time().Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	return !IsBankHoliday(d)
}

// AddWorkingDays returns the day n working days after from (before it when n
// is negative), the way service-level clocks count: from a Friday, 1 working
// day later is the Monday (or the Tuesday after a bank holiday Monday). from
// itself need not be a working day. n = 0 returns from unchanged.
func AddWorkingDays(from liaise.Date, n int) liaise.Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	t := from.Time()
	for n > 0 {
		t = t.AddDate(0, 0, step)
		if IsWorkingDay(liaise.DateOf(t)) {
			n--
		}
	}
	return liaise.DateOf(t)
}

// WorkingDaysBetween counts the working days after from up to and including
// to (0 when to is not after from), so AddWorkingDays(from, n) = to gives n.
func WorkingDaysBetween(from, to liaise.Date) int {
	n := 0
	for t := from.Time().AddDate(0, 0, 1); !to.Time().Before(t); t = t.AddDate(0, 0, 1) {
		if IsWorkingDay(liaise.DateOf(t)) {
			n++
		}
	}
	return n
}
