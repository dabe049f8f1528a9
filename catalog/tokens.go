package catalog

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"

	"hoso"
)

// Roles a token may carry.
var Roles = []string{"admin", "clerk", "reviewer", "sync"}

// CreateToken makes a new token for role (and unit, for clerks and
// reviewers) and returns its secret, which is shown once and never stored.
func (d *DB) CreateToken(ctx context.Context, role, unit string) (string, hoso.Token, error) {
	ok := false
	for _, r := range Roles {
		ok = ok || r == role
	}
	if !ok {
		return "", hoso.Token{}, hoso.Errorf(hoso.EInvalid, "unknown role %q", role)
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", hoso.Token{}, err
	}
	secret := "hoso_" + base64.RawURLEncoding.EncodeToString(b)
	tx, err := d.begin(ctx)
	if err != nil {
		return "", hoso.Token{}, err
	}
	defer tx.tx.Rollback()
	t := hoso.Token{ID: newID(), Role: role, Unit: unit}
	if _, err := tx.exec(ctx, `INSERT INTO tokens (id, hash, role, unit, created_at) VALUES (?, ?, ?, ?, ?)`,
		t.ID, hashToken(secret), role, unit, ts(tx.now)); err != nil {
		return "", hoso.Token{}, hoso.WrapError(hoso.EUnavailable, "the token cannot be saved", err)
	}
	return secret, t, tx.tx.Commit()
}

// Authenticate returns the token a secret belongs to, or unauthorized.
func (d *DB) Authenticate(ctx context.Context, secret string) (hoso.Token, error) {
	tx, err := d.begin(ctx)
	if err != nil {
		return hoso.Token{}, err
	}
	defer tx.tx.Rollback()
	var t hoso.Token
	err = tx.queryRow(ctx, `SELECT id, role, unit FROM tokens WHERE hash = ?`, hashToken(secret)).Scan(&t.ID, &t.Role, &t.Unit)
	if errors.Is(err, sql.ErrNoRows) {
		return hoso.Token{}, hoso.Errorf(hoso.EUnauthorized, "unknown token")
	}
	if err != nil {
		return hoso.Token{}, hoso.WrapError(hoso.EUnavailable, "the token cannot be checked", err)
	}
	return t, nil
}

func hashToken(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}
