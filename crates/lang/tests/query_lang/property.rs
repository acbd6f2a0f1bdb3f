//! Property test: well-typed queries generated against generated schemas (as `.pg` text, built by
//! the schema language) parse and type-check.
//!
//! The generator draws every decision from a vector of numbers supplied by proptest, so shrinking
//! that vector (shorter, smaller numbers) shrinks the schema and the query towards the first,
//! simplest options.

use omnigraph_lang::Span;
use omnigraph_lang::query::{QueryError, parse_query, typecheck_query_decl};
use omnigraph_lang::schema::Catalog;
use proptest::prelude::*;

/// A stream of choices; exhausted → always the first option.
pub struct Choices<'a> {
    data: &'a [u32],
    at: usize,
}

impl Choices<'_> {
    fn pick(&mut self, n: usize) -> usize {
        let c = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        if n == 0 { 0 } else { c as usize % n }
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.pick(100) < percent
    }

    fn one<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        &items[self.pick(items.len())]
    }
}

// ------------------------------------------------------------------------------------------------
// Schema model

#[derive(Debug, Clone, Copy, PartialEq)]
enum Base {
    String,
    Bool,
    I32,
    I64,
    U32,
    U64,
    F32,
    F64,
    Date,
    DateTime,
}

const BASES: [Base; 10] = [
    Base::String,
    Base::Bool,
    Base::I32,
    Base::I64,
    Base::U32,
    Base::U64,
    Base::F32,
    Base::F64,
    Base::Date,
    Base::DateTime,
];

impl Base {
    fn name(self) -> &'static str {
        match self {
            Base::String => "String",
            Base::Bool => "Bool",
            Base::I32 => "I32",
            Base::I64 => "I64",
            Base::U32 => "U32",
            Base::U64 => "U64",
            Base::F32 => "F32",
            Base::F64 => "F64",
            Base::Date => "Date",
            Base::DateTime => "DateTime",
        }
    }

    fn numeric(self) -> bool {
        matches!(
            self,
            Base::I32 | Base::I64 | Base::U32 | Base::U64 | Base::F32 | Base::F64
        )
    }

    /// Two bases compare/assign without error (numeric widening).
    fn compatible(self, other: Base) -> bool {
        self == other || (self.numeric() && other.numeric())
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Scalar(Base),
    List(Base),
    Enum(Vec<String>),
    Vector(u32),
    Blob,
}

#[derive(Debug, Clone)]
struct Prop {
    name: String,
    kind: Kind,
    nullable: bool,
}

impl Prop {
    /// `.pg` type text.
    fn type_text(&self) -> String {
        let base = match &self.kind {
            Kind::Scalar(b) => b.name().to_owned(),
            Kind::List(b) => format!("[{}]", b.name()),
            Kind::Enum(values) => format!("enum({})", values.join(", ")),
            Kind::Vector(d) => format!("Vector({d})"),
            Kind::Blob => "Blob".to_owned(),
        };
        if self.nullable {
            format!("{base}?")
        } else {
            base
        }
    }

    /// The scalar base usable in filters (not lists, vectors, blobs); enums are strings.
    fn filter_base(&self) -> Option<Base> {
        match &self.kind {
            Kind::Scalar(b) => Some(*b),
            Kind::Enum(_) => Some(Base::String),
            _ => None,
        }
    }

    fn is_text(&self) -> bool {
        matches!(self.kind, Kind::Scalar(Base::String) | Kind::Enum(_))
    }
}

#[derive(Debug, Clone)]
struct Node {
    name: String,
    props: Vec<Prop>,
    /// (vector property, source property) of an `@embed`.
    embed: Option<(String, String)>,
}

#[derive(Debug, Clone)]
struct Edge {
    name: String,
    from: usize,
    to: usize,
    props: Vec<Prop>,
}

#[derive(Debug, Clone)]
pub struct Schema {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
}

fn gen_prop(c: &mut Choices, name: String, allow_blob_vector: bool) -> Prop {
    let kind = match c.pick(if allow_blob_vector { 12 } else { 9 }) {
        0..=4 => Kind::Scalar(*c.one(&BASES)),
        5 => Kind::Scalar(Base::String),
        6 => {
            let base = *c.one(&BASES);
            Kind::List(base)
        }
        7 | 8 => {
            let n = 1 + c.pick(3);
            Kind::Enum((0..n).map(|i| format!("v{i}")).collect())
        }
        9 | 10 => Kind::Vector(1 + c.pick(4) as u32),
        _ => Kind::Blob,
    };
    Prop {
        name,
        kind,
        nullable: c.chance(50),
    }
}

