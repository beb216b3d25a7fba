-- What the nodes of one network share to enforce its limits together (coordination/postgres.rs):
-- a token bucket per kind and key, and the events of each kind and key in a sliding window.
-- One node (SQLite) keeps both in memory; the tables are here so that the schema stays one.
CREATE TABLE rate_buckets (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    tokens REAL NOT NULL,
    updated_ms INTEGER NOT NULL,
    PRIMARY KEY (kind, key)
);

CREATE TABLE limit_events (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    at_ms INTEGER NOT NULL
);
CREATE INDEX limit_events_by_key ON limit_events (kind, key, at_ms);
CREATE INDEX limit_events_by_time ON limit_events (at_ms);
