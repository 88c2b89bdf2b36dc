package ident

import (
	"strings"

	"liaise"
)

// ODSKind is what an ODS code looks like from its shape alone. The shape is a
// hint, not a lookup: only the ODS itself says what a code is.
type ODSKind int

// ODS code shapes (domain.md §2.3–2.4).
const (
	// ODSOther is any other 3–6 character code (commissioners, some sites).
	ODSOther ODSKind = iota
	// ODSTrust is a 3-character organisation code, such as an NHS trust (RV5, R1L).
	ODSTrust
	// ODSSite is a 5-character site code of an organisation (RV501).
	ODSSite
	// ODSIndependent is a 5-character code starting "8": an independent-sector provider.
	ODSIndependent
	// ODSGPPractice is a letter and five digits, such as a GP practice (A81001).
	ODSGPPractice
)

// String describes the kind in plain English.
func (k ODSKind) String() string {
	switch k {
	case ODSTrust:
		return "NHS trust or other organisation"
	case ODSSite:
		return "site of an organisation"
	case ODSIndependent:
		return "independent-sector provider"
	case ODSGPPractice:
		return "GP practice"
	}
	return "other organisation"
}

// NormaliseODS checks an ODS code and returns it in capitals with spaces
// removed, with the kind of organisation its shape suggests. Store the
// returned code, not the input.
func NormaliseODS(s string) (string, ODSKind, error) {
	code := strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if code == "" {
		return "", ODSOther, liaise.Errorf(liaise.EINVALID, "Enter the ODS code, like RV5 for a trust or A81001 for a GP practice.")
	}
	for i := 0; i < len(code); i++ {
		c := code[i]
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return "", ODSOther, liaise.Errorf(liaise.EINVALID, "An ODS code has only letters and digits, like RV5 or A81001: check it was copied correctly.")
		}
	}
	if len(code) < 3 || len(code) > 6 {
		return "", ODSOther, liaise.Errorf(liaise.EINVALID, "An ODS code has 3 to 6 letters and digits (a trust has 3, like RV5; a site 5; a GP practice 6, like A81001); this one has %d.", len(code))
	}
	return code, odsKind(code), nil
}

func odsKind(code string) ODSKind {
	switch len(code) {
	case 3:
		return ODSTrust
	case 5:
		if code[0] == '8' {
			return ODSIndependent
		}
		return ODSSite
	case 6:
		if code[0] >= 'A' && code[0] <= 'Z' && allDigits(code[1:]) {
			return ODSGPPractice
		}
	}
	return ODSOther
}

// ValidODS reports whether code has the shape of an ODS code, as an error
// that explains what is wrong. Lower case and spaces are tolerated; use
// NormaliseODS for the form to store.
func ValidODS(code string) error {
	_, _, err := NormaliseODS(code)
	return err
}

// ODSKindOf returns the kind of a code's shape (ODSOther when it is not a
// valid ODS code at all).
func ODSKindOf(code string) ODSKind {
	_, k, _ := NormaliseODS(code)
	return k
}