pub fn gen_schema(c: &mut Choices) -> Schema {
    let node_count = 1 + c.pick(4);
    let mut nodes = Vec::new();
    for n in 0..node_count {
        let mut props = vec![Prop {
            name: "name".to_owned(),
            kind: Kind::Scalar(Base::String),
            nullable: false,
        }];
        for p in 0..c.pick(6) {
            props.push(gen_prop(c, format!("p{p}"), true));
        }
        let mut embed = None;
        if c.chance(30) {
            props.push(Prop {
                name: "body".to_owned(),
                kind: Kind::Scalar(Base::String),
                nullable: true,
            });
            props.push(Prop {
                name: "emb".to_owned(),
                kind: Kind::Vector(1 + c.pick(4) as u32),
                nullable: c.chance(50),
            });
            embed = Some(("emb".to_owned(), "body".to_owned()));
        }
        nodes.push(Node {
            name: format!("N{n}"),
            props,
            embed,
        });
    }
    let edges = (0..c.pick(5))
        .map(|e| {
            let props = (0..c.pick(3))
                .map(|p| gen_prop(c, format!("w{p}"), false))
                .collect();
            Edge {
                name: format!("Rel{e}"),
                from: c.pick(node_count),
                to: c.pick(node_count),
                props,
            }
        })
        .collect();
    Schema { nodes, edges }
}

impl Schema {
    /// The schema as `.pg` text.
    pub fn to_pg(&self) -> String {
        let mut out = String::new();
        for n in &self.nodes {
            out.push_str(&format!("node {} {{\n", n.name));
            for p in &n.props {
                let mut line = format!("    {}: {}", p.name, p.type_text());
                if p.name == "name" {
                    line.push_str(" @key");
                }
                if let Some((target, src)) = &n.embed
                    && &p.name == target
                {
                    line.push_str(&format!(" @embed({src})"));
                }
                out.push_str(&line);
                out.push('\n');
            }
            out.push_str("}\n");
        }
        for e in &self.edges {
            out.push_str(&format!(
                "edge {}: {} -> {}",
                e.name, self.nodes[e.from].name, self.nodes[e.to].name
            ));
            if e.props.is_empty() {
                out.push('\n');
            } else {
                out.push_str(" {\n");
                for p in &e.props {
                    out.push_str(&format!("    {}: {}\n", p.name, p.type_text()));
                }
                out.push_str("}\n");
            }
        }
        out
    }
}

// ------------------------------------------------------------------------------------------------
// Query generation

struct Gen<'c, 'd> {
    c: &'c mut Choices<'d>,
    schema: &'c Schema,
    /// Declared parameters: (name, type text).
    params: Vec<(String, String)>,
}

