-- The groups an account is in (`invited` 0) or was only invited to (`invited` 1: someone its
-- setting did not let add it added it, and nothing else of the group reaches it until it joins).
-- Only group ids against this relay's own accounts: nothing of a group's name or other members.
CREATE TABLE group_memberships (
    owner TEXT NOT NULL,
    group_id BLOB NOT NULL,
    invited INTEGER NOT NULL CHECK (invited IN (0, 1)),
    PRIMARY KEY (owner, group_id)
) WITHOUT ROWID;

-- Who may add an account to a group (`networks`, `contacts` or `nobody`); an account without a
-- row never chose, which means `networks`.
CREATE TABLE group_adds (
    owner TEXT PRIMARY KEY NOT NULL,
    who TEXT NOT NULL
);

-- The other networks whose people may add an account to groups: those it allowed under a
-- disclosure that says what groups do across networks. Adds from a network it allowed before
-- that answer as for a missing account until it is asked again.
CREATE TABLE group_networks (
    owner TEXT NOT NULL,
    network TEXT NOT NULL,
    PRIMARY KEY (owner, network)
) WITHOUT ROWID;
