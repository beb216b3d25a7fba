//! The relay reaches PostgreSQL over TLS when `database_url` says so (docs/deploy.md): with
//! `sslmode=verify-full` it checks the server's certificate against the CA it is given, and
//! refuses a server it cannot verify instead of sending it anything.
//!
//! The test command's throwaway server speaks TLS with a certificate from a CA made for the run
//! (`scripts/lib/postgres.sh`, `ISTHMUS_TEST_POSTGRES_CA`).

use isthmus_proto::UserName;
use isthmus_relay::coordination::postgres::PgCoordination;
use isthmus_relay::coordination::{Bucket, Coordination as _};
use isthmus_relay::store::conformance::databases::{postgres_schema, PostgresSchema, REQUIRE_POSTGRES_VAR};
use isthmus_relay::store::conformance::{account, name};
use isthmus_relay::store::{Access, RelayStore as _, SqlStore};
use isthmus_relay::Limits;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use sqlx::{ConnectOptions as _, Connection as _, Row as _};

const CA_VAR: &str = "ISTHMUS_TEST_POSTGRES_CA";

/// A fresh schema on the test server and the CA its certificate comes from.
async fn schema_and_ca() -> Option<(PostgresSchema, String)> {
    let Ok(ca) = std::env::var(CA_VAR) else {
        assert_ne!(
            std::env::var(REQUIRE_POSTGRES_VAR).as_deref(),
            Ok("1"),
            "{CA_VAR} is not set: the test PostgreSQL must speak TLS"
        );
        eprintln!("skipped: {CA_VAR} is not set (scripts/test sets it)");
        return None;
    };
    Some((postgres_schema().await?, ca))
}

fn with_tls(url: &str, mode: &str, ca: &str) -> String {
    format!("{url}&sslmode={mode}&sslrootcert={ca}")
}

#[tokio::test]
async fn the_store_and_the_coordination_reach_postgresql_over_verified_tls() {
    let Some((schema, ca)) = schema_and_ca().await else { return };
    let url = with_tls(&schema.url, "verify-full", &ca);

    let store = SqlStore::open_postgres(&url, Access::ReadWrite).await.expect("opens over TLS");
    store.create_account(account("alice", 1, 1)).await.expect("written over TLS");
    assert!(store.account(&name("alice")).await.expect("read over TLS").is_some());
    store.close().await;

    let coordination = PgCoordination::connect(&url, &Limits::default()).await.expect("the coordination connects");
    let alice = UserName::parse("alice").expect("valid");
    assert_eq!(coordination.take_token(Bucket::Account, alice.as_str()).await.expect("counted"), Ok(()));

    // The server's own view: this connection is encrypted.
    let options: sqlx::postgres::PgConnectOptions = url.parse().expect("the URL parses");
    let mut conn = options.connect().await.expect("connects");
    let encrypted: bool = sqlx::query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .fetch_one(&mut conn)
        .await
        .expect("pg_stat_ssl answers")
        .get(0);
    assert!(encrypted, "sslmode=verify-full connections are TLS connections");
    let _ = conn.close().await;
    schema.drop_schema().await;
}

#[tokio::test]
async fn a_server_whose_certificate_the_ca_did_not_sign_is_refused() {
    let Some((schema, _ca)) = schema_and_ca().await else { return };
    let dir = tempfile::tempdir().expect("a folder");
    let mut params = CertificateParams::default();
    params.distinguished_name.push(DnType::CommonName, "someone else's CA");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let other = CertifiedIssuer::self_signed(params, KeyPair::generate().expect("a key")).expect("a CA");
    let other_ca = dir.path().join("other-ca.pem");
    std::fs::write(&other_ca, other.pem()).expect("written");

    let url = with_tls(&schema.url, "verify-full", &other_ca.display().to_string());
    let refused = SqlStore::open_postgres(&url, Access::ReadWrite).await;
    let Err(error) = refused else { panic!("a server the CA did not certify must be refused") };
    assert!(error.to_string().to_lowercase().contains("certificate"), "the error says what is wrong: {error}");
    schema.drop_schema().await;
}
