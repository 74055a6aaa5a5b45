//! The OpenAPI agreement check pointed at the simulators: for every operation of each
//! service's document, scripts/check-agreement --simulator sends a request built from the
//! document alone to the service's simulator (auth check off: such a request carries no
//! credentials) and checks that it is accepted and that the answer validates against the
//! document with openapi-core (scripts/check_simulator_agreement.py).
//!
//! The simulators run in this process, built exactly as `examples/simulator.rs -- PORT
//! --no-auth` builds them. The checker needs .venv/agreement/ (installed by
//! scripts/check-agreement itself; `bash scripts/test` runs this ignored test).

use std::process::Command;

use switchboard_runtime::sim::SimulatorBuilder;
use switchboard_tests::root;

/// Runs the checker against `builder`'s simulator; (exit success, output, operations sent).
async fn run(service: &str, report_name: &str, builder: SimulatorBuilder) -> (bool, String, u64) {
    let sim = builder.without_auth().start().await.unwrap();
    let base_url = sim.base_url();
    let document = root().join(format!("generated/openapi/{service}.json"));
    let report = root().join(format!("target/agreement/simulator/{report_name}.json"));
    let _ = std::fs::remove_file(&report);
    // The checker blocks; the simulator keeps answering on the runtime's other thread.
    let output = tokio::task::spawn_blocking(move || {
        Command::new("bash")
            .arg(root().join("scripts/check-agreement"))
            .arg("--simulator")
            .arg(&base_url)
            .arg(&document)
            .arg("--report")
            .arg(&report)
            .output()
            .expect("bash runs scripts/check-agreement")
    })
    .await
    .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    println!("{text}");
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            root().join(format!("target/agreement/simulator/{report_name}.json")),
        )
        .unwrap_or_else(|e| panic!("the checker wrote no report ({e}):\n{text}")),
    )
    .unwrap();
    let operations = report["operations"].as_u64().unwrap_or_default();
    // Every operation's request reached the simulator.
    assert!(sim.requests().len() as u64 >= operations, "{text}");
    (output.status.success(), text, operations)
}

async fn check(service: &str, builder: SimulatorBuilder) {
    let (success, text, operations) = run(service, service, builder).await;
    assert!(success, "{service}:\n{text}");
    assert!(operations > 0, "{service}:\n{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs python3 and .venv/agreement/ (scripts/check-agreement installs it); bash scripts/test runs it"]
async fn requests_built_from_each_document_are_accepted_and_answered_as_documented() {
    check("alibaba_ccc", switchboard_alibaba_ccc::testing::simulator()).await;
    check("genesys_gws", switchboard_genesys_gws::testing::simulator()).await;
    check(
        "huawei_agentgateway",
        switchboard_huawei_agentgateway::testing::simulator(),
    )
    .await;
    check(
        "tencent_im_desk",
        switchboard_tencent_im_desk::testing::simulator(),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs python3 and .venv/agreement/ (scripts/check-agreement installs it); bash scripts/test runs it"]
async fn a_simulator_answering_off_the_document_fails_the_check() {
    // Every documented success answer replaced by a body without the envelope's result code.
    let mut data: serde_json::Value =
        serde_json::from_str(switchboard_huawei_agentgateway::testing::SIMULATION).unwrap();
    for endpoint in data["endpoints"].as_array_mut().unwrap() {
        for sample in endpoint["samples"].as_array_mut().unwrap() {
            sample["body"] = serde_json::json!({"unexpected": true});
        }
    }
    let builder = SimulatorBuilder::new(&data.to_string()).unwrap();
    let (success, text, _) = run("huawei_agentgateway", "tampered", builder).await;
    assert!(!success, "{text}");
    assert!(text.contains("[accepted]"), "{text}");
}
