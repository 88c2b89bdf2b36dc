package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Operation is one thing a user does that the bench measures. Every
// operation lives in the operations table below, so a feature that adds a
// page adds its operation here and the command, the report and the tests
// pick it up.
type Operation struct {
	// Name is the stable id used by --ops, --mix and the report.
	Name string
	// Summary says what a user is doing, for --list and the docs.
	Summary string
	// Surface is "page" (the HTML pages practitioners use) or "api" (the
	// JSON API, with a personal API token, as an integration would call it).
	Surface string
	// Request is the request as documentation: method and path pattern.
	Request string
	// Auditor operations run as the auditor; the rest as the clinical users.
	Auditor bool
	// Weight is the operation's share of a --mixed run unless --mix says
	// otherwise: a guess at how often a shift does it.
	Weight int
	// Budget is the DESIGN.md §8 budget that applies, if any.
	Budget *Budget
	// Check says why discovery found nothing to run the operation on. It is
	// given the inputs the operation will use (an auditor operation's are
	// those of the first clinical user in the auditor's provider).
	Check func(in *Inputs) error
	// Setup prepares one iteration outside the timed window (for example
	// finding an episode to screen); its result is passed to Run. Optional.
	Setup func(ctx context.Context, v *vu) (any, error)
	// Run makes the timed request(s) and checks the response: the status and
	// a marker in the body, so a wrong page counts as an error, not a success.
	Run func(ctx context.Context, v *vu, arg any) error
}

// Budget is a performance budget from DESIGN.md §8. Zero fields do not apply.
type Budget struct {
	// What names the budget in DESIGN.md, for the report.
	What string
	// P95 is the 95th percentile latency the operation must stay under.
	P95 time.Duration
	// Throughput is the least number of successful requests per second with
	// 16 concurrent clients.
	Throughput float64
}

// Budgets from DESIGN.md §8 (national scale, 2-core machine, 16 clients).
var (
	budgetSearch   = &Budget{What: "person search", P95: 20 * time.Millisecond, Throughput: 3000}
	budgetCaseload = &Budget{What: "team caseload", P95: 30 * time.Millisecond, Throughput: 1500}
	budgetPerson   = &Budget{What: "person record", P95: 30 * time.Millisecond, Throughput: 3000}
	budgetIdentify = &Budget{What: "new identification", Throughput: 2000}
)

