package catalog

import (
	"context"
	"time"

	"hoso"
)

// Actor of the pipeline's own steps in the audit log.
const ActorSystem = "system"

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	ID         int64
	At         time.Time
	Actor      string // "system" or a token ID
	Action     string // received, failed, analyzed, ...
	FileID     string
	DocumentID string
	Detail     string
}

// audit appends an entry within the transaction that made the change.
func (t *Tx) audit(ctx context.Context, e AuditEntry) error {
	if _, err := t.exec(ctx, `INSERT INTO audit (at, actor, action, file_id, document_id, detail) VALUES (?, ?, ?, ?, ?, ?)`,
		ts(t.now), e.Actor, e.Action, e.FileID, e.DocumentID, e.Detail); err != nil {
		return hoso.WrapError(hoso.EUnavailable, "the audit log cannot be written", err)
	}
	return nil
}

// Audit returns the audit log of a file and its documents, oldest first.
func (d *DB) Audit(ctx context.Context, fileID string) ([]AuditEntry, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.tx.Rollback()
	rows, err := tx.tx.QueryContext(ctx, d.rebind(`SELECT id, at, actor, action, file_id, document_id, detail FROM audit WHERE file_id = ? ORDER BY id`), fileID)
	if err != nil {
		return nil, hoso.WrapError(hoso.EUnavailable, "the audit log cannot be read", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.FileID, &e.DocumentID, &e.Detail); err != nil {
			return nil, err
		}
		e.At, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, e)
	}
	return out, rows.Err()
}
