-- +goose Up
-- Resident questionnaires of a convention. The definition (title, intro,
-- questions) is JSON text: it is read and written whole, never queried.
-- token is the secret of the public form, set when the survey opens.
CREATE TABLE surveys (
    id            TEXT PRIMARY KEY,
    convention_id TEXT NOT NULL REFERENCES conventions (id) ON DELETE CASCADE,
    status        TEXT NOT NULL,
    token         TEXT UNIQUE,
    closes        TEXT NOT NULL DEFAULT '',
    definition    TEXT NOT NULL,
    version       INTEGER NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX surveys_convention ON surveys (convention_id);

-- One row per response, its answers as JSON text for exports. nonce is the
-- hidden field of a public form: the same submission sent twice is
-- refused by the unique index (NULLs, paper entries, never collide).
CREATE TABLE survey_responses (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    survey_id  TEXT NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    channel    TEXT NOT NULL,
    nonce      TEXT,
    answers    TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX survey_responses_survey ON survey_responses (survey_id, id);
CREATE UNIQUE INDEX survey_responses_nonce ON survey_responses (survey_id, nonce);

-- The answers spread out, one row per (response, question, option or
-- value), written with the response: results and crosstabs are GROUP BYs
-- over an index instead of a decoding of every response's JSON.
CREATE TABLE response_values (
    survey_id    TEXT NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    response_id  INTEGER NOT NULL REFERENCES survey_responses (id) ON DELETE CASCADE,
    question_key TEXT NOT NULL,
    option       TEXT,
    number       REAL,
    commune      TEXT
);
CREATE INDEX response_values_question ON response_values (survey_id, question_key, option);
CREATE INDEX response_values_commune ON response_values (survey_id, commune);
CREATE INDEX response_values_response ON response_values (response_id);

-- +goose Down
DROP TABLE response_values;
DROP TABLE survey_responses;
DROP TABLE surveys;