impl Gen<'_, '_> {
    /// Trivia between tokens: mostly a space, sometimes newlines or comments.
    fn sep(&mut self) -> &'static str {
        const SEPARATORS: [&str; 9] = [
            " ",
            " ",
            " ",
            " ",
            "\n  ",
            "\t",
            " /* c */ ",
            " // note\n",
            "\r\n",
        ];
        SEPARATORS[self.c.pick(SEPARATORS.len())]
    }

    fn param(&mut self, type_text: String) -> String {
        let name = format!("a{}", self.params.len());
        self.params.push((name.clone(), type_text));
        format!("${name}")
    }

    fn string_lit(&mut self) -> String {
        self.c
            .one(&[
                "\"x\"",
                "\"\"",
                "\"with \\\"quote\\\" and \\\\ \\n\"",
                "\"é ☃\"",
                "\"a // not a comment\"",
            ])
            .to_string()
    }

    /// A literal of (a type compatible with) `base`.
    fn base_literal(&mut self, base: Base) -> String {
        match base {
            Base::String => self.string_lit(),
            Base::Bool => self.c.one(&["true", "false"]).to_string(),
            Base::Date => "date(\"2024-01-02\")".to_owned(),
            Base::DateTime => "datetime(\"2024-01-02T03:04:05Z\")".to_owned(),
            _ => self.c.one(&["0", "42", "007", "1.5", "0.25"]).to_string(),
        }
    }

    /// A value assignable to / comparable with property `p` in a mutation (no membership).
    fn mutation_value(&mut self, p: &Prop) -> String {
        let use_param = self.c.chance(40);
        let nullable = if self.c.chance(30) { "?" } else { "" };
        match &p.kind {
            Kind::Scalar(b) => {
                if *b == Base::DateTime && self.c.chance(20) {
                    "now()".to_owned()
                } else if use_param {
                    self.param(format!("{}{nullable}", b.name()))
                } else {
                    self.base_literal(*b)
                }
            }
            Kind::List(b) => {
                if use_param {
                    self.param(format!("[{}]{nullable}", b.name()))
                } else if *b == Base::String && self.c.chance(30) {
                    "[]".to_owned()
                } else {
                    let items: Vec<String> = (0..1 + self.c.pick(3))
                        .map(|_| self.base_literal(*b))
                        .collect();
                    format!("[{}]", items.join(", "))
                }
            }
            Kind::Enum(values) => {
                if use_param {
                    self.param(format!("String{nullable}"))
                } else {
                    format!("\"{}\"", self.c.one(values))
                }
            }
            Kind::Vector(d) => {
                if use_param {
                    self.param(format!("Vector({d}){nullable}"))
                } else {
                    let items: Vec<&str> =
                        (0..*d).map(|_| *self.c.one(&["1", "0.5", "2"])).collect();
                    format!("[{}]", items.join(", "))
                }
            }
            Kind::Blob => self.param(format!("String{nullable}")),
        }
    }

    /// A value for a binding's property match (list properties match by membership).
    fn match_value(&mut self, p: &Prop) -> String {
        match &p.kind {
            Kind::List(b) => {
                if self.c.chance(40) {
                    self.param(b.name().to_owned())
                } else {
                    self.base_literal(*b)
                }
            }
            _ => self.mutation_value(p),
        }
    }

    fn read_query(&mut self) -> String {
        let schema = self.schema;
        let mut vars: Vec<(String, usize)> = Vec::new();
        let mut clauses: Vec<String> = Vec::new();
        let start = self.c.pick(schema.nodes.len());
        clauses.push(self.binding("v0", start));
        vars.push(("v0".to_owned(), start));
        for _ in 0..self.c.pick(6) {
            let (var, ty) = vars[self.c.pick(vars.len())].clone();
            match self.c.pick(6) {
                0 | 1 => {
                    if let Some((clause, new)) = self.traversal(&var, ty, vars.len()) {
                        clauses.push(clause);
                        vars.push(new);
                    }
                }
                2 => {
                    let t = self.c.pick(schema.nodes.len());
                    let name = format!("v{}", vars.len());
                    clauses.push(self.binding(&name, t));
                    vars.push((name, t));
                }
                3 => {
                    if let Some((clause, _)) = self.traversal(&var, ty, 1000) {
                        clauses.push(format!("not {{{}{clause}{}}}", self.sep(), self.sep()));
                    } else if let Some(f) = self.filter(&var, ty) {
                        clauses.push(format!("not {{ {f} }}"));
                    }
                }
                _ => {
                    if let Some(f) = self.filter(&var, ty) {
                        clauses.push(f);
                    }
                }
            }
        }
        // Return: property accesses and variables, sometimes with aggregates.
        let mut projections = Vec::new();
        let mut aliases = Vec::new();
        for i in 0..1 + self.c.pick(3) {
            let (var, ty) = vars[self.c.pick(vars.len())].clone();
            let node = &schema.nodes[ty];
            let mut p = match self.c.pick(3) {
                0 => format!("${var}"),
                _ => format!("${var}.{}", self.c.one(&node.props).name),
            };
            if self.c.chance(25) {
                p = format!("count({p})");
            } else if self.c.chance(15) {
                let numeric = node
                    .props
                    .iter()
                    .find(|p| p.filter_base().is_some_and(Base::numeric));
                if let Some(n) = numeric {
                    let f = *self.c.one(&["sum", "avg", "min", "max"]);
                    p = format!("{f}(${var}.{})", n.name);
                }
            }
            if self.c.chance(30) {
                let alias = format!("r{i}");
                p = format!("{p} as {alias}");
                aliases.push(alias);
            }
            projections.push(p);
        }
        let sep = *self.c.one(&[", ", " ", ",\n", ", "]);
        let mut out = format!(
            "match {{{}{}{}}}{}return {{ {} }}",
            self.sep(),
            clauses.join(self.sep()),
            self.sep(),
            self.sep(),
            projections.join(sep)
        );
        let mut need_limit = false;
        if self.c.chance(50) {
            let mut orderings = Vec::new();
            let (var, ty) = vars[self.c.pick(vars.len())].clone();
            let node = &schema.nodes[ty];
            let vector = node.props.iter().find_map(|p| match p.kind {
                Kind::Vector(d) => Some((p.name.clone(), d)),
                _ => None,
            });
            let text = node
                .props
                .iter()
                .find(|p| p.is_text())
                .map(|p| p.name.clone());
            match (self.c.pick(4), vector, text) {
                (0, Some((prop, d)), _) => {
                    let q = if self.c.chance(50) {
                        self.param(format!("Vector({d})"))
                    } else {
                        self.string_lit()
                    };
                    orderings.push(format!("nearest(${var}.{prop}, {q})"));
                    need_limit = true;
                }
                (1, Some((prop, d)), Some(text)) => {
                    let v = self.param(format!("Vector({d})"));
                    let q = self.param("String".to_owned());
                    let k = if self.c.chance(50) { ", 60" } else { "" };
                    orderings.push(format!(
                        "rrf(nearest(${var}.{prop}, {v}), bm25(${var}.{text}, {q}){k}) desc"
                    ));
                    need_limit = true;
                }
                _ => {
                    let p = &self.c.one(&node.props).name;
                    let dir = *self.c.one(&["", " asc", " desc"]);
                    orderings.push(format!("${var}.{p}{dir}"));
                    if !aliases.is_empty() && !need_limit {
                        let a = self.c.one(&aliases).clone();
                        orderings.push(format!("{a} desc"));
                    }
                }
            }
            out.push_str(&format!(
                "{}order {{ {} }}",
                self.sep(),
                orderings.join(", ")
            ));
        }
        if need_limit || self.c.chance(40) {
            out.push_str(&format!("{}limit {}", self.sep(), self.c.pick(500)));
        }
        out
    }

    fn binding(&mut self, var: &str, ty: usize) -> String {
        let node = &self.schema.nodes[ty];
        let usable: Vec<&Prop> = node.props.iter().filter(|p| p.kind != Kind::Blob).collect();
        let mut matches = Vec::new();
        let mut used = Vec::new();
        for _ in 0..self.c.pick(3) {
            let p = *self.c.one(&usable);
            if used.contains(&p.name) {
                continue;
            }
            used.push(p.name.clone());
            let v = self.match_value(p);
            matches.push(format!("{}: {v}", p.name));
        }
        if matches.is_empty() {
            format!("${var}: {}", node.name)
        } else {
            let trailing = if self.c.chance(20) { "," } else { "" };
            format!(
                "${var}: {} {{ {}{trailing} }}",
                node.name,
                matches.join(", ")
            )
        }
    }

    /// A traversal from `var` (of node type `ty`) to a fresh variable.
    fn traversal(
        &mut self,
        var: &str,
        ty: usize,
        fresh: usize,
    ) -> Option<(String, (String, usize))> {
        let candidates: Vec<&Edge> = self
            .schema
            .edges
            .iter()
            .filter(|e| e.from == ty || e.to == ty)
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let edge = *self.c.one(&candidates);
        let other = if edge.from == ty { edge.to } else { edge.from };
        // Edge lookup is case-insensitive.
        let spelled = match self.c.pick(3) {
            0 => edge.name.to_lowercase(),
            1 => {
                let mut s = edge.name.clone();
                s.replace_range(0..1, &s[0..1].to_lowercase());
                s
            }
            _ => edge.name.to_lowercase().replace('l', "L"),
        };
        let bounds = match self.c.pick(4) {
            0 => "{1,3}",
            1 => "{2,2}",
            _ => "",
        };
        let new = format!("v{fresh}");
        Some((format!("${var} {spelled}{bounds} ${new}"), (new, other)))
    }

    /// A filter over a property of `var`.
    fn filter(&mut self, var: &str, ty: usize) -> Option<String> {
        let node = &self.schema.nodes[ty];
        let p = self.c.one(&node.props).clone();
        let op = *self.c.one(&["=", "!=", "<", "<=", ">", ">="]);
        match &p.kind {
            Kind::List(b) => {
                let v = if self.c.chance(50) {
                    self.base_literal(*b)
                } else {
                    self.param(b.name().to_owned())
                };
                Some(format!("${var}.{} contains {v}", p.name))
            }
            Kind::Scalar(_) | Kind::Enum(_) => {
                let base = p.filter_base()?;
                if base == Base::String && self.c.chance(25) {
                    let q = self.param("String".to_owned());
                    let call = match self.c.pick(4) {
                        0 => format!("search(${var}.{}, {q})", p.name),
                        1 => format!("fuzzy(${var}.{}, {q}, 2)", p.name),
                        2 => format!("match_text(${var}.{}, {q})", p.name),
                        _ => format!("bm25(${var}.{}, {q}) > 0.5", p.name),
                    };
                    return Some(call);
                }
                let right = match self.c.pick(3) {
                    0 => self.param(format!("{}?", base.name())),
                    1 => {
                        // Another property of a compatible base on the same variable.
                        let other = node
                            .props
                            .iter()
                            .find(|q| q.filter_base().is_some_and(|b| b.compatible(base)))
                            .map(|q| q.name.clone())?;
                        format!("${var}.{other}")
                    }
                    _ if base == Base::DateTime && self.c.chance(50) => "now()".to_owned(),
                    _ => self.base_literal(base),
                };
                Some(format!("${var}.{} {op} {right}", p.name))
            }
            _ => None,
        }
    }

    fn mutation(&mut self) -> String {
        let schema = self.schema;
        let mut stmts = Vec::new();
        for _ in 0..1 + self.c.pick(2) {
            let stmt = match self.c.pick(if schema.edges.is_empty() { 3 } else { 5 }) {
                0 | 1 => {
                    let node = self.c.one(&schema.nodes);
                    let mut assigns = Vec::new();
                    for p in &node.props {
                        let embedded = node.embed.as_ref().is_some_and(|(t, _)| t == &p.name);
                        if (!p.nullable && !embedded) || self.c.chance(30) {
                            let v = self.mutation_value(p);
                            assigns.push(format!("{}: {v}", p.name));
                        }
                    }
                    if let Some((target, src)) = &node.embed {
                        let target_prop = node.props.iter().find(|p| &p.name == target);
                        let target_given =
                            assigns.iter().any(|a| a.starts_with(&format!("{target}:")));
                        let nullable = target_prop.is_some_and(|p| p.nullable);
                        if !target_given
                            && !nullable
                            && !assigns.iter().any(|a| a.starts_with(&format!("{src}:")))
                        {
                            assigns.push(format!("{src}: \"text\""));
                        }
                    }
                    let sep = *self.c.one(&[", ", " ", ",\n", ", "]);
                    format!("insert {} {{ {} }}", node.name, assigns.join(sep))
                }
                2 => {
                    let node = self.c.one(&schema.nodes);
                    let p = self.c.one(&node.props).clone();
                    let v = self.mutation_value(&p);
                    let wp = node
                        .props
                        .iter()
                        .filter(|p| p.kind != Kind::Blob)
                        .nth(self.c.pick(node.props.len()))
                        .unwrap_or(&node.props[0])
                        .clone();
                    let wv = self.mutation_value(&wp);
                    let op = *self.c.one(&["=", "!=", ">", "<="]);
                    if self.c.chance(50) {
                        format!(
                            "update {} set {{ {}: {v} }} where {} {op} {wv}",
                            node.name, p.name, wp.name
                        )
                    } else {
                        format!("delete {} where {} {op} {wv}", node.name, wp.name)
                    }
                }
                _ => {
                    let edge = self.c.one(&schema.edges);
                    if self.c.chance(50) {
                        let mut assigns = vec![
                            format!("from: {}", self.mutation_value(&string_prop())),
                            format!("to: {}", self.mutation_value(&string_prop())),
                        ];
                        for p in &edge.props {
                            if !p.nullable || self.c.chance(30) {
                                let v = self.mutation_value(p);
                                assigns.push(format!("{}: {v}", p.name));
                            }
                        }
                        format!("insert {} {{ {} }}", edge.name, assigns.join(", "))
                    } else if edge.props.is_empty() || self.c.chance(40) {
                        let end = *self.c.one(&["from", "to"]);
                        let v = self.mutation_value(&string_prop());
                        format!("delete {} where {end} = {v}", edge.name)
                    } else {
                        let p = self.c.one(&edge.props).clone();
                        let v = self.mutation_value(&p);
                        format!("delete {} where {} < {v}", edge.name, p.name)
                    }
                }
            };
            stmts.push(stmt);
        }
        stmts.join(self.sep())
    }
}

