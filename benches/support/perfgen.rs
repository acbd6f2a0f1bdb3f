//! The folder of `shared/bench/perfgen.py`, shared by the benchmarks: its schema (with a
//! `{g}` placeholder for the graph id), its five stored-query shapes (`{n}` = query name) and
//! `generate`, which writes the whole folder.

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

/// The size of a generated folder: `graphs` graphs with `queries` stored queries each, and
/// `policies` policy files (perfgen.py's `--graphs`, `--queries` and `--policies`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)] // not every bench writes a folder
pub struct Shape {
    pub graphs: usize,
    pub queries: usize,
    pub policies: usize,
}

#[allow(dead_code)] // not every bench writes a folder
impl Shape {
    /// perfgen.py's defaults: 20 graphs × 250 queries, 20 policies (5,060 resources).
    pub const DEFAULT: Shape = Shape {
        graphs: 20,
        queries: 250,
        policies: 20,
    };

    /// Declared resources: a graph, a schema and its queries per graph, plus the policies.
    pub fn resources(&self) -> usize {
        self.graphs * (2 + self.queries) + self.policies
    }
}

/// Write the folder `perfgen.py DIR --graphs G --queries Q --policies P` writes, byte for byte,
/// into `dir`. Returns every file written, `cluster.yaml` last.
#[allow(dead_code)] // not every bench writes a folder
pub fn generate(dir: &std::path::Path, shape: Shape) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut files = Vec::new();
    let mut yaml = String::from("version: 1\nmetadata:\n  name: perf\ngraphs:\n");
    for g in 0..shape.graphs {
        let gid = format!("g{g:03}");
        let gdir = dir.join(&gid);
        std::fs::create_dir_all(&gdir)?;
        let schema = gdir.join("schema.pg");
        std::fs::write(&schema, SCHEMA.replace("{g}", &gid))?;
        files.push(schema);
        yaml.push_str(&format!(
            "  {gid}:\n    schema: ./{gid}/schema.pg\n    queries:\n"
        ));
        for q in 0..shape.queries {
            let name = format!("q{q:04}");
            let file = gdir.join(format!("{name}.gq"));
            std::fs::write(
                &file,
                QUERY_SHAPES[q % QUERY_SHAPES.len()].replace("{n}", &name),
            )?;
            files.push(file);
            yaml.push_str(&format!("      {name}:\n        file: ./{gid}/{name}.gq\n"));
        }
    }
    yaml.push_str("policies:\n");
    for p in 0..shape.policies {
        let file = dir.join(format!("p{p:02}.policy.yaml"));
        let rules: String = (0..50).map(|i| format!("  - allow: read-{i}\n")).collect();
        std::fs::write(&file, format!("rules:\n{rules}"))?;
        files.push(file);
        let target = if p == 0 {
            "cluster".to_string()
        } else {
            format!("g{:03}", p % shape.graphs.max(1))
        };
        yaml.push_str(&format!(
            "  p{p:02}:\n    file: ./p{p:02}.policy.yaml\n    applies_to: [{target}]\n"
        ));
    }
    let config = dir.join("cluster.yaml");
    std::fs::write(&config, yaml)?;
    files.push(config);
    Ok(files)
}
