-- The staff registry and the unit tree, imported from the HR system's
-- export (hoso.Staff and hoso.Unit as JSON, with the columns queries need).
CREATE TABLE staff (
    id         TEXT PRIMARY KEY,
    unit_code  TEXT NOT NULL DEFAULT '',
    data       TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX staff_unit ON staff (unit_code);

CREATE TABLE units (
    code        TEXT PRIMARY KEY,
    parent_code TEXT NOT NULL DEFAULT '',
    data        TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- A document's version grows with every change (the API's ETag); its unit
-- is the upload's, else its person's.
ALTER TABLE documents ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE documents ADD COLUMN unit TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN updated_at TEXT NOT NULL DEFAULT '';
CREATE INDEX documents_status ON documents (status, id);
CREATE INDEX documents_unit ON documents (unit, id);

-- The people a document is linked to (automatic links and, later,
-- reviewers' links), for listing a person's documents.
CREATE TABLE document_staff (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    staff_id    TEXT NOT NULL,
    PRIMARY KEY (document_id, staff_id)
);
CREATE INDEX document_staff_staff ON document_staff (staff_id);
