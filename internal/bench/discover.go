package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Inputs are the realistic inputs one clinical user's operations draw on,
// found through the server itself (its pages and API) before anything is
// measured: the user's team caseload, the people on it with their names,
// dates of birth and identifiers, the boards, and the forms to fill in.
type Inputs struct {
	User       string
	ProviderID string
	TeamID     int64

	NameSearches  []probe // /people/search by name fragment and date of birth
	IDSearches    []probe // /people/search by identifier
	APIIDSearches []probe // /api/v1/people by identifier
	Caseloads     []probe // /caseload?team_id=
	Boards        []probe // /boards/site/{id}
	PersonPages   []probe
	EpisodePages  []probe
	DocumentPages []probe // /episodes/{id}/documents/{did}, as the documents page links them
	Timelines     []probe // /api/v1/people/{id}/timeline; wantID is the open episode the person was found through
	AuditSearches []probe // /audit for one person
	OpenEpisodes  []int64

	Identify  *Form // quick identify
	Screening *Form // minimum screening
	Contact   *Form // direct contact

	// Counts for the report.
	People, Identifiers int

	fresh freshPool
}

// Discovery limits: enough variety that caching one row does not flatter
// the server, few enough that discovery takes seconds even at 1M people.
const (
	maxCaseloadPages = 4   // of 50 episodes
	maxPeople        = 100 // person records read for their names and identifiers
	maxDocumentLists = 100 // episodes' documents pages read for their documents
	maxDocuments     = 40
)

type meJSON struct {
	Username   string `json:"username"`
	ProviderID string `json:"provider_id"`
}

type episodeListJSON struct {
	Items []struct {
		ID         string `json:"id"`
		PersonID   string `json:"person_id"`
		Restricted bool   `json:"restricted"`
	} `json:"items"`
	NextCursor string `json:"next_cursor"`
}

type personJSON struct {
	ID          string `json:"id"`
	GivenName   string `json:"given_name"`
	FamilyName  string `json:"family_name"`
	DateOfBirth string `json:"date_of_birth"`
	Identifiers []struct {
		Type  string `json:"type"`
		Value string `json:"value"`
	} `json:"identifiers"`
	Restricted bool `json:"restricted"`
	BreakGlass bool `json:"break_glass"`
}

// personPageMarker is the heading's caption of a person's page (the break-glass
// and error pages lack it).
var personPageMarker = []byte(`<span class="nhsuk-caption-l">Person<span`)

var (
	teamTabRe      = regexp.MustCompile(`^/caseload\?team_id=[0-9]+$`)
	siteLinkRe     = regexp.MustCompile(`^/boards/site/[0-9]+$`)
	documentLinkRe = regexp.MustCompile(`^/episodes/[0-9]+/documents/[0-9]+$`)
)

// whoAmI reads /api/v1/me, and sets the client's clock offset from the
// answer's Date header.
func (c *client) whoAmI(ctx context.Context, s *session) (meJSON, error) {
	var me meJSON
	before := time.Now()
	r, err := c.getJSON(ctx, "/api/v1/me", s.pageAuth(), &me)
	if err != nil {
		return me, fmt.Errorf("reading who %s is: %w", s.user, err)
	}
	if d, err := http.ParseTime(r.Date); err == nil {
		// Date has whole seconds: only a clear difference is worth applying.
		if off := d.Sub(before); off > 5*time.Second || off < -5*time.Second {
			c.offset = off
		}
	}
	return me, nil
}

