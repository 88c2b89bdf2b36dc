// Package ident validates and normalises identifiers that come from outside
// Liaise: NHS numbers, Police National Computer (PNC) IDs, Organisation Data
// Service (ODS) codes and UK postcodes. Every error is a *liaise.Error with
// code EINVALID and a message a practitioner can act on, because these values
// are typed from custody records, court lists and letters, and a wrong digit
// links the wrong person.
package ident

import (
	"strings"

	"liaise"
)

// NHSNumberCheckDigit returns the modulus 11 check digit of the first nine
// digits of an NHS number (domain.md §2.4). ok is false when nine is not nine
// digits or when the remainder makes the check digit 10: no NHS number is ever
// issued with those nine digits.
func NHSNumberCheckDigit(nine string) (digit int, ok bool) {
	if len(nine) != 9 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 9; i++ {
		c := nine[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		sum += int(c-'0') * (10 - i)
	}
	check := 11 - sum%11
	switch check {
	case 11:
		return 0, true
	case 10:
		return 0, false
	}
	return check, true
}

// NormaliseNHSNumber checks an NHS number typed by a person (spaces and
// hyphens allowed, as printed on letters: "943 476 5919", "943-476-5919") and
// returns its 10 digits ("9434765919"), the form Liaise stores and matches on.
//
// Numbers whose ten digits are all the same (0000000000, 1111111111, …) pass
// the modulus 11 check — every one of them does — but they are placeholders
// typed when the number is unknown, never issued numbers, so they are refused:
// storing them would make unrelated people look like duplicates.
func NormaliseNHSNumber(s string) (string, error) {
	digits := make([]byte, 0, 10)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case c == ' ' || c == '-' || c == '\t':
		default:
			return "", liaise.Errorf(liaise.EINVALID, "An NHS number can only contain digits, spaces and hyphens: check it was copied correctly.")
		}
	}
	n := string(digits)
	switch {
	case len(n) == 0:
		return "", liaise.Errorf(liaise.EINVALID, "Enter the NHS number: 10 digits, like 943 476 5919.")
	case len(n) != 10:
		return "", liaise.Errorf(liaise.EINVALID, "An NHS number has 10 digits; this one has %d: check it was copied correctly.", len(n))
	case strings.Count(n, n[:1]) == 10:
		return "", liaise.Errorf(liaise.EINVALID, "NHS number %s is a placeholder, not a real NHS number: leave it blank if the number is not known.", FormatNHSNumber(n))
	}
	check, ok := NHSNumberCheckDigit(n[:9])
	if !ok || check != int(n[9]-'0') {
		return "", liaise.Errorf(liaise.EINVALID, "NHS number %s fails its check digit: check it was copied correctly.", FormatNHSNumber(n))
	}
	return n, nil
}

// ValidNHSNumber reports whether s is a valid NHS number, as an error that
// explains what is wrong.
func ValidNHSNumber(s string) error {
	_, err := NormaliseNHSNumber(s)
	return err
}

// FormatNHSNumber shows an NHS number the way NHS staff read it: 3-3-4
// ("943 476 5919"). Anything that is not 10 digits once spaces and hyphens are
// removed is returned unchanged, so a bad stored value is still shown as typed.
func FormatNHSNumber(s string) string {
	d := strings.NewReplacer(" ", "", "-", "", "\t", "").Replace(s)
	if len(d) != 10 {
		return s
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return s
		}
	}
	return d[:3] + " " + d[3:6] + " " + d[6:]
}
