//! The relay load tool runs end to end on a tiny load and reports every message delivered in
//! all three set-ups. (What it measures is for benchmarks; this only checks that it works.)

#[test]
fn the_relay_load_tool_delivers_everything_and_reports_ratios() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_isthmus-cli"))
        .args(["--json", "bench", "relay", "--pairs", "2", "--messages", "5", "--payload", "64", "--window", "2"])
        .output()
        .expect("the CLI runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(output.stdout.trim_ascii()).expect("one JSON report");
    for setup in ["baseline_forwarder", "relay", "relay_cross_network"] {
        assert_eq!(report[setup]["delivered"], 10, "{setup}: 2 pairs x 5 messages all arrive");
        assert!(report[setup]["p99_ms"].as_f64().is_some_and(|p| p >= report[setup]["p50_ms"].as_f64().unwrap_or(0.0)));
    }
    assert_eq!(report["window"], 2, "the report says how many messages each sender kept in flight");
    assert!(report["relay_vs_baseline_throughput"].as_f64().is_some_and(|r| r > 0.0), "the ratio is reported");
}
