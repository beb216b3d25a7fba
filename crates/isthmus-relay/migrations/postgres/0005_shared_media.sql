-- The records of the media store all nodes of a network see (media/shared_store.rs); the bytes
-- are in the object store. A medium exists once its row does. One node (SQLite) keeps its media
-- records beside the files; the tables are here so that the schema stays one.
CREATE TABLE media (
    id TEXT PRIMARY KEY NOT NULL,
    owner TEXT NOT NULL,
    size BIGINT NOT NULL,
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX media_by_owner ON media (owner, created_at_ms);
CREATE INDEX media_by_age ON media (created_at_ms);

-- The key of the owner hashes, one for the network: every node must hash a name alike.
CREATE TABLE media_salt (
    id INTEGER PRIMARY KEY NOT NULL,
    salt BYTEA NOT NULL
);
