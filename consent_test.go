package liaise

import (
	"strings"
	"testing"
	"time"
)

func consentAt(scope, decision, when string) Consent {
	return Consent{Scope: scope, Decision: decision, Form: ConsentVerbal, ObtainedBy: 7, OccurredAt: ldn(when), PersonAgeAtEvent: 30}
}

func TestValidateConsentAgeRules(t *testing.T) {
	adult := consentAt(ScopeSharePolice, ConsentGiven, "2026-03-10 10:00")
	with := func(f func(*Consent)) Consent { c := adult; f(&c); return c }
	tests := []struct {
		name  string
		c     Consent
		field string // "" means valid
	}{
		{"adult gives consent", adult, ""},
		{"15 with Gillick competence", with(func(c *Consent) { c.PersonAgeAtEvent = 15; c.GillickCompetent = true }), ""},
		{"15 with parental consent", with(func(c *Consent) { c.PersonAgeAtEvent = 15; c.ParentalConsent = true }), ""},
		{"15 without Gillick or parent", with(func(c *Consent) { c.PersonAgeAtEvent = 15 }), "gillick_competent"},
		{"12 without Gillick or parent", with(func(c *Consent) { c.PersonAgeAtEvent = 12 }), "gillick_competent"},
		{"15 refuses: no Gillick needed to refuse", with(func(c *Consent) { c.PersonAgeAtEvent = 15; c.Decision = ConsentRefused }), ""},
		{"16 presumed to have capacity", with(func(c *Consent) { c.PersonAgeAtEvent = 16 }), ""},
		{"17 presumed to have capacity", with(func(c *Consent) { c.PersonAgeAtEvent = 17 }), ""},
		{"16 lacks capacity, best interests", with(func(c *Consent) {
			c.PersonAgeAtEvent = 16
			c.Decision = ConsentLacksCapacity
			c.BestInterests = true
			c.Form = ""
		}), ""},
		{"15 lacks capacity, best interests", with(func(c *Consent) {
			c.PersonAgeAtEvent = 15
			c.Decision = ConsentLacksCapacity
			c.BestInterests = true
			c.Form = ""
		}), "best_interests"},
		{"15 lacks capacity recorded without a decision", with(func(c *Consent) { c.PersonAgeAtEvent = 15; c.Decision = ConsentLacksCapacity; c.Form = "" }), ""},
		{"unknown age appearing under 18 treated as a child", with(func(c *Consent) { c.PersonAgeAtEvent = -1; c.AppearsUnder18 = true }), "gillick_competent"},
		{"unknown age appearing under 18, Gillick competent", with(func(c *Consent) { c.PersonAgeAtEvent = -1; c.AppearsUnder18 = true; c.GillickCompetent = true }), ""},
		{"unknown age appearing under 18, best interests", with(func(c *Consent) {
			c.PersonAgeAtEvent = -1
			c.AppearsUnder18 = true
			c.Decision = ConsentLacksCapacity
			c.BestInterests = true
		}), "best_interests"},
		{"unknown age appearing adult", with(func(c *Consent) { c.PersonAgeAtEvent = -1 }), ""},
		{"best interests without lacking capacity", with(func(c *Consent) { c.BestInterests = true }), "best_interests"},
		{"unknown scope", with(func(c *Consent) { c.Scope = "share_press" }), "scope"},
		{"unknown decision", with(func(c *Consent) { c.Decision = "maybe" }), "decision"},
		{"given without a form", with(func(c *Consent) { c.Form = "" }), "form"},
		{"deferred without a form", with(func(c *Consent) { c.Decision = ConsentDeferred; c.Form = "" }), ""},
		{"bad form", with(func(c *Consent) { c.Decision = ConsentRefused; c.Form = "telepathy" }), "form"},
		{"no one asked", with(func(c *Consent) { c.ObtainedBy = 0 }), "obtained_by"},
		{"no time", with(func(c *Consent) { c.OccurredAt = Time{} }), "occurred_at"},
		{"expires before given", with(func(c *Consent) { c.ExpiresAt = ldn("2026-03-09 10:00") }), "expires_at"},
	}
	for _, tt := range tests {
		err := ValidateConsent(tt.c)
		if tt.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		if ErrorCode(err) != EINVALID || ErrorFields(err)[tt.field] == "" {
			t.Errorf("%s: %v, want invalid on %s", tt.name, err, tt.field)
		}
	}
	err := ValidateConsent(with(func(c *Consent) { c.PersonAgeAtEvent = -1; c.AppearsUnder18 = true }))
	if msg := ErrorFields(err)["gillick_competent"]; !strings.Contains(msg, "unknown age who appears to be under 18") {
		t.Errorf("unknown-age message %q does not say why the child rule applies", msg)
	}
}

