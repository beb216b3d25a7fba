-- Invitations to register on a network whose registration policy is `invite`: the SHA-256 of
-- each single-use token (never the token itself) and until when it may be used.
CREATE TABLE invites (
    token_hash TEXT PRIMARY KEY,
    expires_at_ms INTEGER NOT NULL
);
