// Package catalog is hoso's database: files, documents, links, reviews,
// tokens and the feed, on SQLite (the embedded default, pure Go) or
// PostgreSQL (many machines). One SQL core over database/sql; the dialects
// differ only in placeholders and drivers. Migrations are embedded and run
// each in its own transaction.
package catalog

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL
	_ "modernc.org/sqlite"             // SQLite

	"hoso"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the catalog.
type DB struct {
	db       *sql.DB
	postgres bool
	// Now gives the time of each transaction; tests replace it.
	Now func() time.Time
}

// Open connects to a catalog: a postgres:// URL, or else a SQLite file path
// (an optional sqlite:// or file: prefix is allowed). It runs the migrations
// not yet applied.
func Open(ctx context.Context, url string) (*DB, error) {
	d := &DB{Now: time.Now}
	var err error
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		d.postgres = true
		d.db, err = sql.Open("pgx", url)
	} else {
		path := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite://"), "file:")
		// WAL lets readers go on while one writer commits; the busy timeout
		// makes writers queue instead of failing.
		// Transactions take the write lock when they begin (_txlock), so
		// that processes sharing the file queue behind the busy timeout
		// instead of failing when a reader turns writer.
		d.db, err = sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_txlock=immediate")
		if err == nil {
			d.db.SetMaxOpenConns(1)
		}
	}
	if err != nil {
		return nil, hoso.WrapError(hoso.EUnavailable, "the catalog cannot be opened", err)
	}
	if err := d.db.PingContext(ctx); err != nil {
		d.db.Close()
		return nil, hoso.WrapError(hoso.EUnavailable, "the catalog cannot be reached", err)
	}
	if err := d.migrate(ctx); err != nil {
		d.db.Close()
		return nil, err
	}
	return d, nil
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.db.PingContext(ctx); err != nil {
		return hoso.WrapError(hoso.EUnavailable, "the catalog cannot be reached", err)
	}
	return nil
}

// Close closes the connection pool.
func (d *DB) Close() error { return d.db.Close() }

// rebind turns ? placeholders into $1, $2 ... for PostgreSQL.
func (d *DB) rebind(q string) string {
	if !d.postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Tx is a transaction with its one time.
type Tx struct {
	tx  *sql.Tx
	d   *DB
	now time.Time
}

func (t *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, t.d.rebind(q), args...)
}

func (t *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.d.rebind(q), args...)
}

// begin starts a transaction; callers defer Rollback and Commit at the end.
func (d *DB) begin(ctx context.Context) (*Tx, error) {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, hoso.WrapError(hoso.EUnavailable, "the catalog is unavailable", err)
	}
	return &Tx{tx: tx, d: d, now: d.Now().UTC()}, nil
}

func (d *DB) migrate(ctx context.Context) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.tx.Rollback()
	if err := tx.lockMigrations(ctx); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return hoso.WrapError(hoso.EUnavailable, "catalog migrations", err)
	}
	if err := tx.tx.Commit(); err != nil {
		return hoso.WrapError(hoso.EUnavailable, "catalog migrations", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := d.migrateOne(ctx, name); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

func (d *DB) migrateOne(ctx context.Context, name string) error {
	tx, err := d.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.tx.Rollback()
	if err := tx.lockMigrations(ctx); err != nil {
		return err
	}
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	body, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	// Comments go first: they may hold a semicolon.
	for _, stmt := range strings.Split(stripComments(string(body)), ";") {
		if strings.TrimSpace(stmt) == "" {
			continue
		}
		if d.postgres {
			stmt = strings.ReplaceAll(stmt, "INTEGER PRIMARY KEY AUTOINCREMENT", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")
		}
		if _, err := tx.exec(ctx, stmt); err != nil {
			return err
		}
	}
	if _, err := tx.exec(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`, name, tx.now.Format(time.RFC3339Nano)); err != nil {
		return err
	}
	return tx.tx.Commit()
}

// lockMigrations makes processes that start together migrate one after
// the other: on PostgreSQL with a transaction-scoped advisory lock; on
// SQLite the immediate transaction already holds the write lock.
func (t *Tx) lockMigrations(ctx context.Context) error {
	if !t.d.postgres {
		return nil
	}
	if _, err := t.exec(ctx, `SELECT pg_advisory_xact_lock(726473)`); err != nil {
		return hoso.WrapError(hoso.EUnavailable, "catalog migrations", err)
	}
	return nil
}

func stripComments(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "--") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// newID returns a random identifier.
func newID() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic(err) // the system's randomness is gone: nothing can go on
	}
	return hex.EncodeToString(b)
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
