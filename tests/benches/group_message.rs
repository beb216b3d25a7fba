//! One message to a 100-member group spread over two networks, beside a one-to-one message:
//! a benchmark, not a test (issue 16).
//!
//! Two peered relays with their data on disk (meadow.test and harbor.test), and people with
//! real encrypted profiles on disk, half on each network; the sender is on meadow. The group
//! exists and has exchanged one message before anything is timed, so every sender key has been
//! distributed: what is timed is a message in a running group. Per round:
//! - sender's time: from the call until the relay has taken every copy (the message is "sent"
//!   and the sender's outbox is empty);
//! - until the last member has it: from the call until the last of the 99 members stored it.
//!
//! The same two figures for a one-to-one message across the two networks, and their ratio.
//!
//! Run: `cargo bench -p isthmus-e2e --bench group_message` (ISTHMUS_BENCH_GROUP: members,
//! default 100; ISTHMUS_BENCH_ROUNDS: rounds, default 5; medians are printed).

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use isthmus_core::{Event, GroupId, MessageStatus};
use isthmus_e2e::{peer, Person};
use isthmus_proto::{Address, NetworkName};
use isthmus_relay::{RelayConfig, RunningRelay};

/// A relay on disk whose abuse limits do not get in the way of one machine registering a
/// hundred people and one person adding them to a group within the hour.
async fn relay_on_disk(domain: &str, dir: &Path) -> Result<RunningRelay> {
    let mut config = RelayConfig::new(NetworkName::parse(domain)?);
    config.data_dir = Some(dir.to_path_buf());
    config.limits.first_contacts_per_sender_per_hour = 10_000;
    config.limits.registration_rate.burst = 10_000;
    config.limits.registration_rate.per_minute = 10_000;
    config.limits.ip_rate.burst = 100_000;
    config.limits.ip_rate.per_minute = 100_000;
    config.limits.account_rate.burst = 100_000;
    config.limits.account_rate.per_minute = 100_000;
    Ok(isthmus_relay::start(config).await?)
}

/// When `person` stores a message with `body`, measured from `started`.
async fn arrival(person: &mut Person, body: &str, started: Instant) -> Result<Duration> {
    let wanted = body.to_owned();
    person
        .wait_for(&format!("\"{body}\""), |event| match event {
            Event::MessageAdded { message } if message.body == wanted => Some(()),
            _ => None,
        })
        .await?;
    Ok(started.elapsed())
}

