package ident

import (
	"fmt"
	"strconv"
	"strings"

	"liaise"
)

// pncLetters maps the modulus 23 remainder to the PNC check character:
// 0 = Z, 1 = A, 2 = B, …, skipping I, O and S (they read as 1, 0 and 5).
const pncLetters = "ZABCDEFGHJKLMNPQRTUVWXY"

// PNCCheckLetter returns the check character of a PNC ID from the last two
// digits of its year (0–99) and its serial number (0–9999999): the number
// YYNNNNNNN (year then the serial padded to seven digits) modulo 23.
// ok is false when either part is out of range.
func PNCCheckLetter(yy, serial int) (letter byte, ok bool) {
	if yy < 0 || yy > 99 || serial < 0 || serial > 9999999 {
		return 0, false
	}
	return pncLetters[(yy*10000000+serial)%23], true
}

// MakePNCID returns the normalised PNC ID (YY/NNNNNNNC) for a year and
// serial, with its check character; the synthetic data generator uses it.
func MakePNCID(yy, serial int) (string, bool) {
	c, ok := PNCCheckLetter(yy, serial)
	if !ok {
		return "", false
	}
	return fmt.Sprintf("%02d/%07d%c", yy, serial, c), true
}

// NormalisePNCID checks a PNC ID typed by a person and returns it in the form
// Liaise stores and matches on: two-digit year, slash, seven-digit serial
// with leading zeros, check letter ("02/0073319Z").
//
// It accepts the display form with the leading zeros of the serial dropped
// ("02/73319Z") and the long form with a four-digit year ("2002/0073319Z"),
// in either case, with spaces around the parts. The slash is required: without
// it "0212345A" could be read two ways.
func NormalisePNCID(s string) (string, error) {
	t := strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if t == "" {
		return "", liaise.Errorf(liaise.EINVALID, "Enter the PNC ID, like 02/73319Z or 2002/0073319Z.")
	}
	year, rest, ok := strings.Cut(t, "/")
	if !ok {
		return "", liaise.Errorf(liaise.EINVALID, "Enter the PNC ID with the slash after the year, like 02/73319Z or 2002/0073319Z.")
	}
	if !allDigits(year) || (len(year) != 2 && len(year) != 4) {
		return "", liaise.Errorf(liaise.EINVALID, "A PNC ID starts with the year as 2 or 4 digits, like 02/73319Z or 2002/0073319Z.")
	}
	if len(year) == 4 && year[:2] != "19" && year[:2] != "20" {
		return "", liaise.Errorf(liaise.EINVALID, "The year at the start of a long-form PNC ID is in the 1900s or 2000s, like 2002/0073319Z: check it was copied correctly.")
	}
	if len(rest) < 2 {
		return "", liaise.Errorf(liaise.EINVALID, "A PNC ID has a serial number and a check letter after the slash, like 02/73319Z.")
	}
	serialText, check := rest[:len(rest)-1], rest[len(rest)-1]
	if !allDigits(serialText) || len(serialText) > 7 {
		return "", liaise.Errorf(liaise.EINVALID, "After the slash a PNC ID has a serial number of up to 7 digits and then a check letter, like 02/73319Z.")
	}
	if check < 'A' || check > 'Z' {
		return "", liaise.Errorf(liaise.EINVALID, "A PNC ID ends with a check letter, like the Z in 02/73319Z.")
	}
	yy, _ := strconv.Atoi(year[len(year)-2:])
	serial, _ := strconv.Atoi(serialText)
	if serial == 0 {
		return "", liaise.Errorf(liaise.EINVALID, "The serial number of PNC ID %s is all zeros: check it was copied correctly.", t)
	}
	want, _ := PNCCheckLetter(yy, serial)
	if check != want {
		if check == 'I' || check == 'O' || check == 'S' {
			return "", liaise.Errorf(liaise.EINVALID, "PNC ID %s cannot be right: the check letter is never I, O or S. Check it was copied correctly.", t)
		}
		return "", liaise.Errorf(liaise.EINVALID, "PNC ID %s fails its check letter: check it was copied correctly.", t)
	}
	return fmt.Sprintf("%02d/%07d%c", yy, serial, check), nil
}

// ValidPNCID reports whether s is a valid PNC ID, as an error that explains
// what is wrong.
func ValidPNCID(s string) error {
	_, err := NormalisePNCID(s)
	return err
}

// FormatPNCID shows a PNC ID in its display form, two-digit year and the
// serial without leading zeros ("02/73319Z"), as police documents print it.
// A value that is not a valid PNC ID is returned unchanged.
func FormatPNCID(s string) string {
	n, err := NormalisePNCID(s)
	if err != nil {
		return s
	}
	serial := strings.TrimLeft(n[3:10], "0")
	return n[:3] + serial + n[10:]
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
