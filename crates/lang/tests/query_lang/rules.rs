//! §8: every type-checking rule, failing with its exact Display text (the spec's example,
//! and rows with several examples or a shared message) and passing.

use crate::support::*;

fails! {
    rule_d01: r#"query q($__nanograph_now: String) { match { $p: Person } return { $p.name } }"# => r#"type error: parameter name `$__nanograph_now` is reserved for runtime timestamp injection"#;
    rule_d02: r#"query q($v: Vector(0)) { match { $p: Person } return { $p.name } }"# => r#"type error: unknown parameter type `Vector(0)` for `$v`"#;
    rule_b01: r#"query q() { match { $x: Robot } return { $x } }"# => r#"type error: T1: unknown node type `Robot`"#;
    rule_b02: r#"query q() { match { $p: Person { salary: 1 } } return { $p.name } }"# => r#"type error: T2: type `Person` has no property `salary`"#;
    rule_b03: r#"query q() { match { $p: Person { photo: "x" } } return { $p.name } }"# => r#"type error: T3: blob property `Person.photo` cannot be used in match patterns"#;
    rule_b04: r#"query q() { match { $p: Person { tags: ["a"] } } return { $p.name } }"# => r#"type error: T3: list equality is not supported for property `tags`; use a scalar value to match list membership"#;
    rule_b05: r#"query q() { match { $p: Person { tags: 1 } } return { $p.name } }"# => r#"type error: T3: property `tags` has type [String]? but membership match got I64"#;
    rule_b06: r#"query q() { match { $p: Person { embedding: [1, 2] } } return { $p.name } }"# => r#"type error: T3: property `embedding` has type Vector(3) but got vector literal with 2 elements"#;
    rule_b07: r#"query q() { match { $p: Person { age: "old" } } return { $p.name } }"# => r#"type error: T3: property `age` has type I32? but got String"#;
    rule_b08: r#"query q() { match { $p: Person { status: "gone" } } return { $p.name } }"# => r#"type error: T3: property `status` expects one of [active, inactive], got 'gone'"#;
    rule_b10: r#"query q($t: [String]) { match { $p: Person { tags: $t } } return { $p.name } }"# => r#"type error: T7: list equality is not supported for property `tags`; use a scalar parameter for membership matching"#;
    rule_b11: r#"query q($t: I64) { match { $p: Person { tags: $t } } return { $p.name } }"# => r#"type error: T7: cannot compare I64 membership against [String]? for property `tags`"#;
    rule_b12: r#"query q($n: I64) { match { $p: Person { name: $n } } return { $p.name } }"# => r#"type error: T7: cannot assign/compare I64 with String for property `name`"#;
    rule_b14: r#"query q() { match { $p: Person { born: now() } } return { $p.name } }"# => r#"type error: T7: cannot assign/compare DateTime with Date? for property `born`"#;
    rule_b16: r#"query q() { match { $p: Person $p: Company } return { $p } }"# => r#"type error: variable `$p` already bound to type `Person`, cannot rebind to `Company`"#;
    rule_t01: r#"query q() { match { $p: Person $p likes $f } return { $p.name } }"# => r#"type error: T4: unknown edge type `likes`"#;
    rule_t02: r#"query q() { match { $p: Person $p knows{0,2} $f } return { $f.name } }"# => r#"type error: T15: traversal min hop bound must be >= 1"#;
    rule_t03: r#"query q() { match { $p: Person $p knows{3,1} $f } return { $f.name } }"# => r#"type error: T15: invalid traversal bounds {3,1}; max must be >= min"#;
    rule_t04: r#"query q() { match { $p: Person $p knows{1,} $f } return { $f.name } }"# => r#"type error: T15: unbounded traversal is disabled; use bounded traversal {min,max}"#;
    rule_t05: r#"query q() { match { $c: Company $c knows $f } return { $c.name } }"# => r#"type error: T5: variable `$c` has type `Company`, which is not an endpoint of edge `Knows: Person -> Person`"#;
    rule_t06: r#"query q() { match { $c: Company $x knows $c } return { $c.name } }"# => r#"type error: T5: variable `$c` has type `Company`, which is not an endpoint of edge `Knows: Person -> Person`"#;
    rule_t07: r#"query q() { match { $p: Person $c: Company $p knows $c } return { $p.name } }"# => r#"type error: T5: variable `$c` has type `Company` but edge `Knows` expects `Person`"#;
    rule_f01: r#"query q() { match { $p: Person $p != 5 } return { $p.name } }"# => r#"type error: T7: filter comparisons require scalar operands, got node `Person` and I64"#;
    rule_f02: r#"query q() { match { $p: Person $p.name contains "A" } return { $p.name } }"# => r#"type error: T7: contains requires a list property on the left, got String"#;
    rule_f03: r#"query q() { match { $p: Person $p.tags contains ["a"] } return { $p.name } }"# => r#"type error: T7: contains requires a scalar right operand"#;
    rule_f04: r#"query q($v: Vector(3)) { match { $p: Person $p.tags contains $v } return { $p.name } }"# => r#"type error: T7: vector membership filters are not supported"#;
    rule_f05: r#"query q() { match { $p: Person $p.tags contains 1 } return { $p.name } }"# => r#"type error: T7: cannot test membership of I64 in [String]?"#;
    rule_f06: r#"query q() { match { $p: Person $p.tags = "a" } return { $p.name } }"# => r#"type error: T7: list comparisons in filters are not supported; use `contains` for list membership"#;
    rule_f07: r#"query q($v: Vector(3)) { match { $p: Person $p.embedding = $v } return { $p.name } }"# => r#"type error: T7: vector comparisons in filters are not supported"#;
    rule_f08: r#"query q() { match { $p: Person $p.photo = "x" } return { $p.name } }"# => r#"type error: T7: blob comparisons in filters are not supported"#;
    rule_f09: r#"query q() { match { $p: Person $p.age > "old" } return { $p.name } }"# => r#"type error: T7: cannot compare I32? with String"#;
    rule_x02: r#"query q() { match { $p: Person } return { $x.name } }"# => r#"type error: T6: variable `$x` is not bound"#;
    rule_x04: r#"query q() { match { $p: Person $p.salary > 100 } return { $p.name } }"# => r#"type error: T6: type `Person` has no property `salary`"#;
    rule_x05: r#"query q() { match { $p: Person } return { $x } }"# => r#"type error: variable `$x` is not bound"#;
    rule_x06: r#"query q() { match { $p: Person } return { [1, "a"] } }"# => r#"type error: list literal elements must share a compatible scalar type"#;
    rule_x07: r#"query q($v: Vector(3)) { match { $p: Person } return { $p.name } order { nearest($x.embedding, $v) } limit 5 }"# => r#"type error: T15: variable `$x` is not bound"#;
    rule_x09: r#"query q($v: Vector(3)) { match { $p: Person } return { $p.name } order { nearest($p.emb, $v) } limit 5 }"# => r#"type error: T15: type `Person` has no property `emb`"#;
    rule_x10: r#"query q($v: Vector(3)) { match { $p: Person } return { $p.name } order { nearest($p.name, $v) } limit 5 }"# => r#"type error: T15: nearest requires a Vector property, got Person.name: String"#;
    rule_x12: r#"query q() { match { $p: Person } return { $p.name } order { nearest($p.embedding, [1, 2]) } limit 5 }"# => r#"type error: T15: nearest vector dimension mismatch: property is Vector(3), query literal has 2 elements"#;
    rule_x13: r#"query q($v: Vector(2)) { match { $p: Person } return { $p.name } order { nearest($p.embedding, $v) } limit 5 }"# => r#"type error: T15: nearest vector dimension mismatch: property is Vector(3), query is Vector(2)"#;
    rule_x14: r#"query q() { match { $p: Person } return { $p.name } order { nearest($p.embedding, 5) } limit 5 }"# => r#"type error: T15: nearest query must be Vector(3) or String, got I64"#;
    rule_x15: r#"query q() { match { $p: Person } return { $p.name } order { nearest($p.embedding, $p) } limit 5 }"# => r#"type error: T15: nearest query must be a scalar expression"#;
    rule_x16: r#"query q($q: String) { match { $p: Person search($p.age, $q) } return { $p.name } }"# => r#"type error: T19: search field must be String, got I32?"#;
    rule_x17: r#"query q($q: String) { match { $p: Person search($p, $q) } return { $p.name } }"# => r#"type error: T19: search field must be a scalar String expression"#;
    rule_x18: r#"query q() { match { $p: Person search($p.name, 5) } return { $p.name } }"# => r#"type error: T19: search query must be String, got I64"#;
    rule_x19: r#"query q() { match { $p: Person search($p.name, $p) } return { $p.name } }"# => r#"type error: T19: search query must be a scalar String expression"#;
    rule_x20: r#"query q($q: String) { match { $p: Person fuzzy($p.age, $q) } return { $p.name } }"# => r#"type error: T19: fuzzy field must be String, got I32?"#;
    rule_x21: r#"query q($q: String) { match { $p: Person fuzzy($p, $q) } return { $p.name } }"# => r#"type error: T19: fuzzy field must be a scalar String expression"#;
    rule_x22: r#"query q($q: String) { match { $p: Person fuzzy($p.name, 5) } return { $p.name } }"# => r#"type error: T19: fuzzy query must be String, got I64"#;
    rule_x23: r#"query q($q: String) { match { $p: Person fuzzy($p.name, $p) } return { $p.name } }"# => r#"type error: T19: fuzzy query must be a scalar String expression"#;
    rule_x24: r#"query q($q: String) { match { $p: Person fuzzy($p.name, $q, 1.5) } return { $p.name } }"# => r#"type error: T19: fuzzy max_edits must be an integer scalar, got F64"#;
    rule_x25: r#"query q($q: String) { match { $p: Person fuzzy($p.name, $q, $p) } return { $p.name } }"# => r#"type error: T19: fuzzy max_edits must be an integer scalar expression"#;
    rule_x26: r#"query q($q: String) { match { $p: Person match_text($p.age, $q) } return { $p.name } }"# => r#"type error: T20: match_text field must be String, got I32?"#;
    rule_x27: r#"query q($q: String) { match { $p: Person match_text($p, $q) } return { $p.name } }"# => r#"type error: T20: match_text field must be a scalar String expression"#;
    rule_x28: r#"query q($q: String) { match { $p: Person match_text($p.name, 5) } return { $p.name } }"# => r#"type error: T20: match_text query must be String, got I64"#;
    rule_x29: r#"query q($q: String) { match { $p: Person match_text($p.name, $p) } return { $p.name } }"# => r#"type error: T20: match_text query must be a scalar String expression"#;
    rule_x30: r#"query q($q: String) { match { $p: Person } return { bm25($p.age, $q) } }"# => r#"type error: T20: bm25 field must be String, got I32?"#;
    rule_x31: r#"query q($q: String) { match { $p: Person } return { bm25($p, $q) } }"# => r#"type error: T20: bm25 field must be a scalar String expression"#;
    rule_x32: r#"query q($q: String) { match { $p: Person } return { bm25($p.name, 5) } }"# => r#"type error: T20: bm25 query must be String, got I64"#;
    rule_x33: r#"query q($q: String) { match { $p: Person } return { bm25($p.name, $p) } }"# => r#"type error: T20: bm25 query must be a scalar String expression"#;
    rule_x36: r#"query q($v: Vector(3), $q: String) { match { $p: Person } return { $p.name } order { rrf(nearest($p.embedding, $v), bm25($p.name, $q), 1.5) } limit 5 }"# => r#"type error: T21: rrf k must be an integer scalar, got F64"#;
    rule_x37: r#"query q($v: Vector(3), $q: String) { match { $p: Person } return { $p.name } order { rrf(nearest($p.embedding, $v), bm25($p.name, $q), $p) } limit 5 }"# => r#"type error: T21: rrf k must be an integer scalar expression"#;
    rule_x38: r#"query q($v: Vector(3), $q: String) { match { $p: Person } return { $p.name } order { rrf(nearest($p.embedding, $v), bm25($p.name, $q), 0) } limit 5 }"# => r#"type error: T21: rrf k must be greater than 0"#;
    rule_x39: r#"query q() { match { $p: Person } return { sum($p.name) } }"# => r#"type error: T8: sum requires numeric type, got String"#;
    rule_x40: r#"query q() { match { $p: Person } return { min($p.born) } }"# => r#"type error: T8: min requires numeric or string type, got Date?"#;
    rule_n01: r#"query q() { match { $p: Person not { $q: Person } } return { $p.name } }"# => r#"type error: T9: negation block must reference at least one outer-bound variable"#;
    rule_q01: r#"query q($v: Vector(3), $q: String) { match { $p: Person } return { $p.name } order { rrf(nearest($p.embedding, $v), bm25($p.name, $q)) desc } }"# => r#"type error: T21: rrf ordering requires a limit clause"#;
    rule_q02: r#"query q($v: Vector(3)) { match { $p: Person } return { $p.name } order { nearest($p.embedding, $v) } }"# => r#"type error: T17: nearest ordering requires a limit clause"#;
    rule_q03: r#"query q($v: Vector(3)) { match { $p: Person } return { $p.name as n } order { nearest($p.embedding, $v), n } limit 5 }"# => r#"type error: T18: alias-based ordering is not supported together with nearest in phase 1"#;
    rule_q04: r#"query q() { match { $p: Person } return { count($p), "x" } }"# => r#"type error: T9: non-aggregate expressions in an aggregate query must be property accesses or variables"#;
    rule_m01: r#"query q() { insert Person { name: $n } }"# => r#"type error: T14: mutation variable `$n` must be a declared query parameter"#;
    rule_m02: r#"query q($n: I64) { insert Person { name: $n } }"# => r#"type error: T7: cannot assign/compare I64 with String for property `name`"#;
    rule_m03: r#"query q() { update Person set { born: now() } where name = "a" }"# => r#"type error: T7: cannot assign/compare DateTime with Date? for property `born`"#;
    rule_m06: r#"query q() { insert Person { name: "a", name: "b" } }"# => r#"type error: T13: duplicate assignment for property `name`"#;
    rule_m07: r#"query q() { insert Person { name: "a", salary: 1 } }"# => r#"type error: T11: type `Person` has no property `salary`"#;
    rule_m08: r#"query q() { insert Person { age: 3 } }"# => r#"type error: T12: insert for `Person` must provide non-nullable property `name`"#;
    rule_m09: r#"query q() { insert Doc { slug: "a" } }"# => r#"type error: T12: insert for `Doc` must provide non-nullable property `embedding` or @embed source `body`"#;
    rule_m10: r#"query q() { insert Knows { from: "a", to: "b", weight: 1 } }"# => r#"type error: T11: type `Knows` has no property `weight`"#;
    rule_m11: r#"query q() { insert Knows { to: "b" } }"# => r#"type error: T12: insert for `Knows` must provide required endpoint `from`"#;
    rule_m12: r#"query q() { insert Knows { from: "a" } }"# => r#"type error: T12: insert for `Knows` must provide required endpoint `to`"#;
    rule_m13: r#"query q() { insert WorksAt { from: "a", to: "b" } }"# => r#"type error: T12: insert for `WorksAt` must provide non-nullable property `weight`"#;
    rule_m14: r#"query q() { insert Robot { name: "x" } }"# => r#"type error: T10: unknown node/edge type `Robot`"#;
    rule_m15: r#"query q() { update Knows set { since: date("2020-01-01") } where from = "a" }"# => r#"type error: T16: update mutation for edge type `Knows` is not supported"#;
    rule_m16: r#"query q() { update Robot set { name: "x" } where name = "y" }"# => r#"type error: T10: unknown node/edge type `Robot`"#;
    rule_m18: r#"query q() { update Person set { age: 1, age: 2 } where name = "a" }"# => r#"type error: T13: duplicate assignment for property `age`"#;
    rule_m19: r#"query q() { update Person set { salary: 1 } where name = "a" }"# => r#"type error: T11: type `Person` has no property `salary`"#;
    rule_m20: r#"query q() { delete Person where salary = 1 }"# => r#"type error: T11: type `Person` has no property `salary`"#;
    rule_m21: r#"query q($b: String) { delete Person where photo = $b }"# => r#"type error: T11: blob property `photo` cannot be used in WHERE predicates"#;
    rule_m22: r#"query q() { delete Knows where weight = 1 }"# => r#"type error: T11: type `Knows` has no property `weight`"#;
    rule_m23: r#"query q() { delete Robot where name = "a" }"# => r#"type error: T10: unknown node/edge type `Robot`"#;
}

