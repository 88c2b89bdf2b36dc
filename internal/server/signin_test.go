package server

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"liaise"
	"liaise/internal/auth"
)

const testPassword = "custody suite kettle orange"

// setPassword gives the test user of role a password, hashed with the
// server's (cheap, in tests) hasher.
func (env *testEnv) setPassword(role, pw string) {
	env.t.Helper()
	h, err := env.Server.Hasher.Hash(pw)
	if err != nil {
		env.t.Fatal(err)
	}
	sys := liaise.WithActor(context.Background(), liaise.SystemActor("test"))
	if err := env.DB.SetPasswordHash(sys, env.Users[role], h); err != nil {
		env.t.Fatal(err)
	}
}

// username is the test user's username for role.
func username(role string) string { return "t-" + strings.ReplaceAll(role, "_", "-") }

// signIn posts the sign-in form from client c.
func (env *testEnv) signIn(c *http.Client, user, pw string, next ...string) (*http.Response, string) {
	env.t.Helper()
	f := url.Values{"username": {user}, "password": {pw}}
	if len(next) > 0 {
		f.Set("next", next[0])
	}
	return env.postForm(c, "/sign-in", f)
}

// sessionCookie returns the session token the response set ("" if none).
func (env *testEnv) sessionCookie(resp *http.Response) string {
	for _, c := range resp.Cookies() {
		if c.Name == env.Server.sessionCookieName() && c.MaxAge >= 0 {
			return c.Value
		}
	}
	return ""
}

// withSession returns a client that presents token as its session cookie.
func (env *testEnv) withSession(token string) *http.Client {
	c := env.anon()
	u, _ := url.Parse(env.HTTP.URL)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: env.Server.sessionCookieName(), Value: token, Path: "/"}})
	return c
}

func (env *testEnv) count(q string, args ...any) int {
	env.t.Helper()
	var n int
	if err := env.DB.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		env.t.Fatal(err)
	}
	return n
}

var scriptTag = regexp.MustCompile(`<script[^>]*>`)

func TestSignInPage(t *testing.T) {
	env := newTestEnv(t)
	resp, body := env.get(env.anon(), "/sign-in?next=/caseload")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{
		"<h1>Sign in to Liaise</h1>", `id="username"`, `autocomplete="username"`,
		`id="password"`, `type="password"`, `autocomplete="current-password"`,
		`name="next" value="/caseload"`, ">Sign in</button>", "<title>Sign in – Liaise</title>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("sign-in page lacks %s", want)
		}
	}
	for _, tag := range scriptTag.FindAllString(body, -1) {
		if !strings.Contains(tag, " src=") {
			t.Errorf("inline script: %s", tag)
		}
	}
	if strings.Contains(resp.Header.Get("Content-Security-Policy"), "unsafe-inline") {
		t.Error("CSP allows inline script")
	}
}

func TestSignInAndOut(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		env.setPassword("practitioner", testPassword)
		c := env.anon()
		resp, _ := env.signIn(c, "T-Practitioner ", testPassword)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
			t.Fatalf("sign in: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		first := env.sessionCookie(resp)
		if !strings.HasPrefix(first, auth.SessionPrefix) {
			t.Fatalf("session cookie %q", first)
		}
		if resp, body := env.get(c, "/"); resp.StatusCode != 200 || !strings.Contains(body, "Test Practitioner") {
			t.Fatalf("home after sign-in: %d", resp.StatusCode)
		}

		// Signing in again gives a new token and retires the old session.
		resp, _ = env.signIn(c, username("practitioner"), testPassword)
		second := env.sessionCookie(resp)
		if second == "" || second == first {
			t.Fatal("the session token did not change on sign-in")
		}
		if resp, _ := env.get(env.withSession(first), "/"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("old session after a new sign-in: %d, want a redirect to sign in", resp.StatusCode)
		}
		if resp, _ := env.get(c, "/"); resp.StatusCode != 200 {
			t.Fatalf("new session: %d", resp.StatusCode)
		}

		resp, _ = env.postForm(c, "/sign-out", url.Values{})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/sign-in" {
			t.Fatalf("sign out: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if _, body := env.get(c, "/sign-in"); !strings.Contains(body, "You have signed out") {
			t.Error("sign-in page does not say the user signed out")
		}
		if resp, _ := env.get(env.withSession(second), "/"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("session after sign-out: %d, want a redirect to sign in", resp.StatusCode)
		}

		uid := env.Users["practitioner"]
		if n := env.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'sign_in' AND user_id = ? AND client_ip = '127.0.0.1' AND request_id <> ''`, uid); n != 2 {
			t.Errorf("%d sign_in events, want 2", n)
		}
		if n := env.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'sign_out' AND user_id = ?`, uid); n != 1 {
			t.Errorf("%d sign_out events, want 1", n)
		}
	})
}

