-- +goose Up
-- The first submission of each address in a minute deletes the counters
-- older than the previous minute. Without an index on minute that delete
-- read the whole table every time: with residents each counted under an
-- address of their own (behind trusted proxies), thousands of rows at
-- each new address. With it, the delete finds the old rows, or none, at
-- once.
CREATE INDEX rate_limits_minute ON rate_limits (minute);

-- +goose Down
DROP INDEX rate_limits_minute;
