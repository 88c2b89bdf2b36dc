package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"liaise"
	"liaise/internal/ident"
)

// Partner organisations (which employ some staff, such as a charity
// employing peer support workers) and outside agencies (which refer people
// and receive information: police forces, courts, CPS, probation…).

const partnerSelect = `SELECT id, provider_id, name, ods_code, version FROM partners`

func scanPartners(rows *sql.Rows) ([]liaise.Partner, error) {
	defer rows.Close()
	var out []liaise.Partner
	for rows.Next() {
		var p liaise.Partner
		if err := rows.Scan(&p.ID, &p.ProviderID, &p.Name, &p.ODSCode, &p.Version); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ValidatePartner checks a partner's name and its ODS code, which is
// optional (many charities have none) but must have the right shape if given.
func ValidatePartner(p *liaise.Partner) error {
	var v liaise.Validation
	checkName(&v, &p.Name, "name", "Enter the partner organisation's name")
	if strings.TrimSpace(p.ODSCode) == "" {
		p.ODSCode = ""
	} else if code, _, err := ident.NormaliseODS(p.ODSCode); err != nil {
		v.Add("ods_code", liaise.ErrorMessage(err))
	} else {
		p.ODSCode = code
	}
	return v.Err()
}

// ListPartners returns the partner organisations of a provider (0: the
// actor's own; the operator sees all), by name.
func (db *DB) ListPartners(ctx context.Context, provider int64) ([]liaise.Partner, error) {
	a := liaise.ActorFrom(ctx)
	provider, err := listScope(a, "partner", provider)
	if err != nil {
		return nil, err
	}
	where, args := providerWhere(provider, "provider_id")
	rows, err := db.Query(ctx, partnerSelect+where, args...)
	if err != nil {
		return nil, err
	}
	out, err := scanPartners(rows)
	if err != nil {
		return nil, err
	}
	sortByName(out, func(p liaise.Partner) string { return p.Name }, func(p liaise.Partner) int64 { return p.ID })
	ids := make([]int64, len(out))
	for i, p := range out {
		ids[i] = p.ID
	}
	return out, db.auditList(ctx, a, "partner", provider, ids)
}

func getPartner(ctx context.Context, q queryer, id int64) (liaise.Partner, error) {
	rows, err := q.Query(ctx, partnerSelect+` WHERE id = ?`, id)
	if err != nil {
		return liaise.Partner{}, err
	}
	ps, err := scanPartners(rows)
	if err != nil {
		return liaise.Partner{}, err
	}
	if len(ps) == 0 {
		return liaise.Partner{}, liaise.Errorf(liaise.ENOTFOUND, "The partner organisation was not found.")
	}
	return ps[0], nil
}

// GetPartner returns one partner organisation of the actor's provider.
func (db *DB) GetPartner(ctx context.Context, id int64) (liaise.Partner, error) {
	a := liaise.ActorFrom(ctx)
	if err := mayOrg(a, liaise.CapOrgRead, "partner"); err != nil {
		return liaise.Partner{}, err
	}
	p, err := getPartner(ctx, db, id)
	if err != nil {
		return p, err
	}
	if err := authorizeOrg(a, liaise.CapOrgRead, "partner", id, p.ProviderID, "The partner organisation"); err != nil {
		return liaise.Partner{}, err
	}
	return p, db.auditGet(ctx, a, "partner", id, p.ProviderID, 0)
}

func partnerNameTaken(err error) error {
	return nameTaken(err, "name", "Your organisation already has a partner organisation with this name")
}

// CreatePartner adds a partner organisation to the actor's provider (or, for
// the operator, to p.ProviderID).
func (db *DB) CreatePartner(ctx context.Context, p *liaise.Partner) error {
	a := liaise.ActorFrom(ctx)
	provider, err := createScope(a, "partner", p.ProviderID)
	if err != nil {
		return err
	}
	p.ProviderID = provider
	if err := ValidatePartner(p); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		id, err := tx.InsertID(ctx, `INSERT INTO partners (provider_id, name, ods_code, version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)`,
			p.ProviderID, p.Name, p.ODSCode, tx.Now, tx.Now)
		if err != nil {
			return partnerNameTaken(err)
		}
		p.ID, p.Version = id, 1
		return auditWrite(ctx, tx, a, liaise.AuditCreate, "partner", id, p.ProviderID, 0, "")
	})
}

