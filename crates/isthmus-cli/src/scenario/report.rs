//! The report: a readable line per step as it finishes (or one JSON object per step with
//! `--json`), a closing `N passed, N failed` line, and JUnit XML for CI.

use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;

use super::model::Scenario;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Passed,
    Failed,
    Skipped,
}

/// One step's result. Step 0 is the setup (relays and people), reported only when it fails.
#[derive(Clone, Debug, Serialize)]
pub struct StepResult {
    pub scenario: String,
    pub file: String,
    pub step: usize,
    pub line: usize,
    #[serde(rename = "do")]
    pub kind: String,
    pub description: String,
    pub outcome: Outcome,
    /// What happened (passed), why the expectation does not hold (failed), or why it did not run.
    pub detail: String,
    pub duration_ms: u64,
}

#[derive(Debug)]
pub struct ScenarioResult {
    pub name: String,
    pub file: String,
    pub steps: Vec<StepResult>,
    pub duration: Duration,
}

impl ScenarioResult {
    pub fn passed(&self) -> bool {
        self.steps.iter().all(|step| step.outcome != Outcome::Failed)
    }

    fn count(&self, outcome: Outcome) -> usize {
        self.steps.iter().filter(|step| step.outcome == outcome).count()
    }
}

/// Prints as the run goes: for people, or JSON lines for scripts.
pub struct Reporter {
    pub json: bool,
}

impl Reporter {
    pub fn scenario_started(&self, scenario: &Scenario) {
        if self.json {
            return;
        }
        println!("▶ {} ({})", scenario.name, scenario.file.display());
        if let Some(description) = &scenario.description {
            for line in description.trim().lines() {
                println!("  {}", line.trim());
            }
        }
    }

    pub fn step(&self, result: &StepResult) {
        if self.json {
            println!("{}", serde_json::to_string(result).unwrap_or_else(|_| "{}".into()));
            return;
        }
        let mark = match result.outcome {
            Outcome::Passed => "✔",
            Outcome::Failed => "✘",
            Outcome::Skipped => "-",
        };
        let number = if result.step == 0 { "setup".to_owned() } else { format!("{:>2}", result.step) };
        println!(
            "  {mark} {number}  {}: {} ({})",
            result.description,
            result.detail,
            milliseconds(Duration::from_millis(result.duration_ms))
        );
    }

    pub fn scenario_finished(&self, result: &ScenarioResult) {
        if self.json {
            return;
        }
        let steps = result.steps.iter().filter(|s| s.step > 0).count();
        if result.passed() {
            println!("✔ passed: {} ({steps} steps, {})\n", result.name, milliseconds(result.duration));
        } else {
            let failed = result.steps.iter().find(|s| s.outcome == Outcome::Failed).map(|s| s.step).unwrap_or(0);
            let at = if failed == 0 { "setup".to_owned() } else { format!("step {failed} of {steps}") };
            println!("✘ failed: {} (at {at}, {})\n", result.name, milliseconds(result.duration));
        }
    }

    /// The closing line, counting scenarios: exactly `N passed, N failed` for CI tools.
    pub fn summary(&self, results: &[ScenarioResult]) {
        let passed = results.iter().filter(|r| r.passed()).count();
        let failed = results.len() - passed;
        if self.json {
            println!("{}", serde_json::json!({ "summary": { "passed": passed, "failed": failed } }));
        } else {
            println!("{passed} passed, {failed} failed");
        }
    }
}

fn milliseconds(duration: Duration) -> String {
    let ms = duration.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{:.2} s", duration.as_secs_f64())
    }
}

/// JUnit XML: a testsuite per file, a testcase per step (and one for a failed setup).
pub fn junit(results: &[ScenarioResult]) -> String {
    let total = |outcome: Outcome| results.iter().map(|r| r.count(outcome)).sum::<usize>();
    let tests: usize = results.iter().map(|r| r.steps.len()).sum();
    let time: f64 = results.iter().map(|r| r.duration.as_secs_f64()).sum();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"isthmus scenarios\" tests=\"{tests}\" failures=\"{}\" skipped=\"{}\" time=\"{time:.3}\">",
        total(Outcome::Failed),
        total(Outcome::Skipped)
    );
    for result in results {
        let _ = writeln!(
            xml,
            "  <testsuite name=\"{}\" file=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{:.3}\">",
            escape(&result.name),
            escape(&result.file),
            result.steps.len(),
            result.count(Outcome::Failed),
            result.count(Outcome::Skipped),
            result.duration.as_secs_f64()
        );
        for step in &result.steps {
            let name = if step.step == 0 {
                format!("setup: {}", step.description)
            } else {
                format!("{:02} {}", step.step, step.description)
            };
            let _ = write!(
                xml,
                "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\" time=\"{:.3}\"",
                escape(&name),
                escape(&result.name),
                escape(&result.file),
                step.line,
                step.duration_ms as f64 / 1000.0
            );
            match step.outcome {
                Outcome::Passed => xml.push_str("/>\n"),
                Outcome::Failed => {
                    let _ = writeln!(
                        xml,
                        ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                        escape(&step.detail),
                        escape(&step.kind),
                        escape(&step.detail)
                    );
                }
                Outcome::Skipped => {
                    let _ = writeln!(xml, ">\n      <skipped message=\"{}\"/>\n    </testcase>", escape(&step.detail));
                }
            }
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    xml
}

/// Escapes text for XML attributes and content; drops characters XML 1.0 cannot carry.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_special_characters_are_escaped() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\u{1}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;",
            "markup and control characters in messages must not break the XML"
        );
    }

    #[test]
    fn junit_counts_failures_and_skips() {
        let step = |n: usize, outcome: Outcome| StepResult {
            scenario: "s".into(),
            file: "f.toml".into(),
            step: n,
            line: n,
            kind: "send".into(),
            description: "x <y>".into(),
            outcome,
            detail: "why & how".into(),
            duration_ms: 5,
        };
        let result = ScenarioResult {
            name: "s".into(),
            file: "f.toml".into(),
            steps: vec![step(1, Outcome::Passed), step(2, Outcome::Failed), step(3, Outcome::Skipped)],
            duration: Duration::from_millis(15),
        };
        let xml = junit(&[result]);
        assert_eq!(xml.matches("<testcase").count(), 3, "one testcase per step");
        assert_eq!(xml.matches("<failure").count(), 1, "the failed step carries a failure");
        assert_eq!(xml.matches("<skipped").count(), 1, "the step after it is skipped");
        assert!(!xml.contains("x <y>"), "descriptions are escaped");
    }
}