/// Until `person`'s message `id` is sent and nothing is left in their outbox.
async fn all_taken(person: &mut Person, id: isthmus_core::MessageId, started: Instant) -> Result<Duration> {
    // Sent, or already further: a receipt can overtake the relay's answer.
    person
        .wait_for(&format!("message {id} to be sent"), |event| match event {
            Event::MessageUpdated { message }
                if message.id == id
                    && matches!(
                        message.status,
                        MessageStatus::Sent | MessageStatus::Delivered | MessageStatus::Read
                    ) =>
            {
                Some(())
            }
            _ => None,
        })
        .await?;
    while person.engine.outbox_len(&person.address)? > 0 {
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
    Ok(started.elapsed())
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

struct Figures {
    sender: Duration,
    last: Duration,
    /// Until the sender saw it delivered to everyone (every member's receipt processed).
    acknowledged: Duration,
}

async fn group_round(sender: &mut Person, members: &mut [Person], group: GroupId, body: &str) -> Result<Figures> {
    for member in members.iter_mut() {
        member.forget_events();
    }
    sender.forget_events();
    let started = Instant::now();
    let message = sender.engine.send_group_text(&sender.address, group, body).await?;
    let (taken, arrivals) = tokio::join!(
        all_taken(sender, message.id, started),
        futures_util::future::join_all(members.iter_mut().map(|member| arrival(member, body, started)))
    );
    let last = arrivals.into_iter().collect::<Result<Vec<_>>>()?.into_iter().max().unwrap_or_default();
    let taken = taken?;
    sender.sees_status(message.id, MessageStatus::Delivered).await?;
    Ok(Figures { sender: taken, last, acknowledged: started.elapsed() })
}

async fn direct_round(sender: &mut Person, receiver: &mut Person, body: &str) -> Result<Figures> {
    receiver.forget_events();
    sender.forget_events();
    let started = Instant::now();
    let message = sender.engine.send_text(&sender.address, &receiver.address, body).await?;
    let (taken, last) = tokio::join!(all_taken(sender, message.id, started), arrival(receiver, body, started));
    let (taken, last) = (taken?, last?);
    sender.sees_status(message.id, MessageStatus::Delivered).await?;
    Ok(Figures { sender: taken, last, acknowledged: started.elapsed() })
}

async fn run(size: usize, rounds: usize) -> Result<()> {
    let data = tempfile::tempdir()?;
    let meadow = relay_on_disk("meadow.test", &data.path().join("meadow")).await?;
    let harbor = relay_on_disk("harbor.test", &data.path().join("harbor")).await?;
    peer(&meadow, &harbor);
    let profiles = tempfile::tempdir()?;
    let mut sender = Person::join_on_disk(&profiles.path().join("sender"), &meadow, "sender").await?;
    sender.allows("harbor.test").await?;
    let mut members = Vec::with_capacity(size - 1);
    for n in 1..size {
        let (relay, other) = if n % 2 == 0 { (&meadow, "harbor.test") } else { (&harbor, "meadow.test") };
        let person = Person::join_on_disk(&profiles.path().join(format!("m{n}")), relay, &format!("member{n}")).await?;
        person.allows(other).await?;
        members.push(person);
    }
    let addresses: Vec<Address> = members.iter().map(|m| m.address.clone()).collect();
    let group = sender.engine.create_group(&sender.address, "Benchmark", &addresses).await?;
    // One message first: sessions are set up and every sender key distributed.
    group_round(&mut sender, &mut members, group.id, "warm-up").await.context("warm-up")?;

    // The one-to-one baseline: the sender and a member on harbor who have written before.
    let receiver = &mut members[0];
    sender.confirms(&receiver.address).await?;
    // A first message is a request, which sends no receipt: sent and accepted before the rounds.
    sender.engine.send_text(&sender.address, &receiver.address, "direct warm-up").await?;
    receiver.receives(&sender.address, "direct warm-up").await?;
    receiver.accepts(&sender.address).await?;

    let (mut groups, mut direct) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        groups.push(group_round(&mut sender, &mut members, group.id, &format!("group {round}")).await?);
        direct.push(direct_round(&mut sender, &mut members[0], &format!("direct {round}")).await?);
    }
    let medians = |figures: &[Figures]| {
        (
            median(figures.iter().map(|f| f.sender).collect()),
            median(figures.iter().map(|f| f.last).collect()),
            median(figures.iter().map(|f| f.acknowledged).collect()),
        )
    };
    let ((gs, gl, ga), (ds, dl, da)) = (medians(&groups), medians(&direct));
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    println!(
        "| message | sender's time ms | until the last member has it ms | until the sender knows all have it ms |"
    );
    println!("|---|---:|---:|---:|");
    println!("| one-to-one, meadow -> harbor | {:.1} | {:.1} | {:.1} |", ms(ds), ms(dl), ms(da));
    println!("| group of {size}, {} on each network | {:.1} | {:.1} | {:.1} |", size / 2, ms(gs), ms(gl), ms(ga));
    println!("| group / one-to-one | {:.1}x | {:.1}x | {:.1}x |", ratio(gs, ds), ratio(gl, dl), ratio(ga, da));
    println!("(medians of {rounds} rounds; relays and profiles on disk; everything on this machine)");
    Ok(())
}

fn main() -> Result<()> {
    let size = std::env::var("ISTHMUS_BENCH_GROUP").ok().and_then(|v| v.parse().ok()).unwrap_or(100usize).max(2);
    let rounds = std::env::var("ISTHMUS_BENCH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(5usize).max(1);
    tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(run(size, rounds))
}
