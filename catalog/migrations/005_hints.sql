-- What the clerk said of an upload: the person and the document type it
-- is about (both optional), weighed by the analysis.
ALTER TABLE files ADD COLUMN hint_staff_id TEXT NOT NULL DEFAULT '';
ALTER TABLE files ADD COLUMN hint_doc_type TEXT NOT NULL DEFAULT ''