func TestActiveConsent(t *testing.T) {
	police := []Consent{
		consentAt(ScopeSharePolice, ConsentGiven, "2026-03-10 10:00"),
		consentAt(ScopeShareCourt, ConsentRefused, "2026-03-10 10:01"),
		consentAt(ScopeSharePolice, ConsentWithdrawn, "2026-03-10 15:00"),
		consentAt(ScopeSharePolice, ConsentGiven, "2026-03-11 09:00"),
	}
	tests := []struct {
		name   string
		cs     []Consent
		scope  string
		when   string
		active bool
	}{
		{"before any decision", police, ScopeSharePolice, "2026-03-10 09:59", false},
		{"at the moment given", police, ScopeSharePolice, "2026-03-10 10:00", true},
		{"after given", police, ScopeSharePolice, "2026-03-10 14:59", true},
		{"after withdrawal", police, ScopeSharePolice, "2026-03-10 15:00", false},
		{"given again next day", police, ScopeSharePolice, "2026-03-11 09:30", true},
		{"another scope refused", police, ScopeShareCourt, "2026-03-11 09:30", false},
		{"another scope never asked", police, ScopeShareProbation, "2026-03-11 09:30", false},
		{"refusal after consent", []Consent{
			consentAt(ScopeShareCourt, ConsentGiven, "2026-03-10 10:00"),
			consentAt(ScopeShareCourt, ConsentRefused, "2026-03-10 11:00"),
		}, ScopeShareCourt, "2026-03-10 12:00", false},
		{"deferral after consent", []Consent{
			consentAt(ScopeShareCourt, ConsentGiven, "2026-03-10 10:00"),
			consentAt(ScopeShareCourt, ConsentDeferred, "2026-03-10 11:00"),
		}, ScopeShareCourt, "2026-03-10 12:00", false},
		{"withdrawal entered in error", []Consent{
			consentAt(ScopeShareCourt, ConsentGiven, "2026-03-10 10:00"),
			func() Consent {
				c := consentAt(ScopeShareCourt, ConsentWithdrawn, "2026-03-10 11:00")
				c.EnteredInError = true
				return c
			}(),
		}, ScopeShareCourt, "2026-03-10 12:00", true},
		{"expired", []Consent{func() Consent {
			c := consentAt(ScopeShareCourt, ConsentGiven, "2026-03-10 10:00")
			c.ExpiresAt = ldn("2026-03-10 11:00")
			return c
		}()}, ScopeShareCourt, "2026-03-10 11:00", false},
		{"best-interests decision", []Consent{func() Consent {
			c := consentAt(ScopeShareHealth, ConsentLacksCapacity, "2026-03-10 10:00")
			c.BestInterests = true
			return c
		}()}, ScopeShareHealth, "2026-03-10 11:00", true},
		{"lacks capacity without a decision", []Consent{consentAt(ScopeShareHealth, ConsentLacksCapacity, "2026-03-10 10:00")}, ScopeShareHealth, "2026-03-10 11:00", false},
		{"same minute: the later record wins", []Consent{
			consentAt(ScopeSharePolice, ConsentGiven, "2026-03-10 10:00"),
			consentAt(ScopeSharePolice, ConsentWithdrawn, "2026-03-10 10:00"),
		}, ScopeSharePolice, "2026-03-10 10:00", false},
	}
	for _, tt := range tests {
		c, ok := ActiveConsent(tt.cs, tt.scope, ldn(tt.when).Time)
		if ok != tt.active {
			t.Errorf("%s: active = %v, want %v", tt.name, ok, tt.active)
		}
		if ok && c.Scope != tt.scope {
			t.Errorf("%s: returned a consent for %s", tt.name, c.Scope)
		}
	}
}

func disclosureAt(agency, when string) Disclosure {
	return Disclosure{RecipientAgency: agency, RecipientRole: "custody sergeant", Purpose: PurposeInterviewAdaptations,
		Content: "Needs an appropriate adult and short questions.", Channel: ChannelVerbal, OccurredAt: ldn(when)}
}

