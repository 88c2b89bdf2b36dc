package codes

import "testing"

// FuzzParse: Parse never panics, and every code it accepts has a code, a
// label and a validity period that does not end before it starts.
func FuzzParse(f *testing.F) {
	f.Add("code,label,valid_from,valid_to\nA,Alpha,2020-01-01,\n")
	f.Add("code,label,valid_from,valid_to,map\nA,\"x, y\",2020-01-01,2021-01-01,E1\n")
	f.Add("# note\ncode,label,valid_from,valid_to\n")
	f.Add("code,label,valid_from,valid_to\nA,x,2020-02-30,\n")
	f.Add("code,label\n\"unterminated")
	f.Fuzz(func(t *testing.T, in string) {
		cs, err := Parse([]byte(in))
		if err != nil {
			return
		}
		for _, c := range cs {
			if c.Code == "" || c.Label == "" || c.ValidFrom.IsZero() {
				t.Fatalf("accepted %+v", c)
			}
			if !c.ValidTo.IsZero() && c.ValidTo.Before(c.ValidFrom) {
				t.Fatalf("accepted a period ending before it starts: %+v", c)
			}
		}
	})
}