// operations is the registry, in the order a separate run measures them.
// quick_identify comes before screening_minimum so the episodes it creates
// are there to be screened.
var operations = []Operation{
	{
		Name: "person_search_name_dob", Surface: "page", Weight: 20, Budget: budgetSearch,
		Summary: "find a person by the start of a name and a date of birth",
		Request: "GET /people/search?q=…&date_of_birth-day=…&date_of_birth-month=…&date_of_birth-year=…",
		Check:   needProbes("people with a name and a date of birth", func(in *Inputs) []probe { return in.NameSearches }),
		Run:     getProbe(func(in *Inputs) []probe { return in.NameSearches }),
	},
	{
		Name: "person_search_identifier", Surface: "page", Weight: 10, Budget: budgetSearch,
		Summary: "find a person by an identifier: NHS number, PNC ID or custody record number",
		Request: "GET /people/search?identifier=…",
		Check:   needProbes("identifiers", func(in *Inputs) []probe { return in.IDSearches }),
		Run:     getProbe(func(in *Inputs) []probe { return in.IDSearches }),
	},
	{
		Name: "caseload_team", Surface: "page", Weight: 10, Budget: budgetCaseload,
		Summary: "the team caseload: open episodes in queue order, 50 rows with names",
		Request: "GET /caseload?team_id=…",
		Check:   needProbes("a team caseload", func(in *Inputs) []probe { return in.Caseloads }),
		Run:     getProbe(func(in *Inputs) []probe { return in.Caseloads }),
	},
	{
		Name: "board_site", Surface: "page", Weight: 10,
		Summary: "a custody suite's or court's board: who is waiting, deferred, arrived out of hours",
		Request: "GET /boards/site/{id}",
		Check:   needProbes("site boards", func(in *Inputs) []probe { return in.Boards }),
		Run:     getProbe(func(in *Inputs) []probe { return in.Boards }),
	},
	{
		Name: "person_page", Surface: "page", Weight: 15, Budget: budgetPerson,
		Summary: "a person's record: identity, identifiers, alerts, episodes and timeline",
		Request: "GET /people/{id}",
		Check:   needProbes("people", func(in *Inputs) []probe { return in.PersonPages }),
		Run:     getProbe(func(in *Inputs) []probe { return in.PersonPages }),
	},
	{
		Name: "episode_page", Surface: "page", Weight: 15,
		Summary: "an episode: state, next steps, history and clocks",
		Request: "GET /episodes/{id}",
		Check:   needProbes("open episodes", func(in *Inputs) []probe { return in.EpisodePages }),
		Run:     getProbe(func(in *Inputs) []probe { return in.EpisodePages }),
	},
	{
		Name: "document_page", Surface: "page", Weight: 3,
		Summary: "a document for police or court (advice note, court report, communication profile) with its versions",
		Request: "GET /episodes/{id}/documents/{did}",
		Check:   needProbes("documents on the team's open episodes (their documents pages list none)", func(in *Inputs) []probe { return in.DocumentPages }),
		Run:     getProbe(func(in *Inputs) []probe { return in.DocumentPages }),
	},
	{
		Name: "quick_identify", Surface: "page", Weight: 5, Budget: budgetIdentify,
		Summary: "quick identify: a detainee's name as given, custody record number, site and when L&D was alerted",
		Request: "POST /episodes/new",
		Check:   needIdentifyForm,
		Run: func(ctx context.Context, v *vu, _ any) error {
			_, err := v.quickIdentify(ctx)
			return err
		},
	},
	{
		Name: "screening_minimum", Surface: "page", Weight: 5,
		Summary: "a minimum screen on a newly identified episode",
		Request: "POST /episodes/{id}/screening/minimum",
		Check:   needAll(needIdentifyForm, needForm("the minimum screening form", func(in *Inputs) *Form { return in.Screening })),
		Setup: func(ctx context.Context, v *vu) (any, error) {
			// Screen an episode identified earlier in the run; when there is
			// none, identify one first, outside the timed window.
			if id, ok := v.in.fresh.pop(); ok {
				return id, nil
			}
			return v.quickIdentify(ctx)
		},
		Run: func(ctx context.Context, v *vu, arg any) error {
			id := arg.(int64)
			vals := v.in.Screening.Clone()
			v.setTime(vals, "occurred_at", -time.Minute)
			setChoice(vals, v.in.Screening, "risk_in_custody", "low")
			setChoice(vals, v.in.Screening, "assessment_needed", "no")
			path := "/episodes/" + strconv.FormatInt(id, 10) + "/screening/minimum"
			r, err := v.postForm(ctx, v.clin, path, vals)
			if err != nil {
				return err
			}
			return expectRedirect(r, "/episodes/"+strconv.FormatInt(id, 10)+"/screening")
		},
	},
	{
		Name: "contact_direct", Surface: "page", Weight: 5,
		Summary: "record a direct contact on an episode identified during the run",
		Request: "POST /episodes/{id}/contacts/direct",
		Check:   needAll(needIdentifyForm, needForm("the direct contact form", func(in *Inputs) *Form { return in.Contact })),
		Setup: func(ctx context.Context, v *vu) (any, error) {
			// Contacts go on episodes the run identified, never on the
			// seeded ones the read operations open (which would grow the
			// histories they measure); when there is none yet, identify
			// one first, outside the timed window.
			if id, ok := v.in.fresh.pick(v.rng.IntN); ok {
				return id, nil
			}
			return v.quickIdentify(ctx)
		},
		Run: func(ctx context.Context, v *vu, arg any) error {
			id := arg.(int64)
			vals := v.in.Contact.Clone()
			v.setTime(vals, "occurred_at", -time.Minute)
			vals.Set("duration_minutes", strconv.Itoa(10+v.rng.IntN(50)))
			setChoice(vals, v.in.Contact, "consultation_mechanism", "")
			setChoice(vals, v.in.Contact, "attended_or_dna", "")
			setChoice(vals, v.in.Contact, "activity_location_type", "")
			vals.Set("summary", "Benchmark contact: checked on wellbeing and explained the service.")
			path := "/episodes/" + strconv.FormatInt(id, 10) + "/contacts/direct"
			r, err := v.postForm(ctx, v.clin, path, vals)
			if err != nil {
				return err
			}
			return expectRedirect(r, "/episodes/"+strconv.FormatInt(id, 10)+"/contacts")
		},
	},
	{
		Name: "audit_person", Surface: "page", Weight: 1, Auditor: true,
		Summary: "the auditor's search for one person: who opened the record, and which lists showed them",
		Request: "GET /audit?record_type=person&record_id={id} | /audit?subject_id={id}",
		Check:   needProbes("people to look up in the audit trail", func(in *Inputs) []probe { return in.AuditSearches }),
		Run: func(ctx context.Context, v *vu, _ any) error {
			p := v.ain.AuditSearches[v.rng.IntN(len(v.ain.AuditSearches))]
			return v.getCheck(ctx, v.aud, p)
		},
	},
	{
		Name: "api_person_search", Surface: "api", Weight: 3, Budget: budgetSearch,
		Summary: "an integration (for example a custody system) finding a person by identifier",
		Request: "GET /api/v1/people?identifier=…",
		Check:   needProbes("identifiers", func(in *Inputs) []probe { return in.APIIDSearches }),
		Run: func(ctx context.Context, v *vu, _ any) error {
			p := v.in.APIIDSearches[v.rng.IntN(len(v.in.APIIDSearches))]
			r, err := v.c.do(ctx, &v.buf, "GET", p.path, v.clin.apiAuth(), "", nil)
			if err != nil {
				return err
			}
			if err := expect(r, 200, nil); err != nil {
				return err
			}
			if !jsonHasID(r.Body, p.wantID) {
				return fmt.Errorf("HTTP 200 but person %d is not among the results", p.wantID)
			}
			return nil
		},
	},
	{
		Name: "person_timeline_api", Surface: "api", Weight: 3,
		Summary: "an integration reading a person's timeline, newest first: episode steps, screenings, consents, disclosures, contacts and more",
		Request: "GET /api/v1/people/{id}/timeline",
		Check:   needProbes("people", func(in *Inputs) []probe { return in.Timelines }),
		Run: func(ctx context.Context, v *vu, _ any) error {
			p := v.in.Timelines[v.rng.IntN(len(v.in.Timelines))]
			r, err := v.c.do(ctx, &v.buf, "GET", p.path, v.clin.apiAuth(), "", nil)
			if err != nil {
				return err
			}
			if err := expect(r, 200, nil); err != nil {
				return err
			}
			return checkTimeline(r.Body, p.wantID)
		},
	},
	{
		Name: "api_quick_identify", Surface: "api", Weight: 1, Budget: budgetIdentify,
		Summary: "an integration recording a new identification (quick identify) as JSON",
		Request: "POST /api/v1/episodes",
		Check:   needForm("the quick identify form (for the sites)", func(in *Inputs) *Form { return in.Identify }),
		Run: func(ctx context.Context, v *vu, _ any) error {
			given, family := v.name()
			sites := v.in.Identify.Options["site_id"]
			alerted := v.now().Add(-2 * time.Minute).UTC().Format(time.RFC3339)
			body := `{"given_name":"` + given + `","family_name":"` + family + `","custody_record":"` + v.custodyRecord() +
				`","site_id":"` + sites[v.rng.IntN(len(sites))] + `","alerted_at":"` + alerted + `"}`
			r, err := v.c.do(ctx, &v.buf, "POST", "/api/v1/episodes", v.clin.apiAuth(), "application/json", strings.NewReader(body))
			if err != nil {
				return err
			}
			if err := expect(r, 201, nil); err != nil {
				return err
			}
			id := jsonID(r.Body)
			if id <= 0 {
				return errors.New("HTTP 201 but no episode id in the answer")
			}
			v.in.fresh.push(id)
			return nil
		},
	},
}

