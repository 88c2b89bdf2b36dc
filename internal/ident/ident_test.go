package ident

import (
	"strings"
	"testing"

	"liaise"
)

// wantInvalid fails unless err is an EINVALID *liaise.Error whose message
// contains each of want.
func wantInvalid(t *testing.T, input string, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("%q: accepted, want an error", input)
		return
	}
	if code := liaise.ErrorCode(err); code != liaise.EINVALID {
		t.Errorf("%q: error code %q, want %q (%v)", input, code, liaise.EINVALID, err)
	}
	for _, w := range want {
		if !strings.Contains(liaise.ErrorMessage(err), w) {
			t.Errorf("%q: message %q lacks %q", input, liaise.ErrorMessage(err), w)
		}
	}
}

func TestNHSNumber(t *testing.T) {
	good := []struct{ in, norm, formatted string }{
		{"4857773457", "4857773457", "485 777 3457"},
		{"485 777 3457", "4857773457", "485 777 3457"},
		{"485-777-3457", "4857773457", "485 777 3457"},
		{" 485 7773457 ", "4857773457", "485 777 3457"},
		{"9434765919", "9434765919", "943 476 5919"},
		// 999000001: 90+81+72+2 = 245; 245 % 11 = 3; check 11-3 = 8.
		{"9990000018", "9990000018", "999 000 0018"},
		// 000000010: 1*3 = 3; check 8. Leading zeros are kept.
		{"000 000 0108", "0000000108", "000 000 0108"},
		// 100000000: 10; 10 % 11 = 10; check 1.
		{"1000000001", "1000000001", "100 000 0001"},
		// 200000000: 20 % 11 = 9; check 2.
		{"2000000002", "2000000002", "200 000 0002"},
		// 110000000: 19 % 11 = 8 → 3.
		{"1100000003", "1100000003", "110 000 0003"},
		// 100000001: 12 % 11 = 1 → check 10 is never issued; 100000011: 10+3+2=15 %11=4 → 7.
		{"1000000117", "1000000117", "100 000 0117"},
	}
	for _, c := range good {
		got, err := NormaliseNHSNumber(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if got != c.norm {
			t.Errorf("%q: normalised %q, want %q", c.in, got, c.norm)
		}
		if f := FormatNHSNumber(got); f != c.formatted {
			t.Errorf("%q: formatted %q, want %q", c.in, f, c.formatted)
		}
	}
	bad := []struct {
		in   string
		want []string
	}{
		// 485 777 3456 is the NHS design system's hint example, and it is not a valid number.
		{"4857773456", []string{"NHS number 485 777 3456 fails its check digit", "copied correctly"}},
		{"485 777 345", []string{"10 digits", "has 9"}},
		{"48577734561", []string{"has 11"}},
		{"", []string{"Enter the NHS number"}},
		{"485 777 345A", []string{"only contain digits"}},
		{"1234567890", []string{"fails its check digit"}}, // remainder gives check 10
		{"0000000000", []string{"placeholder"}},
		{"1111111111", []string{"placeholder"}},
		{"999 999 9999", []string{"placeholder"}},
	}
	for _, c := range bad {
		_, err := NormaliseNHSNumber(c.in)
		wantInvalid(t, c.in, err, c.want...)
		if ValidNHSNumber(c.in) == nil {
			t.Errorf("ValidNHSNumber(%q) = nil", c.in)
		}
	}
}

func TestNHSNumberCheckDigit(t *testing.T) {
	cases := []struct {
		nine  string
		digit int
		ok    bool
	}{
		{"485777345", 7, true},
		{"943476591", 9, true},
		{"123456789", 0, false}, // 10: never issued
		{"12345678", 0, false},
		{"12345678x", 0, false},
	}
	for _, c := range cases {
		d, ok := NHSNumberCheckDigit(c.nine)
		if d != c.digit || ok != c.ok {
			t.Errorf("NHSNumberCheckDigit(%q) = %d, %v; want %d, %v", c.nine, d, ok, c.digit, c.ok)
		}
	}
	// Every same-digit number passes modulus 11, which is why they are refused separately.
	for d := byte('0'); d <= '9'; d++ {
		nine := strings.Repeat(string(d), 9)
		if c, ok := NHSNumberCheckDigit(nine); !ok || c != int(d-'0') {
			t.Errorf("%s: check %d %v", nine, c, ok)
		}
	}
}

func TestFormatNHSNumberLeavesBadValues(t *testing.T) {
	for _, s := range []string{"", "123", "abcdefghij", "485 777 34567"} {
		if got := FormatNHSNumber(s); got != s {
			t.Errorf("FormatNHSNumber(%q) = %q", s, got)
		}
	}
}

func TestPNCID(t *testing.T) {
	// Vectors shared with HMPPS person-record tests (short and long forms of the same IDs).
	good := []struct{ in, norm, display string }{
		{"02/73319Z", "02/0073319Z", "02/73319Z"},
		{"2002/0073319Z", "02/0073319Z", "02/73319Z"},
		{"79/163001B", "79/0163001B", "79/163001B"},
		{"1979/0163001B", "79/0163001B", "79/163001B"},
		{"81/34U", "81/0000034U", "81/34U"},
		{"00/223R", "00/0000223R", "00/223R"},
		{"03/3Y", "03/0000003Y", "03/3Y"},
		{"67/9893091D", "67/9893091D", "67/9893091D"},
		{" 02 / 73319z ", "02/0073319Z", "02/73319Z"},
	}
	for _, c := range good {
		got, err := NormalisePNCID(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if got != c.norm {
			t.Errorf("%q: normalised %q, want %q", c.in, got, c.norm)
		}
		if d := FormatPNCID(got); d != c.display {
			t.Errorf("%q: display %q, want %q", c.in, d, c.display)
		}
	}
	bad := []struct {
		in   string
		want []string
	}{
		{"02/73319A", []string{"PNC ID 02/73319A fails its check letter"}},
		{"02/73319S", []string{"never I, O or S"}},
		{"0273319Z", []string{"slash"}},
		{"", []string{"Enter the PNC ID"}},
		{"2/73319Z", []string{"2 or 4 digits"}},
		{"1802/0073319Z", []string{"1900s or 2000s"}},
		{"02/12345678A", []string{"up to 7 digits"}},
		{"02/Z", []string{"serial number"}},
		{"02/733192", []string{"check letter"}},
		{"02/0000000Z", []string{"all zeros"}},
		{"02/7A319Z", []string{"up to 7 digits"}},
	}
	for _, c := range bad {
		_, err := NormalisePNCID(c.in)
		wantInvalid(t, c.in, err, c.want...)
	}
}

func TestPNCCheckLetter(t *testing.T) {
	cases := []struct {
		yy, serial int
		want       byte
	}{
		{2, 73319, 'Z'},
		{79, 163001, 'B'},
		{81, 34, 'U'},
		{0, 0, 'Z'},
		{0, 1, 'A'},
		{0, 22, 'Y'},
		{0, 23, 'Z'},
	}
	for _, c := range cases {
		got, ok := PNCCheckLetter(c.yy, c.serial)
		if !ok || got != c.want {
			t.Errorf("PNCCheckLetter(%d, %d) = %c, %v; want %c", c.yy, c.serial, got, ok, c.want)
		}
	}
	for _, c := range [][2]int{{-1, 1}, {100, 1}, {1, -1}, {1, 10000000}} {
		if _, ok := PNCCheckLetter(c[0], c[1]); ok {
			t.Errorf("PNCCheckLetter(%d, %d) accepted", c[0], c[1])
		}
	}
	if id, ok := MakePNCID(2, 73319); !ok || id != "02/0073319Z" {
		t.Errorf("MakePNCID = %q, %v", id, ok)
	}
	// The letters never include I, O or S.
	for r := 0; r < 23; r++ {
		l, _ := PNCCheckLetter(0, r)
		if l == 'I' || l == 'O' || l == 'S' {
			t.Errorf("remainder %d gives %c", r, l)
		}
	}
}

func TestODS(t *testing.T) {
	good := []struct {
		in, norm string
		kind     ODSKind
	}{
		{"RV5", "RV5", ODSTrust},
		{"r1l", "R1L", ODSTrust},
		{"RV501", "RV501", ODSSite},
		{"8HN12", "8HN12", ODSIndependent},
		{"A81001", "A81001", ODSGPPractice},
		{" v81999 ", "V81999", ODSGPPractice},
		{"Y0A123", "Y0A123", ODSOther},
		{"ABCD", "ABCD", ODSOther},
	}
	for _, c := range good {
		got, kind, err := NormaliseODS(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if got != c.norm || kind != c.kind {
			t.Errorf("%q: %q %v, want %q %v", c.in, got, kind, c.norm, c.kind)
		}
		if ValidODS(c.in) != nil || ODSKindOf(c.in) != c.kind {
			t.Errorf("%q: ValidODS/ODSKindOf disagree", c.in)
		}
	}
	bad := []struct {
		in   string
		want []string
	}{
		{"", []string{"Enter the ODS code"}},
		{"R5", []string{"3 to 6", "has 2"}},
		{"A810011", []string{"has 7"}},
		{"RV-5", []string{"only letters and digits"}},
	}
	for _, c := range bad {
		wantInvalid(t, c.in, ValidODS(c.in), c.want...)
	}
	if ODSGPPractice.String() != "GP practice" || ODSOther.String() == "" {
		t.Error("kind labels")
	}
}

func TestPostcode(t *testing.T) {
	good := []struct{ in, norm string }{
		{"M1 1AE", "M1 1AE"},        // A9 9AA
		{"b338th", "B33 8TH"},       // A99 9AA
		{"W1A 0AX", "W1A 0AX"},      // A9A 9AA
		{"CR2 6XH", "CR2 6XH"},      // AA9 9AA
		{"DN55 1PT", "DN55 1PT"},    // AA99 9AA
		{"ec1a1bb", "EC1A 1BB"},     // AA9A 9AA
		{" sw1a  1aa ", "SW1A 1AA"}, // spacing
		{"LA1 1YZ", "LA1 1YZ"},      // Lancaster
		{"zz99 3vz", "ZZ99 3VZ"},    // no fixed abode
		{"ZZ993CZ", "ZZ99 3CZ"},     // England NOS
		{"GIR 0AA", "GIR 0AA"},      // Girobank
	}
	for _, c := range good {
		got, err := NormalisePostcode(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if got != c.norm {
			t.Errorf("%q: %q, want %q", c.in, got, c.norm)
		}
	}
	bad := []struct {
		in   string
		want []string
	}{
		{"", []string{"Enter the postcode", "ZZ99 3VZ"}},
		{"LS1", []string{"LS1 is not a UK postcode"}},
		{"QA1 1AA", []string{"not a UK postcode"}},  // Q never first
		{"AI1 1AA", []string{"not a UK postcode"}},  // I never second
		{"LS1 1CA", []string{"not a UK postcode"}},  // C never in the inward code
		{"W1L 1AA", []string{"not a UK postcode"}},  // L not allowed after A9
		{"EC1C 1AA", []string{"not a UK postcode"}}, // C not allowed after AA9
		{"LS1 AAA", []string{"not a UK postcode"}},
		{"ZZ99 ZZZ", []string{"not a UK postcode"}},
		{"LS1-4HR", []string{"only letters and digits"}},
		{"SW1A1AAXX", []string{"not a UK postcode"}},
	}
	for _, c := range bad {
		wantInvalid(t, c.in, ValidPostcode(c.in), c.want...)
	}
}

func TestPseudoPostcodes(t *testing.T) {
	if !IsPseudoPostcode("zz99 3vz") || IsPseudoPostcode("LS1 4HR") || IsPseudoPostcode("nonsense") {
		t.Error("IsPseudoPostcode")
	}
	if m, ok := PseudoPostcodeMeaning("ZZ993VZ"); !ok || m != "No fixed abode" {
		t.Errorf("meaning of ZZ99 3VZ = %q, %v", m, ok)
	}
	if _, ok := PseudoPostcodeMeaning("ZZ99 9XZ"); ok {
		t.Error("an unnamed pseudo-postcode has a meaning")
	}
	if !IsPseudoPostcode("ZZ99 9XZ") {
		t.Error("unnamed ZZ99 code is not recognised as pseudo")
	}
	if NoFixedAbode != "ZZ99 3VZ" {
		t.Error("NoFixedAbode")
	}
}
