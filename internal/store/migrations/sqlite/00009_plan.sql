-- +goose Up
-- The plan of actions of a convention: axes, objectives, numbered actions,
-- their budget lines, their follow-up indicators and their journal.
-- Numbers are kept dense (1, 2, 3…) by the code that moves things; they are
-- not unique in the schema so that a renumbering may pass through a
-- duplicate inside its transaction.
CREATE TABLE axes (
    id            TEXT PRIMARY KEY,
    convention_id TEXT NOT NULL REFERENCES conventions (id) ON DELETE CASCADE,
    number        INTEGER NOT NULL,
    title         TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX axes_convention ON axes (convention_id, number);

CREATE TABLE objectives (
    id         TEXT PRIMARY KEY,
    axis_id    TEXT NOT NULL REFERENCES axes (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    title      TEXT NOT NULL,
    version    INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX objectives_axis ON objectives (axis_id, position);

-- An action is numbered within its axis ("Axe 2 / Action 4"). former_refs
-- keeps, newline-separated, the references it had before a move, so that
-- a search for an old reference still finds it. fields holds field codes,
-- comma-separated; start_on and end_on are YYYY-MM-DD or empty.
CREATE TABLE actions (
    id            TEXT PRIMARY KEY,
    convention_id TEXT NOT NULL REFERENCES conventions (id) ON DELETE CASCADE,
    axis_id       TEXT NOT NULL REFERENCES axes (id) ON DELETE CASCADE,
    objective_id  TEXT REFERENCES objectives (id) ON DELETE SET NULL,
    number        INTEGER NOT NULL,
    title         TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    fields        TEXT NOT NULL DEFAULT '',
    lead_id       TEXT REFERENCES organisations (id),
    public        TEXT NOT NULL DEFAULT '',
    start_on      TEXT NOT NULL DEFAULT '',
    end_on        TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL,
    former_refs   TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX actions_axis ON actions (axis_id, number);
CREATE INDEX actions_convention ON actions (convention_id);

CREATE TABLE action_partners (
    action_id       TEXT NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (action_id, organisation_id)
);
CREATE INDEX action_partners_organisation ON action_partners (organisation_id);

-- The stakes of the diagnosis an action answers, and the findings it
-- rests on directly (the residents' proposals behind a finding are found
-- through proposals.finding_id).
CREATE TABLE action_stakes (
    action_id TEXT NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    stake_id  TEXT NOT NULL REFERENCES stakes (id) ON DELETE CASCADE,
    PRIMARY KEY (action_id, stake_id)
);
CREATE INDEX action_stakes_stake ON action_stakes (stake_id);

CREATE TABLE action_findings (
    action_id  TEXT NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    finding_id TEXT NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
    PRIMARY KEY (action_id, finding_id)
);
CREATE INDEX action_findings_finding ON action_findings (finding_id);

-- The dated follow-up journal of an action.
CREATE TABLE action_journal (
    id         TEXT PRIMARY KEY,
    action_id  TEXT NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    noted_on   TEXT NOT NULL,
    text       TEXT NOT NULL,
    user_name  TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX action_journal_action ON action_journal (action_id, noted_on);

-- Budget lines, in euro cents. nature is fonctionnement or investissement;
-- actual_cents is NULL until the money spent is known.
CREATE TABLE budget_lines (
    id            TEXT PRIMARY KEY,
    action_id     TEXT NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    convention_id TEXT NOT NULL REFERENCES conventions (id) ON DELETE CASCADE,
    funder_id     TEXT NOT NULL REFERENCES organisations (id),
    year          INTEGER NOT NULL,
    nature        TEXT NOT NULL,
    planned_cents INTEGER NOT NULL,
    actual_cents  INTEGER,
    position      INTEGER NOT NULL
);
-- The totals of a convention and a CAF's commitments are sums read from
-- these indexes alone, each in the order of its GROUP BY, without a sort
-- or a visit to the table.
CREATE INDEX budget_lines_action ON budget_lines (action_id, position);
CREATE INDEX budget_lines_convention ON budget_lines (convention_id, funder_id, year, planned_cents, actual_cents);
CREATE INDEX budget_lines_convention_action ON budget_lines (convention_id, action_id, nature, planned_cents, actual_cents);
CREATE INDEX budget_lines_funder ON budget_lines (funder_id, year, convention_id, planned_cents, actual_cents);

-- Follow-up indicators of an action: a baseline, then a target and a value
-- per year (either may be missing for a year).
CREATE TABLE action_indicators (
    id         TEXT PRIMARY KEY,
    action_id  TEXT NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    label      TEXT NOT NULL,
    unit       TEXT NOT NULL DEFAULT '',
    baseline   REAL,
    version    INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX action_indicators_action ON action_indicators (action_id, position);

CREATE TABLE action_indicator_years (
    indicator_id TEXT NOT NULL REFERENCES action_indicators (id) ON DELETE CASCADE,
    year         INTEGER NOT NULL,
    target       REAL,
    value        REAL,
    PRIMARY KEY (indicator_id, year)
);

-- What a convention publishes on its public page /p/<slug>. The plan's
-- axes, actions, statuses and progress are always shown once published;
-- budget totals and survey results only when chosen.
CREATE TABLE publications (
    convention_id TEXT PRIMARY KEY REFERENCES conventions (id) ON DELETE CASCADE,
    slug          TEXT NOT NULL UNIQUE,
    show_budget   INTEGER NOT NULL DEFAULT 0,
    show_surveys  INTEGER NOT NULL DEFAULT 0,
    summary       TEXT NOT NULL DEFAULT '',
    published_at  TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE publications;
DROP TABLE action_indicator_years;
DROP TABLE action_indicators;
DROP TABLE budget_lines;
DROP TABLE action_journal;
DROP TABLE action_findings;
DROP TABLE action_stakes;
DROP TABLE action_partners;
DROP TABLE actions;
DROP TABLE objectives;
DROP TABLE axes;
