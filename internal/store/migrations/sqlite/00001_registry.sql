-- +goose Up
CREATE TABLE organisations (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    territory  TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX organisations_kind ON organisations (kind);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    org_id        TEXT NOT NULL REFERENCES organisations (id),
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label        TEXT NOT NULL DEFAULT '',
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL
);

CREATE TABLE login_attempts (
    email        TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    last_failure BIGINT NOT NULL
);

CREATE TABLE conventions (
    id                 TEXT PRIMARY KEY,
    kind               TEXT NOT NULL,
    title              TEXT NOT NULL,
    caf_id             TEXT NOT NULL REFERENCES organisations (id),
    status             TEXT NOT NULL,
    start_date         TEXT NOT NULL,
    end_date           TEXT NOT NULL,
    signed_on          TEXT NOT NULL DEFAULT '',
    renews_id          TEXT REFERENCES conventions (id),
    perimeter_epcis    TEXT NOT NULL DEFAULT '',
    perimeter_communes TEXT NOT NULL DEFAULT '',
    perimeter_excluded TEXT NOT NULL DEFAULT '',
    population         BIGINT NOT NULL DEFAULT 0,
    version            INTEGER NOT NULL,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);
CREATE INDEX conventions_caf ON conventions (caf_id);
CREATE INDEX conventions_status ON conventions (status, start_date, end_date);
CREATE UNIQUE INDEX conventions_renews ON conventions (renews_id);

CREATE TABLE convention_parties (
    convention_id   TEXT NOT NULL REFERENCES conventions (id) ON DELETE CASCADE,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (convention_id, organisation_id)
);
CREATE INDEX convention_parties_org ON convention_parties (organisation_id);

CREATE TABLE convention_communes (
    convention_id TEXT NOT NULL REFERENCES conventions (id) ON DELETE CASCADE,
    commune_code  TEXT NOT NULL,
    PRIMARY KEY (convention_id, commune_code)
);
CREATE INDEX convention_communes_code ON convention_communes (commune_code);

CREATE TABLE convention_status (
    convention_id TEXT NOT NULL REFERENCES conventions (id) ON DELETE CASCADE,
    status        TEXT NOT NULL,
    date          TEXT NOT NULL,
    at            TIMESTAMP NOT NULL,
    user_id       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (convention_id, status)
);

CREATE TABLE history (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    convention_id TEXT,
    at            TIMESTAMP NOT NULL,
    user_id       TEXT NOT NULL DEFAULT '',
    user_name     TEXT NOT NULL DEFAULT '',
    action        TEXT NOT NULL,
    subject       TEXT NOT NULL DEFAULT '',
    changes       TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX history_convention ON history (convention_id, id);

-- +goose Down
DROP TABLE history;
DROP TABLE convention_status;
DROP TABLE convention_communes;
DROP TABLE convention_parties;
DROP TABLE conventions;
DROP TABLE login_attempts;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE organisations;