func TestSignInRefusalsLookAlike(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		env.setPassword("practitioner", testPassword)
		env.setPassword("analyst", testPassword)
		env.setPassword("auditor", testPassword)
		ctx := context.Background()
		if _, err := env.DB.Exec(ctx, `UPDATE users SET disabled = TRUE WHERE id = ?`, env.Users["analyst"]); err != nil {
			t.Fatal(err)
		}
		// A service account that somehow has a password still cannot sign in.
		if _, err := env.DB.Exec(ctx, `UPDATE users SET service_account = TRUE WHERE id = ?`, env.Users["auditor"]); err != nil {
			t.Fatal(err)
		}
		type outcome struct {
			status int
			body   string
		}
		summary := regexp.MustCompile(`(?s)<div class="nhsuk-error-summary".*?</div>\s*</div>\s*</div>`)
		try := func(user, pw string) outcome {
			resp, body := env.signIn(env.anon(), user, pw)
			if env.sessionCookie(resp) != "" {
				t.Fatalf("%s: a session cookie was set", user)
			}
			return outcome{resp.StatusCode, summary.FindString(body)}
		}
		wrong := try(username("practitioner"), "not the password")
		if wrong.status != http.StatusUnprocessableEntity || !strings.Contains(wrong.body, auth.MsgBadCredentials) || !strings.Contains(wrong.body, `href="#username"`) {
			t.Fatalf("wrong password: %+v", wrong)
		}
		for name, got := range map[string]outcome{
			"unknown username": try("no-such-user", testPassword),
			"disabled account": try(username("analyst"), testPassword),
			"service account":  try(username("auditor"), testPassword),
		} {
			if got != wrong {
				t.Errorf("%s: %+v, want the same as a wrong password %+v", name, got, wrong)
			}
		}

		resp, body := env.signIn(env.anon(), "", "")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#username">Enter your username`) || !strings.Contains(body, `href="#password">Enter your password`) || !strings.Contains(body, "<title>Error: Sign in") {
			t.Fatalf("empty form: %d\n%s", resp.StatusCode, summary.FindString(body))
		}
		if strings.Contains(body, "not the password") {
			t.Error("password echoed back")
		}

		// Failures are audited: with the user id when the account exists,
		// and never with the typed username.
		if n := env.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'sign_in_failed' AND user_id = ?`, env.Users["practitioner"]); n != 1 {
			t.Errorf("%d sign_in_failed events for the practitioner, want 1", n)
		}
		if n := env.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'sign_in_failed' AND user_id IS NULL AND username = '' AND client_ip = '127.0.0.1'`); n != 1 {
			t.Errorf("%d anonymous sign_in_failed events, want 1 (the unknown name)", n)
		}
		if n := env.count(`SELECT COUNT(*) FROM audit_events WHERE username = 'no-such-user' OR detail LIKE '%no-such-user%'`); n != 0 {
			t.Error("the typed username reached the audit trail")
		}
	})
}

func TestDemoAccountsRefusedInProduction(t *testing.T) {
	env := newTestEnv(t)
	env.setPassword("practitioner", testPassword)
	ctx := context.Background()
	if _, err := env.DB.Exec(ctx, `UPDATE users SET demo = TRUE WHERE id = ?`, env.Users["practitioner"]); err != nil {
		t.Fatal(err)
	}
	env.Server.Cfg.Env = "production"
	if resp, body := env.signIn(env.anon(), username("practitioner"), testPassword); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, auth.MsgBadCredentials) {
		t.Fatalf("demo account in production: %d", resp.StatusCode)
	}
	env.Server.Cfg.Env = "development"
	if resp, _ := env.signIn(env.anon(), username("practitioner"), testPassword); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("demo account in development: %d", resp.StatusCode)
	}

}

