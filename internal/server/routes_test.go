package server

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"liaise"
)

// concretePath fills {params} so a route pattern can be requested.
func concretePath(pattern string) string {
	p := regexp.MustCompile(`\{[a-zA-Z_]+(\.\.\.)?\}`).ReplaceAllString(pattern, "999999")
	return strings.TrimSuffix(p, "{$}")
}

// TestRoleRouteTable requests every route as every built-in role and checks
// that a role without the route's capability is refused with 403, and a role
// with it is not. It iterates the route table, so no new route escapes it.
func TestRoleRouteTable(t *testing.T) {
	env := newTestEnv(t)
	clients := map[string]*http.Client{}
	tokens := map[string]string{}
	for _, r := range liaise.BuiltInRoles {
		clients[r.Code] = env.client(r.Code)
		tokens[r.Code] = env.token(r.Code)
	}
	for _, rt := range env.Server.Routes() {
		if rt.Public {
			continue
		}
		for _, role := range liaise.BuiltInRoles {
			may := rt.Cap == "" || containsStr(role.Capabilities, rt.Cap)
			var resp *http.Response
			path := concretePath(rt.Pattern)
			if rt.API() {
				resp, _ = env.api(rt.Method, path, tokens[role.Code], "")
			} else if rt.Method == "GET" {
				resp, _ = env.get(clients[role.Code], path)
			} else {
				resp, _ = env.do(clients[role.Code], rt.Method, path, strings.NewReader(""), "Origin", env.HTTP.URL)
			}
			forbidden := resp.StatusCode == http.StatusForbidden
			if !may && !forbidden {
				t.Errorf("%s %s as %s: status %d, want 403", rt.Method, rt.Pattern, role.Code, resp.StatusCode)
			}
			if may && forbidden && rt.Cap != "" {
				// A record-level refusal is fine for made-up ids, but a
				// capability-level refusal is not: check the message.
				_, body := env.get(clients[role.Code], path)
				if strings.Contains(body, "does not allow this") {
					t.Errorf("%s %s as %s: refused by capability it holds", rt.Method, rt.Pattern, role.Code)
				}
			}
			if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode >= 500 {
				t.Errorf("%s %s as %s: status %d", rt.Method, rt.Pattern, role.Code, resp.StatusCode)
			}
		}
	}
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestOpenAPIInStepWithRoutes checks that every API route is in the served
// document, with its path parameters declared, and nothing else is.
func TestOpenAPIInStepWithRoutes(t *testing.T) {
	env := newTestEnv(t)
	resp, body := env.get(env.anon(), "/api/v1/openapi.json")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q", doc.OpenAPI)
	}
	want := map[string]bool{}
	for _, rt := range env.Server.Routes() {
		if !rt.API() {
			continue
		}
		key := strings.ToLower(rt.Method) + " " + rt.Pattern
		want[key] = true
		op, ok := doc.Paths[rt.Pattern][strings.ToLower(rt.Method)]
		if !ok {
			t.Errorf("route %s missing from OpenAPI", key)
			continue
		}
		if op["summary"] == "" || op["summary"] == nil {
			t.Errorf("route %s has no summary", key)
		}
		for _, m := range pathParam.FindAllStringSubmatch(rt.Pattern, -1) {
			if !strings.Contains(body, `"name": "`+m[1]+`"`) {
				t.Errorf("route %s: parameter %s not declared", key, m[1])
			}
		}
	}
	for p, ops := range doc.Paths {
		for m := range ops {
			if !want[m+" "+p] {
				t.Errorf("OpenAPI has %s %s, which is not a route", m, p)
			}
		}
	}
}

// TestEveryPageRouteRenders requests every GET page as the administrator and
// a practitioner and fails on a server error, so every template is exercised.
func TestEveryPageRouteRenders(t *testing.T) {
	env := newTestEnv(t)
	for _, role := range []string{"administrator", "practitioner", "auditor"} {
		c := env.client(role)
		for _, rt := range env.Server.Routes() {
			if rt.Method != "GET" || rt.API() {
				continue
			}
			resp, body := env.get(c, concretePath(rt.Pattern))
			if resp.StatusCode >= 500 {
				t.Errorf("GET %s as %s: %d\n%.500s", rt.Pattern, role, resp.StatusCode, body)
			}
		}
	}
}

// TestPersonalAndConfigPagesAreAudited requests every parameter-free GET
// route marked Personal or Config as a role that may use it, and checks that
// an audit event was written for the request. It iterates the route table.
func TestPersonalAndConfigPagesAreAudited(t *testing.T) {
	env := newTestEnv(t)
	checked := 0
	for _, rt := range env.Server.Routes() {
		if rt.Method != "GET" || rt.Public || !(rt.Personal || rt.Config) || strings.Contains(rt.Pattern, "{") {
			continue
		}
		role := ""
		for _, r := range liaise.BuiltInRoles {
			if rt.Cap == "" || containsStr(r.Capabilities, rt.Cap) {
				role = r.Code
				break
			}
		}
		if rt.Cap == "" {
			role = "administrator"
		}
		if role == "" {
			t.Errorf("%s: no built-in role may use it", rt.Pattern)
			continue
		}
		var resp *http.Response
		if rt.API() {
			resp, _ = env.api("GET", rt.Pattern, env.token(role), "")
		} else {
			resp, _ = env.get(env.client(role), rt.Pattern)
		}
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s as %s: %d", rt.Pattern, role, resp.StatusCode)
			continue
		}
		reqID := resp.Header.Get("X-Request-Id")
		if n := env.count(`SELECT COUNT(*) FROM audit_events WHERE request_id = ?`, reqID); n == 0 {
			t.Errorf("GET %s as %s wrote no audit event", rt.Pattern, role)
		}
		checked++
	}
	if checked < 10 {
		t.Fatalf("only %d routes checked", checked)
	}
}
