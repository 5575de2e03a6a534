-- +goose Up
-- Working groups of a convention's consultation. held_on is the date of the
-- session (YYYY-MM-DD); participants are counted by category.
CREATE TABLE workshops (
    id            TEXT PRIMARY KEY,
    convention_id TEXT NOT NULL REFERENCES conventions (id) ON DELETE CASCADE,
    title         TEXT NOT NULL,
    held_on       TEXT NOT NULL,
    place         TEXT NOT NULL DEFAULT '',
    elected       INTEGER NOT NULL DEFAULT 0,
    staff         INTEGER NOT NULL DEFAULT 0,
    associations  INTEGER NOT NULL DEFAULT 0,
    residents     INTEGER NOT NULL DEFAULT 0,
    minutes       TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX workshops_convention ON workshops (convention_id, held_on);

-- The proposals of a workshop, in the order written. finding_id is the
-- finding a proposal was carried into; deleting that finding frees the
-- proposal, which may then be carried again.
CREATE TABLE proposals (
    id          TEXT PRIMARY KEY,
    workshop_id TEXT NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    text        TEXT NOT NULL,
    field       TEXT NOT NULL,
    finding_id  TEXT REFERENCES findings (id) ON DELETE SET NULL
);
CREATE INDEX proposals_workshop ON proposals (workshop_id, position);
CREATE INDEX proposals_finding ON proposals (finding_id);

-- +goose Down
DROP TABLE proposals;
DROP TABLE workshops;
