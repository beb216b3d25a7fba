//! The schema version of a profile's store and the ordered migrations that bring it up to date.
//!
//! The version lives sealed in [`Tree::Meta`] under `schema_version`. Every open runs the
//! migrations from the stored version up to [`CURRENT_SCHEMA`], one at a time, recording the new
//! version (and the migration's name) after each, so an interrupted run resumes where it stopped.
//! A migration must therefore be safe to run again if it was interrupted before its record.
//! A store newer than this code is refused with [`Error::UnsupportedVersion`] and left untouched.

use super::{Error, Result, SealedStore, Tree};

/// The schema this code reads and writes. Equals the number of migrations.
pub const CURRENT_SCHEMA: u32 = 1;

const VERSION_KEY: &[u8] = b"schema_version";
const RECORD_PREFIX: &[u8] = b"migration/";

/// One step of the schema: from `to - 1` to `to`.
#[derive(Clone, Copy, Debug)]
pub struct Migration {
    pub to: u32,
    /// Says what the step does; stored beside the version for anyone debugging a profile.
    pub name: &'static str,
    pub run: fn(&SealedStore) -> Result<()>,
}

/// Every migration, in order. Append only: a released step never changes.
pub const MIGRATIONS: &[Migration] = &[Migration { to: 1, name: "initial schema", run: initial }];

/// Version 1 is the first release's layout; an empty store needs nothing but the version record.
fn initial(_store: &SealedStore) -> Result<()> {
    Ok(())
}

/// The stored schema version; 0 for a store that has never been migrated (a new profile).
pub fn schema_version(store: &SealedStore) -> Result<u32> {
    Ok(store.get_json::<u32>(Tree::Meta, VERSION_KEY)?.unwrap_or(0))
}

/// Brings `store` to [`CURRENT_SCHEMA`]. Returns the version it found.
pub fn migrate(store: &SealedStore) -> Result<u32> {
    migrate_with(store, MIGRATIONS)
}

/// Runs `migrations` (numbered 1, 2, ... in order) from the stored version up to the last one.
pub fn migrate_with(store: &SealedStore, migrations: &[Migration]) -> Result<u32> {
    for (index, migration) in migrations.iter().enumerate() {
        assert_eq!(
            migration.to as usize,
            index + 1,
            "migrations must be numbered 1, 2, ... in order; this is a bug in the list"
        );
    }
    let supported = migrations.last().map_or(0, |last| last.to);
    let found = schema_version(store)?;
    if found > supported {
        return Err(Error::UnsupportedVersion { found, supported });
    }
    for migration in &migrations[found as usize..] {
        (migration.run)(store)?;
        let mut record = store.batch();
        record.put_json(Tree::Meta, VERSION_KEY, &migration.to)?;
        record.put_json(Tree::Meta, &record_key(migration.to), migration.name)?;
        store.apply(record)?;
    }
    if found < supported {
        store.flush()?;
    }
    Ok(found)
}

fn record_key(version: u32) -> Vec<u8> {
    let mut key = RECORD_PREFIX.to_vec();
    key.extend_from_slice(&version.to_be_bytes());
    key
}

