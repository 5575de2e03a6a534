-- +goose Up
-- Single sign-on with an OpenID Connect provider (ProConnect).

-- A sign-in or a sign-out under way at the provider, found again by its
-- state when the browser comes back: in the database rather than in a
-- process, so that any server behind a load balancer takes the return.
-- The state is stored as its SHA-256 (it is a bearer secret until it is
-- used); a row is deleted when used, refused after expires_at (Unix time).
CREATE TABLE sso_states (
    state_hash TEXT PRIMARY KEY,
    purpose    TEXT NOT NULL,
    nonce      TEXT NOT NULL DEFAULT '',
    next       TEXT NOT NULL DEFAULT '/',
    expires_at BIGINT NOT NULL
);
CREATE INDEX sso_states_expires ON sso_states (expires_at);

-- Who a person is at a provider (issuer, subject), and their account.
CREATE TABLE sso_identities (
    issuer       TEXT NOT NULL,
    subject      TEXT NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email        TEXT NOT NULL DEFAULT '',
    siret        TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX sso_identities_user ON sso_identities (user_id);

-- The ID token of a session opened through the provider: the hint its
-- end-session endpoint asks for at logout. Goes with the session.
CREATE TABLE sso_sessions (
    token_hash TEXT PRIMARY KEY REFERENCES sessions (token_hash) ON DELETE CASCADE,
    issuer     TEXT NOT NULL,
    id_token   TEXT NOT NULL
);

-- Access requests of people whom no account matched, until an
-- administrator approves (user_id: the account made) or refuses them.
-- One pending request per identity.
CREATE TABLE sso_requests (
    id          TEXT PRIMARY KEY,
    issuer      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    email       TEXT NOT NULL,
    given_name  TEXT NOT NULL DEFAULT '',
    usual_name  TEXT NOT NULL DEFAULT '',
    siret       TEXT NOT NULL DEFAULT '',
    idp_id      TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    decided_by  TEXT NOT NULL DEFAULT '',
    user_id     TEXT REFERENCES users (id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX sso_requests_pending ON sso_requests (issuer, subject) WHERE status = 'pending';
CREATE INDEX sso_requests_identity ON sso_requests (issuer, subject, created_at);

-- +goose Down
DROP TABLE sso_requests;
DROP TABLE sso_sessions;
DROP TABLE sso_identities;
DROP TABLE sso_states;
