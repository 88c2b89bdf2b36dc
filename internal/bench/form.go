package bench

import (
	"html"
	"net/url"
	"regexp"
	"strings"
)

// The bench fills in Liaise's own forms the way a browser would: it reads a
// form once during discovery, keeps what the page prefilled (checked radios,
// selected options, input values) and the choices each field offers, and
// then posts those values with only the fields a practitioner would type
// changed. Our templates are regular, so a small tag scanner is enough and
// keeps the bench on the standard library.

// Form is one HTML form as the page served it.
type Form struct {
	Action string
	// Values are the fields as the browser would submit them untouched.
	Values url.Values
	// Options are the values a radio group or select offers, in page order
	// (a select's empty "Choose…" option left out).
	Options map[string][]string
}

var (
	formOpenRe = regexp.MustCompile(`(?is)<form\b[^>]*>`)
	tagRe      = regexp.MustCompile(`(?is)<(/?)(input|select|option|textarea)\b([^>]*)>`)
	attrRe     = regexp.MustCompile(`(?s)([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>` + "`" + `]+)))?`)
)

// attrs parses a tag's attributes; a bare attribute (checked) maps to "".
func attrs(s string) map[string]string {
	out := map[string]string{}
	for _, m := range attrRe.FindAllStringSubmatch(s, -1) {
		v := m[2]
		if v == "" {
			v = m[3]
		}
		if v == "" {
			v = m[4]
		}
		out[strings.ToLower(m[1])] = html.UnescapeString(v)
	}
	return out
}

// FindForm returns the form in page whose action is action (a path), or
// false when the page has none.
func FindForm(page []byte, action string) (Form, bool) {
	s := string(page)
	for _, loc := range formOpenRe.FindAllStringIndex(s, -1) {
		a := attrs(s[loc[0]+len("<form") : loc[1]-1])
		if a["action"] != action {
			continue
		}
		end := strings.Index(strings.ToLower(s[loc[1]:]), "</form>")
		if end < 0 {
			end = len(s) - loc[1]
		}
		return parseFields(action, s[loc[1]:loc[1]+end]), true
	}
	return Form{}, false
}

func parseFields(action, body string) Form {
	f := Form{Action: action, Values: url.Values{}, Options: map[string][]string{}}
	var sel string // the select being read
	selFirst, selSeen, selChosen := "", 0, false
	for _, m := range tagRe.FindAllStringSubmatch(body, -1) {
		closing, tag, a := m[1] == "/", strings.ToLower(m[2]), attrs(m[3])
		switch {
		case tag == "select" && !closing:
			sel, selFirst, selSeen, selChosen = a["name"], "", 0, false
		case tag == "select" && closing:
			if sel != "" && !selChosen {
				// A browser submits the first option when none is selected.
				f.Values.Set(sel, selFirst)
			}
			sel = ""
		case tag == "option" && sel != "":
			v := a["value"]
			if selSeen == 0 {
				selFirst = v
			}
			selSeen++
			if v != "" {
				f.Options[sel] = append(f.Options[sel], v)
			}
			if _, ok := a["selected"]; ok {
				f.Values.Set(sel, v)
				selChosen = true
			}
		case tag == "textarea" && !closing:
			if n := a["name"]; n != "" {
				f.Values.Set(n, "")
			}
		case tag == "input":
			n := a["name"]
			if n == "" {
				continue
			}
			switch strings.ToLower(a["type"]) {
			case "radio", "checkbox":
				f.Options[n] = append(f.Options[n], a["value"])
				if _, ok := a["checked"]; ok {
					f.Values.Add(n, a["value"])
				}
			case "submit", "button", "image", "reset", "file":
			default:
				f.Values.Set(n, a["value"])
			}
		}
	}
	return f
}

// Clone returns a copy of the form's values to change.
func (f Form) Clone() url.Values {
	v := make(url.Values, len(f.Values))
	for k, vs := range f.Values {
		v[k] = append([]string(nil), vs...)
	}
	return v
}

// hrefRe finds links; hrefs returns the distinct paths of links in page
// that match re (a regexp over the whole href), in page order.
var hrefRe = regexp.MustCompile(`href="([^"]*)"`)

func hrefs(page []byte, re *regexp.Regexp) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range hrefRe.FindAllSubmatch(page, -1) {
		h := html.UnescapeString(string(m[1]))
		if re.MatchString(h) && !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	return out
}