fn string_prop() -> Prop {
    Prop {
        name: "from".to_owned(),
        kind: Kind::Scalar(Base::String),
        nullable: false,
    }
}

/// One generated declaration against `schema`.
pub fn gen_query(c: &mut Choices, schema: &Schema) -> String {
    let mut g = Gen {
        c,
        schema,
        params: Vec::new(),
    };
    let body = if g.c.chance(70) {
        g.read_query()
    } else {
        g.mutation()
    };
    let params: Vec<String> = g.params.iter().map(|(n, t)| format!("${n}: {t}")).collect();
    let annotation = match g.c.pick(4) {
        0 => " @description(\"generated\")",
        1 => " @instruction(\"use it\") @description(\"\")",
        _ => "",
    };
    format!(
        "// generated\nquery gen({}){annotation} {{\n  {body}\n}}\n",
        params.join(", ")
    )
}

/// Generates a schema and a query from `choices`; returns (schema, query).
pub fn generate(choices: &[u32]) -> (Schema, String) {
    let mut c = Choices {
        data: choices,
        at: 0,
    };
    let schema = gen_schema(&mut c);
    let query = gen_query(&mut c, &schema);
    (schema, query)
}

/// Whether `span` is a span of `text` (in order, in bounds, on character boundaries).
fn lies_in(text: &str, span: Option<Span>) -> bool {
    span.is_some_and(|s| text.get(s.start..s.end).is_some())
}