func TestCheckDisclosure(t *testing.T) {
	given := []Consent{
		consentAt(ScopeSharePolice, ConsentGiven, "2026-03-10 10:00"),
		consentAt(ScopeSharePolice, ConsentWithdrawn, "2026-03-10 15:00"),
		consentAt(ScopeShareHealth, ConsentGiven, "2026-03-10 10:00"),
	}
	with := func(d Disclosure, f func(*Disclosure)) Disclosure { f(&d); return d }
	tests := []struct {
		name   string
		d      Disclosure
		review bool
		field  string // "" means allowed
	}{
		{"police with consent", disclosureAt(RecipientPolice, "2026-03-10 11:00"), false, ""},
		{"police after withdrawal", disclosureAt(RecipientPolice, "2026-03-10 16:00"), false, "legal_basis"},
		{"police before consent", disclosureAt(RecipientPolice, "2026-03-10 09:00"), false, "legal_basis"},
		{"court: consent of another scope does not count", disclosureAt(RecipientCourt, "2026-03-10 11:00"), false, "legal_basis"},
		{"health with consent", disclosureAt(RecipientHealth, "2026-03-10 11:00"), false, ""},
		{"CPS without consent", disclosureAt(RecipientCPS, "2026-03-10 11:00"), false, "legal_basis"},
		{"court on a court order", with(disclosureAt(RecipientCourt, "2026-03-10 11:00"), func(d *Disclosure) { d.LegalBasis = BasisCourtOrder }), true, ""},
		{"probation on a statutory duty", with(disclosureAt(RecipientProbation, "2026-03-10 11:00"), func(d *Disclosure) { d.LegalBasis = BasisStatutoryDuty }), true, ""},
		{"police after withdrawal, serious harm", with(disclosureAt(RecipientPolice, "2026-03-10 16:00"), func(d *Disclosure) {
			d.LegalBasis = BasisSeriousHarm
			d.Urgent = true
		}), true, ""},
		{"YJS safeguarding", with(disclosureAt(RecipientYJS, "2026-03-10 16:00"), func(d *Disclosure) { d.LegalBasis = BasisSafeguarding }), true, ""},
		{"unknown legal basis", with(disclosureAt(RecipientCourt, "2026-03-10 11:00"), func(d *Disclosure) { d.LegalBasis = "curiosity" }), false, "legal_basis"},
		{"cites health consent for the police", with(disclosureAt(RecipientPolice, "2026-03-10 11:00"), func(d *Disclosure) { d.ConsentScope = ScopeShareHealth }), false, "consent_scope"},
		{"cites the matching scope", with(disclosureAt(RecipientPolice, "2026-03-10 11:00"), func(d *Disclosure) { d.ConsentScope = ScopeSharePolice }), false, ""},
		{"unknown agency", with(disclosureAt(RecipientPolice, "2026-03-10 11:00"), func(d *Disclosure) { d.RecipientAgency = "press" }), false, "recipient_agency"},
		{"no role", with(disclosureAt(RecipientPolice, "2026-03-10 11:00"), func(d *Disclosure) { d.RecipientRole = "" }), false, "recipient_role"},
		{"no purpose", with(disclosureAt(RecipientPolice, "2026-03-10 11:00"), func(d *Disclosure) { d.Purpose = "" }), false, "purpose"},
		{"no content", with(disclosureAt(RecipientPolice, "2026-03-10 11:00"), func(d *Disclosure) { d.Content = "" }), false, "content"},
		{"bad channel", with(disclosureAt(RecipientPolice, "2026-03-10 11:00"), func(d *Disclosure) { d.Channel = "fax" }), false, "channel"},
		{"no time", with(disclosureAt(RecipientPolice, "2026-03-10 11:00"), func(d *Disclosure) { d.OccurredAt = Time{} }), false, "occurred_at"},
	}
	for _, tt := range tests {
		review, err := CheckDisclosure(tt.d, given)
		if tt.field == "" {
			if err != nil || review != tt.review {
				t.Errorf("%s: review %v, %v; want review %v, allowed", tt.name, review, err, tt.review)
			}
			continue
		}
		if ErrorCode(err) != EINVALID || ErrorFields(err)[tt.field] == "" || review {
			t.Errorf("%s: review %v, %v; want refused on %s", tt.name, review, err, tt.field)
		}
	}
}

