package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"liaise"
)

// An administrator cannot mint a service-account token with operator-only
// scopes: the form does not offer them and the store refuses a forged one.
func TestServiceAccountOperatorOnlyScopes(t *testing.T) {
	forEachEngine(t, func(t *testing.T, env *testEnv) {
		admin := env.client("administrator")
		resp, body := env.get(admin, "/admin/service-accounts")
		wantStatus(t, resp, body, http.StatusOK)
		for _, c := range []string{liaise.CapAuditSearch, liaise.CapUserManage, liaise.CapRoleManage, liaise.CapServiceAccounts, liaise.CapBreakGlass, liaise.CapDisclosureReview} {
			if strings.Contains(body, `value="`+c+`"`) {
				t.Errorf("scope %s offered to an administrator", c)
			}
		}
		wantBody(t, body, `value="`+liaise.CapRecordRead+`"`)

		form := url.Values{"name": {"Audit feed"}, "role": {"caldicott_guardian"}, "token_name": {"feed-01"}, "scopes": {liaise.CapAuditSearch, liaise.CapRecordRead}}
		resp, body = env.postForm(admin, "/admin/service-accounts", form)
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantBody(t, body, `href="#scopes"`, "Only the system operator")
		if n := env.count(`SELECT COUNT(*) FROM users WHERE service_account`); n != 0 {
			t.Errorf("%d service accounts created", n)
		}
		form["scopes"] = []string{liaise.CapRecordRead}
		resp, body = env.postForm(admin, "/admin/service-accounts", form)
		wantStatus(t, resp, body, http.StatusOK)
	})
}
