//! The folder shape of `shared/bench/perfgen.py`, shared by the benchmarks: its schema (with a
//! `{g}` placeholder for the graph id) and its five stored-query shapes (`{n}` = query name).

/// perfgen.py's schema; replace `{g}` with the graph id.
pub const SCHEMA: &str = "// graph {g}
interface Named {
  name: String @key
}
node Person implements Named {
  title: String?
  age: I32?
  email: String? @unique
  tags: [String]?
}
node Company implements Named {
  founded: I64?
  kind: enum(startup, enterprise, nonprofit)?
}
node Project implements Named {
  budget: F64?
  started: Date?
}
node Doc {
  slug: String @key
  title: String
  body: String?
  embedding: Vector(8)?
}
node Skill implements Named {
  level: I32?
}
node Team implements Named {
  size: I32?
}
edge WorksAt: Person -> Company {
  since: Date?
  role: String?
}
edge Knows: Person -> Person
edge HasSkill: Person -> Skill
edge Owns: Team -> Project
edge Wrote: Person -> Doc
";

/// perfgen.py's query shapes, used round-robin; replace `{n}` with the query name.
pub const QUERY_SHAPES: [&str; 5] = [
    "query {n}($name: String) {
  match { $p: Person { name: $name } }
  return { $p.name, $p.title, $p.age }
}
",
    "query {n}($company: String) {
  match {
    $c: Company { name: $company }
    $p worksAt $c
    $p.age > 21
  }
  return { $p.name, $p.title }
  order { $p.name asc }
  limit 100
}
",
    "query {n}($name: String) {
  match {
    $a: Person { name: $name }
    $a knows{1,3} $b
    $b hasSkill $s
  }
  return { $b.name, $s.name, count($s) as n }
}
",
    "query {n}($slug: String, $title: String) {
  insert Doc { slug: $slug, title: $title }
}
",
    "query {n}($name: String) {
  match {
    $p: Person { name: $name }
    not { $p worksAt $c }
  }
  return { $p.name }
}
",
];