func TestDisclosureRefusalMessages(t *testing.T) {
	_, err := CheckDisclosure(disclosureAt(RecipientCourt, "2026-03-10 11:00"), nil)
	want := "There is no active consent to share with the court, and no legal basis was given. Record the person's consent to share with the court, or choose the legal basis for sharing without consent."
	if ErrorMessage(err) != want {
		t.Errorf("message\n got %q\nwant %q", ErrorMessage(err), want)
	}
	cs := []Consent{
		consentAt(ScopeSharePolice, ConsentGiven, "2026-07-10 10:00"),
		consentAt(ScopeSharePolice, ConsentWithdrawn, "2026-07-10 15:00"),
	}
	_, err = CheckDisclosure(disclosureAt(RecipientPolice, "2026-07-10 16:00"), cs)
	if want := "The person withdrew their consent to share with the police at 15:00 on 10 July 2026, and no legal basis was given."; !strings.HasPrefix(ErrorMessage(err), want) {
		t.Errorf("withdrawal message %q", ErrorMessage(err))
	}
	_, err = CheckDisclosure(disclosureAt(RecipientCPS, "2026-07-10 16:00"), []Consent{consentAt(ScopeShareCPS, ConsentRefused, "2026-07-10 10:00")})
	if !strings.HasPrefix(ErrorMessage(err), "The person refused consent to share with the Crown Prosecution Service") {
		t.Errorf("refusal message %q", ErrorMessage(err))
	}
}

// TestUrgentDisclosureAtNight: a serious-harm disclosure at 02:00 on a
// Saturday is made at once and reviewed on the next working day.
func TestUrgentDisclosureAtNight(t *testing.T) {
	d := disclosureAt(RecipientPolice, "2026-05-02 02:00") // Saturday
	d.LegalBasis, d.Urgent, d.Purpose = BasisSeriousHarm, true, PurposeRisk
	review, err := CheckDisclosure(d, nil)
	if err != nil || !review {
		t.Fatalf("urgent disclosure: review %v, %v", review, err)
	}
	if got := NextWorkingDay(d.OccurredAt.Time, nil); got != (Date{2026, time.May, 4}) {
		t.Errorf("review on %s, want Monday 2026-05-04", got)
	}
	earlyMay := func(day Date) bool { return day == Date{2026, time.May, 4} }
	if got := NextWorkingDay(d.OccurredAt.Time, earlyMay); got != (Date{2026, time.May, 5}) {
		t.Errorf("review on %s, want Tuesday 2026-05-05 after the bank holiday", got)
	}
}

func TestNextWorkingDay(t *testing.T) {
	tests := []struct{ when, want string }{
		{"2026-03-10 10:00", "2026-03-11"}, // Tuesday → Wednesday
		{"2026-03-13 23:59", "2026-03-16"}, // Friday night → Monday
		{"2026-03-14 00:00", "2026-03-16"}, // Saturday
		{"2026-03-15 12:00", "2026-03-16"}, // Sunday
		// 00:30 on Monday in British Summer Time is still Sunday in UTC: the
		// London date counts, so the review is on Tuesday.
		{"2026-06-08 00:30", "2026-06-09"},
	}
	for _, tt := range tests {
		w, _ := ParseDate(tt.want)
		if got := NextWorkingDay(ldn(tt.when).Time, nil); got != w {
			t.Errorf("NextWorkingDay(%s) = %s, want %s", tt.when, got, w)
		}
	}
	christmas := map[Date]bool{{2026, 12, 25}: true, {2026, 12, 28}: true}
	if got := NextWorkingDay(ldn("2026-12-24 18:00").Time, func(d Date) bool { return christmas[d] }); got != (Date{2026, 12, 29}) {
		t.Errorf("after Christmas Eve = %s, want 2026-12-29", got)
	}
}

func TestEveryRecipientHasAScope(t *testing.T) {
	for _, a := range RecipientAgencies {
		if !strings.HasPrefix(a.Scope, "share_") || ScopeForRecipient(a.Code) != a.Scope {
			t.Errorf("recipient %s maps to scope %q", a.Code, a.Scope)
		}
	}
	if ScopeForRecipient("press") != "" {
		t.Error("unknown recipient has a scope")
	}
}