// UpdatePartner changes a partner organisation; p.Version is the version it
// was based on.
func (db *DB) UpdatePartner(ctx context.Context, p *liaise.Partner) error {
	a := liaise.ActorFrom(ctx)
	if err := mayOrg(a, liaise.CapOrgManage, "partner"); err != nil {
		return err
	}
	if err := ValidatePartner(p); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		old, err := getPartner(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		if err := authorizeOrg(a, liaise.CapOrgManage, "partner", p.ID, old.ProviderID, "The partner organisation"); err != nil {
			return err
		}
		p.ProviderID = old.ProviderID
		err = tx.UpdateVersioned(ctx, "partners", `UPDATE partners SET name = ?, ods_code = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			p.Name, p.ODSCode, tx.Now, p.ID, p.Version)
		if err != nil {
			return partnerNameTaken(err)
		}
		var c changes
		c.add("name", old.Name != p.Name)
		c.add("ods_code", old.ODSCode != p.ODSCode)
		p.Version++
		return auditWrite(ctx, tx, a, liaise.AuditUpdate, "partner", p.ID, p.ProviderID, 0, c.String())
	})
}

// --- Agencies --------------------------------------------------------------

const agencySelect = `SELECT id, provider_id, name, type, version FROM agencies`

func scanAgencies(rows *sql.Rows) ([]liaise.Agency, error) {
	defer rows.Close()
	var out []liaise.Agency
	for rows.Next() {
		var g liaise.Agency
		if err := rows.Scan(&g.ID, &g.ProviderID, &g.Name, &g.Type, &g.Version); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// ValidateAgency checks an agency's name and type.
func ValidateAgency(g *liaise.Agency) error {
	var v liaise.Validation
	checkName(&v, &g.Name, "name", "Enter the agency's name, like Thames Valley Police")
	v.Check(liaise.AgencyTypeLabel(g.Type) != g.Type, "type", "Choose the type of agency")
	return v.Err()
}

// ListAgencies returns the outside agencies of a provider (0: the actor's
// own; the operator sees all), by name.
func (db *DB) ListAgencies(ctx context.Context, provider int64) ([]liaise.Agency, error) {
	a := liaise.ActorFrom(ctx)
	provider, err := listScope(a, "agency", provider)
	if err != nil {
		return nil, err
	}
	where, args := providerWhere(provider, "provider_id")
	rows, err := db.Query(ctx, agencySelect+where, args...)
	if err != nil {
		return nil, err
	}
	out, err := scanAgencies(rows)
	if err != nil {
		return nil, err
	}
	sortByName(out, func(g liaise.Agency) string { return g.Name }, func(g liaise.Agency) int64 { return g.ID })
	ids := make([]int64, len(out))
	for i, g := range out {
		ids[i] = g.ID
	}
	return out, db.auditList(ctx, a, "agency", provider, ids)
}

func getAgency(ctx context.Context, q queryer, id int64) (liaise.Agency, error) {
	rows, err := q.Query(ctx, agencySelect+` WHERE id = ?`, id)
	if err != nil {
		return liaise.Agency{}, err
	}
	gs, err := scanAgencies(rows)
	if err != nil {
		return liaise.Agency{}, err
	}
	if len(gs) == 0 {
		return liaise.Agency{}, liaise.Errorf(liaise.ENOTFOUND, "The agency was not found.")
	}
	return gs[0], nil
}

// GetAgency returns one outside agency of the actor's provider.
func (db *DB) GetAgency(ctx context.Context, id int64) (liaise.Agency, error) {
	a := liaise.ActorFrom(ctx)
	if err := mayOrg(a, liaise.CapOrgRead, "agency"); err != nil {
		return liaise.Agency{}, err
	}
	g, err := getAgency(ctx, db, id)
	if err != nil {
		return g, err
	}
	if err := authorizeOrg(a, liaise.CapOrgRead, "agency", id, g.ProviderID, "The agency"); err != nil {
		return liaise.Agency{}, err
	}
	return g, db.auditGet(ctx, a, "agency", id, g.ProviderID, 0)
}

func agencyNameTaken(err error) error {
	return nameTaken(err, "name", "Your organisation already has an agency with this name")
}

// CreateAgency adds an outside agency to the actor's provider (or, for the
// operator, to g.ProviderID).
func (db *DB) CreateAgency(ctx context.Context, g *liaise.Agency) error {
	a := liaise.ActorFrom(ctx)
	provider, err := createScope(a, "agency", g.ProviderID)
	if err != nil {
		return err
	}
	g.ProviderID = provider
	if err := ValidateAgency(g); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		id, err := tx.InsertID(ctx, `INSERT INTO agencies (provider_id, name, type, version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)`,
			g.ProviderID, g.Name, g.Type, tx.Now, tx.Now)
		if err != nil {
			return agencyNameTaken(err)
		}
		g.ID, g.Version = id, 1
		return auditWrite(ctx, tx, a, liaise.AuditCreate, "agency", id, g.ProviderID, 0, "")
	})
}

// UpdateAgency changes an outside agency; g.Version is the version it was based on.
func (db *DB) UpdateAgency(ctx context.Context, g *liaise.Agency) error {
	a := liaise.ActorFrom(ctx)
	if err := mayOrg(a, liaise.CapOrgManage, "agency"); err != nil {
		return err
	}
	if err := ValidateAgency(g); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		old, err := getAgency(ctx, tx, g.ID)
		if err != nil {
			return err
		}
		if err := authorizeOrg(a, liaise.CapOrgManage, "agency", g.ID, old.ProviderID, "The agency"); err != nil {
			return err
		}
		g.ProviderID = old.ProviderID
		err = tx.UpdateVersioned(ctx, "agencies", `UPDATE agencies SET name = ?, type = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			g.Name, g.Type, tx.Now, g.ID, g.Version)
		if err != nil {
			return agencyNameTaken(err)
		}
		var c changes
		c.add("name", old.Name != g.Name)
		c.add("type", old.Type != g.Type)
		g.Version++
		return auditWrite(ctx, tx, a, liaise.AuditUpdate, "agency", g.ID, g.ProviderID, 0, c.String())
	})
}
