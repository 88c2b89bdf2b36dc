package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"liaise"
)

// client talks to one Liaise server. One http.Transport is shared by every
// virtual user, with an idle connection kept for each, so the bench reuses
// keep-alive connections the way wrk does and never measures TCP set-up.
type client struct {
	base   string // scheme://host[:port], no trailing slash
	origin string // the same, sent as Origin on POSTs (same-origin CSRF check)
	hc     *http.Client
	// offset is the server's clock minus ours, applied to the times the
	// bench types into forms, so a server on another machine whose clock
	// differs does not refuse them as in the future.
	offset time.Duration
}

func newClient(base string, conns int, timeout time.Duration) *client {
	tr := &http.Transport{
		Proxy:                 nil, // straight to the server: a proxy would be measured too
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          conns + 8,
		MaxIdleConnsPerHost:   conns + 8,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		// Pages are read whole and thrown away; decompressing them would be
		// the bench's work, not the server's.
		DisableCompression: true,
	}
	return &client{
		base: base, origin: base,
		hc: &http.Client{
			Transport: tr,
			Timeout:   timeout,
			// A POST answers 303 (Post/Redirect/Get): the operation checks
			// the redirect itself rather than timing the page after it.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

func (c *client) close() { c.hc.CloseIdleConnections() }

// response is what an operation checks. Body is only valid until the virtual
// user's next request (it is the user's reused buffer).
type response struct {
	Status   int
	Location string
	Date     string
	Body     []byte
}

// auth is how a request says who it is: a session cookie or a bearer token.
type auth struct {
	cookie, bearer string
}

// netError marks a failure to talk to the server at all (refused, reset,
// timed out), as opposed to an answer the operation did not expect.
type netError struct{ err error }

func (e *netError) Error() string { return e.err.Error() }
func (e *netError) Unwrap() error { return e.err }

// do makes one request and reads the whole body into buf.
func (c *client) do(ctx context.Context, buf *bytes.Buffer, method, path string, a auth, contentType string, body io.Reader) (response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return response{}, err
	}
	if a.cookie != "" {
		req.Header.Set("Cookie", a.cookie)
	}
	if a.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+a.bearer)
		req.Header.Set("Accept", "application/json")
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if method != "GET" && method != "HEAD" {
		req.Header.Set("Origin", c.origin)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return response{}, &netError{err}
	}
	buf.Reset()
	_, err = buf.ReadFrom(resp.Body)
	resp.Body.Close()
	if err != nil {
		return response{}, &netError{err}
	}
	return response{Status: resp.StatusCode, Location: resp.Header.Get("Location"), Date: resp.Header.Get("Date"), Body: buf.Bytes()}, nil
}

// getJSON reads a JSON API resource into v (discovery only).
func (c *client) getJSON(ctx context.Context, path string, a auth, v any) (response, error) {
	var buf bytes.Buffer
	r, err := c.do(ctx, &buf, "GET", path, a, "", nil)
	if err != nil {
		return r, err
	}
	if r.Status != 200 {
		return r, fmt.Errorf("GET %s: HTTP %d", path, r.Status)
	}
	if err := json.Unmarshal(r.Body, v); err != nil {
		return r, fmt.Errorf("GET %s: %w", path, err)
	}
	return r, nil
}

// getPage reads an HTML page (discovery only); the body is a fresh copy.
func (c *client) getPage(ctx context.Context, path string, a auth) ([]byte, error) {
	var buf bytes.Buffer
	r, err := c.do(ctx, &buf, "GET", path, a, "", nil)
	if err != nil {
		return nil, err
	}
	if r.Status != 200 {
		return nil, fmt.Errorf("GET %s: HTTP %d", path, r.Status)
	}
	return r.Body, nil
}

// session is one signed-in user: a browser's session cookie, and for API
// operations a personal API token of the same user.
type session struct {
	user    string
	cookie  string
	token   string
	tokenID string
}

func (s *session) pageAuth() auth { return auth{cookie: s.cookie} }
func (s *session) apiAuth() auth  { return auth{bearer: s.token} }

// errSignIn is a refused sign-in. The bench never retries one: five
// failures lock the account for 15 minutes.
var errSignIn = errors.New("sign-in refused")

// signIn signs user in through the sign-in form, as a browser does.
func (c *client) signIn(ctx context.Context, user, password string) (*session, error) {
	form := url.Values{"username": {user}, "password": {password}, "next": {"/"}}
	req, err := http.NewRequestWithContext(ctx, "POST", c.base+"/sign-in", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.origin)
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("signing in as %s: %w", user, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusSeeOther:
	case http.StatusUnprocessableEntity:
		return nil, fmt.Errorf("%w: the server refused the username or password for %s (check --password or LIAISE_BENCH_PASSWORD; the bench does not retry, as 5 failures lock the account)", errSignIn, user)
	case http.StatusTooManyRequests:
		return nil, fmt.Errorf("%w: %s is locked after failed sign-ins: wait 15 minutes or reset its password with 'liaise user reset-password'", errSignIn, user)
	default:
		return nil, fmt.Errorf("%w: signing in as %s answered HTTP %d", errSignIn, user, resp.StatusCode)
	}
	var parts []string
	for _, ck := range resp.Cookies() {
		if ck.Value != "" && ck.MaxAge >= 0 {
			parts = append(parts, ck.Name+"="+ck.Value)
		}
	}
	if len(parts) == 0 {
		return nil, fmt.Errorf("%w: signing in as %s set no session cookie", errSignIn, user)
	}
	return &session{user: user, cookie: strings.Join(parts, "; ")}, nil
}

// signOut ends the session (best effort, at the end of a run).
func (c *client) signOut(ctx context.Context, s *session) {
	var buf bytes.Buffer
	c.do(ctx, &buf, "POST", "/sign-out", s.pageAuth(), "application/x-www-form-urlencoded", strings.NewReader(""))
}

// createToken makes a personal API token for the session's user, for the
// API operations; it lasts a day and is revoked at the end of the run.
func (c *client) createToken(ctx context.Context, s *session) error {
	var buf bytes.Buffer
	r, err := c.do(ctx, &buf, "POST", "/api/v1/tokens", s.pageAuth(), "application/json",
		strings.NewReader(`{"name":"liaise bench","expires_in_days":1}`))
	if err != nil {
		return err
	}
	if r.Status != http.StatusCreated {
		return fmt.Errorf("creating an API token for %s: HTTP %d (the API operations need the tokens.self capability)", s.user, r.Status)
	}
	var t struct {
		Token string `json:"token"`
		ID    string `json:"id"`
	}
	if err := json.Unmarshal(r.Body, &t); err != nil || t.Token == "" {
		return fmt.Errorf("creating an API token for %s: unreadable answer", s.user)
	}
	s.token, s.tokenID = t.Token, t.ID
	return nil
}

// revokeToken revokes the run's API token (best effort).
func (c *client) revokeToken(ctx context.Context, s *session) {
	if s.tokenID == "" {
		return
	}
	var buf bytes.Buffer
	c.do(ctx, &buf, "DELETE", "/api/v1/tokens/"+s.tokenID, s.apiAuth(), "", nil)
}

// vu is one virtual user: a person at a terminal, with their own session,
// random choices and reused read buffer, making one request at a time.
type vu struct {
	id   int
	c    *client
	rng  *rand.Rand
	buf  bytes.Buffer
	clin *session // the clinical user's session
	in   *Inputs  // what discovery found for the clinical user
	aud  *session // the auditor's session, when an audit operation runs
	ain  *Inputs  // the inputs the auditor's searches use
	seq  int
	run  string // a per-run tag that keeps generated custody numbers distinct
}

// getCheck GETs a probe and checks for 200 and its marker.
func (v *vu) getCheck(ctx context.Context, s *session, p probe) error {
	r, err := v.c.do(ctx, &v.buf, "GET", p.path, s.pageAuth(), "", nil)
	if err != nil {
		return err
	}
	return expect(r, 200, p.marker)
}

// postForm POSTs a form as a browser would.
func (v *vu) postForm(ctx context.Context, s *session, path string, vals url.Values) (response, error) {
	return v.c.do(ctx, &v.buf, "POST", path, s.pageAuth(), "application/x-www-form-urlencoded", strings.NewReader(vals.Encode()))
}

// now is the server's time, as near as the bench knows it.
func (v *vu) now() time.Time { return time.Now().Add(v.c.offset) }

// setTime fills a date-and-time field (id-day, id-month, id-year, id-time)
// with now+delta in Europe/London, as the pages show and read times.
func (v *vu) setTime(vals url.Values, id string, delta time.Duration) {
	t := v.now().Add(delta).In(liaise.London)
	vals.Set(id+"-day", strconv.Itoa(t.Day()))
	vals.Set(id+"-month", strconv.Itoa(int(t.Month())))
	vals.Set(id+"-year", strconv.Itoa(t.Year()))
	vals.Set(id+"-time", t.Format("15:04"))
}

// Fictional names for new identifications.
var (
	givenNames  = []string{"Alex", "Jordan", "Sam", "Casey", "Riley", "Jamie", "Taylor", "Morgan", "Charlie", "Robin", "Ellis", "Frankie"}
	familyNames = []string{"Benchley", "Loadman", "Testwood", "Sampleton", "Quickfield", "Runcorn", "Trialby", "Measures", "Timmings", "Perkins"}
)

func (v *vu) name() (string, string) {
	return givenNames[v.rng.IntN(len(givenNames))], familyNames[v.rng.IntN(len(familyNames))]
}

// custodyRecord is a new custody record number, distinct within the run.
func (v *vu) custodyRecord() string {
	v.seq++
	return "BN" + v.run + "-" + strconv.Itoa(v.id) + "-" + strconv.Itoa(v.seq)
}

// quickIdentify records a new identification through the quick identify
// form and returns the new episode's id, which joins the episodes waiting
// to be screened.
func (v *vu) quickIdentify(ctx context.Context) (int64, error) {
	vals := v.in.Identify.Clone()
	given, family := v.name()
	vals.Set("given_name", given)
	vals.Set("family_name", family)
	vals.Set("custody_record", v.custodyRecord())
	sites := v.in.Identify.Options["site_id"]
	vals.Set("site_id", sites[v.rng.IntN(len(sites))])
	v.setTime(vals, "alerted_at", -2*time.Minute)
	r, err := v.postForm(ctx, v.clin, "/episodes/new", vals)
	if err != nil {
		return 0, err
	}
	if r.Status != 303 {
		return 0, &statusError{got: r.Status, want: 303}
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.SplitN(r.Location, "?", 2)[0], "/episodes/"), 10, 64)
	if err != nil || !strings.HasPrefix(r.Location, "/episodes/") {
		return 0, fmt.Errorf("HTTP 303 to %q, want /episodes/{id}", r.Location)
	}
	v.in.fresh.push(id)
	return id, nil
}

// freshPool holds episodes identified during the run. Screening takes each
// once, oldest first, as in practice; contacts go to any of the latest
// (a person is seen more than once), so the writes never touch the
// seeded episodes the read operations open and their figures stay those
// of the seed's histories. Bounded, so a long run holds little.
type freshPool struct {
	mu     sync.Mutex
	ids    []int64
	recent [maxRecent]int64
	n      int // identified so far; recent[n%maxRecent] is the next slot
}

const (
	maxFresh  = 1 << 16
	maxRecent = 1 << 12
)

func (p *freshPool) push(id int64) {
	p.mu.Lock()
	if len(p.ids) < maxFresh {
		p.ids = append(p.ids, id)
	}
	p.recent[p.n%maxRecent] = id
	p.n++
	p.mu.Unlock()
}

func (p *freshPool) pop() (int64, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.ids) == 0 {
		return 0, false
	}
	// Oldest first, as a practitioner works the queue.
	id := p.ids[0]
	p.ids = p.ids[1:]
	return id, true
}

// pick returns one of the latest episodes identified, screened or not;
// r chooses which.
func (p *freshPool) pick(r func(n int) int) (int64, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.n == 0 {
		return 0, false
	}
	return p.recent[r(min(p.n, maxRecent))], true
}
