//! state.json: any text that parses as a ledger must re-serialise, and the written form must
//! parse back to the same ledger.
#![no_main]
use libfuzzer_sys::fuzz_target;
use omnigraph_cluster::state::ClusterState;

fuzz_target!(|data: &[u8]| {
    if let Ok(state) = serde_json::from_slice::<ClusterState>(data) {
        let bytes = state.to_bytes().expect("a parsed ledger always encodes");
        let again: ClusterState = serde_json::from_slice(&bytes).expect("written form parses");
        assert_eq!(again, state);
    }
});
