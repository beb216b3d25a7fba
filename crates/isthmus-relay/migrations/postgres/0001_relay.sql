-- The relay's state on PostgreSQL. migrations/sqlite/0001_relay.sql is the same schema in
-- SQLite's type names; keep the two in step. Never edit a released migration: add one.

-- One device per account for now. The device secret is kept only as its SHA-256 hash.
CREATE TABLE accounts (
    name TEXT PRIMARY KEY NOT NULL,
    device BIGINT NOT NULL,
    secret_hash BYTEA NOT NULL,
    registration_id BIGINT NOT NULL,
    identity_key BYTEA NOT NULL,
    signed_prekey_id BIGINT NOT NULL,
    signed_prekey BYTEA NOT NULL,
    signed_prekey_signature BYTEA NOT NULL,
    kyber_last_resort_id BIGINT NOT NULL,
    kyber_last_resort BYTEA NOT NULL,
    kyber_last_resort_signature BYTEA NOT NULL,
    created_at_ms BIGINT NOT NULL
);

-- One-time prekeys, handed out lowest id first and deleted as they go.
CREATE TABLE prekeys (
    name TEXT NOT NULL REFERENCES accounts (name),
    id BIGINT NOT NULL,
    public_key BYTEA NOT NULL,
    PRIMARY KEY (name, id)
);

CREATE TABLE kyber_prekeys (
    name TEXT NOT NULL REFERENCES accounts (name),
    id BIGINT NOT NULL,
    public_key BYTEA NOT NULL,
    signature BYTEA NOT NULL,
    PRIMARY KEY (name, id)
);

-- The other networks allowed to reach an account (none by default).
CREATE TABLE interop (
    name TEXT NOT NULL REFERENCES accounts (name),
    network TEXT NOT NULL,
    PRIMARY KEY (name, network)
);

-- Envelopes waiting for a device, in arrival order. An identity column never gives a sequence
-- number out twice, so a socket's cursor stays valid.
CREATE TABLE queue (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    device BIGINT NOT NULL,
    envelope_id BYTEA NOT NULL,
    envelope BYTEA NOT NULL,
    UNIQUE (name, device, envelope_id)
);
CREATE INDEX queue_by_device ON queue (name, device, seq);

-- How many envelopes each device's queue holds, kept with every enqueue and ack: the queue
-- limit without a count, and (on PostgreSQL) the row that orders a device's writers.
CREATE TABLE queue_lengths (
    name TEXT NOT NULL,
    device BIGINT NOT NULL,
    len BIGINT NOT NULL,
    PRIMARY KEY (name, device)
);

-- Federation nonces seen, per origin network, until they expire.
CREATE TABLE nonces (
    origin TEXT NOT NULL,
    nonce TEXT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    PRIMARY KEY (origin, nonce)
);
CREATE INDEX nonces_by_expiry ON nonces (expires_at_ms);

-- Who an account blocks, has accepted, has a pending message request from, and has exchanged
-- a message with. Addresses are `name@network`, without the device: these are about people.
CREATE TABLE blocks (
    owner TEXT NOT NULL,
    address TEXT NOT NULL,
    since_ms BIGINT NOT NULL,
    PRIMARY KEY (owner, address)
);

CREATE TABLE contacts (
    owner TEXT NOT NULL,
    address TEXT NOT NULL,
    since_ms BIGINT NOT NULL,
    PRIMARY KEY (owner, address)
);

CREATE TABLE requests (
    owner TEXT NOT NULL,
    address TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    PRIMARY KEY (owner, address)
);

CREATE TABLE correspondents (
    owner TEXT NOT NULL,
    address TEXT NOT NULL,
    PRIMARY KEY (owner, address)
);

-- Reports users filed, with the message text they chose to include (`messages`: a JSON array
-- of {id, sent_at, body}). Listed newest first; `seq` orders reports within one millisecond.
CREATE TABLE reports (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    reporter TEXT NOT NULL,
    address TEXT NOT NULL,
    reason TEXT NOT NULL,
    note TEXT NOT NULL,
    messages TEXT NOT NULL,
    received_at_ms BIGINT NOT NULL
);
CREATE INDEX reports_by_time ON reports (received_at_ms, seq);

-- Store-wide facts, such as when the data came over from a sled relay.
CREATE TABLE meta (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
