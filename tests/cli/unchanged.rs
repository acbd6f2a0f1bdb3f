//! Issue 11's promise: with no new flag and stdout not a terminal, every command prints exactly
//! what it printed before (the snapshots and expectations of the other modules pin that text).
//! Here each command runs piped in each scenario with no new flag and with the new flags at their
//! defaults (`--color auto`, `--color never`, `--lock-timeout 0s`, and issue 18's `--format`
//! and `OMNIGRAPH_FORMAT` as piped text has them), human and `--json`, on fresh copies of the same
//! folder: the outputs must be identical, uncoloured, and stderr empty.

use cluster_test_support::*;

/// Extra arguments and environment of one run.
type Variant = (Vec<&'static str>, Vec<(String, String)>);

/// `args` and environment for `command` with each default spelled out; the first entry is the
/// bare command. Issue 18's view flags at their piped defaults (`--format auto`/`plain`,
/// `OMNIGRAPH_FORMAT` unset, empty, `auto` or `plain`) change nothing, and under `--json` not even
/// `OMNIGRAPH_FORMAT=rich` does.
fn variants(command: &str, json: bool) -> Vec<Variant> {
    let mut all = vec![vec![], vec!["--color", "auto"], vec!["--color", "never"]];
    if matches!(command, "plan" | "apply" | "refresh" | "import") {
        all.push(vec!["--lock-timeout", "0s"]);
        all.push(vec!["--lock-timeout", "0s", "--color", "never"]);
    }
    if !json {
        all.push(vec!["--format", "auto"]);
        all.push(vec!["--format", "plain"]);
    }
    let mut runs: Vec<_> = all.into_iter().map(|args| (args, Vec::new())).collect();
    let mut formats = vec!["", "auto", "plain"];
    if json {
        formats.push("rich");
    }
    for format in formats {
        let env = vec![("OMNIGRAPH_FORMAT".to_string(), format.to_string())];
        runs.push((vec![], env));
    }
    runs
}

/// Ids, lock ages, observation times and the state CAS (which covers those times) differ from
/// run to run; everything else must not.
fn stable(f: &Folder, text: &str) -> String {
    let text = f.redact(text);
    let mut out = String::new();
    for word in text.split_inclusive(|c: char| !c.is_ascii_alphanumeric()) {
        let (body, tail) = word.split_at(
            word.trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
                .len(),
        );
        let ulid = body.len() == 26
            && body
                .chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase());
        out.push_str(if ulid { "[ULID]" } else { body });
        out.push_str(tail);
    }
    out.split('\n')
        .map(|line| {
            let cut = ["age_seconds", "observed_at", "sha256:"]
                .iter()
                .filter_map(|key| line.find(key).map(|at| (at, key)))
                .min();
            match cut {
                Some((at, key)) => format!("{}{key}[VARIES]", &line[..at]),
                None => line.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Run `command` in a fresh folder from `setup` once per variant, human and JSON; all equal.
fn same_everywhere(command: &[&str], setup: &dyn Fn() -> Folder) {
    for json in [false, true] {
        let mut seen: Option<(i32, String)> = None;
        for (extra, env) in variants(command[0], json) {
            let f = setup();
            let mut args = command.to_vec();
            args.extend(extra.iter().copied());
            if json {
                args.push("--json");
            }
            let run = f.run_env(&args, &env);
            assert!(run.stderr.is_empty(), "{args:?} {env:?}: {}", run.stderr);
            assert!(!run.stdout.contains('\u{1b}'), "{args:?} {env:?}");
            let now = (run.code, stable(&f, &run.stdout));
            match &seen {
                None => seen = Some(now),
                Some(first) => assert_eq!(&now, first, "{args:?} {env:?}"),
            }
        }
    }
}

fn with_state() -> Folder {
    let f = Folder::standard();
    f.applyable_state();
    f
}

fn with_held_lock() -> Folder {
    let f = with_state();
    f.held_lock("plan");
    f
}

fn imported() -> Folder {
    let f = Folder::live();
    assert_eq!(f.json(&["import"]).0, 0);
    f
}

#[test]
fn validate_output_is_unchanged() {
    same_everywhere(&["validate"], &Folder::standard);
    same_everywhere(&["validate"], &|| {
        let f = Folder::standard();
        f.write("cluster.yaml", "version: 1\ngraphs: {}\nwat: true\n");
        f
    });
}

#[test]
fn plan_output_is_unchanged() {
    same_everywhere(&["plan"], &Folder::standard);
    same_everywhere(&["plan"], &with_state);
    same_everywhere(&["plan"], &with_held_lock);
}

#[test]
fn apply_output_is_unchanged() {
    same_everywhere(&["apply"], &with_state);
    same_everywhere(&["apply"], &Folder::standard);
    same_everywhere(&["apply"], &with_held_lock);
    // Deletes are applied without a prompt when nobody is at a terminal.
    same_everywhere(&["apply"], &|| {
        let f = Folder::applied();
        let yaml = cluster_yaml("company-brain");
        f.write(
            "cluster.yaml",
            &yaml[..yaml.find("policies:").expect("policies")],
        );
        f
    });
}

#[test]
fn status_output_is_unchanged() {
    same_everywhere(&["status"], &Folder::applied);
    same_everywhere(&["status"], &Folder::standard);
    same_everywhere(&["status"], &with_held_lock);
}

#[test]
fn refresh_and_import_output_is_unchanged() {
    same_everywhere(&["import"], &Folder::live);
    same_everywhere(&["refresh"], &imported);
    same_everywhere(&["refresh"], &Folder::standard);
    same_everywhere(&["import"], &|| {
        let f = Folder::live();
        f.held_lock("import");
        f
    });
}

#[test]
fn force_unlock_output_is_unchanged() {
    same_everywhere(&["force-unlock", "held-lock"], &with_held_lock);
    same_everywhere(&["force-unlock", "other-lock"], &with_held_lock);
    same_everywhere(&["force-unlock", "held-lock"], &Folder::standard);
}

#[test]
fn stable_redacts_only_ids_and_ages() {
    let f = Folder::empty();
    assert_eq!(
        stable(&f, "id 01JZ8Q3T0W6Y3C4Q7R8S9T0V1W, age_seconds=12)\nnext"),
        "id [ULID], age_seconds[VARIES]\nnext"
    );
}