func TestSignInThrottlePerAccount(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		env.setPassword("practitioner", testPassword)
		env.setPassword("team_manager", testPassword)
		for i := range 5 {
			env.advance(time.Minute)
			if resp, _ := env.signIn(env.anon(), username("practitioner"), "wrong password "+string(rune('a'+i))); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("failure %d: status %d", i+1, resp.StatusCode)
			}
			// The same failures against a name that does not exist.
			env.signIn(env.anon(), "ghost", "wrong password")
		}
		resp, body := env.signIn(env.anon(), username("practitioner"), testPassword)
		if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, auth.MsgLocked) || env.sessionCookie(resp) != "" {
			t.Fatalf("6th attempt with the right password: %d, want 429 with the locked message", resp.StatusCode)
		}
		ghost, gbody := env.signIn(env.anon(), "ghost", testPassword)
		if ghost.StatusCode != http.StatusTooManyRequests || !strings.Contains(gbody, auth.MsgLocked) {
			t.Fatalf("unknown account after 5 failures: %d, want the same 429", ghost.StatusCode)
		}
		// Another account behind the same address (a custody suite) is unaffected.
		if resp, _ := env.signIn(env.anon(), username("team_manager"), testPassword); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("other account from the same address: %d", resp.StatusCode)
		}
		// Refused attempts do not extend the lock: 15 minutes after the 5th failure it is over.
		env.advance(14 * time.Minute)
		if resp, _ := env.signIn(env.anon(), username("practitioner"), testPassword); resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("after 14 minutes: %d, want still locked", resp.StatusCode)
		}
		env.advance(time.Minute)
		resp, _ = env.signIn(env.anon(), username("practitioner"), testPassword)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("after 15 minutes: %d, want signed in", resp.StatusCode)
		}
		// Success clears the failures: one more wrong password does not lock again.
		env.signIn(env.anon(), username("practitioner"), "wrong again")
		if resp, _ := env.signIn(env.anon(), username("practitioner"), testPassword); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("after a success and one failure: %d", resp.StatusCode)
		}
		if n := env.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'sign_in_failed' AND detail LIKE 'refused%'`); n != 3 {
			t.Errorf("%d audited refusals while locked, want 3", n)
		}
	})
}

func TestSignInThrottlePerAddress(t *testing.T) {
	env := newTestEnv(t)
	env.setPassword("practitioner", testPassword)
	for i := range 100 {
		// 25 names, 4 failures each: no account locks, the address does.
		resp, _ := env.signIn(env.anon(), "user-"+string(rune('a'+i%25)), "wrong password")
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("failure %d: %d", i+1, resp.StatusCode)
		}
	}
	if resp, body := env.signIn(env.anon(), username("practitioner"), testPassword); resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, auth.MsgLocked) {
		t.Fatalf("after 100 failures from one address: %d, want 429", resp.StatusCode)
	}
	env.advance(15*time.Minute + time.Second)
	if resp, _ := env.signIn(env.anon(), username("practitioner"), testPassword); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("15 minutes later: %d", resp.StatusCode)
	}
}

func TestSignInNextIsLocalOnly(t *testing.T) {
	env := newTestEnv(t)
	env.setPassword("practitioner", testPassword)
	for next, want := range map[string]string{
		"/caseload?team=1":          "/caseload?team=1",
		"//evil.example":            "/",
		"https://evil.example":      "/",
		"/\\evil.example":           "/",
		"javascript:alert(1)":       "/",
		"/%0d%0aSet-Cookie:x":       "/%0d%0aSet-Cookie:x",
		"/ok\r\nLocation: http://x": "/",
		"":                          "/",
	} {
		resp, _ := env.signIn(env.anon(), username("practitioner"), testPassword, next)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
			t.Errorf("next %q: %d to %q, want %q", next, resp.StatusCode, resp.Header.Get("Location"), want)
		}
	}
}

func TestSignOutEverywhere(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		here, there := env.client("practitioner"), env.client("practitioner")
		other := env.client("team_manager")
		resp, _ := env.postForm(here, "/account/sign-out-everywhere", url.Values{})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/sign-in" {
			t.Fatalf("sign out everywhere: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		for name, c := range map[string]*http.Client{"this browser": here, "another terminal": there} {
			if resp, _ := env.get(c, "/"); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("%s still signed in: %d", name, resp.StatusCode)
			}
		}
		if resp, _ := env.get(other, "/"); resp.StatusCode != 200 {
			t.Errorf("another user was signed out: %d", resp.StatusCode)
		}
		if n := env.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'sign_out_everywhere' AND user_id = ?`, env.Users["practitioner"]); n != 1 {
			t.Errorf("%d sign_out_everywhere events", n)
		}
	})
}

