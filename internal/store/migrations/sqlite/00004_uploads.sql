-- +goose Up
-- Files sent to the import wizard, kept between its steps (the preview of
-- the columns, then the import) in the database rather than in one
-- server's memory, so that any server sharing the database may take the
-- next step. A file is written in chunks as it arrives, so that a large one
-- never sits whole in a single statement; it belongs to the user who sent
-- it and expires an hour after it came. preview is JSON: how the file was
-- read, its headers and first rows (diagnostic.Preview), once it was read.
CREATE TABLE uploads (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    filename   TEXT NOT NULL,
    size       INTEGER NOT NULL DEFAULT 0,
    preview    TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX uploads_expires ON uploads (expires_at);

CREATE TABLE upload_chunks (
    upload_id TEXT NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
    n         INTEGER NOT NULL,
    data      BLOB NOT NULL,
    PRIMARY KEY (upload_id, n)
);

-- +goose Down
DROP TABLE upload_chunks;
DROP TABLE uploads;
