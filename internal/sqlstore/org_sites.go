package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"liaise"
)

// Sites (custody suites, courts, prisons…) and hubs that cover several of them.

const siteSelect = `SELECT id, provider_id, team_id, name, type, act_loc_type, hours, version FROM sites`

func scanSites(rows *sql.Rows) ([]liaise.Site, error) {
	defer rows.Close()
	var out []liaise.Site
	for rows.Next() {
		var s liaise.Site
		var team sql.NullInt64
		if err := rows.Scan(&s.ID, &s.ProviderID, &team, &s.Name, &s.Type, &s.ActLocType, &s.Hours, &s.Version); err != nil {
			return nil, err
		}
		s.TeamID = team.Int64
		out = append(out, s)
	}
	return out, rows.Err()
}

// ValidateSite checks and normalises a site: its type, the MHSDS activity
// location type (the site type's usual code when blank) and opening hours
// (stored in their canonical form; blank means 24/7).
func ValidateSite(s *liaise.Site) error {
	var v liaise.Validation
	checkName(&v, &s.Name, "name", "Enter the site's name, like Reading custody suite")
	def := liaise.SiteTypeActLocType(s.Type)
	v.Check(def != "", "type", "Choose the type of site")
	s.ActLocType = strings.ToUpper(strings.TrimSpace(s.ActLocType))
	if s.ActLocType == "" {
		s.ActLocType = def
	}
	if def != "" || s.ActLocType != "" {
		v.Check(liaise.ActivityLocationTypeLabel(s.ActLocType) != s.ActLocType, "act_loc_type", "Choose the activity location type reported to MHSDS")
	}
	s.Hours = strings.TrimSpace(s.Hours)
	if s.Hours == "" {
		s.Hours = "24/7"
	}
	if h, err := liaise.ParseHours(s.Hours); err != nil {
		v.Add("hours", liaise.ErrorMessage(err))
	} else {
		s.Hours = h.String()
	}
	return v.Err()
}

// ListSites returns the sites of a provider (0: the actor's own; the
// operator sees all), by name.
func (db *DB) ListSites(ctx context.Context, provider int64) ([]liaise.Site, error) {
	a := liaise.ActorFrom(ctx)
	provider, err := listScope(a, "site", provider)
	if err != nil {
		return nil, err
	}
	where, args := providerWhere(provider, "provider_id")
	rows, err := db.Query(ctx, siteSelect+where, args...)
	if err != nil {
		return nil, err
	}
	out, err := scanSites(rows)
	if err != nil {
		return nil, err
	}
	sortByName(out, func(s liaise.Site) string { return s.Name }, func(s liaise.Site) int64 { return s.ID })
	ids := make([]int64, len(out))
	for i, s := range out {
		ids[i] = s.ID
	}
	return out, db.auditList(ctx, a, "site", provider, ids)
}

func getSite(ctx context.Context, q queryer, id int64) (liaise.Site, error) {
	rows, err := q.Query(ctx, siteSelect+` WHERE id = ?`, id)
	if err != nil {
		return liaise.Site{}, err
	}
	ss, err := scanSites(rows)
	if err != nil {
		return liaise.Site{}, err
	}
	if len(ss) == 0 {
		return liaise.Site{}, liaise.Errorf(liaise.ENOTFOUND, "The site was not found.")
	}
	return ss[0], nil
}

// GetSite returns one site of the actor's provider.
func (db *DB) GetSite(ctx context.Context, id int64) (liaise.Site, error) {
	a := liaise.ActorFrom(ctx)
	if err := mayOrg(a, liaise.CapOrgRead, "site"); err != nil {
		return liaise.Site{}, err
	}
	s, err := getSite(ctx, db, id)
	if err != nil {
		return s, err
	}
	if err := authorizeOrg(a, liaise.CapOrgRead, "site", id, s.ProviderID, "The site"); err != nil {
		return liaise.Site{}, err
	}
	return s, db.auditGet(ctx, a, "site", id, s.ProviderID, s.TeamID)
}

// checkSiteTeam refuses a team of another provider (no team is allowed).
func checkSiteTeam(ctx context.Context, tx *Tx, s *liaise.Site) error {
	if s.TeamID == 0 {
		return nil
	}
	owned, err := ownedIDs(ctx, tx, "teams", s.ProviderID, []int64{s.TeamID})
	if err != nil {
		return err
	}
	if !owned[s.TeamID] {
		return fieldError("team_id", "Choose a team of your organisation")
	}
	return nil
}

func siteNameTaken(err error) error {
	return nameTaken(err, "name", "Your organisation already has a site with this name")
}

