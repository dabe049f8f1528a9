package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"hoso"
)

// StoredDocument is a document as the catalog keeps it.
type StoredDocument = hoso.StoredDocument

// SaveDocuments replaces the documents of a file with the analysis's (a
// retry writes the same again) and moves the file to fileStatus, in one
// transaction. A document's unit is the upload's, else that of the first
// person it is linked to automatically.
func (d *DB) SaveDocuments(ctx context.Context, fileID string, docs []hoso.ExtractedDocument, statuses []string, fileStatus string) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.tx.Rollback()
	f, err := getFile(ctx, tx, `id = ?`, fileID)
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `DELETE FROM document_staff WHERE document_id IN (SELECT id FROM documents WHERE file_id = ?)`, fileID); err != nil {
		return hoso.WrapError(hoso.EUnavailable, "the documents cannot be saved", err)
	}
	if _, err := tx.exec(ctx, `DELETE FROM documents WHERE file_id = ?`, fileID); err != nil {
		return hoso.WrapError(hoso.EUnavailable, "the documents cannot be saved", err)
	}
	for i, doc := range docs {
		data, err := json.Marshal(doc)
		if err != nil {
			return err
		}
		id := DocumentID(fileID, i)
		unit := f.Unit
		var linked []string
		for _, l := range doc.Links {
			if l.Status == hoso.LinkAuto {
				linked = append(linked, l.StaffID)
			}
		}
		if unit == "" && len(linked) > 0 {
			if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(unit_code), '') FROM staff WHERE id = ?`, linked[0]).Scan(&unit); err != nil {
				return hoso.WrapError(hoso.EUnavailable, "the registry cannot be read", err)
			}
		}
		if _, err := tx.exec(ctx, `INSERT INTO documents (id, file_id, idx, status, doc_type, data, version, unit, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)`,
			id, fileID, i, statuses[i], string(doc.DocType), string(data), unit, ts(tx.now)); err != nil {
			return hoso.WrapError(hoso.EUnavailable, "the documents cannot be saved", err)
		}
		if err := tx.audit(ctx, AuditEntry{Actor: ActorSystem, Action: "analyzed", FileID: fileID, DocumentID: id,
			Detail: string(doc.DocType) + " → " + statuses[i]}); err != nil {
			return err
		}
		for _, sid := range linked {
			if _, err := tx.exec(ctx, `INSERT INTO document_staff (document_id, staff_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, id, sid); err != nil {
				return hoso.WrapError(hoso.EUnavailable, "the documents cannot be saved", err)
			}
		}
	}
	if _, err := tx.exec(ctx, `UPDATE files SET status = ?, updated_at = ? WHERE id = ?`, fileStatus, ts(tx.now), fileID); err != nil {
		return hoso.WrapError(hoso.EUnavailable, "the file status cannot be saved", err)
	}
	return tx.tx.Commit()
}

// DocumentID names the i-th document (from 0) of a file; IDs sort in the
// file's order.
func DocumentID(fileID string, i int) string { return fmt.Sprintf("%s-%04d", fileID, i+1) }

const documentColumns = `id, file_id, idx, status, unit, version, updated_at, data`

func scanDocument(scan func(...any) error) (StoredDocument, error) {
	var sd StoredDocument
	var updated, data string
	if err := scan(&sd.ID, &sd.FileID, &sd.Index, &sd.Status, &sd.Unit, &sd.Version, &updated, &data); err != nil {
		return sd, err
	}
	sd.UpdatedAt, _ = time.Parse(time.RFC3339Nano, updated)
	return sd, json.Unmarshal([]byte(data), &sd.Document)
}

// FileDocuments returns the documents found in a file, in order.
func (d *DB) FileDocuments(ctx context.Context, fileID string) ([]StoredDocument, error) {
	docs, _, err := d.ListDocuments(ctx, DocumentFilter{FileID: fileID, Limit: -1})
	return docs, err
}

// GetDocument returns one document, or a not_found error.
func (d *DB) GetDocument(ctx context.Context, id string) (StoredDocument, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return StoredDocument{}, err
	}
	defer tx.tx.Rollback()
	sd, err := scanDocument(tx.queryRow(ctx, `SELECT `+documentColumns+` FROM documents WHERE id = ?`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return StoredDocument{}, hoso.Errorf(hoso.ENotFound, "no such document")
	}
	if err != nil {
		return StoredDocument{}, hoso.WrapError(hoso.EUnavailable, "the document cannot be read", err)
	}
	return sd, nil
}

// DocumentFilter selects documents; empty fields match everything.
type DocumentFilter struct {
	Status, Unit, StaffID, FileID string
	// After is the last ID of the previous page; Limit bounds the page
	// (-1: no bound).
	After string
	Limit int
}

// ListDocuments returns documents in ID order (a file's documents in the
// file's order) and the cursor of the next page, empty at the end.
func (d *DB) ListDocuments(ctx context.Context, f DocumentFilter) ([]StoredDocument, string, error) {
	var where []string
	var args []any
	for _, c := range []struct{ cond, v string }{
		{"status = ?", f.Status},
		{"unit = ?", f.Unit},
		{"file_id = ?", f.FileID},
		{"id IN (SELECT document_id FROM document_staff WHERE staff_id = ?)", f.StaffID},
		{"id > ?", f.After},
	} {
		if c.v != "" {
			where = append(where, c.cond)
			args = append(args, c.v)
		}
	}
	q := `SELECT ` + documentColumns + ` FROM documents`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY id`
	if f.Limit >= 0 {
		q += fmt.Sprintf(` LIMIT %d`, f.Limit+1)
	}
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, "", err
	}
	defer tx.tx.Rollback()
	rows, err := tx.tx.QueryContext(ctx, d.rebind(q), args...)
	if err != nil {
		return nil, "", hoso.WrapError(hoso.EUnavailable, "the documents cannot be read", err)
	}
	defer rows.Close()
	var out []StoredDocument
	for rows.Next() {
		sd, err := scanDocument(rows.Scan)
		if err != nil {
			return nil, "", err
		}
		out = append(out, sd)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if f.Limit >= 0 && len(out) > f.Limit {
		out = out[:f.Limit]
		next = out[len(out)-1].ID
	}
	return out, next, nil
}
