package sqlstore

import (
	"context"
	"database/sql"

	"liaise"
)

// Services (L&D or RECONNECT) and the teams within them. Access to episodes
// follows team membership, so a team always belongs to a service of its own
// provider.

const serviceSelect = `SELECT id, provider_id, name, type, version FROM services`

func scanServices(rows *sql.Rows) ([]liaise.Service, error) {
	defer rows.Close()
	var out []liaise.Service
	for rows.Next() {
		var s liaise.Service
		if err := rows.Scan(&s.ID, &s.ProviderID, &s.Name, &s.Type, &s.Version); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ValidateService checks a service's name and type.
func ValidateService(s *liaise.Service) error {
	var v liaise.Validation
	checkName(&v, &s.Name, "name", "Enter the service's name, like Thames Valley Liaison and Diversion")
	v.Check(s.Type == liaise.ServiceLD || s.Type == liaise.ServiceRECONNECT, "type", "Choose whether this is a Liaison and Diversion or a RECONNECT service")
	return v.Err()
}

// ListServices returns the services of a provider (0: the actor's own; the
// operator sees all), by name.
func (db *DB) ListServices(ctx context.Context, provider int64) ([]liaise.Service, error) {
	a := liaise.ActorFrom(ctx)
	provider, err := listScope(a, "service", provider)
	if err != nil {
		return nil, err
	}
	where, args := providerWhere(provider, "provider_id")
	rows, err := db.Query(ctx, serviceSelect+where, args...)
	if err != nil {
		return nil, err
	}
	out, err := scanServices(rows)
	if err != nil {
		return nil, err
	}
	sortByName(out, func(s liaise.Service) string { return s.Name }, func(s liaise.Service) int64 { return s.ID })
	ids := make([]int64, len(out))
	for i, s := range out {
		ids[i] = s.ID
	}
	return out, db.auditList(ctx, a, "service", provider, ids)
}

func getService(ctx context.Context, q queryer, id int64) (liaise.Service, error) {
	rows, err := q.Query(ctx, serviceSelect+` WHERE id = ?`, id)
	if err != nil {
		return liaise.Service{}, err
	}
	ss, err := scanServices(rows)
	if err != nil {
		return liaise.Service{}, err
	}
	if len(ss) == 0 {
		return liaise.Service{}, liaise.Errorf(liaise.ENOTFOUND, "The service was not found.")
	}
	return ss[0], nil
}

// GetService returns one service of the actor's provider.
func (db *DB) GetService(ctx context.Context, id int64) (liaise.Service, error) {
	a := liaise.ActorFrom(ctx)
	if err := mayOrg(a, liaise.CapOrgRead, "service"); err != nil {
		return liaise.Service{}, err
	}
	s, err := getService(ctx, db, id)
	if err != nil {
		return s, err
	}
	if err := authorizeOrg(a, liaise.CapOrgRead, "service", id, s.ProviderID, "The service"); err != nil {
		return liaise.Service{}, err
	}
	return s, db.auditGet(ctx, a, "service", id, s.ProviderID, 0)
}

func serviceNameTaken(err error) error {
	return nameTaken(err, "name", "Your organisation already has a service with this name")
}

// CreateService adds a service to the actor's provider (or, for the
// operator, to s.ProviderID).
func (db *DB) CreateService(ctx context.Context, s *liaise.Service) error {
	a := liaise.ActorFrom(ctx)
	provider, err := createScope(a, "service", s.ProviderID)
	if err != nil {
		return err
	}
	s.ProviderID = provider
	if err := ValidateService(s); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		id, err := tx.InsertID(ctx, `INSERT INTO services (provider_id, name, type, version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)`,
			s.ProviderID, s.Name, s.Type, tx.Now, tx.Now)
		if err != nil {
			return serviceNameTaken(err)
		}
		s.ID, s.Version = id, 1
		return auditWrite(ctx, tx, a, liaise.AuditCreate, "service", id, s.ProviderID, 0, "")
	})
}