func TestChangePassword(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		env.setPassword("practitioner", testPassword)
		c, elsewhere := env.anon(), env.anon()
		env.signIn(c, username("practitioner"), testPassword)
		env.signIn(elsewhere, username("practitioner"), testPassword)
		const newPassword = "blackpool tower in the rain"
		change := func(cur, next, confirm string) (*http.Response, string) {
			return env.postForm(c, "/account/password", url.Values{"current_password": {cur}, "new_password": {next}, "confirm_password": {confirm}})
		}
		for _, bad := range []struct{ cur, next, confirm, field string }{
			{"", newPassword, newPassword, "current_password"},
			{testPassword, "short", "short", "new_password"},
			{testPassword, username("practitioner"), username("practitioner"), "new_password"},
			{testPassword, testPassword, testPassword, "new_password"},
			{testPassword, newPassword, newPassword + "x", "confirm_password"},
			{"not my password", newPassword, newPassword, "current_password"},
		} {
			resp, body := change(bad.cur, bad.next, bad.confirm)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#`+bad.field+`"`) {
				t.Errorf("%+v: %d, want 422 at %s", bad, resp.StatusCode, bad.field)
			}
		}
		resp, _ := change(testPassword, newPassword, newPassword)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account" || env.sessionCookie(resp) == "" {
			t.Fatalf("change: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, body := env.get(c, "/account"); resp.StatusCode != 200 || !strings.Contains(body, "Your password has been changed") {
			t.Fatalf("this browser after the change: %d", resp.StatusCode)
		}
		if resp, _ := env.get(elsewhere, "/"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("other session survived a password change: %d", resp.StatusCode)
		}
		if resp, _ := env.signIn(env.anon(), username("practitioner"), testPassword); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("old password still works: %d", resp.StatusCode)
		}
		if resp, _ := env.signIn(env.anon(), username("practitioner"), newPassword); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("new password refused: %d", resp.StatusCode)
		}
	})
}

func TestSignInUpgradesOldHashes(t *testing.T) {
	env := newTestEnv(t)
	old := auth.TestParams
	old.Time = 2
	h, _ := auth.NewHasher(old, 1).Hash(testPassword)
	sys := liaise.WithActor(context.Background(), liaise.SystemActor("test"))
	if err := env.DB.SetPasswordHash(sys, env.Users["practitioner"], h); err != nil {
		t.Fatal(err)
	}
	if resp, _ := env.signIn(env.anon(), username("practitioner"), testPassword); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", resp.StatusCode)
	}
	creds, err := env.DB.Credentials(context.Background(), username("practitioner"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(creds.PasswordHash, "m=64,t=1,p=1") {
		t.Fatalf("hash not upgraded: %s", creds.PasswordHash)
	}
	if resp, _ := env.signIn(env.anon(), username("practitioner"), testPassword); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in with upgraded hash: %d", resp.StatusCode)
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/": "/", "/people/1": "/people/1", "//x": "/", "/\\x": "/", "http://x/": "/", "x": "/", "/a\tb": "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIdleSignOutIsExplainedOnSignInPage(t *testing.T) {
	env := newTestEnv(t)
	c := env.client("practitioner")
	env.advance(16 * time.Minute)
	resp, _ := env.get(c, "/caseload")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("idle session: %d", resp.StatusCode)
	}
	resp, body := env.get(c, resp.Header.Get("Location"))
	if resp.StatusCode != 200 || !regexp.MustCompile(`(?s)nhsuk-inset-text.*left idle`).MatchString(body) || !strings.Contains(body, `name="next" value="/caseload"`) {
		t.Fatalf("sign-in page after idle sign-out: %d\n%s", resp.StatusCode, body)
	}
}

