-- +goose Up
-- When a running import last reported: an import whose server died stops
-- reporting, and is then shown as interrupted instead of running for ever.
ALTER TABLE imports ADD COLUMN heartbeat BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE imports DROP COLUMN heartbeat;