// discover finds a clinical user's inputs. seed picks the search terms, so
// two runs with the same seed on the same data search for the same things.
func discover(ctx context.Context, c *client, s *session, seed uint64) (*Inputs, error) {
	me, err := c.whoAmI(ctx, s)
	if err != nil {
		return nil, err
	}
	in := &Inputs{User: s.user, ProviderID: me.ProviderID}
	a := s.pageAuth()
	rng := rand.New(rand.NewPCG(seed, 0x6c696169736562)) // "liaiseb"

	// The team caseload, as its tab on the caseload page links it.
	page, err := c.getPage(ctx, "/caseload", a)
	if err != nil {
		return nil, fmt.Errorf("%s's caseload: %w", s.user, err)
	}
	tabs := hrefs(page, teamTabRe)
	if len(tabs) == 0 {
		return nil, fmt.Errorf("%s has no team caseload (the user needs a team and the caseload.team capability): choose other --users", s.user)
	}
	in.TeamID, _ = strconv.ParseInt(strings.TrimPrefix(tabs[0], "/caseload?team_id="), 10, 64)
	in.Caseloads = []probe{{path: tabs[0], marker: []byte(`class="nhsuk-table__body"`)}}

	// Its open episodes, through the API, a few pages deep.
	var personIDs []string
	seenPerson := map[string]bool{}
	episodeOf := map[string]int64{} // the open episode each person was found through
	cursor := ""
	for range maxCaseloadPages {
		path := "/api/v1/episodes?team_id=" + strconv.FormatInt(in.TeamID, 10) + "&limit=50"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		var list episodeListJSON
		if _, err := c.getJSON(ctx, path, a, &list); err != nil {
			return nil, fmt.Errorf("%s's team caseload: %w", s.user, err)
		}
		for _, e := range list.Items {
			if e.Restricted {
				continue
			}
			id, err := strconv.ParseInt(e.ID, 10, 64)
			if err != nil {
				continue
			}
			in.OpenEpisodes = append(in.OpenEpisodes, id)
			in.EpisodePages = append(in.EpisodePages, probe{path: "/episodes/" + e.ID, marker: []byte(`href="/episodes/` + e.ID + `/screening"`)})
			if !seenPerson[e.PersonID] {
				seenPerson[e.PersonID] = true
				personIDs = append(personIDs, e.PersonID)
				episodeOf[e.PersonID] = id
			}
		}
		if cursor = list.NextCursor; cursor == "" {
			break
		}
	}
	if len(in.OpenEpisodes) == 0 {
		return nil, fmt.Errorf("%s's team caseload has no open episodes: load data first (liaise serve --demo, or liaise seed)", s.user)
	}

	// The people on it: names, dates of birth and identifiers as a
	// practitioner would type them.
	if len(personIDs) > maxPeople {
		personIDs = personIDs[:maxPeople]
	}
	for _, pid := range personIDs {
		var p personJSON
		if _, err := c.getJSON(ctx, "/api/v1/people/"+pid, a, &p); err != nil {
			return nil, fmt.Errorf("reading person %s: %w", pid, err)
		}
		if p.Restricted || p.BreakGlass {
			continue
		}
		in.People++
		pidN, _ := strconv.ParseInt(pid, 10, 64)
		found := []byte(`href="/people/` + pid + `"`)
		in.PersonPages = append(in.PersonPages, probe{path: "/people/" + pid, marker: personPageMarker})
		in.Timelines = append(in.Timelines, probe{path: "/api/v1/people/" + pid + "/timeline", wantID: episodeOf[pid]})
		if p.DateOfBirth != "" {
			if frag := nameFragment(rng, p.GivenName, p.FamilyName); frag != "" {
				if dob, err := time.Parse(time.DateOnly, p.DateOfBirth); err == nil {
					q := url.Values{"q": {frag}, "date_of_birth-day": {strconv.Itoa(dob.Day())},
						"date_of_birth-month": {strconv.Itoa(int(dob.Month()))}, "date_of_birth-year": {strconv.Itoa(dob.Year())}}
					in.NameSearches = append(in.NameSearches, probe{path: "/people/search?" + q.Encode(), marker: found})
				}
			}
		}
		for _, x := range p.Identifiers {
			switch x.Type {
			case "nhs_number", "pnc_id", "custody_record", "prison_number":
			default:
				continue
			}
			in.Identifiers++
			q := url.Values{"identifier": {x.Value}}.Encode()
			in.IDSearches = append(in.IDSearches, probe{path: "/people/search?" + q, marker: found})
			in.APIIDSearches = append(in.APIIDSearches, probe{path: "/api/v1/people?" + q, wantID: pidN})
		}
		auditMarker := []byte("<h1>Audit trail</h1>")
		in.AuditSearches = append(in.AuditSearches,
			probe{path: "/audit?record_type=person&record_id=" + pid, marker: auditMarker},
			probe{path: "/audit?subject_id=" + pid, marker: auditMarker})
	}

	// Documents for police and court on the open episodes, as each
	// episode's documents page links them (most episodes have none).
	for i, id := range in.OpenEpisodes {
		if i == maxDocumentLists || len(in.DocumentPages) >= maxDocuments {
			break
		}
		ep := strconv.FormatInt(id, 10)
		if page, err = c.getPage(ctx, "/episodes/"+ep+"/documents", a); err != nil {
			return nil, fmt.Errorf("the documents of episode %s: %w", ep, err)
		}
		for _, h := range hrefs(page, documentLinkRe) {
			if strings.HasPrefix(h, "/episodes/"+ep+"/documents/") {
				in.DocumentPages = append(in.DocumentPages, probe{path: h, marker: []byte(`href="` + h + `/print?v=`)})
			}
		}
	}

	// The boards of the user's teams' sites.
	if page, err = c.getPage(ctx, "/boards", a); err != nil {
		return nil, fmt.Errorf("%s's boards: %w", s.user, err)
	}
	for _, h := range hrefs(page, siteLinkRe) {
		in.Boards = append(in.Boards, probe{path: h, marker: []byte(`<a href="/boards">All boards</a>`)})
	}

	// The forms, with what the pages prefill and offer.
	if page, err = c.getPage(ctx, "/episodes/new", a); err == nil {
		if f, ok := FindForm(page, "/episodes/new"); ok && len(f.Options["site_id"]) > 0 {
			in.Identify = &f
		}
	}
	ep := strconv.FormatInt(in.OpenEpisodes[0], 10)
	if page, err = c.getPage(ctx, "/episodes/"+ep+"/screening/minimum", a); err == nil {
		if f, ok := FindForm(page, "/episodes/"+ep+"/screening/minimum"); ok {
			in.Screening = &f
		}
	}
	if page, err = c.getPage(ctx, "/episodes/"+ep+"/contacts/direct", a); err == nil {
		if f, ok := FindForm(page, "/episodes/"+ep+"/contacts/direct"); ok {
			in.Contact = &f
		}
	}
	return in, nil
}

// nameFragment is what a practitioner types for a name: the first three to
// five letters of the family name, or now and then of the given name.
func nameFragment(rng *rand.Rand, given, family string) string {
	name := family
	if given != "" && (family == "" || rng.IntN(4) == 0) {
		name = given
	}
	words := strings.Fields(name)
	if len(words) == 0 {
		return ""
	}
	name = words[0]
	n := 3 + rng.IntN(3)
	if utf8.RuneCountInString(name) <= n {
		return name
	}
	return string([]rune(name)[:n])
}
