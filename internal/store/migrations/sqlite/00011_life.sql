-- +goose Up
-- The life of a signed convention: committees and their meetings,
-- decisions, amendments and the signed versions they make, yearly reviews,
-- the final evaluation, and the reminders sent by e-mail.

-- A meeting of a committee (copil, cotech or other), with its agenda and
-- minutes. held_on is YYYY-MM-DD.
CREATE TABLE meetings (
    id            TEXT PRIMARY KEY,
    convention_id TEXT NOT NULL REFERENCES conventions (id) ON DELETE CASCADE,
    committee     TEXT NOT NULL,
    title         TEXT NOT NULL DEFAULT '',
    held_on       TEXT NOT NULL,
    place         TEXT NOT NULL DEFAULT '',
    agenda        TEXT NOT NULL DEFAULT '',
    minutes       TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX meetings_convention ON meetings (convention_id, held_on);

-- Who attended: a person, for an organisation when one applies.
CREATE TABLE meeting_attendees (
    meeting_id      TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    name            TEXT NOT NULL,
    organisation_id TEXT REFERENCES organisations (id),
    role            TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (meeting_id, position)
);

-- A decision of a meeting, tied to actions of the plan, and what became of
-- it: status open, done or dropped, with a note. Its version is its own,
-- so that the follow-up of one decision does not wait on its meeting's.
CREATE TABLE decisions (
    id         TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    text       TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'open',
    outcome    TEXT NOT NULL DEFAULT '',
    version    INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX decisions_meeting ON decisions (meeting_id, position);

CREATE TABLE decision_actions (
    decision_id TEXT NOT NULL REFERENCES decisions (id) ON DELETE CASCADE,
    action_id   TEXT NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    PRIMARY KEY (decision_id, action_id)
);
CREATE INDEX decision_actions_action ON decision_actions (action_id);

-- Every signed version of a convention: the signature (number 0) and each
-- amendment after it. snapshot is the convention as signed, JSON: period,
-- parties, perimeter, plan and budget, so that two versions can be
-- compared whatever changed since.
CREATE TABLE convention_versions (
    id            TEXT PRIMARY KEY,
    convention_id TEXT NOT NULL REFERENCES conventions (id) ON DELETE CASCADE,
    number        INTEGER NOT NULL,
    signed_on     TEXT NOT NULL,
    label         TEXT NOT NULL,
    snapshot      TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    UNIQUE (convention_id, number)
);

-- An amendment (avenant): dated, numbered from 1, with its summary and
-- the changes it brings as JSON (perimeter, period, parties, plan,
-- budget), and the version it made.
CREATE TABLE amendments (
    id            TEXT PRIMARY KEY,
    convention_id TEXT NOT NULL REFERENCES conventions (id) ON DELETE CASCADE,
    number        INTEGER NOT NULL,
    signed_on     TEXT NOT NULL,
    summary       TEXT NOT NULL,
    changes       TEXT NOT NULL DEFAULT '{}',
    version_id    TEXT REFERENCES convention_versions (id) ON DELETE SET NULL,
    version       INTEGER NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (convention_id, number)
);

-- The yearly review of an action: its status that year, what was done,
-- the difficulties and the next steps.
CREATE TABLE action_reviews (
    action_id    TEXT NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    year         INTEGER NOT NULL,
    status       TEXT NOT NULL,
    done         TEXT NOT NULL DEFAULT '',
    difficulties TEXT NOT NULL DEFAULT '',
    next_steps   TEXT NOT NULL DEFAULT '',
    user_name    TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (action_id, year)
);

-- The partners' comments on a year's review.
CREATE TABLE review_comments (
    id              TEXT PRIMARY KEY,
    convention_id   TEXT NOT NULL REFERENCES conventions (id) ON DELETE CASCADE,
    year            INTEGER NOT NULL,
    organisation_id TEXT REFERENCES organisations (id),
    author          TEXT NOT NULL,
    text            TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX review_comments_convention ON review_comments (convention_id, year);

-- The final evaluation: one row for the convention as a whole (subject
-- ''), one per axis and per action (subject = its id). results and
-- assessment are text; carry_on marks an action to carry into the
-- renewal.
CREATE TABLE evaluations (
    convention_id TEXT NOT NULL REFERENCES conventions (id) ON DELETE CASCADE,
    subject       TEXT NOT NULL,
    results       TEXT NOT NULL DEFAULT '',
    assessment    TEXT NOT NULL DEFAULT '',
    carry_on      INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (convention_id, subject)
);

-- Reminders sent by e-mail, so that each is sent once whatever the number
-- of servers: (kind, subject, recipient, due_on) is claimed before sending
-- (claimed_at), then marked sent (sent_at). A failed send deletes its
-- claim, to be tried again; a claim a dead server left unsent is taken
-- again once it is old (store.ClaimTimeout).
CREATE TABLE reminders_sent (
    kind       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    due_on     TEXT NOT NULL,
    claimed_at TIMESTAMP NOT NULL,
    sent_at    TIMESTAMP,
    PRIMARY KEY (kind, subject, recipient, due_on)
);

-- Leases on background jobs: a server runs a job while it holds its lease
-- (until), so that a job runs once even with several servers.
CREATE TABLE job_leases (
    name   TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until  TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE job_leases;
DROP TABLE reminders_sent;
DROP TABLE evaluations;
DROP TABLE review_comments;
DROP TABLE action_reviews;
DROP TABLE amendments;
DROP TABLE convention_versions;
DROP TABLE decision_actions;
DROP TABLE decisions;
DROP TABLE meeting_attendees;
DROP TABLE meetings;
