package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"liaise"
	"liaise/internal/auth"
)

var shownToken = regexp.MustCompile(`<p class="app-secret">(l(?:api|svc)_[A-Za-z0-9_-]+)</p>`)

// createdToken returns the secret shown on a token_created page.
func createdToken(t *testing.T, body string) string {
	t.Helper()
	m := shownToken.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no token shown:\n%.3000s", body)
	}
	return m[1]
}

func TestPersonalTokenInTheUI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		c := env.client("practitioner")
		resp, body := env.postForm(c, "/account/tokens", url.Values{"name": {"Monthly return script"}, "expires_in_days": {"30"}})
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Copy this token now. You will not be able to see it again.") {
			t.Fatalf("create: %d", resp.StatusCode)
		}
		tok := createdToken(t, body)
		if !strings.HasPrefix(tok, auth.APIPrefix) {
			t.Fatalf("token %q", tok)
		}

		_, account := env.get(c, "/account")
		if strings.Contains(account, tok) {
			t.Fatal("the account page shows the token again")
		}
		if !strings.Contains(account, "<code>"+tok[:12]+"</code>") || !strings.Contains(account, "Monthly return script") || !strings.Contains(account, "Active") {
			t.Fatalf("account page does not list the token by prefix:\n%s", account)
		}
		for _, want := range []string{"Test Practitioner", username("practitioner"), "Practitioner", "Test custody team", "Sign out everywhere", `id="current_password"`} {
			if !strings.Contains(account, want) {
				t.Errorf("account page lacks %q", want)
			}
		}

		resp, body = env.api("GET", "/api/v1/me", tok, "")
		if resp.StatusCode != 200 || !strings.Contains(body, `"username": "t-practitioner"`) {
			t.Fatalf("token on /api/v1/me: %d %s", resp.StatusCode, body)
		}

		var list tokenList
		_, body = env.api("GET", "/api/v1/tokens", tok, "")
		if err := json.Unmarshal([]byte(body), &list); err != nil || len(list.Items) != 1 {
			t.Fatalf("list: %v %s", err, body)
		}
		resp, _ = env.postForm(c, "/account/tokens/"+itoa(int(list.Items[0].ID))+"/revoke", url.Values{})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke: %d", resp.StatusCode)
		}
		resp, body = env.api("GET", "/api/v1/me", tok, "")
		if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") || !strings.Contains(body, "revoked") {
			t.Fatalf("revoked token: %d %q %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		if _, account = env.get(c, "/account"); !strings.Contains(account, "Revoked") {
			t.Error("the account page does not show the token as revoked")
		}

		// Validation and the capability.
		resp, body = env.postForm(c, "/account/tokens", url.Values{"name": {""}, "expires_in_days": {"400"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#name"`) || !strings.Contains(body, `href="#expires_in_days"`) {
			t.Fatalf("invalid token form: %d", resp.StatusCode)
		}
		if resp, _ := env.postForm(env.client("str_worker"), "/account/tokens", url.Values{"name": {"x"}}); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("STR worker creates a token: %d, want 403", resp.StatusCode)
		}
		// Someone else's token cannot be revoked.
		other := env.token("team_manager")
		_, body = env.api("GET", "/api/v1/tokens", other, "")
		json.Unmarshal([]byte(body), &list)
		if resp, _ := env.postForm(c, "/account/tokens/"+itoa(int(list.Items[0].ID))+"/revoke", url.Values{}); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("revoking another user's token: %d, want 404", resp.StatusCode)
		}
	})
}

func TestPersonalTokenAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		tok := env.token("practitioner")
		resp, body := env.api("POST", "/api/v1/tokens", tok, `{"name": "Feed", "expires_in_days": 7}`)
		if resp.StatusCode != http.StatusCreated || !strings.HasPrefix(resp.Header.Get("Location"), "/api/v1/tokens/") {
			t.Fatalf("create: %d %s", resp.StatusCode, body)
		}
		var created tokenCreated
		if err := json.Unmarshal([]byte(body), &created); err != nil || !strings.HasPrefix(created.Token, auth.APIPrefix) || created.Name != "Feed" || created.ExpiresAt.IsZero() {
			t.Fatalf("created %+v %v", created, err)
		}
		if resp, _ := env.api("GET", resp.Header.Get("Location"), created.Token, ""); resp.StatusCode != 200 {
			t.Fatalf("get created token: %d", resp.StatusCode)
		}
		_, body = env.api("GET", "/api/v1/tokens", tok, "")
		if strings.Contains(body, created.Token) || !strings.Contains(body, created.Prefix) {
			t.Fatalf("list shows the secret or lacks the prefix: %s", body)
		}
		for _, bad := range []string{`{"name": ""}`, `{"name": "x", "expires_in_days": 366}`, `{"name": "x", "expires_in_days": -1}`} {
			if resp, body := env.api("POST", "/api/v1/tokens", tok, bad); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `"errors"`) {
				t.Errorf("%s: %d %s", bad, resp.StatusCode, body)
			}
		}
		if resp, _ := env.api("DELETE", "/api/v1/tokens/"+itoa(int(created.ID)), tok, ""); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("delete: %d", resp.StatusCode)
		}
		if resp, _ := env.api("GET", "/api/v1/me", created.Token, ""); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("deleted token: %d", resp.StatusCode)
		}
		if resp, _ := env.api("DELETE", "/api/v1/tokens/"+itoa(int(created.ID)), tok, ""); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("delete twice: %d", resp.StatusCode)
		}
		if resp, _ := env.api("POST", "/api/v1/tokens", env.token("str_worker"), `{"name": "x"}`); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("STR worker: %d", resp.StatusCode)
		}
	})
}

