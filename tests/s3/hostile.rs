//! A ledger on S3 whose addresses break the id rule: no command turns one into an object key.

use super::*;

/// Read as a key, `query..../../../x` at digest `D` would name `«root»/x/D.gq`.
const CLIMBING_ADDRESS: &str = "query..../../../x";

#[test]
fn ledger_addresses_never_become_object_keys() {
    let server = S3Server::shared();
    let cloud = Cloud::live(Root::fresh(server));
    for step in ["import", "apply"] {
        let (code, out) = cloud.json(&[step]);
        assert_eq!(code, 0, "{step}: {out}");
    }
    cloud.root.put("x/D.gq", "outside the catalog\n");
    let outside = sha256_hex(b"outside the catalog\n");
    let mut state = cloud.root.state();
    state["applied_revision"]["resources"][CLIMBING_ADDRESS] = serde_json::json!({"digest": "D"});
    cloud.root.put(
        "__cluster/state.json",
        serde_json::to_string_pretty(&state).expect("json"),
    );

    for command in ["validate", "plan", "status", "refresh", "import", "apply"] {
        let run = cloud.run(&[command, "--json"]);
        assert!(!run.stdout.contains(&outside), "{command}: {}", run.stdout);
        let out = run.json();
        let expected: &[&str] = match command {
            "status" | "refresh" => &["invalid_state_address"],
            "import" => &["state_already_exists"],
            _ => &[],
        };
        let errors: Vec<&str> = out["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter(|d| d["severity"] == "error")
            .map(|d| d["code"].as_str().expect("code"))
            .collect();
        assert_eq!(errors, expected, "{command}: {out}");
    }
    assert!(cloud.root.state()["applied_revision"]["resources"][CLIMBING_ADDRESS].is_null());
    assert_eq!(
        cloud.root.get("x/D.gq").as_deref(),
        Some(&b"outside the catalog\n"[..])
    );
    let (code, out) = cloud.json(&["status"]);
    assert_eq!((code, codes(&out)), (0, Vec::<String>::new()), "{out}");
}