/// The names of the migrations applied to `store`, in order.
pub fn applied(store: &SealedStore) -> Result<Vec<String>> {
    let records = store.scan_prefix_json::<String>(Tree::Meta, RECORD_PREFIX)?;
    Ok(records.into_iter().map(|(_, name)| name).collect())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::store::Profile;

    fn fresh_store() -> std::sync::Arc<SealedStore> {
        let store = Profile::in_memory().store();
        store.remove(Tree::Meta, VERSION_KEY).expect("removing from memory cannot fail");
        store
    }

    #[test]
    fn the_list_matches_current_schema() {
        assert_eq!(
            MIGRATIONS.len() as u32,
            CURRENT_SCHEMA,
            "every schema version after 0 is reached by exactly one migration"
        );
        for (index, migration) in MIGRATIONS.iter().enumerate() {
            assert_eq!(migration.to as usize, index + 1, "migrations run in the listed order");
        }
    }

    #[test]
    fn a_new_profile_is_at_the_current_schema() {
        let profile = Profile::in_memory();
        assert_eq!(
            schema_version(&profile.store()).expect("the version record opens"),
            CURRENT_SCHEMA,
            "opening a profile runs every migration"
        );
        assert_eq!(
            applied(&profile.store()).expect("the migration records open"),
            vec!["initial schema".to_string()],
            "each migration leaves a record of its name"
        );
    }

    static STEPS_RUN: AtomicUsize = AtomicUsize::new(0);

    fn step_two(store: &SealedStore) -> Result<()> {
        STEPS_RUN.fetch_add(1, Ordering::SeqCst);
        store.put(Tree::Meta, b"step-two", b"done")
    }

    fn step_three(store: &SealedStore) -> Result<()> {
        STEPS_RUN.fetch_add(1, Ordering::SeqCst);
        assert_eq!(
            store.get(Tree::Meta, b"step-two").expect("the earlier step's record opens"),
            Some(b"done".to_vec()),
            "migrations run in order, so step two's change is visible to step three"
        );
        Ok(())
    }

    #[test]
    fn migrations_run_from_the_stored_version_in_order_and_only_once() {
        let store = fresh_store();
        let list = [
            Migration { to: 1, name: "one", run: initial },
            Migration { to: 2, name: "two", run: step_two },
            Migration { to: 3, name: "three", run: step_three },
        ];
        migrate_with(&store, &list[..1]).expect("the first step applies");
        assert_eq!(schema_version(&store).expect("readable"), 1, "the first step is recorded");

        STEPS_RUN.store(0, Ordering::SeqCst);
        let found = migrate_with(&store, &list).expect("the later steps apply");
        assert_eq!(found, 1, "migrate reports the version it started from");
        assert_eq!(STEPS_RUN.load(Ordering::SeqCst), 2, "only the steps after version 1 run");
        assert_eq!(schema_version(&store).expect("readable"), 3, "the last step is recorded");
        assert_eq!(applied(&store).expect("readable"), vec!["one", "two", "three"], "every step is recorded, in order");

        migrate_with(&store, &list).expect("an up-to-date store migrates trivially");
        assert_eq!(STEPS_RUN.load(Ordering::SeqCst), 2, "an up-to-date store runs no step again");
    }

    fn failing_step(_store: &SealedStore) -> Result<()> {
        Err(Error::Corrupt("test failure".into()))
    }

    #[test]
    fn a_failed_step_keeps_the_version_before_it() {
        let store = fresh_store();
        let list =
            [Migration { to: 1, name: "one", run: initial }, Migration { to: 2, name: "fails", run: failing_step }];
        assert!(migrate_with(&store, &list).is_err(), "the step's error reaches the caller");
        assert_eq!(
            schema_version(&store).expect("readable"),
            1,
            "a failed step is not recorded, so the next open retries it"
        );
    }

    #[test]
    fn a_newer_store_is_refused_and_left_unchanged() {
        let store = fresh_store();
        store.put_json(Tree::Meta, VERSION_KEY, &(CURRENT_SCHEMA + 1)).expect("memory put");
        let before = store.raw().scan_prefix(Tree::Meta, b"").expect("memory scan");

        let outcome = migrate(&store);
        assert!(
            matches!(
                outcome,
                Err(Error::UnsupportedVersion { found, supported })
                    if found == CURRENT_SCHEMA + 1 && supported == CURRENT_SCHEMA
            ),
            "old code must not touch data written by newer code, got {outcome:?}"
        );
        assert_eq!(
            store.raw().scan_prefix(Tree::Meta, b"").expect("memory scan"),
            before,
            "a refused migration writes nothing"
        );
    }

    #[test]
    fn a_newer_profile_on_disk_is_refused_on_unlock() {
        use crate::store::KdfParams;
        let dir = tempfile::tempdir().expect("a temporary folder for the profile");
        let path = dir.path().join("profile");
        {
            let profile = Profile::create(&path, "pass", KdfParams::insecure_for_tests())
                .expect("a profile is created in an empty folder");
            let store = profile.store();
            store.put_json(Tree::Meta, VERSION_KEY, &(CURRENT_SCHEMA + 7)).expect("sled put");
            store.flush().expect("sled flush");
        }
        let outcome = Profile::unlock(&path, "pass");
        assert!(
            matches!(outcome, Err(Error::UnsupportedVersion { found, .. }) if found == CURRENT_SCHEMA + 7),
            "unlock must refuse a store from a newer release, got {outcome:?}"
        );
    }
}