func TestServiceAccountTokens(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		admin := env.client("administrator")
		if resp, _ := env.get(env.client("practitioner"), "/admin/service-accounts"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("practitioner: %d", resp.StatusCode)
		}
		resp, body := env.get(admin, "/admin/service-accounts")
		if resp.StatusCode != 200 || !strings.Contains(body, "There are no service accounts yet") {
			t.Fatalf("empty list: %d", resp.StatusCode)
		}
		// A scope outside the role is refused.
		form := url.Values{"name": {"Prison release feed"}, "role": {"analyst"}, "token_name": {"feed-01"}, "scopes": {liaise.CapCodesRead, liaise.CapRecordRead}}
		resp, body = env.postForm(admin, "/admin/service-accounts", form)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#scopes"`) {
			t.Fatalf("scope outside role: %d", resp.StatusCode)
		}
		form["scopes"] = []string{liaise.CapCodesRead, liaise.CapOrgRead}
		resp, body = env.postForm(admin, "/admin/service-accounts", form)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "You will not be able to see it again") {
			t.Fatalf("create: %d\n%.2000s", resp.StatusCode, body)
		}
		tok := createdToken(t, body)
		if !strings.HasPrefix(tok, auth.ServicePrefix) {
			t.Fatalf("token %q", tok)
		}

		resp, body = env.api("GET", "/api/v1/me", tok, "")
		if resp.StatusCode != 200 || !strings.Contains(body, `"username": "svc-prison-release-feed"`) || !strings.Contains(body, liaise.CapOrgRead) {
			t.Fatalf("service token on /api/v1/me: %d %s", resp.StatusCode, body)
		}
		// The analyst role may create tokens, but this token's scopes do not include it.
		if resp, body := env.api("POST", "/api/v1/tokens", tok, `{"name": "more"}`); resp.StatusCode != http.StatusForbidden || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
			t.Fatalf("capability outside the scopes: %d %s", resp.StatusCode, body)
		}
		// It cannot sign in to the web pages.
		if resp, _ := env.signIn(env.anon(), "svc-prison-release-feed", ""); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("service account sign-in: %d", resp.StatusCode)
		}

		_, body = env.get(admin, "/admin/service-accounts")
		if strings.Contains(body, tok) || !strings.Contains(body, tok[:12]) || !strings.Contains(body, "Prison release feed") {
			t.Fatalf("list shows the secret or lacks the account:\n%s", body)
		}
		action := regexp.MustCompile(`action="(/admin/service-accounts/\d+/tokens/\d+/revoke)"`).FindStringSubmatch(body)
		if action == nil {
			t.Fatal("no revoke button")
		}
		// Rotate: issue a second token, then revoke the first.
		issue := strings.TrimSuffix(action[1][:strings.LastIndex(action[1], "/tokens/")], "/") + "/tokens"
		if resp, _ := env.get(admin, issue+"/new"); resp.StatusCode != 200 {
			t.Fatalf("new token page: %d", resp.StatusCode)
		}
		resp, body = env.postForm(admin, issue, url.Values{"token_name": {"feed-02"}, "scopes": {liaise.CapCodesRead}})
		if resp.StatusCode != 200 {
			t.Fatalf("issue: %d", resp.StatusCode)
		}
		tok2 := createdToken(t, body)
		if resp, _ := env.postForm(admin, action[1], url.Values{}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke: %d", resp.StatusCode)
		}
		if resp, _ := env.api("GET", "/api/v1/me", tok, ""); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("revoked service token: %d", resp.StatusCode)
		}
		if resp, _ := env.api("GET", "/api/v1/me", tok2, ""); resp.StatusCode != 200 {
			t.Fatalf("rotated service token: %d", resp.StatusCode)
		}
		if n := env.count(`SELECT COUNT(*) FROM audit_events WHERE action = 'list' AND record_type = 'service_account' AND user_id = ?`, env.Users["administrator"]); n < 2 {
			t.Errorf("service account list reads audited %d times", n)
		}
	})
}
