//! lock.json: parsing arbitrary bytes never panics; a parsed lock round-trips.
#![no_main]
use libfuzzer_sys::fuzz_target;
use omnigraph_cluster::state::lock::StateLockFile;

fuzz_target!(|data: &[u8]| {
    if let Ok(lock) = serde_json::from_slice::<StateLockFile>(data) {
        let bytes = serde_json::to_vec_pretty(&lock).expect("encodes");
        let again: StateLockFile = serde_json::from_slice(&bytes).expect("parses");
        assert_eq!(again, lock);
    }
});
