package auth

import (
	"slices"
	"time"

	"liaise"
)

// Throttle is the rule for failed sign-ins. It is per account, because a
// custody suite puts many staff behind one address; per address there is
// only a high ceiling, against someone trying many accounts. The rule is
// pure: the store supplies the recent failures, the server the time.
type Throttle struct {
	// AccountFailures failures within AccountWindow lock the account for AccountLock.
	AccountFailures int
	AccountWindow   time.Duration
	AccountLock     time.Duration
	// AddressFailures failures from one address within AddressWindow refuse
	// every sign-in from it until the count falls below the ceiling.
	AddressFailures int
	AddressWindow   time.Duration
}

// DefaultThrottle: 5 failures in 15 minutes lock an account for 15 minutes;
// 100 failures in 15 minutes from one address shut that address out.
var DefaultThrottle = Throttle{
	AccountFailures: 5,
	AccountWindow:   15 * time.Minute,
	AccountLock:     15 * time.Minute,
	AddressFailures: 100,
	AddressWindow:   15 * time.Minute,
}

// Lookback is how far back the store must look for failures to apply the rule.
func (th Throttle) Lookback() time.Duration {
	return max(th.AccountWindow+th.AccountLock, th.AddressWindow)
}

// AccountLockedUntil returns when the account's lock ends, given the times
// of its recent failures (any order); zero if it is not locked at now.
// The lock runs from the failure that completed AccountFailures within
// AccountWindow, so attempts refused while locked (which are not recorded
// as failures) do not extend it: "wait 15 minutes" stays true.
func (th Throttle) AccountLockedUntil(failures []time.Time, now time.Time) time.Time {
	if th.AccountFailures < 1 || len(failures) < th.AccountFailures {
		return time.Time{}
	}
	f := slices.Clone(failures)
	slices.SortFunc(f, func(a, b time.Time) int { return a.Compare(b) })
	var until time.Time
	for i := th.AccountFailures - 1; i < len(f); i++ {
		first := f[i-th.AccountFailures+1]
		if f[i].Sub(first) <= th.AccountWindow {
			if u := f[i].Add(th.AccountLock); u.After(until) {
				until = u
			}
		}
	}
	if now.Before(until) {
		return until
	}
	return time.Time{}
}

// AddressBlocked reports whether an address with failures failures in the
// last AddressWindow has reached the ceiling.
func (th Throttle) AddressBlocked(failures int) bool {
	return th.AddressFailures > 0 && failures >= th.AddressFailures
}

// Messages for sign-in. Neither says whether the account exists.
const (
	MsgBadCredentials = "Enter a correct username and password"
	MsgLocked         = "Too many failed attempts. Wait 15 minutes and try again, or ask your administrator to reset your password."
)

// ErrLocked is the answer while an account or address is throttled,
// whether or not the account exists.
func ErrLocked() error {
	return liaise.Errorf(liaise.ERATELIMITED, MsgLocked)
}
