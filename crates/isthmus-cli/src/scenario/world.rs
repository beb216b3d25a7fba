//! The world a scenario runs in: one relay per Isthmus network (started in this process and
//! peered with each other, or running elsewhere at a given URL), a homeserver per matrix
//! network (running elsewhere), one engine per person, and the groups the scenario created, by
//! their labels.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use anyhow::{anyhow, bail, Context, Result};
use isthmus_core::{Engine, GroupId, Profile, RelayTrust, DISCLOSURE_VERSION};
use isthmus_proto::{Address, NetworkName};
use isthmus_relay::{RelayConfig, RunningRelay};

use super::homeserver::{Homeserver, URL_VAR};
use super::matrix_person::{self, MatrixUser};
use super::model::{NetworkKind, PersonSpec, Scenario};
use super::sync::Progress;

/// A person of the scenario: an in-memory profile with one account, online (an Isthmus
/// account), or signed in (a Matrix account, `matrix`).
pub struct Person {
    pub engine: Engine,
    pub address: Address,
    pub matrix: Option<MatrixUser>,
}

impl Person {
    /// The person's Matrix account; `parse` keeps Matrix steps to Matrix people.
    pub fn matrix(&self) -> Result<&MatrixUser> {
        self.matrix.as_ref().ok_or_else(|| anyhow!("{} is not a Matrix person", self.address))
    }
}

/// A group a `create_group` step created: the id every member's engine knows it by, and who
/// created it (the default sender of `expect_not_added`'s sync point).
#[derive(Clone)]
pub struct LabelledGroup {
    pub id: GroupId,
    pub creator: String,
}

pub struct World {
    relays: Vec<RunningRelay>,
    people: BTreeMap<String, Person>,
    groups: Mutex<HashMap<String, LabelledGroup>>,
}

impl World {
    /// Starts or joins every network, peers the in-process relays with each other, and brings
    /// every person online with the networks they allow.
    pub async fn build(scenario: &Scenario, relay_urls: &HashMap<String, String>) -> Result<Self> {
        // Homeservers first: a missing URL or secret fails before anything starts.
        let mut homeservers: HashMap<NetworkName, Arc<Homeserver>> = HashMap::new();
        for network in scenario.networks.iter().filter(|n| n.kind == NetworkKind::Matrix) {
            if relay_urls.contains_key(network.name.as_str()) {
                bail!(
                    "--relay names {}, a matrix network: its homeserver is the url of its [[network]], or {URL_VAR}",
                    network.name
                );
            }
            homeservers.insert(network.name.clone(), Arc::new(Homeserver::of(network)?));
        }
        let mut relays = Vec::new();
        let mut urls: HashMap<NetworkName, String> = HashMap::new();
        let mut external = false;
        for network in scenario.networks.iter().filter(|n| n.kind == NetworkKind::Isthmus) {
            let given = relay_urls.get(network.name.as_str()).or(network.url.as_ref());
            let url = match given {
                Some(url) => {
                    external = true;
                    url.trim_end_matches('/').to_owned()
                }
                None => {
                    let mut config = RelayConfig::new(network.name.clone());
                    config.limits = network.limits.clone();
                    let relay = isthmus_relay::start(config)
                        .await
                        .with_context(|| format!("starting a relay for {}", network.name))?;
                    let url = relay.url();
                    relays.push(relay);
                    url
                }
            };
            urls.insert(network.name.clone(), url);
        }
        // Every in-process relay peers with every other one, as their operators would agree.
        for relay in &relays {
            let others = relays.iter().filter(|other| other.domain() != relay.domain()).map(RunningRelay::as_peer);
            relay.set_peers(others.collect());
        }

        // Running relays and homeservers keep accounts from earlier runs: a suffix keeps names free.
        let suffix = run_suffix();
        let mut people = BTreeMap::new();
        for spec in &scenario.people {
            let person = match homeservers.get(&spec.network) {
                Some(homeserver) => matrix_person::join(spec, homeserver.clone(), &suffix).await?,
                None => {
                    let url = urls.get(&spec.network).ok_or_else(|| anyhow!("no relay for {}", spec.network))?;
                    isthmus_person(spec, url, external.then_some(suffix.as_str())).await?
                }
            };
            people.insert(spec.name.clone(), person);
        }
        // Matrix clients that were turned on start side by side; each must be ready.
        let progress = Progress::default();
        for person in people.values() {
            if let Some(user) = &person.matrix {
                if person.engine.matrix_attached(&user.user_id) {
                    user.ready(&progress).await?;
                }
            }
        }
        Ok(Self { relays, people, groups: Mutex::default() })
    }

