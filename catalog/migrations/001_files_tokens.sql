-- Uploaded files: one row per distinct content (SHA-256).
CREATE TABLE files (
    id            TEXT PRIMARY KEY,
    sha256        TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    size          BIGINT NOT NULL,
    unit          TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL,
    error_code    TEXT NOT NULL DEFAULT '',
    error_message TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

-- API tokens, stored as their SHA-256 only.
CREATE TABLE tokens (
    id         TEXT PRIMARY KEY,
    hash       TEXT NOT NULL UNIQUE,
    role       TEXT NOT NULL,
    unit       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
