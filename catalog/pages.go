package catalog

import (
	"context"
	"encoding/json"
	"fmt"

	"hoso"
)

// SetPageCount records how many pages a file has and moves it to status.
func (d *DB) SetPageCount(ctx context.Context, fileID string, pages int, status string) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.tx.Rollback()
	res, err := tx.exec(ctx, `UPDATE files SET pages = ?, status = ?, updated_at = ? WHERE id = ?`, pages, status, ts(tx.now), fileID)
	if err != nil {
		return hoso.WrapError(hoso.EUnavailable, "the page count cannot be saved", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return hoso.Errorf(hoso.ENotFound, "no file %s", fileID)
	}
	if err := tx.audit(ctx, AuditEntry{Actor: ActorSystem, Action: "prepared", FileID: fileID, Detail: fmt.Sprintf("%d pages", pages)}); err != nil {
		return err
	}
	return tx.tx.Commit()
}

// SavePage stores what OCR read on one page (again, if a retry reads it
// again) and returns how many of the file's pages are read, and how many it
// has: the stage that sees them equal starts the analysis.
func (d *DB) SavePage(ctx context.Context, fileID string, p hoso.Page) (done, total int, err error) {
	data, err := json.Marshal(p)
	if err != nil {
		return 0, 0, err
	}
	tx, err := d.begin(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer tx.tx.Rollback()
	if _, err := tx.exec(ctx, `INSERT INTO pages (file_id, n, data) VALUES (?, ?, ?)
		ON CONFLICT (file_id, n) DO UPDATE SET data = excluded.data`, fileID, p.Number, string(data)); err != nil {
		return 0, 0, hoso.WrapError(hoso.EUnavailable, "the page cannot be saved", err)
	}
	if err := tx.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM pages WHERE file_id = ?), pages FROM files WHERE id = ?`, fileID, fileID).Scan(&done, &total); err != nil {
		return 0, 0, hoso.WrapError(hoso.EUnavailable, "the pages cannot be counted", err)
	}
	return done, total, tx.tx.Commit()
}

// LoadPages returns a file's pages in order.
func (d *DB) LoadPages(ctx context.Context, fileID string) ([]hoso.Page, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.tx.Rollback()
	rows, err := tx.tx.QueryContext(ctx, d.rebind(`SELECT data FROM pages WHERE file_id = ? ORDER BY n`), fileID)
	if err != nil {
		return nil, hoso.WrapError(hoso.EUnavailable, "the pages cannot be read", err)
	}
	defer rows.Close()
	var out []hoso.Page
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		var p hoso.Page
		if err := json.Unmarshal([]byte(s), &p); err != nil {
			return nil, fmt.Errorf("page of %s: %w", fileID, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
