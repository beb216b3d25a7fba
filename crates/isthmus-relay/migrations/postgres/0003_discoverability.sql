-- Accounts that only their contacts and correspondents may look up (directory and bundles): to
-- anyone else they answer exactly as a missing account. Everyone else is discoverable.
CREATE TABLE contacts_only_discovery (
    owner TEXT PRIMARY KEY
);
