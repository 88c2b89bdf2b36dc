package server

import (
	"net/http"
	"slices"

	"liaise"
	"liaise/internal/auth"
	"liaise/internal/sqlstore"
)

// Service accounts are for system feeds (for example prison release
// events): no password, only tokens whose scopes narrow the account's role.
func (s *Server) serviceAccountRoutes() []Route {
	c := liaise.CapServiceAccounts
	return []Route{
		{Method: "GET", Pattern: "/admin/service-accounts", Cap: c, Config: true, Handler: s.serviceAccountsPage},
		{Method: "POST", Pattern: "/admin/service-accounts", Cap: c, Config: true, Handler: s.createServiceAccount},
		{Method: "GET", Pattern: "/admin/service-accounts/{id}/tokens/new", Cap: c, Config: true, Handler: s.newServiceTokenPage},
		{Method: "POST", Pattern: "/admin/service-accounts/{id}/tokens", Cap: c, Config: true, Handler: s.issueServiceToken},
		{Method: "POST", Pattern: "/admin/service-accounts/{id}/tokens/{tid}/revoke", Cap: c, Config: true, Handler: s.revokeServiceToken},
	}
}

// serviceAccountsData is the service accounts page's view model.
type serviceAccountsData struct {
	Accounts    []serviceAccountView
	RoleOptions []Option
	ScopeOption []Option
}

type serviceAccountView struct {
	sqlstore.ServiceAccount
	TokenViews []tokenView
}

// scopeOptions offers the capabilities the actor may put on a service
// account's token: every one for the system operator, all but the
// operator-only ones for an administrator. The store refuses any the chosen
// role does not hold, and checks the operator-only rule again.
func scopeOptions(a *liaise.Actor) []Option {
	return slices.DeleteFunc(capabilityOptions(), func(o Option) bool {
		return !a.System && slices.Contains(sqlstore.OperatorOnlyScopes, o.Value)
	})
}

// readServiceTokenForm reads a form that mints a service account token. A
// bad expiry is a form error: ok is false and the page is shown again.
func readServiceTokenForm(r *http.Request) (f *Form, days int, ok bool, err error) {
	if err := r.ParseForm(); err != nil {
		return nil, 0, false, liaise.Errorf(liaise.EINVALID, "The form could not be read. Go back and try again.")
	}
	f = NewForm(r.PostForm)
	days, ok = parseDays(f.Get("expires_in_days"))
	if !ok || !validDays(days) {
		f.AddError("expires_in_days", daysMessage)
		return f, days, false, nil
	}
	return f, days, true, nil
}

// renderServiceTokenCreated shows a new service account token, once.
func (s *Server) renderServiceTokenCreated(w http.ResponseWriter, r *http.Request, title string, t *sqlstore.APIToken, token, name, username string) error {
	p := s.newPage(r, title)
	p.Data = tokenCreatedData{Token: token, Name: t.Name, ExpiresAt: t.ExpiresAt, Scopes: t.Scopes, Account: name + " (" + username + ")", Back: "/admin/service-accounts"}
	s.render(w, r, http.StatusOK, "token_created", p)
	return nil
}

func (s *Server) renderServiceAccounts(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	ctx := r.Context()
	accounts, err := s.DB.ListServiceAccounts(ctx)
	if err != nil {
		return err
	}
	roles, err := s.DB.ServiceAccountRoles(ctx)
	if err != nil {
		return err
	}
	d := serviceAccountsData{ScopeOption: scopeOptions(liaise.ActorFrom(ctx))}
	for _, a := range accounts {
		d.Accounts = append(d.Accounts, serviceAccountView{ServiceAccount: a, TokenViews: s.tokenViews(a.Tokens)})
	}
	for _, rl := range roles {
		d.RoleOptions = append(d.RoleOptions, Option{Value: rl.Code, Label: rl.Name})
	}
	p := s.newPage(r, "Service accounts")
	if f != nil {
		p.Form = f
	}
	p.Data = d
	s.render(w, r, status, "service_accounts", p)
	return nil
}

