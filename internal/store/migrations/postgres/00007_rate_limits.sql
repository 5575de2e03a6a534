-- +goose Up
-- Counters of events per key and per minute (minute = Unix time / 60):
-- the public form counts the submissions of each source address here, so
-- that several servers over one database share the limit. Rows older than
-- the previous minute are deleted as new minutes begin.
CREATE TABLE rate_limits (
    key    TEXT NOT NULL,
    minute BIGINT NOT NULL,
    hits   INTEGER NOT NULL,
    PRIMARY KEY (key, minute)
);

-- +goose Down
DROP TABLE rate_limits;
