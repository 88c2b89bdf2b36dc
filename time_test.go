package liaise

import (
	"testing"
	"time"
)

func TestAddMonthsClamped(t *testing.T) {
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-08-31", 6, "2027-02-28"},
		{"2027-08-31", 6, "2028-02-29"},
		{"2026-01-15", 6, "2026-07-15"},
		{"2026-03-31", 1, "2026-04-30"},
		{"2026-12-31", 2, "2027-02-28"},
		{"2026-05-31", -3, "2026-02-28"},
	}
	for _, tt := range tests {
		d, err := ParseDate(tt.from)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.AddMonthsClamped(tt.n).String(); got != tt.want {
			t.Errorf("%s + %d months = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
}

func TestTimeTextRoundTrip(t *testing.T) {
	in := NewTime(time.Date(2026, 3, 29, 0, 59, 59, 123456789, time.UTC))
	v, _ := in.Value()
	var out Time
	if err := out.Scan(v); err != nil {
		t.Fatal(err)
	}
	if !out.Equal(in.Time) || out.Nanosecond() != 123456000 {
		t.Fatalf("round trip %v → %v", in, out)
	}
	if s := v.(string); len(s) != len("2006-01-02T15:04:05.000000Z") {
		t.Fatalf("not fixed width: %q", s)
	}
	if got := in.Local().Format("15:04"); got != "00:59" { // before the clocks go forward at 01:00 UTC
		t.Errorf("London time = %s", got)
	}
}

func TestParseDateRejectsNonsense(t *testing.T) {
	for _, s := range []string{"", "2026-02-30", "23/11/2026", "2026-13-01"} {
		if _, err := ParseDate(s); ErrorCode(err) != EINVALID {
			t.Errorf("ParseDate(%q) err = %v", s, err)
		}
	}
}

func TestValidationKeepsOrder(t *testing.T) {
	var v Validation
	v.Add("b", "second field")
	v.Add("a", "first field")
	v.Add("b", "ignored duplicate")
	err := v.Err()
	if ErrorCode(err) != EINVALID || ErrorFields(err)["b"] != "second field" || len(v.Order()) != 2 || v.Order()[0] != "b" {
		t.Fatalf("validation = %v %v", err, v.Order())
	}
}
