package ident

import (
	"strings"

	"liaise"
)

// NoFixedAbode is the NHS pseudo-postcode for a person with no fixed abode,
// used in MHSDS and other returns instead of an address.
const NoFixedAbode = "ZZ99 3VZ"

// pseudoPostcodes names the NHS pseudo-postcodes Liaise knows the meaning of.
// Any other "ZZ99 9AA" code is still accepted as a pseudo-postcode (for
// example the country codes for people normally resident overseas).
// [verify against the NHS Postcode Directory before relying on the names]
var pseudoPostcodes = map[string]string{
	"ZZ99 3VZ": "No fixed abode",
	"ZZ99 3WZ": "Address not known",
	"ZZ99 3CZ": "England (not otherwise specified)",
	"ZZ99 3GZ": "Wales (not otherwise specified)",
	"ZZ99 1WZ": "Scotland (not otherwise specified)",
	"ZZ99 2WZ": "Northern Ireland (not otherwise specified)",
}

// NormalisePostcode checks a UK postcode and returns it in capitals with one
// space before the inward code ("sw1a1aa" → "SW1A 1AA"). It accepts the six
// Royal Mail shapes (A9 9AA, A99 9AA, A9A 9AA, AA9 9AA, AA99 9AA, AA9A 9AA)
// with the letters Royal Mail allows in each position, GIR 0AA, and the NHS
// pseudo-postcodes starting ZZ99 (see IsPseudoPostcode).
func NormalisePostcode(s string) (string, error) {
	t := strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if t == "" {
		return "", liaise.Errorf(liaise.EINVALID, "Enter the postcode, like LS1 4HR. For someone with no fixed abode use %s.", NoFixedAbode)
	}
	if len(t) < 5 || len(t) > 7 {
		return "", postcodeError(t)
	}
	out, in := t[:len(t)-3], t[len(t)-3:]
	pc := out + " " + in
	switch {
	case pc == "GIR 0AA":
		return pc, nil
	case out == "ZZ99":
		if isDigit(in[0]) && isUpper(in[1]) && isUpper(in[2]) {
			return pc, nil
		}
		return "", postcodeError(t)
	}
	if !validOutward(out) || !validInward(in) {
		return "", postcodeError(t)
	}
	return pc, nil
}

func postcodeError(t string) error {
	// Echo the input only when it is plainly a postcode attempt, so the
	// message never repeats arbitrary text back.
	for i := 0; i < len(t); i++ {
		if !isDigit(t[i]) && !isUpper(t[i]) {
			return liaise.Errorf(liaise.EINVALID, "A postcode has only letters and digits, like LS1 4HR: check it was copied correctly. For someone with no fixed abode use %s.", NoFixedAbode)
		}
	}
	if len(t) > 8 {
		t = t[:8] + "…"
	}
	return liaise.Errorf(liaise.EINVALID, "%s is not a UK postcode: check it was copied correctly. For someone with no fixed abode use %s.", t, NoFixedAbode)
}

// validOutward checks the outward code (before the space) against the six
// shapes and Royal Mail's letter rules: Q, V and X never first; I, J and Z
// never second; a letter after the digit only from fixed sets.
func validOutward(o string) bool {
	first := func(c byte) bool { return isUpper(c) && !strings.ContainsRune("QVX", rune(c)) }
	second := func(c byte) bool { return isUpper(c) && !strings.ContainsRune("IJZ", rune(c)) }
	switch len(o) {
	case 2: // A9
		return first(o[0]) && isDigit(o[1])
	case 3:
		if !first(o[0]) {
			return false
		}
		switch {
		case isDigit(o[1]) && isDigit(o[2]): // A99
			return true
		case isDigit(o[1]) && strings.IndexByte("ABCDEFGHJKPSTUW", o[2]) >= 0: // A9A
			return true
		case second(o[1]) && isDigit(o[2]): // AA9
			return true
		}
	case 4:
		if !first(o[0]) || !second(o[1]) || !isDigit(o[2]) {
			return false
		}
		return isDigit(o[3]) || strings.IndexByte("ABEHMNPRVWXY", o[3]) >= 0 // AA99, AA9A
	}
	return false
}

// validInward checks the inward code: a digit then two letters, never C, I,
// K, M, O or V (they are easily misread).
func validInward(in string) bool {
	ok := func(c byte) bool { return isUpper(c) && !strings.ContainsRune("CIKMOV", rune(c)) }
	return len(in) == 3 && isDigit(in[0]) && ok(in[1]) && ok(in[2])
}

// ValidPostcode reports whether s is a UK postcode or NHS pseudo-postcode, as
// an error that explains what is wrong.
func ValidPostcode(s string) error {
	_, err := NormalisePostcode(s)
	return err
}

// IsPseudoPostcode reports whether s is an NHS pseudo-postcode (ZZ99 …), which
// stands for no fixed abode, an unknown address or a country rather than a
// place, so it must never be geocoded or used to find services nearby.
func IsPseudoPostcode(s string) bool {
	pc, err := NormalisePostcode(s)
	return err == nil && strings.HasPrefix(pc, "ZZ99 ")
}

// PseudoPostcodeMeaning returns what a known pseudo-postcode stands for
// ("No fixed abode" for ZZ99 3VZ). ok is false for real postcodes and for
// pseudo-postcodes whose meaning Liaise does not hold.
func PseudoPostcodeMeaning(s string) (meaning string, ok bool) {
	pc, err := NormalisePostcode(s)
	if err != nil {
		return "", false
	}
	meaning, ok = pseudoPostcodes[pc]
	return meaning, ok
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
