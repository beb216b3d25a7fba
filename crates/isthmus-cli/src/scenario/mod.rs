//! `isthmus-cli scenario run`: scripted consent flows for testers, from TOML files, with a
//! pass/fail report. See docs/scenarios.md for the format.
//!
//! - `model`: what a file says; `parse`: reading and checking it.
//! - `world`: relays and people; `sync`: the sync points behind negative expectations.
//! - `steps`: actions; `checks`: expectations; `report`: text, JSON lines and JUnit XML.
//! - Groups, by topic: `group_model`, `group_parse`, `group_steps` (actions) and
//!   `group_checks` (expectations).
//! - Matrix people (networks of kind `matrix`): `homeserver` (where it is, registration),
//!   `matrix_person` (setup, on and off, `open`) and `matrix_parse` (what a file may ask of
//!   them).

mod checks;
mod group_checks;
mod group_model;
mod group_parse;
mod group_steps;
mod homeserver;
mod matrix_parse;
mod matrix_person;
mod model;
mod parse;
mod report;
mod steps;
mod sync;
mod world;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::args::ScenarioCommand;
use model::Scenario;
use report::{Outcome, Reporter, ScenarioResult, StepResult};
use world::World;

/// How long starting relays and registering people may take before the scenario fails.
const SETUP_TIMEOUT: Duration = Duration::from_secs(60);

/// Exit codes: every expectation held, one did not, a file (or argument) could not be read.
const ALL_HELD: u8 = 0;
const SOME_FAILED: u8 = 1;
const MALFORMED: u8 = 2;

pub async fn run(command: ScenarioCommand, json: bool) -> Result<ExitCode> {
    let ScenarioCommand::Run { files, junit, relay } = command;
    let mut relay_urls = HashMap::new();
    for given in &relay {
        match given.split_once('=') {
            Some((network, url)) if !network.is_empty() && !url.is_empty() => {
                relay_urls.insert(network.to_owned(), url.to_owned());
            }
            _ => {
                eprintln!(
                    "error: --relay takes NETWORK=URL (such as meadow.test=http://127.0.0.1:7701), not {given:?}"
                );
                return Ok(ExitCode::from(MALFORMED));
            }
        }
    }

    let mut scenarios = Vec::new();
    let mut malformed = false;
    for file in &files {
        match parse::load(file) {
            Ok(scenario) => scenarios.push(scenario),
            Err(error) => {
                eprintln!("error: {error}");
                malformed = true;
            }
        }
    }
    if malformed {
        eprintln!("no scenario was run: fix the file(s) above first");
        return Ok(ExitCode::from(MALFORMED));
    }

    let reporter = Reporter { json };
    let mut results = Vec::new();
    for scenario in &scenarios {
        results.push(run_scenario(scenario, &relay_urls, &reporter).await);
    }
    reporter.summary(&results);
    if let Some(path) = junit {
        write_junit(&path, &results)?;
    }
    let code = if results.iter().all(ScenarioResult::passed) { ALL_HELD } else { SOME_FAILED };
    Ok(ExitCode::from(code))
}

fn write_junit(path: &PathBuf, results: &[ScenarioResult]) -> Result<()> {
    std::fs::write(path, report::junit(results)).with_context(|| format!("writing JUnit XML to {}", path.display()))
}

/// Runs one scenario: setup, then each step under its timeout; after a failure the rest is skipped.
async fn run_scenario(
    scenario: &Scenario,
    relay_urls: &HashMap<String, String>,
    reporter: &Reporter,
) -> ScenarioResult {
    reporter.scenario_started(scenario);
    let started = Instant::now();
    let file = scenario.file.display().to_string();
    let result =
        |step: usize, line: usize, kind: &str, description: String, outcome, detail, duration: Duration| StepResult {
            scenario: scenario.name.clone(),
            file: file.clone(),
            step,
            line,
            kind: kind.to_owned(),
            description,
            outcome,
            detail,
            duration_ms: u64::try_from(duration.as_millis()).unwrap_or(u64::MAX),
        };
    let mut steps = Vec::new();
    let world = match tokio::time::timeout(SETUP_TIMEOUT, World::build(scenario, relay_urls)).await {
        Ok(Ok(world)) => Some(world),
        Ok(Err(error)) => {
            let detail = format!("{error:#}");
            steps.push(result(0, 1, "setup", "networks and people".into(), Outcome::Failed, detail, started.elapsed()));
            None
        }
        Err(_) => {
            let detail = format!("timed out after {} s", SETUP_TIMEOUT.as_secs());
            steps.push(result(0, 1, "setup", "networks and people".into(), Outcome::Failed, detail, started.elapsed()));
            None
        }
    };
    if let Some(failed) = steps.first() {
        reporter.step(failed);
    }

    let mut failed_at = world.is_none().then_some(0);
    for step in &scenario.steps {
        let description = step.action.describe();
        let kind = step.action.name();
        let outcome = match (&world, failed_at) {
            (Some(world), None) => {
                let begun = Instant::now();
                let progress = sync::Progress::default();
                let run = tokio::time::timeout(step.timeout, steps::run(world, &step.action, &progress)).await;
                let (outcome, detail) = match run {
                    Ok(Ok(happened)) => (Outcome::Passed, happened),
                    Ok(Err(error)) => (Outcome::Failed, format!("{error:#}")),
                    Err(_) => (
                        Outcome::Failed,
                        format!("timed out after {} ms waiting for {}", step.timeout.as_millis(), progress.get()),
                    ),
                };
                if outcome == Outcome::Failed {
                    failed_at = Some(step.number);
                }
                result(step.number, step.line, kind, description, outcome, detail, begun.elapsed())
            }
            (_, failed) => {
                let why = match failed {
                    Some(0) | None => "skipped: the setup failed".to_owned(),
                    Some(number) => format!("skipped: step {number} failed"),
                };
                result(step.number, step.line, kind, description, Outcome::Skipped, why, Duration::ZERO)
            }
        };
        reporter.step(&outcome);
        steps.push(outcome);
    }
    if let Some(world) = world {
        let _ = tokio::time::timeout(Duration::from_secs(15), world.shut_down()).await;
    }
    let finished = ScenarioResult { name: scenario.name.clone(), file, steps, duration: started.elapsed() };
    reporter.scenario_finished(&finished);
    finished
}
