-- The relay's state on SQLite. migrations/postgres/0001_relay.sql is the same schema in
-- PostgreSQL's type names; keep the two in step. Never edit a released migration: add one.

-- One device per account for now. The device secret is kept only as its SHA-256 hash.
CREATE TABLE accounts (
    name TEXT PRIMARY KEY NOT NULL,
    device INTEGER NOT NULL,
    secret_hash BLOB NOT NULL,
    registration_id INTEGER NOT NULL,
    identity_key BLOB NOT NULL,
    signed_prekey_id INTEGER NOT NULL,
    signed_prekey BLOB NOT NULL,
    signed_prekey_signature BLOB NOT NULL,
    kyber_last_resort_id INTEGER NOT NULL,
    kyber_last_resort BLOB NOT NULL,
    kyber_last_resort_signature BLOB NOT NULL,
    created_at_ms INTEGER NOT NULL
);

-- One-time prekeys, handed out lowest id first and deleted as they go.
CREATE TABLE prekeys (
    name TEXT NOT NULL REFERENCES accounts (name),
    id INTEGER NOT NULL,
    public_key BLOB NOT NULL,
    PRIMARY KEY (name, id)
) WITHOUT ROWID;

CREATE TABLE kyber_prekeys (
    name TEXT NOT NULL REFERENCES accounts (name),
    id INTEGER NOT NULL,
    public_key BLOB NOT NULL,
    signature BLOB NOT NULL,
    PRIMARY KEY (name, id)
);

-- The other networks allowed to reach an account (none by default).
CREATE TABLE interop (
    name TEXT NOT NULL REFERENCES accounts (name),
    network TEXT NOT NULL,
    PRIMARY KEY (name, network)
) WITHOUT ROWID;

-- Envelopes waiting for a device, in arrival order. AUTOINCREMENT: a sequence number is never
-- given out twice, not even after the highest one was acked, so a socket's cursor stays valid.
CREATE TABLE queue (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    device INTEGER NOT NULL,
    envelope_id BLOB NOT NULL,
    envelope BLOB NOT NULL,
    UNIQUE (name, device, envelope_id)
);
CREATE INDEX queue_by_device ON queue (name, device, seq);

-- How many envelopes each device's queue holds, kept with every enqueue and ack: the queue
-- limit without a count, and (on PostgreSQL) the row that orders a device's writers.
CREATE TABLE queue_lengths (
    name TEXT NOT NULL,
    device INTEGER NOT NULL,
    len INTEGER NOT NULL,
    PRIMARY KEY (name, device)
) WITHOUT ROWID;

-- Federation nonces seen, per origin network, until they expire.
CREATE TABLE nonces (
    origin TEXT NOT NULL,
    nonce TEXT NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    PRIMARY KEY (origin, nonce)
) WITHOUT ROWID;
CREATE INDEX nonces_by_expiry ON nonces (expires_at_ms);

-- Who an account blocks, has accepted, has a pending message request from, and has exchanged
-- a message with. Addresses are `name@network`, without the device: these are about people.
CREATE TABLE blocks (
    owner TEXT NOT NULL,
    address TEXT NOT NULL,
    since_ms INTEGER NOT NULL,
    PRIMARY KEY (owner, address)
) WITHOUT ROWID;

CREATE TABLE contacts (
    owner TEXT NOT NULL,
    address TEXT NOT NULL,
    since_ms INTEGER NOT NULL,
    PRIMARY KEY (owner, address)
) WITHOUT ROWID;

CREATE TABLE requests (
    owner TEXT NOT NULL,
    address TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    PRIMARY KEY (owner, address)
) WITHOUT ROWID;

CREATE TABLE correspondents (
    owner TEXT NOT NULL,
    address TEXT NOT NULL,
    PRIMARY KEY (owner, address)
) WITHOUT ROWID;

-- Reports users filed, with the message text they chose to include (`messages`: a JSON array
-- of {id, sent_at, body}). Listed newest first; `seq` orders reports within one millisecond.
CREATE TABLE reports (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    reporter TEXT NOT NULL,
    address TEXT NOT NULL,
    reason TEXT NOT NULL,
    note TEXT NOT NULL,
    messages TEXT NOT NULL,
    received_at_ms INTEGER NOT NULL
);
CREATE INDEX reports_by_time ON reports (received_at_ms, seq);

-- Store-wide facts, such as when the data came over from a sled relay.
CREATE TABLE meta (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
