package bench

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// page is shaped like Liaise's templates: a header form first, then the
// page's own form with the NHS.UK components.
const page = `<html><body>
<form class="nhsuk-header__account-form" action="/sign-out" method="post" novalidate><button type="submit">Sign out</button></form>
<form method="post" action="/episodes/53/contacts/direct" novalidate>
  <input class="nhsuk-input" id="occurred_at" name="occurred_at-day" type="text" inputmode="numeric" value="6">
  <input class="nhsuk-input" id="occurred_at-time" name="occurred_at-time" type="text" value="22:25" spellcheck="false">
  <input type="hidden" name="version" value="3">
  <select class="nhsuk-select" id="consultation_mechanism" name="consultation_mechanism">
    <option value="">Choose…</option>
    <option value="01">Face to face</option><option value="02">Telephone</option>
  </select>
  <select class="nhsuk-select" id="activity_location_type" name="activity_location_type">
    <option value="">Choose…</option>
    <option value="M01">Prison</option><option value="M03" selected>Police station</option>
  </select>
  <select name="sort"><option value="queue">Queue</option><option value="name">Name</option></select>
  <input class="nhsuk-radios__input" id="mode" name="mode" type="radio" value="face_to_face" checked>
  <input class="nhsuk-radios__input" id="mode-1" name="mode" type="radio" value="telephone">
  <input class="nhsuk-radios__input" id="risk" name="risk_in_custody" type="radio" value="none">
  <input class="nhsuk-radios__input" id="risk-1" name="risk_in_custody" type="radio" value="low">
  <input class="nhsuk-checkboxes__input" name="others_present" type="checkbox" value="police" checked>
  <input class="nhsuk-checkboxes__input" name="others_present" type="checkbox" value="solicitor">
  <input name="summary_title" type="text" value="O&#39;Brien &amp; co">
  <textarea class="nhsuk-textarea" id="summary" name="summary" rows="3">
</textarea>
  <button class="nhsuk-button" type="submit">Save</button>
</form>
<p><a href="/boards/site/44">Preston</a> <a href="/boards/hub/4">Hub</a> <a href="/boards/site/42">Blackpool</a> <a href="/boards/site/44">again</a>
<a href="/caseload?team_id=9">Team</a> <a href="/caseload?team_id=9&amp;sort=name">sorted</a></p>
</body></html>`

func TestFindForm(t *testing.T) {
	if _, ok := FindForm([]byte(page), "/episodes/99/contacts/direct"); ok {
		t.Fatal("found a form with another action")
	}
	f, ok := FindForm([]byte(page), "/episodes/53/contacts/direct")
	if !ok {
		t.Fatal("form not found")
	}
	want := map[string][]string{
		"occurred_at-day":        {"6"},
		"occurred_at-time":       {"22:25"},
		"version":                {"3"},
		"consultation_mechanism": {""},    // nothing selected: the first option, as a browser sends
		"activity_location_type": {"M03"}, // the selected option
		"sort":                   {"queue"},
		"mode":                   {"face_to_face"},
		"others_present":         {"police"},
		"summary_title":          {"O'Brien & co"},
		"summary":                {""},
	}
	for k, v := range want {
		if !slices.Equal(f.Values[k], v) {
			t.Errorf("value %s = %q, want %q", k, f.Values[k], v)
		}
	}
	if _, ok := f.Values["risk_in_custody"]; ok {
		t.Error("an unchecked radio group was given a value")
	}
	if len(f.Values) != len(want) {
		t.Errorf("values = %v", f.Values)
	}
	opts := map[string][]string{
		"consultation_mechanism": {"01", "02"},
		"activity_location_type": {"M01", "M03"},
		"mode":                   {"face_to_face", "telephone"},
		"risk_in_custody":        {"none", "low"},
		"others_present":         {"police", "solicitor"},
	}
	for k, v := range opts {
		if !slices.Equal(f.Options[k], v) {
			t.Errorf("options %s = %q, want %q", k, f.Options[k], v)
		}
	}
	// Clone is a deep copy.
	c := f.Clone()
	c.Set("mode", "video")
	if f.Values.Get("mode") != "face_to_face" {
		t.Error("Clone shares the form's values")
	}
	setChoice(c, &f, "risk_in_custody", "low")
	setChoice(c, &f, "consultation_mechanism", "99") // not offered: the first choice
	setChoice(c, &f, "activity_location_type", "")   // keeps the prefilled choice
	if c.Get("risk_in_custody") != "low" || c.Get("consultation_mechanism") != "01" || c.Get("activity_location_type") != "M03" {
		t.Errorf("setChoice: %v", c)
	}
}

func TestHrefs(t *testing.T) {
	got := hrefs([]byte(page), regexp.MustCompile(`^/boards/site/[0-9]+$`))
	if !slices.Equal(got, []string{"/boards/site/44", "/boards/site/42"}) {
		t.Errorf("site boards = %q", got)
	}
	if got := hrefs([]byte(page), teamTabRe); !slices.Equal(got, []string{"/caseload?team_id=9"}) {
		t.Errorf("team tabs = %q", got)
	}
}

func TestNameFragment(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for range 200 {
		f := nameFragment(rng, "Zoë", "O'Brien-Smith")
		if !strings.HasPrefix("O'Brien-Smith", f) && !strings.HasPrefix("Zoë", f) {
			t.Fatalf("fragment %q is not the start of a name", f)
		}
		if n := len([]rune(f)); n < 3 && f != "Zoë" {
			t.Fatalf("fragment %q is too short", f)
		}
	}
	if f := nameFragment(rng, "", "  "); f != "" {
		t.Errorf("blank name gave %q", f)
	}
	if f := nameFragment(rng, "", "Li"); f != "Li" {
		t.Errorf("short name gave %q", f)
	}
	// The same seed gives the same terms.
	a, b := rand.New(rand.NewPCG(5, 0)), rand.New(rand.NewPCG(5, 0))
	for range 50 {
		if nameFragment(a, "Reece", "Hussain") != nameFragment(b, "Reece", "Hussain") {
			t.Fatal("fragments differ for one seed")
		}
	}
}