// Rules whose spec row has two examples, or whose message is shared.
fails! {
    rule_b09_mixed: r#"query q() { match { $p: Person { name: [1, "a"] } } return { $p.name } }"# => "type error: list literal elements must share a compatible scalar type";
    rule_b09_nested: r#"query q() { match { $p: Person { name: [[1]] } } return { $p.name } }"# => "type error: nested list literals are not supported";
    rule_b09_in_membership: r#"query q() { match { $p: Person { tags: [[1]] } } return { $p.name } }"# => "type error: nested list literals are not supported";
    rule_m04_literal_type: r#"query q() { insert Person { name: 1 } }"# => "type error: T3: property `name` has type String but got I64";
    rule_m04_blob_literal: r#"query q() { insert Person { name: "a", photo: "s3://x" } }"# => "type error: T3: property `photo` has type Blob? but got String";
    rule_m04_vector_dimension: r#"query q() { insert Doc { slug: "a", embedding: [1, 2] } }"# => "type error: T3: property `embedding` has type Vector(3) but got vector literal with 2 elements";
    rule_m04_enum: r#"query q() { insert Person { name: "a", status: "gone" } }"# => "type error: T3: property `status` expects one of [active, inactive], got 'gone'";
    rule_m04_list_literal: r#"query q() { insert Person { name: "a", tags: [1, "x"] } }"# => "type error: list literal elements must share a compatible scalar type";
    rule_m04_no_membership: r#"query q() { insert Person { name: "a", tags: "x" } }"# => "type error: T3: property `tags` has type [String]? but got String";
    rule_b07_vector_from_string: r#"query q() { match { $p: Person { embedding: "x" } } return { $p.name } }"# => "type error: T3: property `embedding` has type Vector(3)? but got String";
    rule_b07_vector_from_empty_list: r#"query q() { match { $p: Person { embedding: [] } } return { $p.name } }"# => "type error: T3: property `embedding` has type Vector(3)? but got [String]";
    rule_b12_date_param: r#"query q($d: String) { match { $p: Person { born: $d } } return { $p.name } }"# => "type error: T7: cannot assign/compare String with Date? for property `born`";
    rule_b12_no_blob_exception: r#"query q($d: Date?) { match { $p: Person { age: $d } } return { $p.name } }"# => "type error: T7: cannot assign/compare Date? with I32? for property `age`";
    rule_b14_now_on_list: r#"query q() { match { $p: Person { tags: now() } } return { $p.name } }"# => "type error: T7: cannot assign/compare DateTime with [String]? for property `tags`";
    rule_b16_after_traversal: r#"query q() { match { $p: Person $p worksAt $c $c: Person } return { $p } }"# => "type error: variable `$c` already bound to type `Company`, cannot rebind to `Person`";
    rule_x05_param_shadow_order: r#"query q() { match { $p: Person } return { $p, $y } }"# => "type error: variable `$y` is not bound";
    rule_x14_list_param: r#"query q($v: [F32]) { match { $p: Person } return { $p.name } order { nearest($p.embedding, $v) } limit 5 }"# => "type error: T15: nearest query must be Vector(3) or String, got [F32]";
    rule_x14_nullable_display: r#"query q($v: I32?) { match { $p: Person } return { $p.name } order { nearest($p.embedding, $v) } limit 5 }"# => "type error: T15: nearest query must be Vector(3) or String, got I32?";
    rule_x13_nullable_vector_param: r#"query q($v: Vector(2)?) { match { $p: Person } return { $p.name } order { nearest($p.embedding, $v) } limit 5 }"# => "type error: T15: nearest vector dimension mismatch: property is Vector(3), query is Vector(2)";
    rule_x15_alias_aggregate: r#"query q() { match { $p: Person } return { $p.name } order { nearest($p.embedding, zz) } limit 5 }"# => "type error: T15: nearest query must be a scalar expression";
    rule_x16_list_field: r#"query q($q: String) { match { $p: Person search($p.tags, $q) } return { $p.name } }"# => "type error: T19: search field must be String, got [String]?";
    rule_x18_list_param: r#"query q($q: [String]) { match { $p: Person search($p.name, $q) } return { $p.name } }"# => "type error: T19: search query must be String, got [String]";
    rule_x24_float_param: r#"query q($q: String, $m: F32) { match { $p: Person fuzzy($p.name, $q, $m) } return { $p.name } }"# => "type error: T19: fuzzy max_edits must be an integer scalar, got F32";
    rule_x36_string: r#"query q($v: Vector(3), $q: String) { match { $p: Person } return { $p.name } order { rrf(nearest($p.embedding, $v), bm25($p.name, $q), "x") } limit 5 }"# => "type error: T21: rrf k must be an integer scalar, got String";
    rule_x39_avg_list: r#"query q() { match { $p: Person } return { avg($p.tags) } }"# => "type error: T8: avg requires numeric type, got [String]?";
    rule_x39_sum_bool_param: r#"query q($b: Bool) { match { $p: Person } return { sum($b) } }"# => "type error: T8: sum requires numeric type, got Bool";
    rule_x40_max_list: r#"query q() { match { $p: Person } return { max($p.tags) } }"# => "type error: T8: max requires numeric or string type, got [String]?";
    rule_x40_max_bool: r#"query q() { match { $p: Person } return { max(true) } }"# => "type error: T8: max requires numeric or string type, got Bool";
    rule_x41_count_propagates: r#"query q() { match { $p: Person } return { count($x) } }"# => "type error: variable `$x` is not bound";
    rule_f01_aggregate_right: r#"query q() { match { $p: Person $p.age > count($p) } return { $p.name } }"# => "type error: T7: filter comparisons require scalar operands, got I32? and aggregate";
    rule_f01_alias_in_match: r#"query q() { match { $p: Person $p.name = null } return { $p.name } }"# => "type error: T7: filter comparisons require scalar operands, got String and aggregate";
    rule_f05_numeric_list: r#"query q($t: [I32]) { match { $p: Person $t contains "x" } return { $p.name } }"# => "type error: T7: cannot test membership of String in [I32]";
    rule_f06_right_list: r#"query q() { match { $p: Person $p.name = ["a"] } return { $p.name } }"# => "type error: T7: list comparisons in filters are not supported; use `contains` for list membership";
    rule_f07_right_vector: r#"query q($v: Vector(3)) { match { $p: Person $p.age = $v } return { $p.name } }"# => "type error: T7: vector comparisons in filters are not supported";
    rule_f08_blob_param: r#"query q($b: Blob) { match { $p: Person $p.name = $b } return { $p.name } }"# => "type error: T7: blob comparisons in filters are not supported";
    rule_f09_bool: r#"query q() { match { $p: Person $p.name = true } return { $p.name } }"# => "type error: T7: cannot compare String with Bool";
    rule_t04_after_t02: r#"query q() { match { $p: Person $p knows{0,} $f } return { $f.name } }"# => "type error: T15: traversal min hop bound must be >= 1";
    rule_t01_before_bounds: r#"query q() { match { $p: Person $p likes{0,} $f } return { $f.name } }"# => "type error: T4: unknown edge type `likes`";
    rule_t05_reverse_edge: r#"query q() { match { $d: Doc $d worksAt $c } return { $d.slug } }"# => "type error: T5: variable `$d` has type `Doc`, which is not an endpoint of edge `WorksAt: Person -> Company`";
    rule_t07_reverse: r#"query q() { match { $c: Company $d: Doc $c worksAt $d } return { $c.name } }"# => "type error: T5: variable `$d` has type `Doc` but edge `WorksAt` expects `Person`";
    rule_t07_dst_bound_src_mismatch: r#"query q() { match { $c: Company $d: Doc $d worksAt $c } return { $c.name } }"# => "type error: T5: variable `$d` has type `Doc`, which is not an endpoint of edge `WorksAt: Person -> Company`";
    rule_n01_filter_param_only: r#"query q($x: I32) { match { $p: Person not { $q: Person $q.age > $x } } return { $p.name } }"# => "type error: T9: negation block must reference at least one outer-bound variable";
    rule_n01_inner_error_first: r#"query q() { match { $p: Person not { $q: Robot } } return { $p.name } }"# => "type error: T1: unknown node type `Robot`";
    rule_q01_before_q02: r#"query q($v: Vector(3), $q: String) { match { $p: Person } return { $p.name } order { nearest($p.embedding, $v), rrf(nearest($p.embedding, $v), bm25($p.name, $q)) } }"# => "type error: T21: rrf ordering requires a limit clause";
    rule_q02_inside_aggregate: r#"query q($v: Vector(3)) { match { $p: Person } return { $p.name } order { count(nearest($p.embedding, $v)) } }"# => "type error: T17: nearest ordering requires a limit clause";
    rule_q02_through_alias: r#"query q($v: Vector(3)) { match { $p: Person } return { nearest($p.embedding, $v) as s } order { count(s) } }"# => "type error: T17: nearest ordering requires a limit clause";
    rule_q03_unknown_alias: r#"query q($v: Vector(3)) { match { $p: Person } return { $p.name } order { nearest($p.embedding, $v), zzz } limit 5 }"# => "type error: T18: alias-based ordering is not supported together with nearest in phase 1";
    rule_q04_alias: r#"query q() { match { $p: Person } return { $p.name as n, count($p), n } }"# => "type error: T9: non-aggregate expressions in an aggregate query must be property accesses or variables";
    rule_q04_now: r#"query q() { match { $p: Person } return { now(), count($p) } }"# => "type error: T9: non-aggregate expressions in an aggregate query must be property accesses or variables";
    rule_q04_after_order_checks: r#"query q($v: Vector(3)) { match { $p: Person } return { count($p), 1 } order { nearest($p.embedding, $v) } }"# => "type error: T17: nearest ordering requires a limit clause";
    rule_m02_blob_from_list_param: r#"query q($u: [String]) { insert Person { name: "a", photo: $u } }"# => "type error: T7: cannot assign/compare [String] with Blob? for property `photo`";
    rule_m03_now_on_string: r#"query q() { insert Person { name: now() } }"# => "type error: T7: cannot assign/compare DateTime with String for property `name`";
    rule_m07_before_m08: r#"query q() { insert Person { salary: 1 } }"# => "type error: T11: type `Person` has no property `salary`";
    rule_m09_source_only_nullable: r#"query q() { insert Doc { body: "x" } }"# => "type error: T12: insert for `Doc` must provide non-nullable property `slug`";
    rule_m11_value_checked_first: r#"query q() { insert Knows { to: 1 } }"# => "type error: T3: property `to` has type String but got I64";
    rule_m12_endpoint_param: r#"query q($b: Blob) { insert Knows { from: $b, to: "x" } }"# => "type error: T7: cannot assign/compare Blob with String for property `from`";
    rule_m12_endpoint_literal: r#"query q() { insert Knows { from: 1, to: "b" } }"# => "type error: T3: property `from` has type String but got I64";
    rule_m12_endpoint_now: r#"query q() { insert Knows { from: now(), to: "x" } }"# => "type error: T7: cannot assign/compare DateTime with String for property `from`";
    rule_m13_after_endpoints: r#"query q() { insert WorksAt { to: "b" } }"# => "type error: T12: insert for `WorksAt` must provide required endpoint `from`";
    rule_m14_mutation_param_first: r#"query q($v: Vector(0)) { insert Robot { name: "x" } }"# => "type error: unknown parameter type `Vector(0)` for `$v`";
    rule_m15_node_first: r#"query q() { update WorksAt set { weight: 1 } where title = "x" }"# => "type error: T16: update mutation for edge type `WorksAt` is not supported";
    rule_m18_before_m19: r#"query q() { update Person set { salary: 1, salary: 2 } where name = "a" }"# => "type error: T13: duplicate assignment for property `salary`";
    rule_m20_update_predicate: r#"query q() { update Person set { age: 1 } where salary = 2 }"# => "type error: T11: type `Person` has no property `salary`";
    rule_m21_update_predicate: r#"query q($b: String) { update Person set { age: 1 } where photo = $b }"# => "type error: T11: blob property `photo` cannot be used in WHERE predicates";
    rule_m22_value: r#"query q() { delete Knows where since = "x" }"# => "type error: T3: property `since` has type Date? but got String";
    rule_m22_endpoint_value: r#"query q() { delete Knows where to = 1 }"# => "type error: T3: property `to` has type String but got I64";
    rule_m22_edge_blob_literal: r#"query q() { delete Cites where note = "x" }"# => "type error: T3: property `note` has type Blob? but got String";
    rule_m01_in_predicate: r#"query q() { delete Person where name = $n }"# => "type error: T14: mutation variable `$n` must be a declared query parameter";
    rule_m_second_statement: r#"query q() { insert Person { name: "a" } delete Robot where name = "b" }"# => "type error: T10: unknown node/edge type `Robot`";
}

