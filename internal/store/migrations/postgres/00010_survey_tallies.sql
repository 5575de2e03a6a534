-- +goose Up
-- Indexes that answer results and crosstabs from the index alone: the
-- first by question, the second by response (the other side of a
-- crosstab, and the answers that came after a tally).
DROP INDEX response_values_question;
CREATE INDEX response_values_question ON response_values (survey_id, question_key, option, commune, number, response_id);
DROP INDEX response_values_response;
CREATE INDEX response_values_response ON response_values (response_id, question_key, option, commune);

-- Running results of a survey. A tally holds the additive counts of the
-- responses up to upto_id for one scope (all results, filtered results, a
-- crosstab); reading results adds the responses after it, so that a view
-- reads the new answers only. data is JSON; responses is how many
-- responses the tally counts, to detect one committed late.
CREATE TABLE survey_tallies (
    survey_id  TEXT NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    scope      TEXT NOT NULL,
    upto_id    BIGINT NOT NULL,
    responses  BIGINT NOT NULL,
    data       TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (survey_id, scope)
);

-- +goose Down
DROP TABLE survey_tallies;
DROP INDEX response_values_response;
CREATE INDEX response_values_response ON response_values (response_id);
DROP INDEX response_values_question;
CREATE INDEX response_values_question ON response_values (survey_id, question_key, option);