// UpdateService changes a service; s.Version is the version it was based on.
func (db *DB) UpdateService(ctx context.Context, s *liaise.Service) error {
	a := liaise.ActorFrom(ctx)
	if err := mayOrg(a, liaise.CapOrgManage, "service"); err != nil {
		return err
	}
	if err := ValidateService(s); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		old, err := getService(ctx, tx, s.ID)
		if err != nil {
			return err
		}
		if err := authorizeOrg(a, liaise.CapOrgManage, "service", s.ID, old.ProviderID, "The service"); err != nil {
			return err
		}
		s.ProviderID = old.ProviderID
		err = tx.UpdateVersioned(ctx, "services", `UPDATE services SET name = ?, type = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			s.Name, s.Type, tx.Now, s.ID, s.Version)
		if err != nil {
			return serviceNameTaken(err)
		}
		var c changes
		c.add("name", old.Name != s.Name)
		c.add("type", old.Type != s.Type)
		s.Version++
		return auditWrite(ctx, tx, a, liaise.AuditUpdate, "service", s.ID, s.ProviderID, 0, c.String())
	})
}

// --- Teams -----------------------------------------------------------------

const teamSelect = `SELECT id, service_id, provider_id, name, version FROM teams`

func scanTeams(rows *sql.Rows) ([]liaise.Team, error) {
	defer rows.Close()
	var out []liaise.Team
	for rows.Next() {
		var t liaise.Team
		if err := rows.Scan(&t.ID, &t.ServiceID, &t.ProviderID, &t.Name, &t.Version); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ValidateTeam checks a team's name and that it names a service; that the
// service is the provider's own is checked when it is saved.
func ValidateTeam(t *liaise.Team) error {
	var v liaise.Validation
	checkName(&v, &t.Name, "name", "Enter the team's name, like Reading custody team")
	v.Check(t.ServiceID != 0, "service_id", "Choose the service the team works in")
	return v.Err()
}

// ListTeams returns the teams of a provider (0: the actor's own; the
// operator sees all), by name.
func (db *DB) ListTeams(ctx context.Context, provider int64) ([]liaise.Team, error) {
	a := liaise.ActorFrom(ctx)
	provider, err := listScope(a, "team", provider)
	if err != nil {
		return nil, err
	}
	where, args := providerWhere(provider, "provider_id")
	rows, err := db.Query(ctx, teamSelect+where, args...)
	if err != nil {
		return nil, err
	}
	out, err := scanTeams(rows)
	if err != nil {
		return nil, err
	}
	sortByName(out, func(t liaise.Team) string { return t.Name }, func(t liaise.Team) int64 { return t.ID })
	ids := make([]int64, len(out))
	for i, t := range out {
		ids[i] = t.ID
	}
	return out, db.auditList(ctx, a, "team", provider, ids)
}

func getTeam(ctx context.Context, q queryer, id int64) (liaise.Team, error) {
	rows, err := q.Query(ctx, teamSelect+` WHERE id = ?`, id)
	if err != nil {
		return liaise.Team{}, err
	}
	ts, err := scanTeams(rows)
	if err != nil {
		return liaise.Team{}, err
	}
	if len(ts) == 0 {
		return liaise.Team{}, liaise.Errorf(liaise.ENOTFOUND, "The team was not found.")
	}
	return ts[0], nil
}

// GetTeam returns one team of the actor's provider.
func (db *DB) GetTeam(ctx context.Context, id int64) (liaise.Team, error) {
	a := liaise.ActorFrom(ctx)
	if err := mayOrg(a, liaise.CapOrgRead, "team"); err != nil {
		return liaise.Team{}, err
	}
	t, err := getTeam(ctx, db, id)
	if err != nil {
		return t, err
	}
	if err := authorizeOrg(a, liaise.CapOrgRead, "team", id, t.ProviderID, "The team"); err != nil {
		return liaise.Team{}, err
	}
	return t, db.auditGet(ctx, a, "team", id, t.ProviderID, id)
}

// checkTeamService refuses a service of another provider.
func checkTeamService(ctx context.Context, tx *Tx, t *liaise.Team) error {
	owned, err := ownedIDs(ctx, tx, "services", t.ProviderID, []int64{t.ServiceID})
	if err != nil {
		return err
	}
	if !owned[t.ServiceID] {
		return fieldError("service_id", "Choose a service your organisation runs")
	}
	return nil
}

func teamNameTaken(err error) error {
	return nameTaken(err, "name", "Your organisation already has a team with this name")
}

// CreateTeam adds a team to a service of the actor's provider (or, for the
// operator, of t.ProviderID).
func (db *DB) CreateTeam(ctx context.Context, t *liaise.Team) error {
	a := liaise.ActorFrom(ctx)
	provider, err := createScope(a, "team", t.ProviderID)
	if err != nil {
		return err
	}
	t.ProviderID = provider
	if err := ValidateTeam(t); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		if err := checkTeamService(ctx, tx, t); err != nil {
			return err
		}
		id, err := tx.InsertID(ctx, `INSERT INTO teams (provider_id, service_id, name, version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)`,
			t.ProviderID, t.ServiceID, t.Name, tx.Now, tx.Now)
		if err != nil {
			return teamNameTaken(err)
		}
		t.ID, t.Version = id, 1
		return auditWrite(ctx, tx, a, liaise.AuditCreate, "team", id, t.ProviderID, id, "")
	})
}

// UpdateTeam changes a team (its name, or the service it works in); t.Version
// is the version it was based on.
func (db *DB) UpdateTeam(ctx context.Context, t *liaise.Team) error {
	a := liaise.ActorFrom(ctx)
	if err := mayOrg(a, liaise.CapOrgManage, "team"); err != nil {
		return err
	}
	if err := ValidateTeam(t); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		old, err := getTeam(ctx, tx, t.ID)
		if err != nil {
			return err
		}
		if err := authorizeOrg(a, liaise.CapOrgManage, "team", t.ID, old.ProviderID, "The team"); err != nil {
			return err
		}
		t.ProviderID = old.ProviderID
		if err := checkTeamService(ctx, tx, t); err != nil {
			return err
		}
		err = tx.UpdateVersioned(ctx, "teams", `UPDATE teams SET service_id = ?, name = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			t.ServiceID, t.Name, tx.Now, t.ID, t.Version)
		if err != nil {
			return teamNameTaken(err)
		}
		var c changes
		c.add("name", old.Name != t.Name)
		c.add("service_id", old.ServiceID != t.ServiceID)
		t.Version++
		return auditWrite(ctx, tx, a, liaise.AuditUpdate, "team", t.ID, t.ProviderID, t.ID, c.String())
	})
}
