-- How many pages a file has, once prepared.
ALTER TABLE files ADD COLUMN pages INTEGER NOT NULL DEFAULT 0;

-- What OCR read on each page (hoso.Page as JSON), written once per page.
CREATE TABLE pages (
    file_id TEXT NOT NULL REFERENCES files(id),
    n       INTEGER NOT NULL,
    data    TEXT NOT NULL,
    PRIMARY KEY (file_id, n)
);

-- The documents analysis found in a file (hoso.ExtractedDocument as JSON).
CREATE TABLE documents (
    id       TEXT PRIMARY KEY,
    file_id  TEXT NOT NULL REFERENCES files(id),
    idx      INTEGER NOT NULL,
    status   TEXT NOT NULL,
    doc_type TEXT NOT NULL,
    data     TEXT NOT NULL,
    UNIQUE (file_id, idx)
);
