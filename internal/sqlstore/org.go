package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"liaise"
	"liaise/internal/ident"
)

// The organisation model: providers, contracts, services, teams, sites, hubs,
// partner organisations and outside agencies. Each is configuration data of
// one provider (the data boundary): staff read their own provider's records
// (CapOrgRead), administrators change them (CapOrgManage), and every read and
// write is audited. This file holds the shared rules and providers; the other
// entities live in org_*.go.

// queryer is what both the reader pool and a write transaction offer, so a
// record can be loaded the same way inside and outside a transaction.
type queryer interface {
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// maxNameLen bounds free-text names so a pasted document cannot become a team name.
const maxNameLen = 200

// mayOrg checks the capability alone, before anything is read; the record's
// own provider is checked by authorizeOrg once it is known.
func mayOrg(a *liaise.Actor, capability, typ string) error {
	return liaise.Authorize(a, capability, liaise.Resource{Type: typ})
}

// authorizeOrg decides access to one organisation record. A refusal that
// comes only from the provider boundary is reported as not found, so staff
// of one provider cannot learn which ids another provider uses.
func authorizeOrg(a *liaise.Actor, capability, typ string, id, provider int64, what string) error {
	err := liaise.Authorize(a, capability, liaise.Resource{Type: typ, ID: id, ProviderID: provider})
	if err == nil {
		return nil
	}
	if liaise.ErrorCode(err) == liaise.EFORBIDDEN && mayOrg(a, capability, typ) == nil {
		return liaise.Errorf(liaise.ENOTFOUND, "%s was not found.", what)
	}
	return err
}

// listScope returns the provider a list is limited to: the one asked for, or
// the actor's own when 0; the operator (System) sees every provider with 0.
func listScope(a *liaise.Actor, typ string, provider int64) (int64, error) {
	if err := mayOrg(a, liaise.CapOrgRead, typ); err != nil {
		return 0, err
	}
	if provider == 0 && !a.System {
		provider = a.ProviderID
	}
	if err := liaise.Authorize(a, liaise.CapOrgRead, liaise.Resource{Type: typ, ProviderID: provider}); err != nil {
		return 0, err
	}
	return provider, nil
}

// createScope returns the provider a new record belongs to: the one given,
// or the actor's own. Administrators can only create inside their provider.
func createScope(a *liaise.Actor, typ string, provider int64) (int64, error) {
	if err := mayOrg(a, liaise.CapOrgManage, typ); err != nil {
		return 0, err
	}
	if provider == 0 && !a.System {
		provider = a.ProviderID
	}
	if provider == 0 {
		return 0, fieldError("provider_id", "Choose the provider organisation")
	}
	if err := liaise.Authorize(a, liaise.CapOrgManage, liaise.Resource{Type: typ, ProviderID: provider}); err != nil {
		return 0, err
	}
	return provider, nil
}

// providerWhere adds the provider filter of a list ("" when the operator lists all).
func providerWhere(provider int64, col string) (string, []any) {
	if provider == 0 {
		return "", nil
	}
	return " WHERE " + col + " = ?", []any{provider}
}

// auditList records that a list of organisation records was shown, with the
// ids it showed.
func (db *DB) auditList(ctx context.Context, a *liaise.Actor, typ string, provider int64, ids []int64) error {
	ev := liaise.EventFor(a, liaise.AuditList, typ, 0)
	if provider != 0 {
		ev.ProviderID = provider
	}
	ev.Subjects = ids
	return db.AuditRead(ctx, ev)
}

// auditGet records that one organisation record was read.
func (db *DB) auditGet(ctx context.Context, a *liaise.Actor, typ string, id, provider, team int64) error {
	ev := liaise.EventFor(a, liaise.AuditRead, typ, id)
	ev.ProviderID = provider
	ev.TeamID = team
	return db.AuditRead(ctx, ev)
}

// auditWrite records a create or update in the transaction that made it.
// detail names the fields changed (never their values, which may be personal).
func auditWrite(ctx context.Context, tx *Tx, a *liaise.Actor, action, typ string, id, provider, team int64, detail string) error {
	ev := liaise.EventFor(a, action, typ, id)
	ev.ProviderID = provider
	ev.TeamID = team
	ev.Detail = detail
	return tx.Audit(ctx, ev)
}

// changes collects the names of changed fields for the audit detail.
type changes []string

func (c *changes) add(field string, changed bool) {
	if changed {
		*c = append(*c, field)
	}
}

func (c changes) String() string {
	if len(c) == 0 {
		return "no changes"
	}
	return "changed: " + strings.Join(c, ", ")
}

// fieldError is a validation error on one field.
func fieldError(field, msg string) error {
	var v liaise.Validation
	v.Add(field, msg)
	return v.Err()
}

// nameTaken turns a unique-name violation into a friendly field error.
func nameTaken(err error, field, msg string) error {
	if isUniqueViolation(err) {
		return fieldError(field, msg)
	}
	return err
}

// checkName validates a required name.
func checkName(v *liaise.Validation, name *string, field, missing string) {
	*name = strings.Join(strings.Fields(*name), " ")
	v.Check(*name != "", field, missing)
	v.Check(len(*name) <= maxNameLen, field, fmt.Sprintf("Name must be %d characters or fewer", maxNameLen))
}

// sortByName orders records by name the same way on both engines (their
// collations differ), then by id.
func sortByName[T any](xs []T, name func(T) string, id func(T) int64) {
	slices.SortFunc(xs, func(a, b T) int {
		if c := strings.Compare(strings.ToLower(name(a)), strings.ToLower(name(b))); c != 0 {
			return c
		}
		return int(id(a) - id(b))
	})
}

// placeholders returns "?, ?, ?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// ownedIDs returns which of ids are rows of table owned by provider, so links
// (a contract's services, a hub's sites) never cross the provider boundary.
func ownedIDs(ctx context.Context, q queryer, table string, provider int64, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{provider}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := q.Query(ctx, `SELECT id FROM `+table+` WHERE provider_id = ? AND id IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// dedupe returns ids without repeats, in order.
func dedupe(ids []int64) []int64 {
	var out []int64
	for _, id := range ids {
		if id != 0 && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// --- Providers -------------------------------------------------------------

const providerSelect = `SELECT id, name, ods_code, version FROM providers`

func scanProviders(rows *sql.Rows) ([]liaise.Provider, error) {
	defer rows.Close()
	var out []liaise.Provider
	for rows.Next() {
		var p liaise.Provider
		if err := rows.Scan(&p.ID, &p.Name, &p.ODSCode, &p.Version); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ValidateProvider checks and normalises a provider: a name, and an ODS
// organisation code of the shape a provider has (3 characters for an NHS
// trust, like RV5; 5 starting with 8 for an independent provider, like 8HN12).
func ValidateProvider(p *liaise.Provider) error {
	var v liaise.Validation
	checkName(&v, &p.Name, "name", "Enter the provider's name")
	code, kind, err := ident.NormaliseODS(p.ODSCode)
	switch {
	case err != nil:
		v.Add("ods_code", liaise.ErrorMessage(err))
	case kind != ident.ODSTrust && kind != ident.ODSIndependent:
		v.Add("ods_code", "A provider's ODS code has 3 characters for an NHS trust, like RV5, or 5 starting with 8 for an independent provider, like 8HN12")
	default:
		p.ODSCode = code
	}
	return v.Err()
}

// ListProviders returns the providers the actor may see: their own, or
// every provider for the operator.
func (db *DB) ListProviders(ctx context.Context) ([]liaise.Provider, error) {
	a := liaise.ActorFrom(ctx)
	provider, err := listScope(a, "provider", 0)
	if err != nil {
		return nil, err
	}
	where, args := providerWhere(provider, "id")
	rows, err := db.Query(ctx, providerSelect+where, args...)
	if err != nil {
		return nil, err
	}
	out, err := scanProviders(rows)
	if err != nil {
		return nil, err
	}
	sortByName(out, func(p liaise.Provider) string { return p.Name }, func(p liaise.Provider) int64 { return p.ID })
	ids := make([]int64, len(out))
	for i, p := range out {
		ids[i] = p.ID
	}
	return out, db.auditList(ctx, a, "provider", provider, ids)
}

// GetProvider returns one provider, if the actor belongs to it.
func (db *DB) GetProvider(ctx context.Context, id int64) (liaise.Provider, error) {
	a := liaise.ActorFrom(ctx)
	if err := mayOrg(a, liaise.CapOrgRead, "provider"); err != nil {
		return liaise.Provider{}, err
	}
	p, err := getProvider(ctx, db, id)
	if err != nil {
		return p, err
	}
	if err := authorizeOrg(a, liaise.CapOrgRead, "provider", id, id, "The provider"); err != nil {
		return liaise.Provider{}, err
	}
	return p, db.auditGet(ctx, a, "provider", id, id, 0)
}

func getProvider(ctx context.Context, q queryer, id int64) (liaise.Provider, error) {
	rows, err := q.Query(ctx, providerSelect+` WHERE id = ?`, id)
	if err != nil {
		return liaise.Provider{}, err
	}
	ps, err := scanProviders(rows)
	if err != nil {
		return liaise.Provider{}, err
	}
	if len(ps) == 0 {
		return liaise.Provider{}, liaise.Errorf(liaise.ENOTFOUND, "The provider was not found.")
	}
	return ps[0], nil
}

// CreateProvider adds a provider organisation. Only the operator (the CLI
// and the demo loader, acting as System) may: a provider is a new data
// boundary, and an administrator of one provider could not see the new one.
func (db *DB) CreateProvider(ctx context.Context, p *liaise.Provider) error {
	a := liaise.ActorFrom(ctx)
	if err := mayOrg(a, liaise.CapOrgManage, "provider"); err != nil {
		return err
	}
	if !a.System {
		return liaise.Errorf(liaise.EFORBIDDEN, "New provider organisations are added by the system operator. You can change your own provider's details.")
	}
	if err := ValidateProvider(p); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		id, err := tx.InsertID(ctx, `INSERT INTO providers (name, ods_code, version, created_at, updated_at) VALUES (?, ?, 1, ?, ?)`,
			p.Name, p.ODSCode, tx.Now, tx.Now)
		if err != nil {
			return nameTaken(err, "ods_code", "Another provider already has this ODS code")
		}
		p.ID, p.Version = id, 1
		return auditWrite(ctx, tx, a, liaise.AuditCreate, "provider", id, id, 0, "")
	})
}

// UpdateProvider changes a provider's name and ODS code. p.Version must be
// the version the change was based on; a concurrent change makes it stale.
func (db *DB) UpdateProvider(ctx context.Context, p *liaise.Provider) error {
	a := liaise.ActorFrom(ctx)
	if err := mayOrg(a, liaise.CapOrgManage, "provider"); err != nil {
		return err
	}
	if err := ValidateProvider(p); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		old, err := getProvider(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		if err := authorizeOrg(a, liaise.CapOrgManage, "provider", p.ID, p.ID, "The provider"); err != nil {
			return err
		}
		err = tx.UpdateVersioned(ctx, "providers", `UPDATE providers SET name = ?, ods_code = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			p.Name, p.ODSCode, tx.Now, p.ID, p.Version)
		if err != nil {
			return nameTaken(err, "ods_code", "Another provider already has this ODS code")
		}
		var c changes
		c.add("name", old.Name != p.Name)
		c.add("ods_code", old.ODSCode != p.ODSCode)
		p.Version++
		return auditWrite(ctx, tx, a, liaise.AuditUpdate, "provider", p.ID, p.ID, 0, c.String())
	})
}
