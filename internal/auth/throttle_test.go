package auth

import (
	"testing"
	"time"
)

func TestAccountLockedUntil(t *testing.T) {
	th := DefaultThrottle
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	at := func(mins ...float64) []time.Time {
		var out []time.Time
		for _, m := range mins {
			out = append(out, t0.Add(time.Duration(m*float64(time.Minute))))
		}
		return out
	}
	for _, c := range []struct {
		name     string
		failures []time.Time
		now      float64 // minutes after t0
		want     float64 // minutes after t0 the lock ends; -1 = not locked
	}{
		{"none", nil, 0, -1},
		{"four failures", at(0, 1, 2, 3), 4, -1},
		{"five in a minute", at(0, 0, 0, 0, 1), 1, 16},
		{"five, unsorted", at(1, 0, 0.5, 0.2, 0.1), 2, 16},
		{"lock still on at 14:59", at(0, 0, 0, 0, 1), 15.99, 16},
		{"lock over after 15 minutes", at(0, 0, 0, 0, 1), 16, -1},
		{"five spread over 15 minutes", at(0, 5, 10, 12, 15), 16, 30},
		{"five spread over 16 minutes", at(0, 5, 10, 12, 16), 17, -1},
		{"later burst locks again", at(0, 0, 0, 0, 0, 20, 20, 20, 20, 21), 22, 36},
	} {
		got := th.AccountLockedUntil(c.failures, t0.Add(time.Duration(c.now*float64(time.Minute))))
		var want time.Time
		if c.want >= 0 {
			want = t0.Add(time.Duration(c.want * float64(time.Minute)))
		}
		if !got.Equal(want) {
			t.Errorf("%s: locked until %v, want %v", c.name, got, want)
		}
	}
}

func TestAddressBlocked(t *testing.T) {
	th := DefaultThrottle
	if th.AddressBlocked(99) || !th.AddressBlocked(100) {
		t.Fatal("the address ceiling is 100 failures")
	}
	if th.Lookback() < th.AccountWindow+th.AccountLock {
		t.Fatal("lookback too short to see a whole lock")
	}
}