func (s *Server) serviceAccountsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderServiceAccounts(w, r, http.StatusOK, nil)
}

// createServiceAccount adds the account and its first token together and
// shows the token once.
func (s *Server) createServiceAccount(w http.ResponseWriter, r *http.Request) error {
	f, days, ok, err := readServiceTokenForm(r)
	if err != nil {
		return err
	}
	if !ok {
		return s.renderServiceAccounts(w, r, http.StatusUnprocessableEntity, f)
	}
	u := &liaise.User{DisplayName: f.Get("name"), RoleCode: f.Get("role")}
	t, token, hash := s.mintToken(0, f.Get("token_name"), days, auth.ServicePrefix, r.PostForm["scopes"])
	err = s.DB.CreateServiceAccount(r.Context(), u, t, hash)
	if f.Absorb(err, "name", "role", "token_name", "scopes") {
		return s.renderServiceAccounts(w, r, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	return s.renderServiceTokenCreated(w, r, "Service account created", t, token, u.DisplayName, u.Username)
}

// serviceTokenData is the form for another token of a service account.
type serviceTokenData struct {
	Account     sqlstore.ServiceAccount
	ScopeOption []Option
}

// findServiceAccount returns the actor's provider's service account id, or
// not found.
func (s *Server) findServiceAccount(r *http.Request, id int64) (sqlstore.ServiceAccount, error) {
	accounts, err := s.DB.ListServiceAccounts(r.Context())
	if err != nil {
		return sqlstore.ServiceAccount{}, err
	}
	for _, a := range accounts {
		if a.ID == id {
			return a, nil
		}
	}
	return sqlstore.ServiceAccount{}, liaise.Errorf(liaise.ENOTFOUND, "That service account was not found.")
}

func (s *Server) renderServiceToken(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	id, err := authPathID(r, "id")
	if err != nil {
		return err
	}
	acct, err := s.findServiceAccount(r, id)
	if err != nil {
		return err
	}
	p := s.newPage(r, "New token for "+acct.DisplayName)
	if f != nil {
		p.Form = f
	}
	p.Data = serviceTokenData{Account: acct, ScopeOption: scopeOptions(liaise.ActorFrom(r.Context()))}
	s.render(w, r, status, "service_account_token", p)
	return nil
}

func (s *Server) newServiceTokenPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderServiceToken(w, r, http.StatusOK, nil)
}

// issueServiceToken gives a service account another token (to rotate one
// before revoking the old, or for a second feed), shown once.
func (s *Server) issueServiceToken(w http.ResponseWriter, r *http.Request) error {
	id, err := authPathID(r, "id")
	if err != nil {
		return err
	}
	f, days, ok, err := readServiceTokenForm(r)
	if err != nil {
		return err
	}
	if !ok {
		return s.renderServiceToken(w, r, http.StatusUnprocessableEntity, f)
	}
	t, token, hash := s.mintToken(id, f.Get("token_name"), days, auth.ServicePrefix, r.PostForm["scopes"])
	err = s.DB.IssueServiceAccountToken(r.Context(), id, t, hash)
	if f.Absorb(err, "token_name", "scopes") {
		return s.renderServiceToken(w, r, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	acct, err := s.findServiceAccount(r, id)
	if err != nil {
		return err
	}
	return s.renderServiceTokenCreated(w, r, "Service account token created", t, token, acct.DisplayName, acct.Username)
}

func (s *Server) revokeServiceToken(w http.ResponseWriter, r *http.Request) error {
	id, err := authPathID(r, "id")
	if err != nil {
		return err
	}
	tid, err := authPathID(r, "tid")
	if err != nil {
		return err
	}
	if err := s.DB.RevokeServiceAccountToken(r.Context(), id, tid); err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/service-accounts", "The token has been revoked. The system using it can no longer connect.")
}
