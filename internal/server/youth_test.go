package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"liaise"
	"liaise/internal/sqlstore"
)

// youthEpisode opens an episode at site for a new person aged years at the alert.
func (env *testEnv) youthEpisode(site int64, family string, years int) sqlstore.Episode {
	env.t.Helper()
	a, err := env.DB.LoadActor(context.Background(), env.Users["practitioner"])
	if err != nil {
		env.t.Fatal(err)
	}
	ctx := liaise.WithActor(context.Background(), a)
	now := env.clock().In(liaise.London)
	p := &liaise.Person{IdentityStatus: liaise.IdentityAsGiven, Names: []liaise.PersonName{{Type: liaise.NameGivenInCustody, Given: "Robin", Family: family}},
		DateOfBirth: liaise.DateOf(now.AddDate(-years, 0, -30))}
	if _, err := env.DB.CreatePerson(ctx, p, true); err != nil {
		env.t.Fatal(err)
	}
	e, err := env.DB.QuickIdentify(ctx, sqlstore.QuickIdentifyInput{PersonID: p.ID, SiteID: site, AlertedAt: liaise.NewTime(env.clock().Add(-time.Hour))})
	if err != nil {
		env.t.Fatal(err)
	}
	return e
}

func TestYouthPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		site := env.addSite()
		e := env.youthEpisode(site, "Fifteen", 15)
		page := episodeHref(e.ID)
		c := env.client("practitioner")
		resp, body := env.get(c, page)
		if resp.StatusCode != 200 || !strings.Contains(body, `href="`+page+`/youth"`) {
			t.Fatalf("episode page lacks the youth link: %d", resp.StatusCode)
		}
		resp, body = env.get(c, page+"/youth")
		if resp.StatusCode != 200 || !strings.Contains(body, "Appropriate adult: not recorded") || strings.Contains(body, "Under 10") ||
			!strings.Contains(body, `href="`+page+`/tasks"`) {
			t.Fatalf("youth page: %d\n%.4000s", resp.StatusCode, body)
		}

		now := env.clock().In(liaise.London)
		when := func(v url.Values, id string) url.Values {
			v.Set(id+"-day", now.Format("2"))
			v.Set(id+"-month", now.Format("1"))
			v.Set(id+"-year", now.Format("2006"))
			v.Set(id+"-time", now.Add(-30*time.Minute).Format("15:04"))
			return v
		}
		// Present without who: errors named in the summary.
		resp, body = env.postForm(c, page+"/youth/appropriate-adult", when(url.Values{"aa_present": {"yes"}}, "aa_at"))
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#relationship"`) || !strings.Contains(body, `href="#name"`) {
			t.Fatalf("present without who: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, _ = env.postForm(c, page+"/youth/appropriate-adult", when(url.Values{"aa_present": {"yes"}, "relationship": {"parent"}, "name": {"Maid Marian"}}, "aa_at"))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("record AA: %d", resp.StatusCode)
		}
		_, body = env.get(c, page+"/youth")
		if !strings.Contains(body, "Present: Maid Marian (Parent)") || strings.Contains(body, "Appropriate adult: not recorded") {
			t.Fatalf("after recording:\n%.4000s", body)
		}

		// Safeguarding referral: the reference is required.
		resp, body = env.postForm(c, page+"/youth/safeguarding-referrals", when(url.Values{"referred_to": {"mash"}}, "sg_at"))
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#reference"`) {
			t.Fatalf("no reference: %d\n%.3000s", resp.StatusCode, body)
		}
		resp, _ = env.postForm(c, page+"/youth/safeguarding-referrals", when(url.Values{"referred_to": {"mash"}, "reference": {"MASH-42"}, "concern": {"Exploitation"}}, "sg_at"))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("record referral: %d", resp.StatusCode)
		}
		if _, body = env.get(c, page+"/youth"); !strings.Contains(body, "MASH-42") {
			t.Fatal("referral not shown")
		}

		// Under 10: the warning.
		young := env.youthEpisode(site, "Nine", 9)
		if _, body = env.get(c, episodeHref(young.ID)+"/youth"); !strings.Contains(body, "Under 10: below the age of criminal responsibility") {
			t.Fatalf("no under-10 warning:\n%.3000s", body)
		}

		// API.
		tok := env.token("practitioner")
		api := "/api/v1/episodes/" + epID(young.ID)
		resp, body = env.api("POST", api+"/appropriate-adult", tok, `{"present":false,"absent_reason":"not_yet_arrived","occurred_at":"`+env.clock().Add(-time.Minute).Format(time.RFC3339)+`"}`)
		if resp.StatusCode != 201 || resp.Header.Get("Location") == "" {
			t.Fatalf("API AA: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("GET", api+"/appropriate-adult", tok, "")
		if resp.StatusCode != 200 || !strings.Contains(body, `"age_at_alert": 9`) || !strings.Contains(body, `"absent_reason": "not_yet_arrived"`) {
			t.Fatalf("API AA list: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", api+"/safeguarding-referrals", tok, `{"referred_to":"mash","reference":"","occurred_at":"`+env.clock().Add(-time.Minute).Format(time.RFC3339)+`"}`)
		if resp.StatusCode != 422 || !strings.Contains(body, "reference") {
			t.Fatalf("API referral without reference: %d %s", resp.StatusCode, body)
		}
		resp, body = env.api("POST", api+"/safeguarding-referrals", tok, `{"referred_to":"childrens_services","reference":"CS-1","occurred_at":"`+env.clock().Add(-time.Minute).Format(time.RFC3339)+`"}`)
		if resp.StatusCode != 201 {
			t.Fatalf("API referral: %d %s", resp.StatusCode, body)
		}
		if resp, body = env.api("GET", api+"/safeguarding-referrals", tok, ""); resp.StatusCode != 200 || !strings.Contains(body, "CS-1") {
			t.Fatalf("API referral list: %d %s", resp.StatusCode, body)
		}
	})
}
