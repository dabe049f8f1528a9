-- What happened, by whom: the pipeline ("system") or a token's holder.
-- Appended only.
CREATE TABLE audit (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    file_id     TEXT NOT NULL DEFAULT '',
    document_id TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_file ON audit (file_id, id);
CREATE INDEX audit_document ON audit (document_id, id)
;
-- The token that uploaded a file.
ALTER TABLE files ADD COLUMN uploaded_by TEXT NOT NULL DEFAULT ''
