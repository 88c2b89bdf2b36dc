package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"liaise"
	"liaise/internal/codes"
)

// loadCodes copies the code lists shipped in internal/codes into code_lists
// and code_values. It runs after every migrate, so it is idempotent: rows that
// already match are left alone, changed rows are updated, and rows no longer
// in the shipped files are removed (the files are the source; records hold
// code strings, never foreign keys to these rows). Reference data shipped
// with the build is not a user's change, so it writes no audit event.
func (db *DB) loadCodes(ctx context.Context) error {
	lists := codes.Lists()
	return db.Update(ctx, func(tx *Tx) error {
		haveLists := map[string]codes.ListInfo{}
		havePos := map[string]int{}
		rows, err := tx.Query(ctx, `SELECT name, title, source, description, position FROM code_lists`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var l codes.ListInfo
			var pos int
			if err := rows.Scan(&l.Name, &l.Title, &l.Source, &l.Description, &pos); err != nil {
				rows.Close()
				return err
			}
			haveLists[l.Name], havePos[l.Name] = l, pos
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for i, l := range lists {
			if h, ok := haveLists[l.Name]; ok && h == l && havePos[l.Name] == i {
				continue
			}
			if _, err := tx.Exec(ctx, upsertCodeList, l.Name, l.Title, l.Source, l.Description, i); err != nil {
				return fmt.Errorf("code list %s: %w", l.Name, err)
			}
		}

		have, err := storedCodeValues(ctx, tx)
		if err != nil {
			return err
		}
		want := map[codeKey]bool{}
		for _, l := range lists {
			cs, err := codes.List(l.Name)
			if err != nil {
				return err
			}
			for i, c := range cs {
				extra, err := extraJSON(c.Extra)
				if err != nil {
					return err
				}
				k := codeKey{l.Name, c.Code, c.ValidFrom.String()}
				want[k] = true
				if h, ok := have[k]; ok && h.label == c.Label && h.validTo == c.ValidTo && h.extra == extra && h.position == i {
					continue
				}
				var validTo any
				if !c.ValidTo.IsZero() {
					validTo = c.ValidTo
				}
				if _, err := tx.Exec(ctx, upsertCodeValue, l.Name, c.Code, c.Label, c.ValidFrom, validTo, extra, i); err != nil {
					return fmt.Errorf("code %s/%s: %w", l.Name, c.Code, err)
				}
			}
		}
		for k := range have {
			if want[k] {
				continue
			}
			if _, err := tx.Exec(ctx, `DELETE FROM code_values WHERE list = ? AND code = ? AND valid_from = ?`, k.list, k.code, k.validFrom); err != nil {
				return err
			}
		}
		for name := range haveLists {
			if _, ok := codes.Info(name); ok {
				continue
			}
			if _, err := tx.Exec(ctx, `DELETE FROM code_values WHERE list = ?`, name); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM code_lists WHERE name = ?`, name); err != nil {
				return err
			}
		}
		return nil
	})
}

const upsertCodeList = `INSERT INTO code_lists (name, title, source, description, position) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET title = excluded.title, source = excluded.source, description = excluded.description, position = excluded.position`

const upsertCodeValue = `INSERT INTO code_values (list, code, label, valid_from, valid_to, extra, position) VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (list, code, valid_from) DO UPDATE SET label = excluded.label, valid_to = excluded.valid_to, extra = excluded.extra, position = excluded.position`

type codeKey struct{ list, code, validFrom string }

type storedCode struct {
	label    string
	validTo  liaise.Date
	extra    string
	position int
}

func storedCodeValues(ctx context.Context, tx *Tx) (map[codeKey]storedCode, error) {
	rows, err := tx.Query(ctx, `SELECT list, code, valid_from, label, valid_to, extra, position FROM code_values`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[codeKey]storedCode{}
	for rows.Next() {
		var k codeKey
		var from liaise.Date
		var s storedCode
		if err := rows.Scan(&k.list, &k.code, &from, &s.label, &s.validTo, &s.extra, &s.position); err != nil {
			return nil, err
		}
		k.validFrom = from.String()
		out[k] = s
	}
	return out, rows.Err()
}

// extraJSON encodes mapping columns as a JSON object; encoding/json sorts map
// keys, so the same map always gives the same text.
func extraJSON(m map[string]string) (string, error) {
	if len(m) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(m)
	return string(b), err
}

// CodeLists returns every code list, in display order. Code lists are
// reference data, not personal data, so reading them is not audited.
func (db *DB) CodeLists(ctx context.Context) ([]codes.ListInfo, error) {
	if err := liaise.Authorize(liaise.ActorFrom(ctx), liaise.CapCodesRead, liaise.Resource{Type: "code_list"}); err != nil {
		return nil, err
	}
	rows, err := db.Query(ctx, `SELECT name, title, source, description FROM code_lists ORDER BY position, name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []codes.ListInfo
	for rows.Next() {
		var l codes.ListInfo
		if err := rows.Scan(&l.Name, &l.Title, &l.Source, &l.Description); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// CodeList returns a code list and every version of its codes, in display
// order. Not audited: see CodeLists.
func (db *DB) CodeList(ctx context.Context, name string) (codes.ListInfo, []codes.Code, error) {
	var l codes.ListInfo
	if err := liaise.Authorize(liaise.ActorFrom(ctx), liaise.CapCodesRead, liaise.Resource{Type: "code_list"}); err != nil {
		return l, nil, err
	}
	err := db.QueryRow(ctx, `SELECT name, title, source, description FROM code_lists WHERE name = ?`, name).Scan(&l.Name, &l.Title, &l.Source, &l.Description)
	if errors.Is(err, sql.ErrNoRows) {
		return l, nil, liaise.Errorf(liaise.ENOTFOUND, "There is no code list called %q.", name)
	}
	if err != nil {
		return l, nil, err
	}
	rows, err := db.Query(ctx, `SELECT code, label, valid_from, valid_to, extra FROM code_values WHERE list = ? ORDER BY position, valid_from`, name)
	if err != nil {
		return l, nil, err
	}
	defer rows.Close()
	var out []codes.Code
	for rows.Next() {
		var c codes.Code
		var extra string
		if err := rows.Scan(&c.Code, &c.Label, &c.ValidFrom, &c.ValidTo, &extra); err != nil {
			return l, nil, err
		}
		if extra != "" && extra != "{}" {
			if err := json.Unmarshal([]byte(extra), &c.Extra); err != nil {
				return l, nil, fmt.Errorf("code %s/%s extra: %w", name, c.Code, err)
			}
		}
		out = append(out, c)
	}
	return l, out, rows.Err()
}
