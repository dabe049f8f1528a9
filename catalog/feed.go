package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"hoso"
)

// FeedEntry is one signed document version in the feed.
type FeedEntry struct {
	Seq        int64          `json:"seq"`
	DocumentID string         `json:"document_id"`
	Version    int            `json:"version"`
	StaffIDs   []string       `json:"staff_ids"`
	Unit       string         `json:"unit"`
	DocType    string         `json:"doc_type"`
	Section    string         `json:"section"`
	Fields     map[string]any `json:"fields"`
	Key        string         `json:"-"`
	SHA256     string         `json:"sha256"`
	Size       int64          `json:"size"`
	SignedAt   time.Time      `json:"signed_at"`
	Signer     string         `json:"signer"`
}

// Section is the part of a staff record a document type belongs to.
func Section(t hoso.DocType) string {
	switch t {
	case hoso.SalaryRaiseDecision, hoso.RankChangeDecision, hoso.AllowanceDecision:
		return "salary_history"
	case hoso.RecruitmentDecision, hoso.AppointmentDecision, hoso.TransferDecision:
		return "work_history"
	case hoso.Diploma, hoso.Certificate:
		return "qualifications"
	case hoso.Evaluation:
		return "evaluations"
	}
	return "other"
}

// SetDocumentStatus moves a document of the given version to status; a
// document that changed version since returns a conflict error.
func (d *DB) SetDocumentStatus(ctx context.Context, id string, version int, status string) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.tx.Rollback()
	res, err := tx.exec(ctx, `UPDATE documents SET status = ?, updated_at = ? WHERE id = ? AND version = ?`, status, ts(tx.now), id, version)
	if err != nil {
		return hoso.WrapError(hoso.EUnavailable, "the document status cannot be saved", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return hoso.Errorf(hoso.EConflict, "document %s is not at version %d", id, version)
	}
	if err := tx.audit(ctx, AuditEntry{Actor: ActorSystem, Action: status, DocumentID: id, Detail: fmt.Sprintf("v%d", version)}); err != nil {
		return err
	}
	return tx.tx.Commit()
}

// MarkSigned records the signed file of a document version, moves the
// document to signed and appends its feed entry, in one transaction. A
// version signed before is left as it is (nil error); a document whose
// version moved on returns a conflict error.
func (d *DB) MarkSigned(ctx context.Context, s hoso.Signed) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.tx.Rollback()
	doc, err := scanDocument(tx.queryRow(ctx, `SELECT `+documentColumns+` FROM documents WHERE id = ?`, s.DocumentID).Scan)
	if err != nil {
		return hoso.WrapError(hoso.ENotFound, "no such document", err)
	}
	if doc.Version != s.Version {
		return hoso.Errorf(hoso.EConflict, "document %s is at version %d, not %d", s.DocumentID, doc.Version, s.Version)
	}
	if doc.Status == hoso.StatusSigned {
		return nil
	}
	if _, err := tx.exec(ctx, `UPDATE documents SET status = ?, signed_key = ?, signed_sha256 = ?, signed_size = ?, signed_at = ?, signer = ?, updated_at = ?
		WHERE id = ?`, hoso.StatusSigned, s.Key, s.SHA256, s.Size, ts(s.SignedAt), s.Signer, ts(tx.now), s.DocumentID); err != nil {
		return hoso.WrapError(hoso.EUnavailable, "the signed document cannot be saved", err)
	}
	if err := tx.appendFeed(ctx, doc, s); err != nil {
		return err
	}
	if err := tx.audit(ctx, AuditEntry{Actor: ActorSystem, Action: hoso.StatusSigned, FileID: doc.FileID, DocumentID: doc.ID,
		Detail: fmt.Sprintf("v%d %s %s", s.Version, s.Mode, s.SHA256)}); err != nil {
		return err
	}
	return tx.tx.Commit()
}

