//! state.json: any text that parses as a ledger must re-serialise, and the written form must
//! parse back to the same ledger. Floats inside the untyped maps may move by an ulp: serde_json's
//! default float parser (the reference's) is not correctly rounded; see the ledger unit tests.
#![no_main]
use libfuzzer_sys::fuzz_target;
use omnigraph_cluster::state::ClusterState;
use serde_json::Value;

/// Structural equality with float tolerance.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            let (x, y) = (x.as_f64().unwrap_or(f64::NAN), y.as_f64().unwrap_or(f64::NAN));
            x == y || (x - y).abs() <= 4.0 * f64::EPSILON * x.abs().max(y.abs())
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((ka, a), (kb, b))| ka == kb && same(a, b))
        }
        _ => a == b,
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(state) = serde_json::from_slice::<ClusterState>(data) {
        let bytes = state.to_bytes().expect("a parsed ledger always encodes");
        let again: ClusterState = serde_json::from_slice(&bytes).expect("written form parses");
        let (a, b) = (
            serde_json::to_value(&state).expect("value"),
            serde_json::to_value(&again).expect("value"),
        );
        assert!(same(&a, &b), "{a} != {b}");
    }
});
