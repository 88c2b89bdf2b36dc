package liaise

import (
	"database/sql/driver"
	"fmt"
	"time"
	_ "time/tzdata" // Europe/London must load on machines without a zoneinfo database.
)

// London is where every time is shown; everything is stored in UTC.
var London = mustLoad("Europe/London")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// timeLayout is fixed width so SQLite's text ordering equals time ordering.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// Time is an instant in UTC at microsecond precision, the precision both
// engines keep, so a value written and read back compares equal.
type Time struct{ time.Time }

// NewTime truncates t to microseconds in UTC.
func NewTime(t time.Time) Time { return Time{t.UTC().Truncate(time.Microsecond)} }

// Scan reads a time from either engine's representation.
func (t *Time) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		t.Time = time.Time{}
		return nil
	case time.Time:
		*t = NewTime(v)
		return nil
	case string:
		return t.parse(v)
	case []byte:
		return t.parse(string(v))
	}
	return fmt.Errorf("liaise.Time: cannot scan %T", src)
}

func (t *Time) parse(s string) error {
	p, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("liaise.Time: %w", err)
	}
	*t = NewTime(p)
	return nil
}

// Value writes the fixed-width text form; PostgreSQL casts it to timestamptz.
func (t Time) Value() (driver.Value, error) {
	if t.IsZero() {
		return nil, nil
	}
	return t.UTC().Format(timeLayout), nil
}

// String is the storage form, used in canonical encodings such as the audit chain.
func (t Time) String() string { return t.UTC().Format(timeLayout) }

// Local returns the time in Europe/London for display.
func (t Time) Local() time.Time { return t.In(London) }

// Date is a calendar date without a time zone: dates of birth, hearings, releases.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads an ISO date (YYYY-MM-DD).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Date{}, Errorf(EINVALID, "%q is not a date in the form YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// DateOf returns the calendar date of t in its own location.
func DateOf(t time.Time) Date { y, m, d := t.Date(); return Date{y, m, d} }

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d.Year == 0 && d.Month == 0 && d.Day == 0 }

// String is the ISO form.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Time returns midnight UTC of the date.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.Time().Before(e.Time()) }

// AddMonthsClamped adds n months, clamping to the last day of the month,
// so 31 August + 6 months is 28/29 February and never 3 March.
func (d Date) AddMonthsClamped(n int) Date {
	first := time.Date(d.Year, d.Month, 1, 0, 0, 0, 0, time.UTC).AddDate(0, n, 0)
	last := first.AddDate(0, 1, -1).Day()
	day := d.Day
	if day > last {
		day = last
	}
	return Date{first.Year(), first.Month(), day}
}

// Scan reads a date from text or a time value.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = DateOf(v.UTC())
		return nil
	case string:
		p, err := ParseDate(v[:min(10, len(v))])
		*d = p
		return err
	case []byte:
		s := string(v)
		p, err := ParseDate(s[:min(10, len(s))])
		*d = p
		return err
	}
	return fmt.Errorf("liaise.Date: cannot scan %T", src)
}

// Value stores the ISO text form; PostgreSQL casts it to date.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Clock gives the current time; injected so tests and transactions control it.
type Clock func() time.Time

// Now returns the clock's time as a liaise.Time.
func (c Clock) Now() Time {
	if c == nil {
		return NewTime(time.Now())
	}
	return NewTime(c())
}
