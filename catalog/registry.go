package catalog

import (
	"context"
	"encoding/json"
	"fmt"

	"hoso"
)

// UpsertStaff adds or replaces people of the registry by staff ID, in one
// transaction, and returns how many were new.
func (d *DB) UpsertStaff(ctx context.Context, people []hoso.Staff) (added int, err error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.tx.Rollback()
	for _, s := range people {
		data, err := json.Marshal(s)
		if err != nil {
			return 0, err
		}
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM staff WHERE id = ?`, s.ID).Scan(&n); err != nil {
			return 0, hoso.WrapError(hoso.EUnavailable, "the registry cannot be read", err)
		}
		if _, err := tx.exec(ctx, `INSERT INTO staff (id, unit_code, data, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET unit_code = excluded.unit_code, data = excluded.data, updated_at = excluded.updated_at`,
			s.ID, s.UnitCode, string(data), ts(tx.now)); err != nil {
			return 0, hoso.WrapError(hoso.EUnavailable, "the registry cannot be saved", err)
		}
		if n == 0 {
			added++
		}
	}
	return added, tx.tx.Commit()
}

// UpsertUnits adds or replaces bodies of the unit tree by code.
func (d *DB) UpsertUnits(ctx context.Context, units []hoso.Unit) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.tx.Rollback()
	for _, u := range units {
		data, err := json.Marshal(u)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO units (code, parent_code, data, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET parent_code = excluded.parent_code, data = excluded.data, updated_at = excluded.updated_at`,
			u.Code, u.ParentCode, string(data), ts(tx.now)); err != nil {
			return hoso.WrapError(hoso.EUnavailable, "the unit tree cannot be saved", err)
		}
	}
	return tx.tx.Commit()
}

// Registry returns the whole staff registry and unit tree, with a version
// that changes whenever either does (workers reload when it moves).
func (d *DB) Registry(ctx context.Context) (staff []hoso.Staff, units []hoso.Unit, version string, err error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, nil, "", err
	}
	defer tx.tx.Rollback()
	if version, err = tx.registryVersion(ctx); err != nil {
		return nil, nil, "", err
	}
	if err := scanJSON(ctx, tx, `SELECT data FROM staff ORDER BY id`, func(b []byte) error {
		var s hoso.Staff
		staff = append(staff, s)
		return json.Unmarshal(b, &staff[len(staff)-1])
	}); err != nil {
		return nil, nil, "", err
	}
	if err := scanJSON(ctx, tx, `SELECT data FROM units ORDER BY code`, func(b []byte) error {
		var u hoso.Unit
		units = append(units, u)
		return json.Unmarshal(b, &units[len(units)-1])
	}); err != nil {
		return nil, nil, "", err
	}
	return staff, units, version, tx.tx.Commit()
}

// RegistryVersion is Registry's version alone: cheap to poll.
func (d *DB) RegistryVersion(ctx context.Context) (string, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return "", err
	}
	defer tx.tx.Rollback()
	return tx.registryVersion(ctx)
}

func (t *Tx) registryVersion(ctx context.Context) (string, error) {
	var ns, nu int
	var ms, mu string
	err := t.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM staff), (SELECT COALESCE(MAX(updated_at), '') FROM staff),
		(SELECT COUNT(*) FROM units), (SELECT COALESCE(MAX(updated_at), '') FROM units)`).Scan(&ns, &ms, &nu, &mu)
	if err != nil {
		return "", hoso.WrapError(hoso.EUnavailable, "the registry cannot be read", err)
	}
	return fmt.Sprintf("%d/%s/%d/%s", ns, ms, nu, mu), nil
}

// scanJSON runs a one-column query and hands each value to fn.
func scanJSON(ctx context.Context, t *Tx, q string, fn func([]byte) error, args ...any) error {
	rows, err := t.tx.QueryContext(ctx, t.d.rebind(q), args...)
	if err != nil {
		return hoso.WrapError(hoso.EUnavailable, "the catalog cannot be read", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		if err := fn([]byte(s)); err != nil {
			return err
		}
	}
	return rows.Err()
}