    pub fn person(&self, name: &str) -> Result<&Person> {
        self.people.get(name).ok_or_else(|| anyhow!("unknown person {name}"))
    }

    /// The address a step means: a person's, or a literal `name@network`.
    pub fn address(&self, who: &str) -> Result<Address> {
        match self.people.get(who) {
            Some(person) => Ok(person.address.clone()),
            None => who.parse::<Address>().with_context(|| format!("{who} is neither a person nor an address")),
        }
    }

    /// The Matrix id a step means: a Matrix person's, or a literal `name@server` as
    /// `@name:server`.
    pub fn matrix_id(&self, who: &str) -> Result<String> {
        match self.people.get(who) {
            Some(person) => Ok(person.matrix()?.user_id.clone()),
            None => {
                let address = self.address(who)?;
                Ok(format!("@{}:{}", address.name, address.network))
            }
        }
    }

    /// The person whose address this is, if any.
    pub fn person_at(&self, address: &Address) -> Option<&Person> {
        self.people.values().find(|person| &person.address == address)
    }

    /// Binds a scenario's group label to the group the engine created.
    pub fn name_group(&self, label: &str, group: LabelledGroup) -> Result<()> {
        let mut groups = self.groups.lock().map_err(|_| anyhow!("the group labels are poisoned"))?;
        groups.insert(label.to_owned(), group);
        Ok(())
    }

    /// The group a label means. `parse` checks that a `create_group` step comes first; this
    /// fails only if that step was expected to be refused.
    pub fn group(&self, label: &str) -> Result<LabelledGroup> {
        let groups = self.groups.lock().map_err(|_| anyhow!("the group labels are poisoned"))?;
        groups.get(label).cloned().ok_or_else(|| anyhow!("no group was created as {label}"))
    }

    /// Takes everyone offline and stops the relays started here.
    pub async fn shut_down(self) {
        for (_, person) in self.people {
            let _ = person.engine.shutdown().await;
        }
        for relay in self.relays {
            relay.shutdown().await;
        }
    }
}

/// An Isthmus person: an account on the relay at `url` (named `name-suffix` on a running relay),
/// the networks they allow, online.
async fn isthmus_person(spec: &PersonSpec, url: &str, suffix: Option<&str>) -> Result<Person> {
    let account = match suffix {
        Some(suffix) => format!("{}-{suffix}", spec.name),
        None => spec.name.clone(),
    };
    let engine = Engine::open(Profile::in_memory())?;
    let info = engine
        .add_account(url, &account, RelayTrust::default())
        .await
        .with_context(|| format!("adding {}'s account on {} ({url})", spec.name, spec.network))?;
    let address: Address = info.address.parse()?;
    if address.network != spec.network {
        bail!("the relay at {url} says it is {}, but the file says {}", address.network, spec.network);
    }
    for network in &spec.allows {
        engine
            .enable_interop(&address, network, DISCLOSURE_VERSION)
            .await
            .with_context(|| format!("{} allowing {network}", spec.name))?;
    }
    engine.connect(&address)?;
    Ok(Person { engine, address, matrix: None })
}

/// A short tag unique enough for one run against long-lived relays and homeservers.
fn run_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos())
        .unwrap_or_default();
    let mixed = nanos ^ (u128::from(std::process::id()) << 64);
    format!("{:08x}", (mixed % 0xffff_ffff) as u32)
}
