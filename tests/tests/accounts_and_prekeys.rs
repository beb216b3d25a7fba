//! One profile, several networks; and one-time prekeys that are topped up when they run low.

use anyhow::Result;
use isthmus_core::{Engine, Event, Profile, RelayTrust};
use isthmus_e2e::raw::bearer;
use isthmus_e2e::{peer, relay, Person};
use isthmus_proto::{Address, NetworkName};

#[tokio::test]
async fn one_profile_holds_accounts_on_two_networks_in_one_inbox() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let harbor = relay("harbor.test").await?;
    peer(&meadow, &harbor);
    let engine = Engine::open(Profile::in_memory())?;
    let mut events = engine.subscribe();
    let on_meadow: Address = engine.add_account(&meadow.url(), "dana", RelayTrust::default()).await?.address.parse()?;
    let on_harbor: Address = engine.add_account(&harbor.url(), "dana", RelayTrust::default()).await?.address.parse()?;
    assert_eq!(engine.accounts()?.len(), 2, "the same name on two networks is two accounts");
    engine.start()?;

    let mut bob = Person::join(&meadow, "bob").await?;
    let mut erin = Person::join(&harbor, "erin").await?;
    bob.engine.send_text(&bob.address, &on_meadow, "to dana on meadow").await?;
    erin.engine.send_text(&erin.address, &on_harbor, "to dana on harbor").await?;
    let mut seen = 0;
    while seen < 2 {
        if let Event::MessageAdded { message } = events.recv().await? {
            seen += usize::from(message.body.starts_with("to dana"));
        }
    }
    let inbox = engine.conversations(None)?;
    let mut peers: Vec<String> = inbox.iter().map(|c| format!("{} <- {}", c.account, c.peer)).collect();
    peers.sort();
    assert_eq!(peers, vec!["dana@harbor.test <- erin@harbor.test", "dana@meadow.test <- bob@meadow.test"]);
    assert_eq!(engine.conversations(Some(&on_harbor))?.len(), 1, "the inbox can be narrowed to one account");
    let _ = (&mut bob, &mut erin);
    Ok(())
}

#[tokio::test]
async fn one_time_prekeys_are_topped_up_when_they_run_low() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let alice = Person::join(&meadow, "alice").await?;
    let mut bob = Person::join(&meadow, "bob").await?;
    let client = reqwest::Client::new();
    let count = |who: &Person| {
        let request = client
            .get(format!("{}/v1/keys/count", meadow.url()))
            .bearer_auth(bearer(&who.engine, &who.address).expect("bearer"));
        async move { request.send().await?.json::<serde_json::Value>().await }
    };
    let start = count(&bob).await?;
    let start_prekeys = start["prekeys"].as_u64().unwrap_or(0);
    assert!(start_prekeys >= 20, "registration uploads a batch: {start}");

    // Others fetch bob's bundle again and again, each fetch consuming a one-time key.
    for _ in 0..start_prekeys {
        client
            .get(format!("{}/v1/keys/{}", meadow.url(), bob.address))
            .bearer_auth(bearer(&alice.engine, &alice.address)?)
            .send()
            .await?
            .error_for_status()?;
    }
    assert_eq!(count(&bob).await?["prekeys"], 0, "every one-time key was handed out");

    // Bob's client checks after each drained backlog: reconnecting triggers it.
    bob.engine.stop();
    bob.forget_events();
    bob.engine.connect(&bob.address)?;
    let name = bob.address.to_string();
    bob.wait_for("bob to be online again", |e| {
        matches!(e, Event::QueueDrained { account } if *account == name).then_some(())
    })
    .await?;
    let mut topped_up = false;
    for _ in 0..100 {
        let now = count(&bob).await?;
        if now["prekeys"].as_u64().unwrap_or(0) >= 20 && now["kyber_prekeys"].as_u64().unwrap_or(0) >= 20 {
            topped_up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(topped_up, "the client uploaded a new batch of one-time EC and Kyber prekeys");
    let _ = NetworkName::parse("meadow.test")?;
    Ok(())
}

#[tokio::test]
async fn an_account_on_an_invite_network_needs_the_operator_s_invitation() -> anyhow::Result<()> {
    let mut config = isthmus_relay::RelayConfig::new(isthmus_proto::NetworkName::parse("meadow.test")?);
    config.registration = isthmus_relay::RegistrationPolicy::Invite;
    let meadow = isthmus_relay::start(config).await?;
    let dir = tempfile::tempdir()?;
    let profile = isthmus_core::Profile::create(dir.path(), "pass", isthmus_core::KdfParams::insecure_for_tests())?;
    let engine = isthmus_core::Engine::open(profile)?;
    let refused = engine.add_account(&meadow.url(), "alice", Default::default()).await.expect_err("no invitation");
    assert_eq!(refused.code(), isthmus_core::ErrorCode::InvitationRequired, "{refused}");
    assert!(refused.to_string().contains("invitation"), "the person hears what is missing: {refused}");
    assert!(engine.accounts()?.is_empty(), "nothing is stored");
    let token = meadow.issue_invite(60_000).await?;
    let info = engine.add_invited_account(&meadow.url(), "alice", Default::default(), Some(&token)).await?;
    assert_eq!(info.address, "alice@meadow.test");
    Ok(())
}
