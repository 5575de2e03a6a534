-- +goose Up
-- Facilities are data about the territory: every convention whose
-- perimeter holds the commune shows them. name_key is the name folded as
-- territory.Normalize does, so that one facility is not entered twice.
CREATE TABLE facilities (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    commune_code TEXT NOT NULL,
    departement  TEXT NOT NULL,
    places       INTEGER,
    manager      TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX facilities_identity ON facilities (commune_code, kind, name_key);
CREATE INDEX facilities_departement ON facilities (departement, kind);

CREATE TABLE findings (
    id            TEXT PRIMARY KEY,
    convention_id TEXT NOT NULL REFERENCES conventions (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    field         TEXT NOT NULL,
    text          TEXT NOT NULL,
    source        TEXT NOT NULL,
    version       INTEGER NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX findings_convention ON findings (convention_id, kind);

-- fields holds the codes of the fields of intervention, comma-separated.
CREATE TABLE stakes (
    id            TEXT PRIMARY KEY,
    convention_id TEXT NOT NULL REFERENCES conventions (id) ON DELETE CASCADE,
    title         TEXT NOT NULL,
    fields        TEXT NOT NULL DEFAULT '',
    priority      INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX stakes_convention ON stakes (convention_id, priority);

CREATE TABLE stake_findings (
    stake_id   TEXT NOT NULL REFERENCES stakes (id) ON DELETE CASCADE,
    finding_id TEXT NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
    PRIMARY KEY (stake_id, finding_id)
);
CREATE INDEX stake_findings_finding ON stake_findings (finding_id);

-- +goose Down
DROP TABLE stake_findings;
DROP TABLE stakes;
DROP TABLE findings;
DROP TABLE facilities;