// appendFeed adds the next entry. Appends take one lock, so no entry
// commits after one with a higher seq: a reader never skips one.
func (t *Tx) appendFeed(ctx context.Context, doc StoredDocument, s hoso.Signed) error {
	if t.d.postgres {
		if _, err := t.exec(ctx, `SELECT pg_advisory_xact_lock(726474)`); err != nil {
			return hoso.WrapError(hoso.EUnavailable, "the feed cannot be locked", err)
		}
	}
	var seq int64
	if err := t.queryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM feed`).Scan(&seq); err != nil {
		return hoso.WrapError(hoso.EUnavailable, "the feed cannot be read", err)
	}
	staff, _ := json.Marshal(nonNil(doc.StaffIDs()))
	fields, _ := json.Marshal(feedFields(doc.Document))
	if _, err := t.exec(ctx, `INSERT INTO feed (seq, document_id, version, staff_ids, unit, doc_type, section, fields, object_key, sha256, size, signed_at, signer, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		seq, doc.ID, s.Version, string(staff), doc.Unit, string(doc.Document.DocType), Section(doc.Document.DocType), string(fields),
		s.Key, s.SHA256, s.Size, ts(s.SignedAt), s.Signer, ts(t.now)); err != nil {
		return hoso.WrapError(hoso.EUnavailable, "the feed entry cannot be written", err)
	}
	return nil
}

// feedFields are the document's fields, and for a table of people their
// rows under "people".
func feedFields(d hoso.ExtractedDocument) map[string]any {
	out := map[string]any{}
	for k, f := range d.Fields {
		out[k] = f.Value
	}
	if len(d.People) > 0 {
		var people []map[string]any
		for _, p := range d.People {
			row := map[string]any{}
			for k, f := range p {
				row[k] = f.Value
			}
			people = append(people, row)
		}
		out["people"] = people
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Feed returns up to limit entries after seq, in order.
func (d *DB) Feed(ctx context.Context, after int64, limit int) ([]FeedEntry, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.tx.Rollback()
	rows, err := tx.tx.QueryContext(ctx, d.rebind(`SELECT seq, document_id, version, staff_ids, unit, doc_type, section, fields, object_key, sha256, size, signed_at, signer
		FROM feed WHERE seq > ? ORDER BY seq LIMIT ?`), after, limit)
	if err != nil {
		return nil, hoso.WrapError(hoso.EUnavailable, "the feed cannot be read", err)
	}
	defer rows.Close()
	var out []FeedEntry
	for rows.Next() {
		var e FeedEntry
		var staff, fields, signedAt string
		if err := rows.Scan(&e.Seq, &e.DocumentID, &e.Version, &staff, &e.Unit, &e.DocType, &e.Section, &fields, &e.Key, &e.SHA256, &e.Size, &signedAt, &e.Signer); err != nil {
			return nil, hoso.WrapError(hoso.EUnavailable, "the feed cannot be read", err)
		}
		json.Unmarshal([]byte(staff), &e.StaffIDs)
		json.Unmarshal([]byte(fields), &e.Fields)
		e.SignedAt, _ = time.Parse(time.RFC3339Nano, signedAt)
		out = append(out, e)
	}
	return out, rows.Err()
}

// SignedFile returns where a document's signed file is stored, or a
// not_found error when it is not signed.
func (d *DB) SignedFile(ctx context.Context, id string) (hoso.Signed, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return hoso.Signed{}, err
	}
	defer tx.tx.Rollback()
	var s hoso.Signed
	var at string
	err = tx.queryRow(ctx, `SELECT id, version, signed_key, signed_sha256, signed_size, signed_at, signer FROM documents WHERE id = ? AND signed_key <> ''`, id).
		Scan(&s.DocumentID, &s.Version, &s.Key, &s.SHA256, &s.Size, &at, &s.Signer)
	if err != nil {
		return hoso.Signed{}, hoso.Errorf(hoso.ENotFound, "document %s has no signed file", id)
	}
	s.SignedAt, _ = time.Parse(time.RFC3339Nano, at)
	return s, nil
}
