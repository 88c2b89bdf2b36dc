package liaise

import (
	"testing"
	"time"
)

func TestParseHoursCanonicalAndDescribe(t *testing.T) {
	tests := []struct {
		in, canonical, describe string
	}{
		{"24/7", "24/7", "24 hours a day, every day"},
		{"daily 00:00-24:00", "24/7", "24 hours a day, every day"},
		{"Mon-Fri 9:00-17:00", "mon-fri 09:00-17:00", "Monday to Friday, 9am to 5pm"},
		{"mon-fri 09:00-17:00; sat 09:00-12:00", "mon-fri 09:00-17:00; sat 09:00-12:00", "Monday to Friday, 9am to 5pm; Saturday, 9am to midday"},
		{"daily 07:00-22:00", "mon-sun 07:00-22:00", "Every day, 7am to 10pm"},
		{"Monday to Friday 08:30 to 17:30; bank holidays closed", "mon-fri 08:30-17:30; bank holidays closed", "Monday to Friday, 8:30am to 5:30pm; bank holidays, closed"},
		{"mon-thu 09:00-12:30, 13:30-17:00; fri 09:00-16:00", "mon-thu 09:00-12:30, 13:30-17:00; fri 09:00-16:00", "Monday to Thursday, 9am to 12:30pm and 1:30pm to 5pm; Friday, 9am to 4pm"},
		{"sat,sun 10:00-14:00", "sat-sun 10:00-14:00", "Saturday and Sunday, 10am to 2pm"},
		{"fri-mon 22:00-07:00", "mon 22:00-07:00; fri-sun 22:00-07:00", "Monday, 10pm to 7am; Friday to Sunday, 10pm to 7am"},
		{"weekdays 09:00–17:00; bh 10:00-12:00", "mon-fri 09:00-17:00; bank holidays 10:00-12:00", "Monday to Friday, 9am to 5pm; bank holidays, 10am to midday"},
	}
	for _, tt := range tests {
		h, err := ParseHours(tt.in)
		if err != nil {
			t.Errorf("ParseHours(%q): %v", tt.in, err)
			continue
		}
		if got := h.String(); got != tt.canonical {
			t.Errorf("ParseHours(%q).String() = %q, want %q", tt.in, got, tt.canonical)
		}
		if got := h.Describe(); got != tt.describe {
			t.Errorf("ParseHours(%q).Describe() = %q, want %q", tt.in, got, tt.describe)
		}
		again, err := ParseHours(h.String())
		if err != nil || again.String() != h.String() {
			t.Errorf("canonical form %q does not read back: %v %q", h.String(), err, again.String())
		}
	}
}

func TestParseHoursRejects(t *testing.T) {
	for _, in := range []string{
		"", "sometimes", "mon-fri", "09:00-17:00", "mon-fri 9-5", "mon-fri 09:00", "mon-fri 25:00-26:00",
		"mon-fri 09:60-17:00", "mon-fri 09:00-09:00", "funday 09:00-17:00", "mon-sun closed", "bank holidays 09:00-12:00",
		"mon 09:00-17:00; mon-fri closed", "mon 24:00-02:00",
	} {
		if _, err := ParseHours(in); ErrorCode(err) != EINVALID {
			t.Errorf("ParseHours(%q) = %v, want EINVALID", in, err)
		}
	}
}

// at is a wall-clock time in London.
func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, London)
}