func TestSessionCleanUpJob(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		env.client("practitioner")
		env.signIn(env.anon(), "nobody", "wrong password")
		if env.count(`SELECT COUNT(*) FROM sessions`) != 1 || env.count(`SELECT COUNT(*) FROM signin_failures`) != 1 {
			t.Fatal("fixture")
		}
		env.advance(37 * time.Hour) // past the 12-hour limit, plus a day
		env.Server.cleanUpSessions(context.Background(), "test-holder")
		if n := env.count(`SELECT COUNT(*) FROM sessions`) + env.count(`SELECT COUNT(*) FROM signin_failures`); n != 0 {
			t.Fatalf("%d rows left after clean-up", n)
		}
	})
}

// TestPasswordResetLiftsLock: the locked message tells staff to ask for a
// reset, so an administrator's reset must let them straight back in.
func TestPasswordResetLiftsLock(t *testing.T) {
	env := newTestEnv(t)
	env.setPassword("practitioner", testPassword)
	for i := range 5 {
		env.signIn(env.anon(), username("practitioner"), "wrong password "+string(rune('a'+i)))
	}
	if resp, _ := env.signIn(env.anon(), username("practitioner"), testPassword); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("not locked: %d", resp.StatusCode)
	}
	env.setPassword("practitioner", "a brand new passphrase")
	if resp, _ := env.signIn(env.anon(), username("practitioner"), "a brand new passphrase"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("after reset: %d, want signed in", resp.StatusCode)
	}
}

// TestParallelGuessesCannotPassTheLock fires many wrong passwords at once:
// only the allowed number may have their password checked.
func TestParallelGuessesCannotPassTheLock(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		env.setPassword("practitioner", testPassword)
		const n = 20
		codes := make(chan int, n)
		for i := range n {
			go func() {
				f := url.Values{"username": {username("practitioner")}, "password": {"guess " + string(rune('a'+i))}}
				req, _ := http.NewRequest("POST", env.HTTP.URL+"/sign-in", strings.NewReader(f.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Origin", env.HTTP.URL)
				resp, err := env.anon().Do(req)
				if err != nil {
					codes <- 0
					return
				}
				resp.Body.Close()
				codes <- resp.StatusCode
			}()
		}
		checked := 0
		for range n {
			if c := <-codes; c == http.StatusUnprocessableEntity {
				checked++
			}
		}
		if checked > 5 {
			t.Fatalf("%d parallel guesses had their password checked, want at most 5", checked)
		}
	})
}

// TestFailedSignInIsVisibleToTheProvidersAuditor: the failure carries the
// account's provider, so its auditors can find it.
func TestFailedSignInIsVisibleToTheProvidersAuditor(t *testing.T) {
	env := newTestEnv(t)
	env.setPassword("practitioner", testPassword)
	env.signIn(env.anon(), username("practitioner"), "not my password")
	if n := env.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'sign_in_failed' AND provider_id = ?`, env.Provider); n != 1 {
		t.Fatalf("%d failures recorded against the provider, want 1", n)
	}
}

// TestAdminResetRevokesTokens: a reset by an administrator ends the user's
// API tokens as well as their sessions; changing your own password does not.
func TestAdminResetRevokesTokens(t *testing.T) {
	env := newTestEnv(t)
	tok := env.token("practitioner")
	env.setPassword("practitioner", testPassword) // as System: someone else
	if resp, _ := env.api("GET", "/api/v1/me", tok, ""); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("token after reset: %d, want 401", resp.StatusCode)
	}
}