// timelineJSON is what person_timeline_api checks of an answer.
type timelineJSON struct {
	Items []struct {
		Type       string `json:"type"`
		ID         string `json:"id"`
		EpisodeID  string `json:"episode_id"`
		OccurredAt string `json:"occurred_at"`
	} `json:"items"`
	SkippedEpisodes *int `json:"skipped_episodes"`
}

// checkTimeline checks a timeline answer: JSON with entries, each with its
// type, id and time, and among them one of the episode the person was
// found through (open, so among the newest), when episode is known.
func checkTimeline(body []byte, episode int64) error {
	var tl timelineJSON
	if err := json.Unmarshal(body, &tl); err != nil {
		return fmt.Errorf("HTTP 200 but the timeline is not JSON: %v", err)
	}
	if len(tl.Items) == 0 || tl.SkippedEpisodes == nil {
		return errors.New("HTTP 200 but the timeline has no entries (or no skipped_episodes)")
	}
	want := strconv.FormatInt(episode, 10)
	found := episode == 0
	for _, x := range tl.Items {
		if x.Type == "" || x.ID == "" || x.OccurredAt == "" {
			return fmt.Errorf("HTTP 200 but a timeline entry lacks its type, id or time: %+v", x)
		}
		found = found || x.EpisodeID == want
	}
	if !found {
		return fmt.Errorf("HTTP 200 but no entry of episode %d is on the timeline's first page", episode)
	}
	return nil
}

// Operations returns the registry (a copy), in run order.
func Operations() []Operation { return append([]Operation(nil), operations...) }

// LookupOperation finds an operation by name.
func LookupOperation(name string) (Operation, bool) {
	for _, op := range operations {
		if op.Name == name {
			return op, true
		}
	}
	return Operation{}, false
}

// OperationNames lists every operation's name, in run order.
func OperationNames() []string {
	out := make([]string, len(operations))
	for i, op := range operations {
		out[i] = op.Name
	}
	return out
}

// probe is one prepared request: a path and a marker its body must hold.
type probe struct {
	path   string
	marker []byte
	// wantID, for an API list, is an "id" the answer must hold.
	wantID int64
}

