package ident

import (
	"strings"
	"testing"

	"liaise"
)

// The fuzz targets check properties that must hold for any input: no panic,
// every rejection is an EINVALID *liaise.Error with a message, and every
// accepted value is canonical (normalising it again changes nothing) and
// passes its check. Their seeds run as ordinary tests under go test.

func checkRejection(t *testing.T, in string, err error) {
	t.Helper()
	if liaise.ErrorCode(err) != liaise.EINVALID || liaise.ErrorMessage(err) == "" {
		t.Fatalf("%q: rejection is not an EINVALID liaise.Error with a message: %#v", in, err)
	}
}

func FuzzNHSNumber(f *testing.F) {
	for _, s := range []string{"4857773457", "485 777 3457", "485-777-3456", "", "0000000000", "943 476 5919", "12345678901234", "٤٨٥٧٧٧٣٤٥٧", "485\x00777\x003457"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		n, err := NormaliseNHSNumber(in)
		if err != nil {
			checkRejection(t, in, err)
			return
		}
		if len(n) != 10 || !allDigits(n) {
			t.Fatalf("%q: normalised to %q", in, n)
		}
		if again, err := NormaliseNHSNumber(n); err != nil || again != n {
			t.Fatalf("%q: not canonical: %q, %v", n, again, err)
		}
		if again, err := NormaliseNHSNumber(FormatNHSNumber(n)); err != nil || again != n {
			t.Fatalf("%q: formatted form does not round-trip: %q, %v", n, again, err)
		}
		if d, ok := NHSNumberCheckDigit(n[:9]); !ok || d != int(n[9]-'0') {
			t.Fatalf("%q: accepted with a wrong check digit", n)
		}
	})
}

func FuzzPNCID(f *testing.F) {
	for _, s := range []string{"02/73319Z", "2002/0073319Z", "79/163001B", "0273319Z", "//", "02/", "/Z", "1802/1Z", "02/00000001A", "02/7331 9z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		n, err := NormalisePNCID(in)
		if err != nil {
			checkRejection(t, in, err)
			if FormatPNCID(in) != in {
				t.Fatalf("%q: FormatPNCID changed an invalid value", in)
			}
			return
		}
		if len(n) != 11 || n[2] != '/' || !allDigits(n[:2]) || !allDigits(n[3:10]) {
			t.Fatalf("%q: normalised to %q", in, n)
		}
		if again, err := NormalisePNCID(n); err != nil || again != n {
			t.Fatalf("%q: not canonical: %q, %v", n, again, err)
		}
		if again, err := NormalisePNCID(FormatPNCID(n)); err != nil || again != n {
			t.Fatalf("%q: display form does not round-trip: %q, %v", n, again, err)
		}
		if strings.ContainsAny(n[10:], "IOS") {
			t.Fatalf("%q: check letter I, O or S accepted", n)
		}
	})
}

func FuzzODS(f *testing.F) {
	for _, s := range []string{"RV5", "r1l", "RV501", "8HN12", "A81001", "", "AB", "ABCDEFG", "RV 5", "R\u00e9V"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		code, kind, err := NormaliseODS(in)
		if err != nil {
			checkRejection(t, in, err)
			return
		}
		if len(code) < 3 || len(code) > 6 || strings.ToUpper(code) != code {
			t.Fatalf("%q: normalised to %q", in, code)
		}
		again, k2, err := NormaliseODS(code)
		if err != nil || again != code || k2 != kind {
			t.Fatalf("%q: not canonical: %q %v %v", code, again, k2, err)
		}
	})
}

func FuzzPostcode(f *testing.F) {
	for _, s := range []string{"SW1A 1AA", "sw1a1aa", "M1 1AE", "ZZ99 3VZ", "GIR 0AA", "", "LS1", "QA1 1AA", "EC1A  1BB", "ZZ99 ZZZ", "W1A\t0AX"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		pc, err := NormalisePostcode(in)
		if err != nil {
			checkRejection(t, in, err)
			return
		}
		if len(pc) < 6 || len(pc) > 8 || pc[len(pc)-4] != ' ' || strings.Count(pc, " ") != 1 {
			t.Fatalf("%q: normalised to %q", in, pc)
		}
		if again, err := NormalisePostcode(pc); err != nil || again != pc {
			t.Fatalf("%q: not canonical: %q, %v", pc, again, err)
		}
		if _, ok := PseudoPostcodeMeaning(pc); ok && !IsPseudoPostcode(pc) {
			t.Fatalf("%q: has a pseudo meaning but is not pseudo", pc)
		}
	})
}
