-- The signed file of a document's current version.
ALTER TABLE documents ADD COLUMN signed_key TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN signed_sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN signed_size BIGINT NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN signed_at TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN signer TEXT NOT NULL DEFAULT '';

-- The feed the national-database sync job reads: one entry per signed
-- document version, appended in the transaction that marks it signed.
-- seq is given one append at a time, so entries commit in seq order.
CREATE TABLE feed (
    seq         BIGINT PRIMARY KEY,
    document_id TEXT NOT NULL,
    version     INTEGER NOT NULL,
    staff_ids   TEXT NOT NULL,
    unit        TEXT NOT NULL,
    doc_type    TEXT NOT NULL,
    section     TEXT NOT NULL,
    fields      TEXT NOT NULL,
    object_key  TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    size        BIGINT NOT NULL,
    signed_at   TEXT NOT NULL,
    signer      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (document_id, version)
)