/// Any error points into the text it is about.
fn points_into(text: &str, result: Result<(), &QueryError>) -> Result<(), TestCaseError> {
    if let Err(e) = result {
        prop_assert!(lies_in(text, e.span()), "{e}: {:?}", e.span());
    }
    Ok(())
}

fn check(catalog: &Catalog, query: &str) -> Result<(), String> {
    let file = parse_query(query).map_err(|e| e.to_string())?;
    let decl = file.queries.first().ok_or("no declaration")?;
    typecheck_query_decl(catalog, decl)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn generated_well_typed_queries_type_check(choices in prop::collection::vec(any::<u32>(), 0..300)) {
        let (schema, query) = generate(&choices);
        let catalog = super::support::catalog(&schema.to_pg());
        if let Err(e) = check(&catalog, &query) {
            prop_assert!(false, "{e}\n--- schema ---\n{}\n--- query ---\n{query}", schema.to_pg());
        }
    }

    /// Generated queries with a few random byte edits never panic the parser or the checker,
    /// and every error and declaration name points into the text.
    #[test]
    fn mutated_queries_never_panic(
        choices in prop::collection::vec(any::<u32>(), 0..200),
        edits in prop::collection::vec((any::<usize>(), any::<u8>(), 0..3u8), 1..6),
    ) {
        let (schema, query) = generate(&choices);
        let mut bytes = query.into_bytes();
        for (at, byte, kind) in edits {
            let at = at % (bytes.len() + 1);
            match kind {
                0 => bytes.insert(at, byte % 128),
                1 if at < bytes.len() => { bytes.remove(at); }
                _ if at < bytes.len() => bytes[at] = byte % 128,
                _ => {}
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        let catalog = super::support::catalog(&schema.to_pg());
        match parse_query(&text) {
            Ok(file) => {
                for decl in &file.queries {
                    prop_assert_eq!(decl.name_span.slice(&text), decl.name.as_str());
                    let checked = typecheck_query_decl(&catalog, decl);
                    points_into(&text, checked.as_ref().map(|_| ()))?;
                }
            }
            Err(e) => points_into(&text, Err(&e))?,
        }
    }
}