func TestOpenAndNextOpening(t *testing.T) {
	// 2026: Friday 1 May, bank holiday Monday 4 May; Friday 25 December and Monday 28 December (Boxing Day substitute).
	holidays := map[Date]bool{{2026, 5, 4}: true, {2026, 12, 25}: true, {2026, 12, 28}: true}
	isHoliday := func(d Date) bool { return holidays[d] }
	court := "mon-fri 09:00-17:00; sat 09:00-12:00"
	custody := "daily 07:00-22:00"
	tests := []struct {
		name     string
		hours    string
		t        time.Time
		holidays bool
		open     bool
		next     time.Time
	}{
		{"court open midweek", court, at(2026, 11, 25, 10, 0), true, true, at(2026, 11, 25, 10, 0)},
		{"court opens at nine", court, at(2026, 11, 25, 9, 0), true, true, at(2026, 11, 25, 9, 0)},
		{"court closes at five", court, at(2026, 11, 25, 17, 0), true, false, at(2026, 11, 26, 9, 0)},
		{"before opening waits for the morning", court, at(2026, 11, 25, 6, 15), true, false, at(2026, 11, 25, 9, 0)},
		{"friday evening waits for saturday", court, at(2026, 11, 27, 18, 0), true, false, at(2026, 11, 28, 9, 0)},
		{"saturday afternoon waits for monday", court, at(2026, 11, 28, 13, 0), true, false, at(2026, 11, 30, 9, 0)},
		{"bank holiday monday takes sunday's hours (closed)", court, at(2026, 5, 4, 10, 0), true, false, at(2026, 5, 5, 9, 0)},
		{"without the holiday list monday is open", court, at(2026, 5, 4, 10, 0), false, true, at(2026, 5, 4, 10, 0)},
		{"christmas eve evening skips christmas and boxing day", court, at(2026, 12, 24, 18, 0), true, false, at(2026, 12, 26, 9, 0)},
		{"saturday after christmas to the tuesday", court, at(2026, 12, 26, 12, 30), true, false, at(2026, 12, 29, 9, 0)},
		{"seven-day custody open on a bank holiday", custody, at(2026, 5, 4, 10, 0), true, true, at(2026, 5, 4, 10, 0)},
		{"custody late night waits for seven", custody, at(2026, 5, 4, 23, 0), true, false, at(2026, 5, 5, 7, 0)},
		{"named bank-holiday hours win", custody + "; bank holidays 10:00-14:00", at(2026, 5, 4, 8, 0), true, false, at(2026, 5, 4, 10, 0)},
		{"bank holidays closed", custody + "; bank holidays closed", at(2026, 12, 24, 23, 0), true, false, at(2026, 12, 26, 7, 0)},
		{"24/7 always open", "24/7", at(2026, 12, 25, 3, 0), true, true, at(2026, 12, 25, 3, 0)},
		{"overnight open after midnight", "fri 22:00-06:00", at(2026, 11, 28, 2, 0), true, true, at(2026, 11, 28, 2, 0)},
		{"overnight closed after it ends", "fri 22:00-06:00", at(2026, 11, 28, 6, 0), true, false, at(2026, 12, 4, 22, 0)},
		// Clocks go forward at 01:00 GMT on 29 March 2026; hours are wall-clock times.
		{"summer time morning", court, at(2026, 3, 28, 23, 0), true, false, at(2026, 3, 30, 9, 0)},
		{"opening in summer time is 08:00 UTC", court, time.Date(2026, 3, 30, 7, 30, 0, 0, time.UTC), true, false, time.Date(2026, 3, 30, 8, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := ParseHours(tt.hours)
			if err != nil {
				t.Fatal(err)
			}
			var hol func(Date) bool
			if tt.holidays {
				hol = isHoliday
			}
			if got := h.Open(tt.t, hol); got != tt.open {
				t.Errorf("Open(%v) = %v, want %v", tt.t, got, tt.open)
			}
			if got := h.NextOpening(tt.t, hol); !got.Equal(tt.next) {
				t.Errorf("NextOpening(%v) = %v, want %v", tt.t, got.In(London), tt.next)
			}
		})
	}
}

// FuzzParseHours checks that anything accepted has a canonical form that
// reads back to itself, and that NextOpening finds an open time.
func FuzzParseHours(f *testing.F) {
	for _, s := range []string{"24/7", "mon-fri 09:00-17:00; sat 09:00-12:00", "fri-mon 22:00-07:00; bh closed", "daily 24h", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHours(s)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		again, err := ParseHours(h.String())
		if err != nil || again.String() != h.String() {
			t.Fatalf("%q → %q → %q, %v", s, h.String(), again.String(), err)
		}
		from := at(2026, 11, 23, 12, 0)
		next := h.NextOpening(from, nil)
		if next.IsZero() || !h.Open(next, nil) {
			t.Fatalf("%q: NextOpening = %v, not open", s, next)
		}
	})
}
