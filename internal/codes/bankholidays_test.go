package codes

import (
	"bytes"
	"encoding/csv"
	"flag"
	"os"
	"testing"

	"liaise"
)

var update = flag.Bool("update", false, "rewrite data/bank-holidays.csv from the rules")

func date(s string) liaise.Date {
	d, err := liaise.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// bankHolidaysCSV renders the shipped file from the rules.
func bankHolidaysCSV() []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"code", "label", "valid_from", "valid_to"})
	for y := FirstBankHolidayYear; y <= LastBankHolidayYear; y++ {
		for _, h := range EnglandAndWalesBankHolidays(y) {
			w.Write([]string{h.Date.String(), h.Name, "2018-01-01", ""})
		}
	}
	w.Flush()
	return buf.Bytes()
}

// TestBankHolidaysCSV keeps the shipped list and the rules in step; run with
// -update to regenerate the file after changing the rules.
func TestBankHolidaysCSV(t *testing.T) {
	want := bankHolidaysCSV()
	if *update {
		if err := os.WriteFile("data/bank-holidays.csv", want, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Skip("rewrote data/bank-holidays.csv; run the tests again to check the embedded copy")
	}
	got, err := dataFS.ReadFile("data/bank-holidays.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("data/bank-holidays.csv differs from the rules: run go test ./internal/codes -run TestBankHolidaysCSV -update")
	}
}

// TestKnownBankHolidays checks every bank holiday GOV.UK announced for
// 2018–2027 (including the one-off changes) and nothing else.
func TestKnownBankHolidays(t *testing.T) {
	known := map[int][]string{
		2018: {"2018-01-01", "2018-03-30", "2018-04-02", "2018-05-07", "2018-05-28", "2018-08-27", "2018-12-25", "2018-12-26"},
		2019: {"2019-01-01", "2019-04-19", "2019-04-22", "2019-05-06", "2019-05-27", "2019-08-26", "2019-12-25", "2019-12-26"},
		2020: {"2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-08-31", "2020-12-25", "2020-12-28"},
		2021: {"2021-01-01", "2021-04-02", "2021-04-05", "2021-05-03", "2021-05-31", "2021-08-30", "2021-12-27", "2021-12-28"},
		2022: {"2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03", "2022-08-29", "2022-09-19", "2022-12-26", "2022-12-27"},
		2023: {"2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29", "2023-08-28", "2023-12-25", "2023-12-26"},
		2024: {"2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27", "2024-08-26", "2024-12-25", "2024-12-26"},
		2025: {"2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25", "2025-12-25", "2025-12-26"},
		2026: {"2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28"},
		2027: {"2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30", "2027-12-27", "2027-12-28"},
	}
	for year, want := range known {
		got := EnglandAndWalesBankHolidays(year)
		if len(got) != len(want) {
			t.Errorf("%d: %d holidays, want %d: %v", year, len(got), len(want), got)
			continue
		}
		for i, h := range got {
			if h.Date.String() != want[i] {
				t.Errorf("%d: holiday %d is %s (%s), want %s", year, i, h.Date, h.Name, want[i])
			}
		}
		for _, w := range want {
			if !IsBankHoliday(date(w)) {
				t.Errorf("IsBankHoliday(%s) = false", w)
			}
		}
	}
	// Names of the one-offs and substitutes, as shown on the list page.
	names := map[string]string{
		"2020-05-08": "Early May bank holiday (VE day)",
		"2022-06-03": "Platinum Jubilee bank holiday",
		"2022-09-19": "Bank Holiday for the State Funeral of Queen Elizabeth II",
		"2023-05-08": "Bank holiday for the coronation of King Charles III",
		"2022-01-03": "New Year’s Day (substitute day)",
		"2022-12-27": "Christmas Day (substitute day)",
		"2020-12-28": "Boxing Day (substitute day)",
	}
	for d, want := range names {
		if got := Label("bank-holidays", d); got != want {
			t.Errorf("label of %s = %q, want %q", d, got, want)
		}
	}
	if IsBankHoliday(date("2020-05-04")) {
		t.Error("4 May 2020 is a bank holiday, but it moved to 8 May for VE day")
	}
	if IsBankHoliday(date("2022-05-30")) {
		t.Error("30 May 2022 is a bank holiday, but it moved to 2 June for the Jubilee")
	}
}

func TestEaster(t *testing.T) {
	for y, want := range map[int]string{2000: "2000-04-23", 2008: "2008-03-23", 2011: "2011-04-24", 2019: "2019-04-21", 2024: "2024-03-31", 2038: "2038-04-25", 2285: "2285-03-22"} {
		if got := liaise.DateOf(easterSunday(y)).String(); got != want {
			t.Errorf("Easter %d = %s, want %s", y, got, want)
		}
	}
}

func TestWorkingDays(t *testing.T) {
	cases := []struct {
		from string
		n    int
		want string
	}{
		{"2026-11-23", 0, "2026-11-23"},  // Monday, no change
		{"2026-11-23", 1, "2026-11-24"},  // Monday → Tuesday
		{"2026-11-27", 1, "2026-11-30"},  // Friday → Monday
		{"2026-11-28", 1, "2026-11-30"},  // Saturday → Monday
		{"2026-12-24", 1, "2026-12-29"},  // Christmas Day Fri, Boxing Day substitute Mon 28
		{"2026-12-24", 3, "2026-12-31"},  //
		{"2026-04-02", 1, "2026-04-07"},  // Good Friday and Easter Monday skipped
		{"2022-06-01", 1, "2022-06-06"},  // Jubilee Thursday and Friday
		{"2026-11-30", -1, "2026-11-27"}, // Monday back to Friday
		{"2026-04-07", -1, "2026-04-02"}, // back over Easter
		{"2026-11-23", 10, "2026-12-07"}, // two weeks
		{"2035-12-24", 1, "2035-12-27"},  // outside the list: rules apply (Tue 25, Wed 26)
	}
	for _, c := range cases {
		got := AddWorkingDays(date(c.from), c.n)
		if got.String() != c.want {
			t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", c.from, c.n, got, c.want)
		}
		if c.n > 0 {
			if n := WorkingDaysBetween(date(c.from), got); n != c.n {
				t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", c.from, got, n, c.n)
			}
		}
	}
	for d, want := range map[string]bool{
		"2026-11-23": true,  // Monday
		"2026-11-28": false, // Saturday
		"2026-11-29": false, // Sunday
		"2026-12-25": false, // Christmas Day
		"2026-12-28": false, // Boxing Day (substitute)
		"2023-05-08": false, // Coronation
		"2020-05-04": true,  // moved Early May
		"2040-01-02": false, // outside the list: 1 January 2040 is a Sunday, so Monday is the substitute day
		"2040-01-03": true,
	} {
		if got := IsWorkingDay(date(d)); got != want {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", d, got, want)
		}
	}
	if WorkingDaysBetween(date("2026-11-23"), date("2026-11-20")) != 0 {
		t.Error("WorkingDaysBetween backwards is not 0")
	}
}