// Passing counterparts, one or more per rule.
passes! {
    pass_d01_similar_name: r#"query q($__nanograph_now2: String) { match { $p: Person } return { $p.name } }"#;
    pass_d02_vector_bounds: r#"query q($a: Vector(1), $b: Vector(2147483647), $c: Vector(003)) { match { $p: Person } return { $p.name } }"#;
    pass_b01_b02_b07: r#"query q() { match { $p: Person { name: "a", age: 3, born: date("2020-01-01"), seen_at: datetime("x") } } return { $p.name } }"#;
    pass_b05_membership: r#"query q() { match { $p: Person { tags: "rust" } } return { $p.name } }"#;
    pass_b06_vector_literal: r#"query q() { match { $p: Person { embedding: [1, 2.5, 3] } } return { $p.name } }"#;
    pass_b07_numeric_widening: r#"query q() { match { $p: Person { age: 2.5 } } return { $p.name } }"#;
    pass_b08_enum_value: r#"query q() { match { $p: Person { status: "active" } } return { $p.name } }"#;
    pass_b11_membership_param: r#"query q($t: String?) { match { $p: Person { tags: $t } } return { $p.name } }"#;
    pass_b12_param: r#"query q($n: String, $a: U64) { match { $p: Person { name: $n, age: $a, status: $n } } return { $p.name } }"#;
    pass_b14_now: r#"query q() { match { $p: Person { seen_at: now() } } return { $p.name } }"#;
    pass_b13_bound_variable_value: r#"query q() { match { $c: Company $p: Person { name: $c } } return { $p.name } }"#;
    pass_t02_t03_bounds: r#"query q() { match { $p: Person $p knows{1,1} $f $f knows{2,5} $g } return { $g.name } }"#;
    pass_t05_self_loop: r#"query q() { match { $p: Person $p knows $p } return { $p.name } }"#;
    pass_t06_dst_bound: r#"query q() { match { $c: Company $p worksAt $c } return { $p.name } }"#;
    pass_t07_same_type: r#"query q() { match { $p: Person $f: Person $p knows $f } return { $f.name } }"#;
    pass_f02_f05_contains: r#"query q($t: String) { match { $p: Person $p.tags contains $t $p.tags contains "x" } return { $p.name } }"#;
    pass_f09_operators: r#"query q() { match { $p: Person $p.age >= 1 $p.age <= 2 $p.age != 3 $p.age < 4 $p.age > 5 $p.age = 6 } return { $p.name } }"#;
    pass_f09_datetime: r#"query q() { match { $p: Person $p.seen_at = datetime("2020") $p.born > date("2020") } return { $p.name } }"#;
    pass_f09_bool: r#"query q($b: Bool) { match { $p: Person $b = true false < $b } return { $p.name } }"#;
    pass_text_search_sugar: r#"query q($q: String) { match { $p: Person search($p.name, $q) fuzzy($p.name, $q) fuzzy($p.name, $q, 2) match_text($p.status, $q) } return { $p.name } }"#;
    pass_text_search_explicit: r#"query q($q: String) { match { $p: Person search($p.name, $q) = false } return { $p.name } }"#;
    pass_x07_x15_nearest: r#"query q($v: Vector(3)) { match { $p: Person } return { $p.name } order { nearest($p.embedding, $v) } limit 5 }"#;
    pass_x12_literal: r#"query q() { match { $p: Person } return { $p.name } order { nearest($p.embedding, [1, 2, 3.5]) } limit 5 }"#;
    pass_x13_nullable_param: r#"query q($v: Vector(3)?) { match { $d: Doc } return { $d.slug } order { nearest($d.embedding, $v) } limit 5 }"#;
    pass_x24_integer_kinds: r#"query q($q: String, $a: U32, $b: I32, $c: U64) { match { $p: Person fuzzy($p.name, $q, $a) fuzzy($p.name, $q, $b) fuzzy($p.name, $q, $c) } return { $p.name } }"#;
    pass_x30_bm25: r#"query q($q: String) { match { $p: Person } return { bm25($p.name, $q) } order { bm25($p.name, $q) desc } }"#;
    pass_x36_k: r#"query q($v: Vector(3), $q: String, $k: U32) { match { $p: Person } return { $p.name } order { rrf(nearest($p.embedding, $v), bm25($p.name, $q), 60), rrf(bm25($p.name, $q), nearest($p.embedding, "x"), $k) } limit 5 }"#;
    pass_x39_x40_aggregates: r#"query q() { match { $p: Person } return { sum($p.age), avg($p.age), min($p.name), max($p.status), min(1.5), count($p.tags), count($p) } }"#;
    pass_x42_alias_type: r#"query q() { match { $p: Person } return { $p.age as a, sum(a) } order { a desc } }"#;
    pass_n01_traversal: r#"query q() { match { $p: Person not { $p knows $f $f.age > 3 } } return { $p.name } }"#;
    pass_n01_filter: r#"query q() { match { $p: Person not { $p.age > 3 } } return { $p.name } }"#;
    pass_n01_binding: r#"query q() { match { $p: Person not { $p: Person { name: "x" } } } return { $p.name } }"#;
    pass_n01_inside_call: r#"query q($s: String) { match { $p: Person not { search($p.name, $s) } } return { $p.name } }"#;
    pass_n01_nested_with_inner_scope: r#"query q() { match { $p: Person not { $p knows $f not { $f knows $g } } } return { $p.name } }"#;
    pass_n01_rebind_after_negation: r#"query q() { match { $p: Person not { $p worksAt $f } $f: Person } return { $f.name } }"#;
    pass_q01_limit: r#"query q($v: Vector(3), $q: String) { match { $p: Person } return { $p.name } order { rrf(nearest($p.embedding, $v), bm25($p.name, $q)) desc } limit 10 }"#;
    pass_q03_alias_without_nearest: r#"query q() { match { $p: Person } return { $p.name as n } order { n } }"#;
    pass_q03_alias_cycle: r#"query q() { match { $p: Person } return { x as x, y as z, z as y } order { x, y } }"#;
    pass_q04_only_aggregates: r#"query q() { match { $p: Person } return { count($p), sum($p.age) } }"#;
    pass_m02_blob_param: r#"query q($u: String?) { insert Person { name: "a", photo: $u } }"#;
    pass_m02_numeric_param: r#"query q($a: F64, $t: [String]) { insert Person { name: "a", age: $a, tags: $t } }"#;
    pass_m03_now: r#"query q() { update Person set { seen_at: now() } where seen_at < now() }"#;
    pass_m08_nullables_optional: r#"query q() { insert Person { name: "a" } }"#;
    pass_m09_embed_given: r#"query q($v: Vector(3)) { insert Doc { slug: "a", embedding: $v } }"#;
    pass_m13_edge_properties: r#"query q() { insert WorksAt { from: "a", to: "b", weight: 1, title: "x" } }"#;
    pass_m19_update: r#"query q($n: String) { update Person set { age: 1, status: "active", } where name = $n }"#;
    pass_m21_edge_blob: r#"query q($b: Blob) { delete Cites where note = $b }"#;
    pass_m22_edge_property: r#"query q() { delete WorksAt where weight >= 1.5 }"#;
}

#[test]
fn mutation_targets_are_returned() {
    assert_eq!(
        tc(
            r#"query q() { insert Person { name: "a" } update Person set { age: 1 } where name = "a" delete Knows where from = "x" }"#
        ),
        Ok(Checked::Mutation(vec![
            "Person".to_owned(),
            "Person".to_owned(),
            "Knows".to_owned()
        ]))
    );
    assert_eq!(
        tc("query q() { match { $p: Person } return { $p } }"),
        Ok(Checked::Read)
    );
}
