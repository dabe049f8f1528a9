package catalog

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"hoso"
)

// CreateFile records an upload. When the same bytes (SHA-256) were uploaded
// before, it returns the existing file and duplicate true.
func (d *DB) CreateFile(ctx context.Context, f hoso.File) (hoso.File, bool, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return hoso.File{}, false, err
	}
	defer tx.tx.Rollback()
	f.ID = newID()
	f.Status = hoso.StatusReceived
	f.CreatedAt, f.UpdatedAt = tx.now, tx.now
	res, err := tx.exec(ctx, `INSERT INTO files (id, sha256, name, size, unit, uploaded_by, hint_staff_id, hint_doc_type, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
		f.ID, f.SHA256, f.Name, f.Size, f.Unit, f.UploadedBy, f.HintStaffID, string(f.HintDocType), f.Status, ts(tx.now), ts(tx.now))
	if err != nil {
		return hoso.File{}, false, hoso.WrapError(hoso.EUnavailable, "the file cannot be recorded", err)
	}
	n, _ := res.RowsAffected()
	if n == 0 {
		existing, err := getFile(ctx, tx, `sha256 = ?`, f.SHA256)
		if err != nil {
			return hoso.File{}, false, err
		}
		return existing, true, tx.tx.Commit()
	}
	if err := tx.audit(ctx, AuditEntry{Actor: actorOr(f.UploadedBy), Action: "received", FileID: f.ID, Detail: f.Name}); err != nil {
		return hoso.File{}, false, err
	}
	return f, false, tx.tx.Commit()
}

// GetFile returns a file by ID, or a not_found error.
func (d *DB) GetFile(ctx context.Context, id string) (hoso.File, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return hoso.File{}, err
	}
	defer tx.tx.Rollback()
	return getFile(ctx, tx, `id = ?`, id)
}

// FileBySHA256 returns the file with that content, or a not_found error.
func (d *DB) FileBySHA256(ctx context.Context, sum string) (hoso.File, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return hoso.File{}, err
	}
	defer tx.tx.Rollback()
	return getFile(ctx, tx, `sha256 = ?`, sum)
}

// SetFileStatus moves a file to a status, with the error that stopped it
// when the status is "failed".
func (d *DB) SetFileStatus(ctx context.Context, id, status, errCode, errMessage string) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.tx.Rollback()
	res, err := tx.exec(ctx, `UPDATE files SET status = ?, error_code = ?, error_message = ?, updated_at = ? WHERE id = ?`,
		status, errCode, errMessage, ts(tx.now), id)
	if err != nil {
		return hoso.WrapError(hoso.EUnavailable, "the file status cannot be saved", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return hoso.Errorf(hoso.ENotFound, "no file %s", id)
	}
	detail := ""
	if errCode != "" {
		detail = errCode + ": " + errMessage
	}
	if err := tx.audit(ctx, AuditEntry{Actor: ActorSystem, Action: status, FileID: id, Detail: detail}); err != nil {
		return err
	}
	return tx.tx.Commit()
}

func getFile(ctx context.Context, tx *Tx, where string, arg any) (hoso.File, error) {
	var f hoso.File
	var created, updated, hintType string
	err := tx.queryRow(ctx, `SELECT id, sha256, name, size, unit, uploaded_by, hint_staff_id, hint_doc_type, status, error_code, error_message, created_at, updated_at
		FROM files WHERE `+where, arg).Scan(&f.ID, &f.SHA256, &f.Name, &f.Size, &f.Unit, &f.UploadedBy, &f.HintStaffID, &hintType,
		&f.Status, &f.ErrorCode, &f.ErrorMessage, &created, &updated)
	f.HintDocType = hoso.DocType(hintType)
	if errors.Is(err, sql.ErrNoRows) {
		return hoso.File{}, hoso.Errorf(hoso.ENotFound, "no such file")
	}
	if err != nil {
		return hoso.File{}, hoso.WrapError(hoso.EUnavailable, "the file cannot be read", err)
	}
	f.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
	f.UpdatedAt, _ = time.Parse(time.RFC3339Nano, updated)
	return f, nil
}

// actorOr names who did something: a token's ID, or the system.
func actorOr(tokenID string) string {
	if tokenID == "" {
		return ActorSystem
	}
	return tokenID
}