// CreateSite adds a site to the actor's provider (or, for the operator, to s.ProviderID).
func (db *DB) CreateSite(ctx context.Context, s *liaise.Site) error {
	a := liaise.ActorFrom(ctx)
	provider, err := createScope(a, "site", s.ProviderID)
	if err != nil {
		return err
	}
	s.ProviderID = provider
	if err := ValidateSite(s); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		if err := checkSiteTeam(ctx, tx, s); err != nil {
			return err
		}
		id, err := tx.InsertID(ctx, `INSERT INTO sites (provider_id, team_id, name, type, act_loc_type, hours, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)`, s.ProviderID, nullID(s.TeamID), s.Name, s.Type, s.ActLocType, s.Hours, tx.Now, tx.Now)
		if err != nil {
			return siteNameTaken(err)
		}
		s.ID, s.Version = id, 1
		return auditWrite(ctx, tx, a, liaise.AuditCreate, "site", id, s.ProviderID, s.TeamID, "")
	})
}

// UpdateSite changes a site; s.Version is the version it was based on.
func (db *DB) UpdateSite(ctx context.Context, s *liaise.Site) error {
	a := liaise.ActorFrom(ctx)
	if err := mayOrg(a, liaise.CapOrgManage, "site"); err != nil {
		return err
	}
	if err := ValidateSite(s); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		old, err := getSite(ctx, tx, s.ID)
		if err != nil {
			return err
		}
		if err := authorizeOrg(a, liaise.CapOrgManage, "site", s.ID, old.ProviderID, "The site"); err != nil {
			return err
		}
		s.ProviderID = old.ProviderID
		if err := checkSiteTeam(ctx, tx, s); err != nil {
			return err
		}
		err = tx.UpdateVersioned(ctx, "sites", `UPDATE sites SET team_id = ?, name = ?, type = ?, act_loc_type = ?, hours = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ?`, nullID(s.TeamID), s.Name, s.Type, s.ActLocType, s.Hours, tx.Now, s.ID, s.Version)
		if err != nil {
			return siteNameTaken(err)
		}
		var c changes
		c.add("name", old.Name != s.Name)
		c.add("type", old.Type != s.Type)
		c.add("act_loc_type", old.ActLocType != s.ActLocType)
		c.add("hours", old.Hours != s.Hours)
		c.add("team_id", old.TeamID != s.TeamID)
		s.Version++
		return auditWrite(ctx, tx, a, liaise.AuditUpdate, "site", s.ID, s.ProviderID, s.TeamID, c.String())
	})
}

// --- Hubs ------------------------------------------------------------------

const hubSelect = `SELECT id, provider_id, name, version FROM hubs`

