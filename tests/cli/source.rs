//! Issue 18 §8: in the rich view, a schema or query diagnostic names its file (relative to the
//! config folder), line and column, shows the source line with a caret under the offending
//! text, and suggests the closest declared name for an unknown one. Piped plain text and JSON
//! keep the contract's messages exactly.

use cluster_test_support::*;

/// F with the query asking for `$p.nmae`.
fn misspelt() -> Folder {
    let f = Folder::standard();
    f.write(
        "people.gq",
        PEOPLE_GQ.replace("return { $p.name, $p.age }", "return { $p.nmae, $p.age }"),
    );
    f
}

#[test]
fn a_type_error_points_at_the_source_and_suggests_a_name() {
    let f = misspelt();
    let (code, text) = f.human(&["validate", "--format", "rich"]);
    assert_eq!(code, 1);
    let expected = "\
error[query_typecheck_error]: type error: T6: type `Person` has no property `nmae`
 --> people.gq:4:12
  |
4 |   return { $p.nmae, $p.age }
  |            ^^^^^^^
  = help: did you mean `name`?
  = in: graphs.knowledge.queries.find_person
";
    assert!(text.contains(expected), "{text}");
    // Plain text and JSON carry the contract's message, and nothing of the excerpt.
    let (_, plain) = f.human(&["validate"]);
    assert!(plain.contains(
        "ERROR query_typecheck_error graphs.knowledge.queries.find_person: type error: T6: type `Person` has no property `nmae`\n"
    ), "{plain}");
    assert!(!plain.contains("did you mean"));
    let (_, json) = f.json(&["validate"]);
    let d = diag(&json, "query_typecheck_error");
    assert_eq!(
        d.as_object().expect("object").keys().collect::<Vec<_>>(),
        ["code", "severity", "path", "message"]
    );
}

#[test]
fn a_syntax_error_says_what_was_expected_in_one_line_at_its_place() {
    let f = Folder::standard();
    f.write(
        "people.gq",
        "query find_person($name: String) {\n  match { $p: Person { name: $name } }\n  return { $p.name }\n  garbage\n}\n",
    );
    let (_, text) = f.human(&["validate", "--format", "rich"]);
    assert!(text.contains(
        "error[query_parse_error]: parse error: expected an `order { … }` block or a `limit N` clause, found `garbage`\n --> people.gq:4:3\n  |\n4 |   garbage\n  |   ^^^^^^^\n  = in: graphs.knowledge.queries.find_person\n"
    ), "{text}");
}

#[test]
fn a_schema_error_names_its_file_line_rule_and_the_type_meant() {
    let f = Folder::standard_edited("schema: ./people.pg", "schema: ./schemas/../people.pg");
    f.write("schemas/.keep", "");
    f.write(
        "people.pg",
        format!("{PEOPLE_PG}edge Knows: Person -> Persn\n"),
    );
    let (_, text) = f.human(&["validate", "--format", "rich"]);
    let line = PEOPLE_PG.lines().count() + 1;
    let expected = format!(
        "error[schema_catalog_error]: catalog error: edge Knows references unknown target type: Persn
 --> schemas/../people.pg:{line}:23
  |
{line} | edge Knows: Person -> Persn
  |                       ^^^^^
  = help: did you mean `Person`?
  = rule: K4
  = in: graphs.knowledge.schema
"
    );
    assert!(text.contains(&expected), "{text}");
}

#[test]
fn the_terminal_default_points_at_the_source() {
    let f = misspelt();
    let run = f.pty(&["validate", "--color", "never"], "");
    assert_eq!(run.code, 1);
    let screen = run.screen;
    assert!(screen.contains(" --> people.gq:4:12\n"), "{screen}");
    assert!(
        screen.contains("  = help: did you mean `name`?\n"),
        "{screen}"
    );
}