func needProbes(what string, get func(*Inputs) []probe) func(*Inputs) error {
	return func(in *Inputs) error {
		if len(get(in)) == 0 {
			return fmt.Errorf("discovery found no %s", what)
		}
		return nil
	}
}

func needForm(what string, get func(*Inputs) *Form) func(*Inputs) error {
	return func(in *Inputs) error {
		if get(in) == nil {
			return fmt.Errorf("discovery could not read %s", what)
		}
		return nil
	}
}

// needIdentifyForm is the check of the operations that write on episodes
// the run identifies.
var needIdentifyForm = needForm("the quick identify form", func(in *Inputs) *Form { return in.Identify })

// needAll passes when every check does, and fails with the first failure.
func needAll(checks ...func(*Inputs) error) func(*Inputs) error {
	return func(in *Inputs) error {
		for _, c := range checks {
			if err := c(in); err != nil {
				return err
			}
		}
		return nil
	}
}

// getProbe is the Run of a page read: a random prepared request.
func getProbe(get func(*Inputs) []probe) func(context.Context, *vu, any) error {
	return func(ctx context.Context, v *vu, _ any) error {
		ps := get(v.in)
		return v.getCheck(ctx, v.clin, ps[v.rng.IntN(len(ps))])
	}
}

// setChoice sets a radio or select field to want when the form offers it,
// else to the form's first choice when the field is blank.
func setChoice(vals url.Values, f *Form, field, want string) {
	opts := f.Options[field]
	for _, o := range opts {
		if o == want && want != "" {
			vals.Set(field, o)
			return
		}
	}
	if vals.Get(field) == "" && len(opts) > 0 {
		vals.Set(field, opts[0])
	}
}

// statusError is a response that was not what the operation expects.
type statusError struct {
	got, want int
	detail    string
}

func (e *statusError) Error() string {
	if e.detail != "" {
		return fmt.Sprintf("HTTP %d, want %d (%s)", e.got, e.want, e.detail)
	}
	return fmt.Sprintf("HTTP %d, want %d", e.got, e.want)
}

// expect checks a response's status and that its body holds marker.
func expect(r response, status int, marker []byte) error {
	if r.Status == 303 && strings.HasPrefix(r.Location, "/sign-in") && status != 303 {
		return errors.New("HTTP 303 to /sign-in: the server ended the session (idle or absolute timeout, or signed out)")
	}
	if r.Status != status {
		return &statusError{got: r.Status, want: status}
	}
	if len(marker) > 0 && !bytes.Contains(r.Body, marker) {
		return fmt.Errorf("HTTP %d but the page lacks %q", r.Status, marker)
	}
	return nil
}

// expectRedirect checks a Post/Redirect/Get answer: 303 to the path (a
// form shown again with errors is a 422 and fails here).
func expectRedirect(r response, path string) error {
	if strings.HasPrefix(r.Location, "/sign-in") {
		return errors.New("HTTP 303 to /sign-in: the server ended the session (idle or absolute timeout, or signed out)")
	}
	if r.Status != 303 {
		return &statusError{got: r.Status, want: 303}
	}
	if loc, _, _ := strings.Cut(r.Location, "?"); loc != path {
		return fmt.Errorf("HTTP 303 to %q, want %q", loc, path)
	}
	return nil
}

var idKey = []byte(`"id"`)

// nextJSONID finds the next "id": "N" in a JSON body (compact or indented)
// without decoding it, and returns N and the rest of the body after it.
func nextJSONID(b []byte) (int64, []byte, bool) {
	for {
		i := bytes.Index(b, idKey)
		if i < 0 {
			return 0, nil, false
		}
		b = b[i+len(idKey):]
		rest := bytes.TrimLeft(b, " \t\r\n")
		if len(rest) == 0 || rest[0] != ':' {
			continue
		}
		rest = bytes.TrimLeft(rest[1:], " \t\r\n")
		if len(rest) == 0 || rest[0] != '"' {
			continue
		}
		rest = rest[1:]
		j := bytes.IndexByte(rest, '"')
		if j < 0 {
			return 0, nil, false
		}
		n, ok := atoi(rest[:j])
		b = rest[j+1:]
		if ok {
			return n, b, true
		}
	}
}

// atoi parses a positive decimal without allocating.
func atoi(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// jsonID is the first "id" of a JSON body; 0 when there is none.
func jsonID(b []byte) int64 {
	n, _, _ := nextJSONID(b)
	return n
}

// jsonHasID reports whether any "id" in a JSON body is want.
func jsonHasID(b []byte, want int64) bool {
	for {
		n, rest, ok := nextJSONID(b)
		if !ok {
			return false
		}
		if n == want {
			return true
		}
		b = rest
	}
}
