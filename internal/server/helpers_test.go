package server

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"liaise"
	"liaise/internal/auth"
	"liaise/internal/config"
	"liaise/internal/dbtest"
	"liaise/internal/sqlstore"
)

// testEnv is a real server on a real database with a provider, a service,
// a team and one signed-in-able user per built-in role.
type testEnv struct {
	t        *testing.T
	DB       *sqlstore.DB
	Server   *Server
	HTTP     *httptest.Server
	Provider int64
	Service  int64
	Team     int64
	// Other is a second provider, to test the data boundary.
	OtherProvider int64
	OtherTeam     int64
	Users         map[string]int64 // role code → user id
	now           atomic.Int64     // unix nanoseconds; read by server goroutines
}

// forEachEngine runs fn against a test environment on SQLite and, when
// LIAISE_TEST_POSTGRES is set, on PostgreSQL.
func forEachEngine(t *testing.T, fn func(t *testing.T, env *testEnv)) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) { fn(t, newTestEnvOn(t, db)) })
}

// newTestEnv returns an environment on SQLite.
func newTestEnv(t *testing.T) *testEnv { return newTestEnvOn(t, dbtest.OpenSQLite(t)) }

func newTestEnvOn(t *testing.T, db *sqlstore.DB) *testEnv {
	t.Helper()
	cfg := config.Config{Addr: "127.0.0.1:0", BaseURL: "http://127.0.0.1", Env: "development", SessionIdle: 15 * time.Minute, SessionMax: 12 * time.Hour, LogFormat: "text", LogLevel: "error", AuditKey: strings.Repeat("k", 32)}
	srv, err := New(db, cfg, nil, "test")
	if err != nil {
		t.Fatal(err)
	}
	srv.Hasher = auth.NewHasher(auth.TestParams, 4) // cheap argon2 in tests (DESIGN.md §10)
	env := &testEnv{t: t, DB: db, Server: srv, Users: map[string]int64{}}
	env.now.Store(dbtest.FixedClock()().UnixNano())
	srv.Clock = env.clock
	// The store follows the same clock, so sessions and audit times agree.
	db.SetClock(env.clock)
	env.HTTP = httptest.NewServer(srv)
	t.Cleanup(env.HTTP.Close)
	env.seed()
	return env
}

// seed writes the minimum organisation directly, so server tests do not
// depend on the admin features they may be testing.
func (env *testEnv) seed() {
	t, ctx := env.t, context.Background()
	err := env.DB.Update(ctx, func(tx *sqlstore.Tx) error {
		var err error
		ids := func(q string, args ...any) int64 {
			if err != nil {
				return 0
			}
			var id int64
			id, err = tx.InsertID(ctx, q, args...)
			return id
		}
		env.Provider = ids(`INSERT INTO providers (name, ods_code, created_at, updated_at) VALUES ('Test Trust', 'RT1', ?, ?)`, tx.Now, tx.Now)
		env.Service = ids(`INSERT INTO services (provider_id, name, type, created_at, updated_at) VALUES (?, 'Test L&D', 'ld', ?, ?)`, env.Provider, tx.Now, tx.Now)
		env.Team = ids(`INSERT INTO teams (provider_id, service_id, name, created_at, updated_at) VALUES (?, ?, 'Test custody team', ?, ?)`, env.Provider, env.Service, tx.Now, tx.Now)
		env.OtherProvider = ids(`INSERT INTO providers (name, ods_code, created_at, updated_at) VALUES ('Other Trust', 'RT2', ?, ?)`, tx.Now, tx.Now)
		svc := ids(`INSERT INTO services (provider_id, name, type, created_at, updated_at) VALUES (?, 'Other L&D', 'ld', ?, ?)`, env.OtherProvider, tx.Now, tx.Now)
		env.OtherTeam = ids(`INSERT INTO teams (provider_id, service_id, name, created_at, updated_at) VALUES (?, ?, 'Other team', ?, ?)`, env.OtherProvider, svc, tx.Now, tx.Now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sys := liaise.WithActor(ctx, liaise.SystemActor("test"))
	for _, r := range liaise.BuiltInRoles {
		u := &liaise.User{ProviderID: env.Provider, Username: "t-" + strings.ReplaceAll(r.Code, "_", "-"), DisplayName: "Test " + r.Name, RoleCode: r.Code,
			Memberships: []liaise.Membership{{TeamID: env.Team}}}
		if err := env.DB.CreateUser(sys, u, ""); err != nil {
			t.Fatalf("create %s: %v", r.Code, err)
		}
		env.Users[r.Code] = u.ID
	}
}

// advance moves the server clock on.
func (env *testEnv) advance(d time.Duration) { env.now.Add(int64(d)) }

// clock is the environment's time, shared by the server and the store.
func (env *testEnv) clock() time.Time { return time.Unix(0, env.now.Load()).UTC() }

// client returns an HTTP client signed in as the test user of role (a
// session created directly), with a cookie jar and no redirect following.
func (env *testEnv) client(role string) *http.Client {
	env.t.Helper()
	uid, ok := env.Users[role]
	if !ok {
		env.t.Fatalf("no test user for role %q", role)
	}
	return env.clientFor(uid)
}

func (env *testEnv) clientFor(userID int64) *http.Client {
	env.t.Helper()
	token, hash := auth.NewToken(auth.SessionPrefix)
	if _, err := env.DB.CreateSession(context.Background(), userID, hash, 12*time.Hour, liaise.AuditEvent{Action: liaise.AuditSignIn, UserID: userID, RecordType: "user", RecordID: userID}); err != nil {
		env.t.Fatal(err)
	}
	c := env.anon()
	u, _ := url.Parse(env.HTTP.URL)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: env.Server.sessionCookieName(), Value: token, Path: "/"}})
	return c
}

// anon returns a client with a cookie jar and no session.
func (env *testEnv) anon() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// token returns a bearer token for the test user of role.
func (env *testEnv) token(role string, scopes ...string) string {
	env.t.Helper()
	tok, hash := auth.NewToken(auth.APIPrefix)
	ctx := liaise.WithActor(context.Background(), liaise.SystemActor("test"))
	if err := env.DB.InsertAPIToken(ctx, &sqlstore.APIToken{UserID: env.Users[role], Name: "test", Prefix: tok[:9], Scopes: scopes}, hash); err != nil {
		env.t.Fatal(err)
	}
	return tok
}

// do sends a request and returns the response with its body read.
func (env *testEnv) do(c *http.Client, method, path string, body io.Reader, header ...string) (*http.Response, string) {
	env.t.Helper()
	req, err := http.NewRequest(method, env.HTTP.URL+path, body)
	if err != nil {
		env.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if body != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		env.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

// get is do with GET.
func (env *testEnv) get(c *http.Client, path string, header ...string) (*http.Response, string) {
	env.t.Helper()
	return env.do(c, "GET", path, nil, header...)
}

// postForm submits a form the way a browser on the same origin does.
func (env *testEnv) postForm(c *http.Client, path string, form url.Values) (*http.Response, string) {
	env.t.Helper()
	return env.do(c, "POST", path, strings.NewReader(form.Encode()), "Origin", env.HTTP.URL)
}

// api sends JSON with a bearer token.
func (env *testEnv) api(method, path, token, body string, header ...string) (*http.Response, string) {
	env.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	h := append([]string{"Authorization", "Bearer " + token, "Content-Type", "application/json"}, header...)
	return env.do(http.DefaultClient, method, path, r, h...)
}
