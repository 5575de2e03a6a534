-- +goose Up
-- The catalogue of indicators holds only those users add: the built-in ones
-- are in the code (package diagnostic) and cannot be changed.
CREATE TABLE indicators (
    code        TEXT PRIMARY KEY,
    label       TEXT NOT NULL,
    unit        TEXT NOT NULL DEFAULT '',
    aggregate   TEXT NOT NULL,
    numerator   TEXT NOT NULL DEFAULT '',
    denominator TEXT NOT NULL DEFAULT '',
    scale       DOUBLE PRECISION NOT NULL DEFAULT 1,
    description TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    created_by  TEXT NOT NULL DEFAULT ''
);

-- One row per import: who, when, what, its progress while it runs (rows_done
-- of rows_total, in phase reading then writing) and what it did. details is
-- JSON: the summary of a finished import, the field errors of a failed one.
CREATE TABLE imports (
    id           TEXT PRIMARY KEY,
    at           TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP,
    user_id      TEXT NOT NULL DEFAULT '',
    user_name    TEXT NOT NULL DEFAULT '',
    filename     TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL DEFAULT '',
    year         INTEGER NOT NULL DEFAULT 0,
    status       TEXT NOT NULL,
    phase        TEXT NOT NULL DEFAULT '',
    rows_total   INTEGER NOT NULL DEFAULT 0,
    rows_done    INTEGER NOT NULL DEFAULT 0,
    rows_count   INTEGER NOT NULL DEFAULT 0,
    values_count INTEGER NOT NULL DEFAULT 0,
    communes     INTEGER NOT NULL DEFAULT 0,
    secret       INTEGER NOT NULL DEFAULT 0,
    message      TEXT NOT NULL DEFAULT '',
    details      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX imports_at ON imports (at);

-- The (indicator, year) pairs with values, each with a number of its own
-- that its commune values carry. An import replaces whole pairs: the old
-- pair and its values go, a new pair with a new id comes, so the import a
-- value comes from is recorded here rather than on each of millions of
-- values. Ratios have rows too (without values), written when they are
-- computed, with the year of their denominator.
CREATE TABLE indicator_series (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    indicator        TEXT NOT NULL,
    year             INTEGER NOT NULL,
    source           TEXT NOT NULL DEFAULT '',
    denominator_year INTEGER NOT NULL DEFAULT 0,
    import_id        TEXT NOT NULL DEFAULT '',
    updated_at       TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX indicator_series_key ON indicator_series (indicator, year);

-- Commune values under current commune codes. A NULL value is a secret one
-- (s, nd, empty in the file): never a zero. The table is ordered by commune,
-- so that a perimeter's values are read together; an import writes its
-- values in that order.
CREATE TABLE indicator_values (
    commune   TEXT NOT NULL,
    series_id INTEGER NOT NULL,
    value     DOUBLE PRECISION,
    PRIMARY KEY (commune, series_id)
) WITHOUT ROWID;
CREATE INDEX indicator_values_series ON indicator_values (series_id);

-- Sums (and, for ratios, paired sums) per département and for France
-- (scope 'FR'), computed at import so that a diagnosis reads two rows per
-- indicator instead of every commune of a département and of France.
CREATE TABLE indicator_aggregates (
    indicator        TEXT NOT NULL,
    year             INTEGER NOT NULL,
    scope            TEXT NOT NULL,
    value            DOUBLE PRECISION,
    numerator        DOUBLE PRECISION,
    denominator      DOUBLE PRECISION,
    denominator_year INTEGER NOT NULL DEFAULT 0,
    with_value       INTEGER NOT NULL,
    secret           INTEGER NOT NULL,
    total            INTEGER NOT NULL,
    PRIMARY KEY (indicator, year, scope)
);
CREATE INDEX indicator_aggregates_scope ON indicator_aggregates (scope, indicator, year);

-- +goose Down
DROP TABLE indicator_aggregates;
DROP TABLE indicator_values;
DROP TABLE indicator_series;
DROP TABLE imports;
DROP TABLE indicators;