func scanHubs(rows *sql.Rows) ([]liaise.Hub, error) {
	defer rows.Close()
	var out []liaise.Hub
	for rows.Next() {
		var h liaise.Hub
		if err := rows.Scan(&h.ID, &h.ProviderID, &h.Name, &h.Version); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// hubSites fills SiteIDs of hs from hub_sites.
func hubSites(ctx context.Context, q queryer, hs []liaise.Hub, where string, args ...any) error {
	if len(hs) == 0 {
		return nil
	}
	rows, err := q.Query(ctx, `SELECT hs.hub_id, hs.site_id FROM hub_sites hs JOIN hubs h ON h.id = hs.hub_id`+where+` ORDER BY hs.hub_id, hs.site_id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	idx := map[int64]int{}
	for i, h := range hs {
		idx[h.ID] = i
	}
	for rows.Next() {
		var hid, sid int64
		if err := rows.Scan(&hid, &sid); err != nil {
			return err
		}
		if i, ok := idx[hid]; ok {
			hs[i].SiteIDs = append(hs[i].SiteIDs, sid)
		}
	}
	return rows.Err()
}

// ValidateHub checks a hub's name and that it covers at least one site.
func ValidateHub(h *liaise.Hub) error {
	var v liaise.Validation
	checkName(&v, &h.Name, "name", "Enter the hub's name, like Lancashire north hub")
	h.SiteIDs = dedupe(h.SiteIDs)
	v.Check(len(h.SiteIDs) > 0, "site_ids", "Choose the sites the hub covers")
	return v.Err()
}

// ListHubs returns the hubs of a provider (0: the actor's own; the operator
// sees all), by name, with the sites each covers.
func (db *DB) ListHubs(ctx context.Context, provider int64) ([]liaise.Hub, error) {
	a := liaise.ActorFrom(ctx)
	provider, err := listScope(a, "hub", provider)
	if err != nil {
		return nil, err
	}
	where, args := providerWhere(provider, "provider_id")
	rows, err := db.Query(ctx, hubSelect+where, args...)
	if err != nil {
		return nil, err
	}
	out, err := scanHubs(rows)
	if err != nil {
		return nil, err
	}
	hwhere, hargs := providerWhere(provider, "h.provider_id")
	if err := hubSites(ctx, db, out, hwhere, hargs...); err != nil {
		return nil, err
	}
	sortByName(out, func(h liaise.Hub) string { return h.Name }, func(h liaise.Hub) int64 { return h.ID })
	ids := make([]int64, len(out))
	for i, h := range out {
		ids[i] = h.ID
	}
	return out, db.auditList(ctx, a, "hub", provider, ids)
}

func getHub(ctx context.Context, q queryer, id int64) (liaise.Hub, error) {
	rows, err := q.Query(ctx, hubSelect+` WHERE id = ?`, id)
	if err != nil {
		return liaise.Hub{}, err
	}
	hs, err := scanHubs(rows)
	if err != nil {
		return liaise.Hub{}, err
	}
	if len(hs) == 0 {
		return liaise.Hub{}, liaise.Errorf(liaise.ENOTFOUND, "The hub was not found.")
	}
	if err := hubSites(ctx, q, hs, ` WHERE h.id = ?`, id); err != nil {
		return liaise.Hub{}, err
	}
	return hs[0], nil
}

// GetHub returns one hub of the actor's provider.
func (db *DB) GetHub(ctx context.Context, id int64) (liaise.Hub, error) {
	a := liaise.ActorFrom(ctx)
	if err := mayOrg(a, liaise.CapOrgRead, "hub"); err != nil {
		return liaise.Hub{}, err
	}
	h, err := getHub(ctx, db, id)
	if err != nil {
		return h, err
	}
	if err := authorizeOrg(a, liaise.CapOrgRead, "hub", id, h.ProviderID, "The hub"); err != nil {
		return liaise.Hub{}, err
	}
	return h, db.auditGet(ctx, a, "hub", id, h.ProviderID, 0)
}

// checkHubSites refuses sites of another provider.
func checkHubSites(ctx context.Context, tx *Tx, h *liaise.Hub) error {
	owned, err := ownedIDs(ctx, tx, "sites", h.ProviderID, h.SiteIDs)
	if err != nil {
		return err
	}
	for _, id := range h.SiteIDs {
		if !owned[id] {
			return fieldError("site_ids", "Choose sites of your organisation")
		}
	}
	return nil
}

func writeHubSites(ctx context.Context, tx *Tx, h *liaise.Hub) error {
	if _, err := tx.Exec(ctx, `DELETE FROM hub_sites WHERE hub_id = ?`, h.ID); err != nil {
		return err
	}
	for _, sid := range h.SiteIDs {
		if _, err := tx.Exec(ctx, `INSERT INTO hub_sites (hub_id, site_id) VALUES (?, ?)`, h.ID, sid); err != nil {
			return err
		}
	}
	return nil
}

func hubNameTaken(err error) error {
	return nameTaken(err, "name", "Your organisation already has a hub with this name")
}

// CreateHub adds a hub to the actor's provider (or, for the operator, to h.ProviderID).
func (db *DB) CreateHub(ctx context.Context, h *liaise.Hub) error {
	a := liaise.ActorFrom(ctx)
	provider, err := createScope(a, "hub", h.ProviderID)
	if err != nil {
		return err
	}
	h.ProviderID = provider
	if err := ValidateHub(h); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		if err := checkHubSites(ctx, tx, h); err != nil {
			return err
		}
		id, err := tx.InsertID(ctx, `INSERT INTO hubs (provider_id, name, version, created_at, updated_at) VALUES (?, ?, 1, ?, ?)`,
			h.ProviderID, h.Name, tx.Now, tx.Now)
		if err != nil {
			return hubNameTaken(err)
		}
		h.ID, h.Version = id, 1
		if err := writeHubSites(ctx, tx, h); err != nil {
			return err
		}
		return auditWrite(ctx, tx, a, liaise.AuditCreate, "hub", id, h.ProviderID, 0, "")
	})
}

// UpdateHub changes a hub and the sites it covers; h.Version is the version
// it was based on.
func (db *DB) UpdateHub(ctx context.Context, h *liaise.Hub) error {
	a := liaise.ActorFrom(ctx)
	if err := mayOrg(a, liaise.CapOrgManage, "hub"); err != nil {
		return err
	}
	if err := ValidateHub(h); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		old, err := getHub(ctx, tx, h.ID)
		if err != nil {
			return err
		}
		if err := authorizeOrg(a, liaise.CapOrgManage, "hub", h.ID, old.ProviderID, "The hub"); err != nil {
			return err
		}
		h.ProviderID = old.ProviderID
		if err := checkHubSites(ctx, tx, h); err != nil {
			return err
		}
		err = tx.UpdateVersioned(ctx, "hubs", `UPDATE hubs SET name = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			h.Name, tx.Now, h.ID, h.Version)
		if err != nil {
			return hubNameTaken(err)
		}
		if err := writeHubSites(ctx, tx, h); err != nil {
			return err
		}
		var c changes
		c.add("name", old.Name != h.Name)
		c.add("site_ids", !sameIDs(old.SiteIDs, h.SiteIDs))
		h.Version++
		return auditWrite(ctx, tx, a, liaise.AuditUpdate, "hub", h.ID, h.ProviderID, 0, c.String())
	})
}
