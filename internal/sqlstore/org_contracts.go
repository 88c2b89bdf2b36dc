package sqlstore

import (
	"context"
	"database/sql"

	"liaise"
)

// Commissioning contracts: who commissions a provider's services in a region,
// for which dates, and which services they cover.

const contractSelect = `SELECT id, provider_id, commissioner, region, start_date, end_date, version FROM contracts`

func scanContracts(rows *sql.Rows) ([]liaise.Contract, error) {
	defer rows.Close()
	var out []liaise.Contract
	for rows.Next() {
		var c liaise.Contract
		if err := rows.Scan(&c.ID, &c.ProviderID, &c.Commissioner, &c.Region, &c.StartDate, &c.EndDate, &c.Version); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// contractServices fills ServiceIDs of cs from contract_services.
func contractServices(ctx context.Context, q queryer, cs []liaise.Contract, where string, args ...any) error {
	if len(cs) == 0 {
		return nil
	}
	rows, err := q.Query(ctx, `SELECT cs.contract_id, cs.service_id FROM contract_services cs JOIN contracts c ON c.id = cs.contract_id`+where+` ORDER BY cs.contract_id, cs.service_id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	idx := map[int64]int{}
	for i, c := range cs {
		idx[c.ID] = i
	}
	for rows.Next() {
		var cid, sid int64
		if err := rows.Scan(&cid, &sid); err != nil {
			return err
		}
		if i, ok := idx[cid]; ok {
			cs[i].ServiceIDs = append(cs[i].ServiceIDs, sid)
		}
	}
	return rows.Err()
}

// ValidateContract checks a contract's fields; that its services belong to
// the same provider is checked when it is saved.
func ValidateContract(c *liaise.Contract) error {
	var v liaise.Validation
	checkName(&v, &c.Commissioner, "commissioner", "Enter who commissions the contract, like NHS England South East")
	checkName(&v, &c.Region, "region", "Enter the region the contract covers, like Thames Valley")
	v.Check(!c.StartDate.IsZero(), "start_date", "Enter the date the contract starts")
	v.Check(!c.EndDate.IsZero(), "end_date", "Enter the date the contract ends")
	if !c.StartDate.IsZero() && !c.EndDate.IsZero() {
		v.Check(c.StartDate.Before(c.EndDate), "end_date", "The end date must be after the start date")
	}
	c.ServiceIDs = dedupe(c.ServiceIDs)
	v.Check(len(c.ServiceIDs) > 0, "service_ids", "Choose the services the contract covers")
	return v.Err()
}

// ListContracts returns the contracts of a provider (0: the actor's own;
// the operator sees all), ordered by region.
func (db *DB) ListContracts(ctx context.Context, provider int64) ([]liaise.Contract, error) {
	a := liaise.ActorFrom(ctx)
	provider, err := listScope(a, "contract", provider)
	if err != nil {
		return nil, err
	}
	where, args := providerWhere(provider, "provider_id")
	rows, err := db.Query(ctx, contractSelect+where, args...)
	if err != nil {
		return nil, err
	}
	out, err := scanContracts(rows)
	if err != nil {
		return nil, err
	}
	cwhere, cargs := providerWhere(provider, "c.provider_id")
	if err := contractServices(ctx, db, out, cwhere, cargs...); err != nil {
		return nil, err
	}
	sortByName(out, func(c liaise.Contract) string { return c.Region + "\x00" + c.StartDate.String() }, func(c liaise.Contract) int64 { return c.ID })
	ids := make([]int64, len(out))
	for i, c := range out {
		ids[i] = c.ID
	}
	return out, db.auditList(ctx, a, "contract", provider, ids)
}

func getContract(ctx context.Context, q queryer, id int64) (liaise.Contract, error) {
	rows, err := q.Query(ctx, contractSelect+` WHERE id = ?`, id)
	if err != nil {
		return liaise.Contract{}, err
	}
	cs, err := scanContracts(rows)
	if err != nil {
		return liaise.Contract{}, err
	}
	if len(cs) == 0 {
		return liaise.Contract{}, liaise.Errorf(liaise.ENOTFOUND, "The contract was not found.")
	}
	if err := contractServices(ctx, q, cs, ` WHERE c.id = ?`, id); err != nil {
		return liaise.Contract{}, err
	}
	return cs[0], nil
}

// GetContract returns one contract of the actor's provider.
func (db *DB) GetContract(ctx context.Context, id int64) (liaise.Contract, error) {
	a := liaise.ActorFrom(ctx)
	if err := mayOrg(a, liaise.CapOrgRead, "contract"); err != nil {
		return liaise.Contract{}, err
	}
	c, err := getContract(ctx, db, id)
	if err != nil {
		return c, err
	}
	if err := authorizeOrg(a, liaise.CapOrgRead, "contract", id, c.ProviderID, "The contract"); err != nil {
		return liaise.Contract{}, err
	}
	return c, db.auditGet(ctx, a, "contract", id, c.ProviderID, 0)
}

// checkContractServices refuses services of another provider.
func checkContractServices(ctx context.Context, tx *Tx, c *liaise.Contract) error {
	owned, err := ownedIDs(ctx, tx, "services", c.ProviderID, c.ServiceIDs)
	if err != nil {
		return err
	}
	for _, id := range c.ServiceIDs {
		if !owned[id] {
			return fieldError("service_ids", "Choose services your organisation runs")
		}
	}
	return nil
}

func writeContractServices(ctx context.Context, tx *Tx, c *liaise.Contract) error {
	if _, err := tx.Exec(ctx, `DELETE FROM contract_services WHERE contract_id = ?`, c.ID); err != nil {
		return err
	}
	for _, sid := range c.ServiceIDs {
		if _, err := tx.Exec(ctx, `INSERT INTO contract_services (contract_id, service_id) VALUES (?, ?)`, c.ID, sid); err != nil {
			return err
		}
	}
	return nil
}

// CreateContract adds a commissioning contract to the actor's provider (or,
// for the operator, to c.ProviderID).
func (db *DB) CreateContract(ctx context.Context, c *liaise.Contract) error {
	a := liaise.ActorFrom(ctx)
	provider, err := createScope(a, "contract", c.ProviderID)
	if err != nil {
		return err
	}
	c.ProviderID = provider
	if err := ValidateContract(c); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		if err := checkContractServices(ctx, tx, c); err != nil {
			return err
		}
		id, err := tx.InsertID(ctx, `INSERT INTO contracts (provider_id, commissioner, region, start_date, end_date, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 1, ?, ?)`, c.ProviderID, c.Commissioner, c.Region, c.StartDate, c.EndDate, tx.Now, tx.Now)
		if err != nil {
			return err
		}
		c.ID, c.Version = id, 1
		if err := writeContractServices(ctx, tx, c); err != nil {
			return err
		}
		return auditWrite(ctx, tx, a, liaise.AuditCreate, "contract", id, c.ProviderID, 0, "")
	})
}

// UpdateContract changes a contract; c.Version is the version it was based on.
func (db *DB) UpdateContract(ctx context.Context, c *liaise.Contract) error {
	a := liaise.ActorFrom(ctx)
	if err := mayOrg(a, liaise.CapOrgManage, "contract"); err != nil {
		return err
	}
	if err := ValidateContract(c); err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		old, err := getContract(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if err := authorizeOrg(a, liaise.CapOrgManage, "contract", c.ID, old.ProviderID, "The contract"); err != nil {
			return err
		}
		c.ProviderID = old.ProviderID // a contract never moves between providers
		if err := checkContractServices(ctx, tx, c); err != nil {
			return err
		}
		err = tx.UpdateVersioned(ctx, "contracts", `UPDATE contracts SET commissioner = ?, region = ?, start_date = ?, end_date = ?, version = version + 1, updated_at = ?
			WHERE id = ? AND version = ?`, c.Commissioner, c.Region, c.StartDate, c.EndDate, tx.Now, c.ID, c.Version)
		if err != nil {
			return err
		}
		if err := writeContractServices(ctx, tx, c); err != nil {
			return err
		}
		var ch changes
		ch.add("commissioner", old.Commissioner != c.Commissioner)
		ch.add("region", old.Region != c.Region)
		ch.add("start_date", old.StartDate != c.StartDate)
		ch.add("end_date", old.EndDate != c.EndDate)
		ch.add("service_ids", !sameIDs(old.ServiceIDs, c.ServiceIDs))
		c.Version++
		return auditWrite(ctx, tx, a, liaise.AuditUpdate, "contract", c.ID, c.ProviderID, 0, ch.String())
	})
}

// sameIDs compares two id sets regardless of order.
func sameIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[int64]bool{}
	for _, x := range a {
		seen[x] = true
	}
	for _, x := range b {
		if !seen[x] {
			return false
		}
	}
	return true
}
