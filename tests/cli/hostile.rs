//! Bad input never panics: garbage `cluster.yaml`, `state.json` and `lock.json`, non-UTF-8
//! files and files where directories belong all end in typed diagnostics (exit 0 or 1, nothing
//! on stderr; a panic would exit 101 and print there).

use cluster_test_support::*;
use serde_json::Value;

/// Deterministic pseudo-random bytes (xorshift), so failures reproduce.
fn garbage(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// Printable garbage with YAML/JSON punctuation, to get past the first byte more often.
fn punctuated(seed: u64, len: usize) -> Vec<u8> {
    const ALPHABET: &[u8] = b"{}[]:,-'\"#&*!|>%@ \n\tabcversion1graphsqueriesschema.";
    garbage(seed, len)
        .into_iter()
        .map(|b| ALPHABET[b as usize % ALPHABET.len()])
        .collect()
}

fn assert_typed(f: &Folder, args: &[&str]) -> Value {
    let mut with_json = args.to_vec();
    with_json.push("--json");
    let run = f.run(&with_json);
    assert!(
        run.code == 0 || run.code == 1,
        "exit {} for {args:?}: {}",
        run.code,
        run.stderr
    );
    let out = run.json();
    for d in out["diagnostics"].as_array().expect("diagnostics") {
        assert!(d["code"].as_str().is_some_and(|c| !c.is_empty()));
        assert!(d["severity"] == "error" || d["severity"] == "warning");
    }
    out
}

#[test]
fn garbage_cluster_yaml() {
    for seed in 0..24u64 {
        let f = Folder::standard();
        let bytes = if seed % 2 == 0 {
            garbage(seed, 300)
        } else {
            punctuated(seed, 300)
        };
        f.write("cluster.yaml", &bytes);
        for cmd in ["validate", "plan", "status", "apply"] {
            let out = assert_typed(&f, &[cmd]);
            if std::str::from_utf8(&bytes).is_err() {
                assert_eq!(codes(&out), ["cluster_config_read_error"]);
                assert_eq!(
                    out["diagnostics"][0]["message"],
                    "could not read cluster.yaml: stream did not contain valid UTF-8"
                );
            }
        }
        assert_typed(&f, &["force-unlock", "x"]);
    }
}

#[test]
fn garbage_state_json() {
    for seed in 0..16u64 {
        let f = Folder::standard();
        let bytes = if seed % 2 == 0 {
            garbage(seed, 200)
        } else {
            punctuated(seed, 200)
        };
        f.write("__cluster/state.json", &bytes);
        for cmd in ["plan", "status", "apply", "refresh", "import"] {
            let out = assert_typed(&f, &[cmd]);
            assert_eq!(out["ok"], false, "{cmd} accepted garbage state");
            let expected = match std::str::from_utf8(&bytes) {
                Ok(_) => "invalid_state_json",
                Err(_) => "state_read_error",
            };
            assert_eq!(codes(&out), [expected], "{cmd}");
        }
        assert_eq!(f.read("__cluster/state.json"), bytes, "state was rewritten");
    }
}

#[test]
fn garbage_lock_json() {
    for seed in 0..16u64 {
        let f = Folder::standard();
        f.applyable_state();
        let bytes = if seed % 2 == 0 {
            garbage(seed, 120)
        } else {
            punctuated(seed, 120)
        };
        f.write("__cluster/lock.json", &bytes);
        let out = assert_typed(&f, &["status"]);
        assert_eq!(out["ok"], true);
        assert_eq!(out["state_observations"]["locked"], true);
        let out = assert_typed(&f, &["force-unlock", "x"]);
        assert_eq!(out["ok"], false);
        for cmd in ["plan", "apply", "refresh"] {
            let out = assert_typed(&f, &[cmd]);
            assert_eq!(codes(&out), ["state_lock_held"], "{cmd}");
        }
        assert_eq!(f.read("__cluster/lock.json"), bytes, "lock was touched");
    }
}

#[test]
fn non_utf8_sources() {
    let f = Folder::standard();
    f.write("people.gq", [0xc3u8, 0x28]);
    let out = assert_typed(&f, &["validate"]);
    let err = diag(&out, "query_file_missing");
    assert!(
        err["message"]
            .as_str()
            .expect("message")
            .ends_with(": stream did not contain valid UTF-8")
    );
    let f = Folder::standard();
    f.write("__cluster/state.json", [0xffu8]);
    let out = assert_typed(&f, &["status"]);
    assert_eq!(
        diag(&out, "state_read_error")["message"],
        "could not read state file: stream did not contain valid UTF-8"
    );
    let f = Folder::standard();
    f.write("__cluster/lock.json", [0xffu8]);
    let out = assert_typed(&f, &["status"]);
    let warning = diag(&out, "state_lock_read_error");
    assert_eq!(warning["severity"], "warning");
    assert_eq!(
        warning["message"],
        "could not read state lock: stream did not contain valid UTF-8"
    );
}

#[test]
fn directories_where_files_belong() {
    let f = Folder::standard();
    f.remove("people.pg");
    std::fs::create_dir(f.at("people.pg")).expect("mkdir");
    let out = assert_typed(&f, &["validate"]);
    assert!(
        diag(&out, "schema_file_missing")["message"]
            .as_str()
            .expect("message")
            .ends_with("Is a directory (os error 21)")
    );

    let f = Folder::standard();
    std::fs::create_dir_all(f.at("__cluster/state.json")).expect("mkdir");
    let out = assert_typed(&f, &["plan"]);
    assert_eq!(
        diag(&out, "state_read_error")["message"],
        "could not read state file: Is a directory (os error 21)"
    );

    let f = Folder::standard();
    std::fs::create_dir_all(f.at("__cluster/lock.json")).expect("mkdir");
    let out = assert_typed(&f, &["force-unlock", "x"]);
    assert_eq!(
        diag(&out, "state_lock_read_error")["message"],
        "could not read state lock: Is a directory (os error 21)"
    );

    let f = Folder::standard();
    f.remove("cluster.yaml");
    std::fs::create_dir(f.at("cluster.yaml")).expect("mkdir");
    let out = assert_typed(&f, &["validate"]);
    assert_eq!(
        out["diagnostics"][0]["message"],
        "could not read cluster.yaml: Is a directory (os error 21)"
    );
}

#[test]
fn a_file_where_the_state_directory_belongs() {
    let f = Folder::standard();
    f.write("__cluster", "not a directory");
    let out = assert_typed(&f, &["plan"]);
    let err = diag(&out, "state_lock_error");
    assert_eq!(err["path"], "__cluster");
    assert!(
        err["message"]
            .as_str()
            .expect("message")
            .starts_with("could not create cluster state directory: ")
    );
    let out = assert_typed(&f, &["status"]);
    assert_eq!(out["ok"], false);
    assert_eq!(codes(&out), ["state_read_error"]);
}

#[test]
fn symlinks_are_followed_and_loops_are_diagnosed() {
    let f = Folder::standard();
    std::os::unix::fs::symlink("loop-b", f.at("loop-a")).expect("symlink");
    std::os::unix::fs::symlink("loop-a", f.at("loop-b")).expect("symlink");
    f.write(
        "cluster.yaml",
        cluster_yaml("x").replace("./people.gq", "./loop-a"),
    );
    let out = assert_typed(&f, &["validate"]);
    assert!(
        diag(&out, "query_file_missing")["message"]
            .as_str()
            .expect("message")
            .contains("os error 40")
    );

    let f = Folder::standard();
    std::fs::rename(f.at("people.pg"), f.at("real.pg")).expect("rename");
    std::os::unix::fs::symlink("real.pg", f.at("people.pg")).expect("symlink");
    let out = assert_typed(&f, &["validate"]);
    assert_eq!(out["ok"], true);
    assert_eq!(out["resource_digests"]["schema.knowledge"], SCHEMA_DIGEST);
}

#[test]
fn yaml_alias_bomb() {
    let f = Folder::empty();
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 0..9u8 {
        let (prev, next) = ((b'a' + i) as char, (b'b' + i) as char);
        bomb.push_str(&format!(
            "{next}: &{next} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
    }
    f.write("cluster.yaml", bomb);
    let out = assert_typed(&f, &["validate"]);
    assert_eq!(out["ok"], false);
}

#[test]
fn deeply_nested_yaml_and_json() {
    let f = Folder::standard();
    f.write(
        "cluster.yaml",
        format!(
            "version: 1\nmetadata: {}{}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
    );
    let out = assert_typed(&f, &["validate"]);
    assert_eq!(codes(&out), ["invalid_cluster_yaml"]);

    let f = Folder::standard();
    f.write_state(&format!(
        r#"{{"version":1,"applied_revision":{{}},"observations":{{"x":{}1{}}}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    ));
    let out = assert_typed(&f, &["status"]);
    assert!(
        diag(&out, "invalid_state_json")["message"]
            .as_str()
            .expect("message")
            .contains("recursion limit exceeded")
    );
}

#[test]
fn oversized_query_file_is_refused() {
    // A 100 MB query file (sparse, so the test costs no disk): refused at the 16 MiB bound
    // without reading it all.
    let f = Folder::standard();
    let file = std::fs::OpenOptions::new()
        .append(true)
        .open(f.at("people.gq"))
        .expect("open");
    file.set_len(100 << 20).expect("grow");
    let out = assert_typed(&f, &["validate"]);
    assert!(
        diag(&out, "query_file_missing")["message"]
            .as_str()
            .expect("message")
            .ends_with(": file is larger than the 16 MiB limit")
    );
}

/// A ledger entry whose address climbs out of the catalog: read as a path it would name
/// `«root»/x/D.gq`, a file outside `__cluster/resources/`.
pub const CLIMBING_ADDRESS: &str = "query..../../../x";

/// No command turns a ledger address that breaks the id rule into a path: status and refresh
/// report it (`invalid_state_address`), nothing reads the file it would name (whose digest would
/// show in a mismatch message), and apply drops it as it drops any resource no longer desired.
#[test]
fn ledger_addresses_never_become_paths() {
    let f = Folder::applied();
    f.write("x/D.gq", "outside the catalog\n");
    let outside = sha256_hex(b"outside the catalog\n");
    let mut state = f.state();
    state["applied_revision"]["resources"][CLIMBING_ADDRESS] = serde_json::json!({"digest": "D"});
    f.write_state(&serde_json::to_string_pretty(&state).expect("json"));
    let shown = CLIMBING_ADDRESS.escape_debug().to_string();

    // The read-only views first (they read blobs by address too), then the commands that write.
    let views: [&[&str]; 5] = [
        &["plan", "--diff"],
        &["refresh", "--dry-run"],
        &["state", "list"],
        &["state", "show", CLIMBING_ADDRESS],
        &["history"],
    ];
    for args in views {
        let mut all = args.to_vec();
        all.push("--json");
        let run = f.run(&all);
        assert!(
            !run.stdout.contains(&outside),
            "{args:?} read the file: {}",
            run.stdout
        );
        assert!(run.code == 0 || run.code == 1, "{args:?}: {}", run.stderr);
    }
    let (code, shown_one) = f.json(&["state", "show", CLIMBING_ADDRESS]);
    assert_eq!(code, 1);
    assert_eq!(codes(&shown_one), ["invalid_state_address"]);
    for command in ["validate", "plan", "status", "refresh", "import", "apply"] {
        let run = f.run(&[command, "--json"]);
        assert!(
            !run.stdout.contains(&outside),
            "{command} read the file: {}",
            run.stdout
        );
        let out = run.json();
        let refused = codes(&out).iter().any(|c| c == "invalid_state_address");
        assert_eq!(
            refused,
            matches!(command, "status" | "refresh"),
            "{command}: {out}"
        );
        if refused {
            assert_eq!(diag(&out, "invalid_state_address")["path"], shown.as_str());
            assert_eq!(run.code, 1, "{command}: {out}");
        }
        if command == "plan" {
            assert!(change_list(&out).contains(&ch(CLIMBING_ADDRESS, "delete", "applied", "")));
        }
    }
    // Apply removed the entry as no desired resource has its address; nothing else moved.
    assert!(f.state()["applied_revision"]["resources"][CLIMBING_ADDRESS].is_null());
    assert_eq!(f.read_string("x/D.gq"), "outside the catalog\n");
    let (code, out) = f.json(&["status"]);
    assert_eq!((code, codes(&out)), (0, Vec::<String>::new()), "{out}");
    let (code, out) = f.json(&["force-unlock", "01ANYID"]);
    assert_eq!(codes(&out), ["state_lock_missing"], "{out}");
    assert_eq!(code, 1);
}
