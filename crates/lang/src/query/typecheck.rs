//! The type-checker (query-language.md §7–§8): one declaration against a schema catalog.
//!
//! Rules are checked in the reference's order and the first error wins (§7.5). Messages are the
//! reference's texts, without the `type error: ` prefix (added by `QueryError::Type`). Rule ids
//! in comments (B-01, X-12, …) refer to the spec's tables.

use std::collections::{BTreeMap, BTreeSet};

use super::ast::*;
use super::types::{Scalar, Ty, compatible, literal_type, numeric_vector_len, param_type};
use crate::schema::{Catalog, EdgeType, NodeType, PropType};

/// What a successful check established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checked {
    /// A read declaration (`match … return …`).
    Read,
    /// A mutation declaration: the target type of each statement, in order.
    Mutation(Vec<String>),
}

type Check<T = ()> = Result<T, String>;

/// What an expression resolves to (§7.3).
#[derive(Debug, Clone, Copy)]
enum Res<'a> {
    Scalar(Ty<'a>),
    Node(&'a str),
    Aggregate,
}

impl Res<'_> {
    fn display(self) -> String {
        match self {
            Res::Scalar(t) => t.display(),
            Res::Node(name) => format!("node `{name}`"),
            Res::Aggregate => "aggregate".to_owned(),
        }
    }
}

pub(crate) fn check(catalog: &Catalog, decl: &QueryDecl) -> Check<Checked> {
    if decl.mutations.is_empty() {
        let mut cx = ReadCx {
            catalog,
            params: convert_params(&decl.params)?,
            bindings: BTreeMap::new(),
            bound_log: Vec::new(),
            aliases: BTreeMap::new(),
        };
        cx.check(decl)?;
        Ok(Checked::Read)
    } else {
        let mut targets = Vec::with_capacity(decl.mutations.len());
        for mutation in &decl.mutations {
            // Parameters are converted again for every statement, so their errors come first.
            let cx = MutationCx {
                catalog,
                params: convert_params(&decl.params)?,
            };
            targets.push(cx.check(mutation)?);
        }
        Ok(Checked::Mutation(targets))
    }
}

/// §6.4: in declaration order; a later parameter with the same name replaces an earlier one.
fn convert_params(params: &[Param]) -> Check<BTreeMap<&str, Ty<'static>>> {
    let mut out = BTreeMap::new();
    for param in params {
        out.insert(param.name.as_str(), param_type(param)?);
    }
    Ok(out)
}

fn not_endpoint(var: &str, ty: &str, edge: &EdgeType) -> String {
    format!(
        "T5: variable `${var}` has type `{ty}`, which is not an endpoint of edge `{}: {} -> {}`",
        edge.name, edge.from_type, edge.to_type
    )
}

fn assign_mismatch(from: Ty<'_>, to: Ty<'_>, prop: &str) -> String {
    format!(
        "T7: cannot assign/compare {} with {} for property `{prop}`",
        from.display(),
        to.display()
    )
}

const STRING_ENDPOINT: Ty<'static> = Ty::of(Scalar::String);

// ------------------------------------------------------------------------------------------------
// Value checks shared by bindings and mutations (§7.2)

/// V-LIT: a literal against expected type `e` of property `prop` (B-15, B-06, B-09, B-07, B-08).
fn check_literal(prop: &str, e: Ty<'_>, lit: &Literal) -> Check {
    if matches!(lit, Literal::Null) {
        return if e.nullable {
            Ok(())
        } else {
            Err(format!(
                "T3: property `{prop}` is non-nullable but got null"
            ))
        };
    }
    if let (false, Scalar::Vector(d), Some(n)) = (e.list, e.scalar, numeric_vector_len(lit)) {
        return if n == d as usize {
            Ok(())
        } else {
            Err(format!(
                "T3: property `{prop}` has type Vector({d}) but got vector literal with {n} elements"
            ))
        };
    }
    let t = literal_type(lit)?;
    if !compatible(t, e) {
        return Err(format!(
            "T3: property `{prop}` has type {} but got {}",
            e.display(),
            t.display()
        ));
    }
    if let (Some(values), Literal::String(s)) = (e.enums, lit)
        && !values.iter().any(|v| v == s)
    {
        let mut sorted: Vec<&str> = values.iter().map(String::as_str).collect();
        sorted.sort_unstable();
        sorted.dedup();
        return Err(format!(
            "T3: property `{prop}` expects one of [{}], got '{s}'",
            sorted.join(", ")
        ));
    }
    Ok(())
}

/// V-NOW (B-14 / M-03): `now()` needs a non-list DateTime property.
fn check_now(prop: &str, e: Ty<'_>) -> Check {
    if e.is(Scalar::DateTime) {
        Ok(())
    } else {
        Err(assign_mismatch(Ty::of(Scalar::DateTime), e, prop))
    }
}

// ------------------------------------------------------------------------------------------------
// Read declarations

struct ReadCx<'a> {
    catalog: &'a Catalog,
    params: BTreeMap<&'a str, Ty<'static>>,
    /// Bound variable → node type name.
    bindings: BTreeMap<&'a str, &'a str>,
    /// Variables in the order they were first bound, so a negation can drop what it bound.
    bound_log: Vec<&'a str>,
    /// Alias → (resolved type, expression) of the last projection that declared it so far.
    aliases: BTreeMap<&'a str, (Res<'a>, &'a Expr)>,
}

impl<'a> ReadCx<'a> {
    /// §7.5 steps 2–6.
    fn check(&mut self, decl: &'a QueryDecl) -> Check {
        for clause in &decl.match_clause {
            self.clause(clause)?;
        }
        for projection in &decl.return_clause {
            let res = self.resolve(&projection.expr)?;
            if let Some(alias) = &projection.alias {
                self.aliases.insert(alias.as_str(), (res, &projection.expr));
            }
        }
        for ordering in &decl.order_clause {
            self.resolve(&ordering.expr)?;
        }
        self.query_level(decl)
    }

    fn bind(&mut self, var: &'a str, ty: &'a str) {
        if self.bindings.insert(var, ty).is_none() {
            self.bound_log.push(var);
        }
    }

    fn clause(&mut self, clause: &'a Clause) -> Check {
        match clause {
            Clause::Binding(b) => self.binding(b),
            Clause::Traversal(t) => self.traversal(t),
            Clause::Filter(f) => self.filter(f),
            Clause::Negation(inner) => self.negation(inner),
        }
    }

    /// §8.2: B-01, per property match B-02, B-03 and the value check, then B-16.
    fn binding(&mut self, b: &'a Binding) -> Check {
        let Some(node) = self.catalog.node(&b.type_name) else {
            return Err(format!("T1: unknown node type `{}`", b.type_name));
        };
        for pm in &b.prop_matches {
            let prop = &pm.prop_name;
            let Some(pt) = node.properties.get(prop) else {
                return Err(format!(
                    "T2: type `{}` has no property `{prop}`",
                    b.type_name
                ));
            };
            let e = Ty::from_prop(pt);
            if e.scalar == Scalar::Blob {
                return Err(format!(
                    "T3: blob property `{}.{prop}` cannot be used in match patterns",
                    b.type_name
                ));
            }
            self.binding_value(prop, e, &pm.value)?;
        }
        match self.bindings.get(b.variable.as_str()) {
            Some(&old) if old != b.type_name => Err(format!(
                "variable `${}` already bound to type `{old}`, cannot rebind to `{}`",
                b.variable, b.type_name
            )),
            Some(_) => Ok(()),
            None => {
                self.bind(&b.variable, &b.type_name);
                Ok(())
            }
        }
    }

    /// Value of a binding's property match; list properties use membership (B-04 … B-14).
    fn binding_value(&self, prop: &str, e: Ty<'_>, value: &MatchValue) -> Check {
        match value {
            MatchValue::Literal(lit) if e.list => {
                let t = literal_type(lit)?;
                if t.list {
                    return Err(format!(
                        "T3: list equality is not supported for property `{prop}`; use a scalar value to match list membership"
                    ));
                }
                if !compatible(t, e.element()) {
                    return Err(format!(
                        "T3: property `{prop}` has type {} but membership match got {}",
                        e.display(),
                        t.display()
                    ));
                }
                Ok(())
            }
            MatchValue::Literal(lit) => check_literal(prop, e, lit),
            MatchValue::Variable(name) => {
                // B-13: a variable that is not a declared parameter is not checked at all.
                let Some(&a) = self.params.get(name.as_str()) else {
                    return Ok(());
                };
                if e.list {
                    if a.list {
                        return Err(format!(
                            "T7: list equality is not supported for property `{prop}`; use a scalar parameter for membership matching"
                        ));
                    }
                    if !compatible(a, e.element()) {
                        return Err(format!(
                            "T7: cannot compare {} membership against {} for property `{prop}`",
                            a.display(),
                            e.display()
                        ));
                    }
                    Ok(())
                } else if compatible(a, e) {
                    Ok(())
                } else {
                    Err(assign_mismatch(a, e, prop))
                }
            }
            MatchValue::Now => check_now(prop, e),
        }
    }

    /// §8.3: T-01, T-02, T-03/T-04, then direction resolution (T-05 … T-07).
    fn traversal(&mut self, t: &'a Traversal) -> Check {
        let Some(edge) = self.catalog.lookup_edge(&t.edge_name) else {
            return Err(format!("T4: unknown edge type `{}`", t.edge_name));
        };
        if t.min_hops < 1 {
            return Err("T15: traversal min hop bound must be >= 1".to_owned());
        }
        match t.max_hops {
            Some(max) if max < t.min_hops => {
                return Err(format!(
                    "T15: invalid traversal bounds {{{},{max}}}; max must be >= min",
                    t.min_hops
                ));
            }
            Some(_) => {}
            None => {
                return Err(
                    "T15: unbounded traversal is disabled; use bounded traversal {min,max}"
                        .to_owned(),
                );
            }
        }
        let (from, to) = (edge.from_type.as_str(), edge.to_type.as_str());
        let (src, dst) = (t.src.as_str(), t.dst.as_str());
        if let Some(&s) = self.bindings.get(src) {
            if s == from {
                self.bind_or_check(dst, to, edge)
            } else if s == to {
                self.bind_or_check(dst, from, edge)
            } else {
                Err(not_endpoint(src, s, edge))
            }
        } else if let Some(&d) = self.bindings.get(dst) {
            if d == to {
                self.bind_or_check(src, from, edge)
            } else if d == from {
                self.bind_or_check(src, to, edge)
            } else {
                Err(not_endpoint(dst, d, edge))
            }
        } else {
            self.bind_or_check(src, from, edge)?;
            self.bind_or_check(dst, to, edge)
        }
    }

    /// The anonymous `$_` endpoint is never bound nor checked by a traversal.
    fn bind_or_check(&mut self, var: &'a str, expected: &'a str, edge: &EdgeType) -> Check {
        if var == "_" {
            return Ok(());
        }
        match self.bindings.get(var) {
            Some(&existing) if existing != expected => Err(format!(
                "T5: variable `${var}` has type `{existing}` but edge `{}` expects `{expected}`",
                edge.name
            )),
            Some(_) => Ok(()),
            None => {
                self.bind(var, expected);
                Ok(())
            }
        }
    }

    /// §8.4: F-01, then F-02 … F-05 for `contains`, F-06 … F-09 otherwise.
    fn filter(&self, f: &'a Filter) -> Check {
        let left = self.resolve(&f.left)?;
        let right = self.resolve(&f.right)?;
        let (Res::Scalar(l), Res::Scalar(r)) = (left, right) else {
            return Err(format!(
                "T7: filter comparisons require scalar operands, got {} and {}",
                left.display(),
                right.display()
            ));
        };
        let is_vector = |t: Ty<'_>| matches!(t.scalar, Scalar::Vector(_));
        if f.op == CompOp::Contains {
            if !l.list {
                return Err(format!(
                    "T7: contains requires a list property on the left, got {}",
                    l.display()
                ));
            }
            if r.list {
                return Err("T7: contains requires a scalar right operand".to_owned());
            }
            if is_vector(l) || is_vector(r) {
                return Err("T7: vector membership filters are not supported".to_owned());
            }
            if !compatible(r, l.element()) {
                return Err(format!(
                    "T7: cannot test membership of {} in {}",
                    r.display(),
                    l.display()
                ));
            }
            return Ok(());
        }
        if l.list || r.list {
            return Err(
                "T7: list comparisons in filters are not supported; use `contains` for list membership"
                    .to_owned(),
            );
        }
        if is_vector(l) || is_vector(r) {
            return Err("T7: vector comparisons in filters are not supported".to_owned());
        }
        if l.scalar == Scalar::Blob || r.scalar == Scalar::Blob {
            return Err("T7: blob comparisons in filters are not supported".to_owned());
        }
        if !compatible(l, r) {
            return Err(format!(
                "T7: cannot compare {} with {}",
                l.display(),
                r.display()
            ));
        }
        Ok(())
    }

    /// §8.6: inner clauses in a scope whose bindings are dropped afterwards, then N-01.
    fn negation(&mut self, inner: &'a [Clause]) -> Check {
        let mark = self.bound_log.len();
        for clause in inner {
            self.clause(clause)?;
        }
        // Inner clauses can only add bindings (re-binding to another type is an error), so
        // removing what they added restores the outer scope exactly.
        for var in self.bound_log.drain(mark..) {
            self.bindings.remove(var);
        }
        let outer = &self.bindings;
        let mentions = |clause: &Clause| match clause {
            Clause::Binding(b) => outer.contains_key(b.variable.as_str()),
            Clause::Traversal(t) => {
                outer.contains_key(t.src.as_str()) || outer.contains_key(t.dst.as_str())
            }
            Clause::Filter(f) => mentions_any(&f.left, outer) || mentions_any(&f.right, outer),
            Clause::Negation(_) => false,
        };
        if inner.iter().any(mentions) {
            Ok(())
        } else {
            Err("T9: negation block must reference at least one outer-bound variable".to_owned())
        }
    }

    // --------------------------------------------------------------------------------------------
    // Expressions (§8.5)

    fn resolve(&self, expr: &'a Expr) -> Check<Res<'a>> {
        match expr {
            Expr::Now => Ok(Res::Scalar(Ty::of(Scalar::DateTime))),
            Expr::PropAccess { variable, property } => {
                let Some(&ty) = self.bindings.get(variable.as_str()) else {
                    return Err(format!("T6: variable `${variable}` is not bound"));
                };
                let node = self.node_of(ty, "T6")?;
                match node.properties.get(property) {
                    Some(pt) => Ok(Res::Scalar(Ty::from_prop(pt))),
                    None => Err(format!("T6: type `{ty}` has no property `{property}`")),
                }
            }
            Expr::Variable(name) => {
                if let Some(&t) = self.params.get(name.as_str()) {
                    Ok(Res::Scalar(t))
                } else if let Some(&ty) = self.bindings.get(name.as_str()) {
                    Ok(Res::Node(ty))
                } else {
                    Err(format!("variable `${name}` is not bound"))
                }
            }
            Expr::Literal(lit) => literal_type(lit).map(Res::Scalar),
            Expr::Nearest {
                variable,
                property,
                query,
            } => self.nearest(variable, property, query),
            Expr::Search { field, query } => {
                self.string_arg(field, "T19", "search", "field")?;
                self.string_arg(query, "T19", "search", "query")?;
                Ok(Res::Scalar(Ty::of(Scalar::Bool)))
            }
            Expr::Fuzzy {
                field,
                query,
                max_edits,
            } => {
                self.string_arg(field, "T19", "fuzzy", "field")?;
                self.string_arg(query, "T19", "fuzzy", "query")?;
                if let Some(max_edits) = max_edits {
                    self.integer_arg(max_edits, "T19: fuzzy max_edits")?;
                }
                Ok(Res::Scalar(Ty::of(Scalar::Bool)))
            }
            Expr::MatchText { field, query } => {
                self.string_arg(field, "T20", "match_text", "field")?;
                self.string_arg(query, "T20", "match_text", "query")?;
                Ok(Res::Scalar(Ty::of(Scalar::Bool)))
            }
            Expr::Bm25 { field, query } => {
                self.string_arg(field, "T20", "bm25", "field")?;
                self.string_arg(query, "T20", "bm25", "query")?;
                Ok(Res::Scalar(Ty::of(Scalar::F64)))
            }
            Expr::Rrf {
                primary,
                secondary,
                k,
            } => self.rrf(primary, secondary, k.as_deref()),
            Expr::Aggregate { func, arg } => {
                if let Res::Scalar(t) = self.resolve(arg)? {
                    match func {
                        AggFunc::Sum | AggFunc::Avg if t.list || !t.scalar.is_numeric() => {
                            return Err(format!(
                                "T8: {} requires numeric type, got {}",
                                func.name(),
                                t.display()
                            ));
                        }
                        AggFunc::Min | AggFunc::Max
                            if t.list || !(t.scalar.is_numeric() || t.scalar == Scalar::String) =>
                        {
                            return Err(format!(
                                "T8: {} requires numeric or string type, got {}",
                                func.name(),
                                t.display()
                            ));
                        }
                        _ => {}
                    }
                }
                Ok(Res::Aggregate)
            }
            Expr::AliasRef(name) => Ok(self
                .aliases
                .get(name.as_str())
                .map_or(Res::Aggregate, |&(res, _)| res)),
        }
    }

    /// a bound variable's type is always in the catalog (it was checked when bound).
    fn node_of(&self, ty: &str, code: &str) -> Check<&'a NodeType> {
        self.catalog
            .node(ty)
            .ok_or_else(|| format!("{code}: type `{ty}` not found in catalog"))
    }

    /// X-07 … X-15.
    fn nearest(&self, variable: &str, property: &str, query: &'a Expr) -> Check<Res<'a>> {
        let Some(&ty) = self.bindings.get(variable) else {
            return Err(format!("T15: variable `${variable}` is not bound"));
        };
        let node = self.node_of(ty, "T15")?;
        let Some(pt) = node.properties.get(property) else {
            return Err(format!("T15: type `{ty}` has no property `{property}`"));
        };
        let e = Ty::from_prop(pt);
        let Scalar::Vector(d) = e.scalar else {
            return Err(format!(
                "T15: nearest requires a Vector property, got {ty}.{property}: {}",
                e.display()
            ));
        };
        if e.list {
            return Err("T15: nearest does not support list-wrapped vectors".to_owned());
        }
        if let Expr::Literal(lit) = query
            && let Some(n) = numeric_vector_len(lit)
        {
            if n != d as usize {
                return Err(format!(
                    "T15: nearest vector dimension mismatch: property is Vector({d}), query literal has {n} elements"
                ));
            }
            return Ok(Res::Scalar(Ty::of(Scalar::F64)));
        }
        match self.resolve(query)? {
            Res::Scalar(q) if !q.list && q.scalar == Scalar::String => {}
            Res::Scalar(q) if !q.list && matches!(q.scalar, Scalar::Vector(_)) => {
                if q.scalar != Scalar::Vector(d) {
                    return Err(format!(
                        "T15: nearest vector dimension mismatch: property is Vector({d}), query is {}",
                        q.scalar_display()
                    ));
                }
            }
            Res::Scalar(q) => {
                return Err(format!(
                    "T15: nearest query must be Vector({d}) or String, got {}",
                    q.display()
                ));
            }
            _ => return Err("T15: nearest query must be a scalar expression".to_owned()),
        }
        Ok(Res::Scalar(Ty::of(Scalar::F64)))
    }

    /// X-16 … X-33: a `field`/`query` argument must be a non-list String scalar.
    fn string_arg(&self, arg: &'a Expr, code: &str, func: &str, role: &str) -> Check {
        match self.resolve(arg)? {
            Res::Scalar(t) if t.is(Scalar::String) => Ok(()),
            Res::Scalar(t) => Err(format!(
                "{code}: {func} {role} must be String, got {}",
                t.display()
            )),
            _ => Err(format!(
                "{code}: {func} {role} must be a scalar String expression"
            )),
        }
    }

    /// a non-list I32/I64/U32/U64 scalar.
    fn integer_arg(&self, arg: &'a Expr, what: &str) -> Check {
        match self.resolve(arg)? {
            Res::Scalar(t) if !t.list && t.scalar.is_integer() => Ok(()),
            Res::Scalar(t) => Err(format!(
                "{what} must be an integer scalar, got {}",
                t.display()
            )),
            _ => Err(format!("{what} must be an integer scalar expression")),
        }
    }

    /// X-34 … X-38.
    fn rrf(&self, primary: &'a Expr, secondary: &'a Expr, k: Option<&'a Expr>) -> Check<Res<'a>> {
        for (rank, role) in [(primary, "primary"), (secondary, "secondary")] {
            if !matches!(rank, Expr::Nearest { .. } | Expr::Bm25 { .. }) {
                return Err(format!(
                    "T21: rrf {role} expression must be nearest(...) or bm25(...)"
                ));
            }
        }
        for rank in [primary, secondary] {
            match self.resolve(rank)? {
                Res::Scalar(t) if t.is(Scalar::F64) => {}
                Res::Scalar(t) => {
                    return Err(format!(
                        "T21: rrf rank expressions must evaluate to F64, got {}",
                        t.display()
                    ));
                }
                _ => {
                    return Err(
                        "T21: rrf rank expressions must be scalar numeric expressions".to_owned(),
                    );
                }
            }
        }
        if let Some(k) = k {
            self.integer_arg(k, "T21: rrf k")?;
            if let Expr::Literal(Literal::Integer(v)) = k
                && *v <= 0
            {
                return Err("T21: rrf k must be greater than 0".to_owned());
            }
        }
        Ok(Res::Scalar(Ty::of(Scalar::F64)))
    }

    /// §8.7, then Q-04.
    fn query_level(&self, decl: &'a QueryDecl) -> Check {
        let orders = &decl.order_clause;
        let has_rrf = orders.iter().any(|o| self.contains(&o.expr, Rank::Rrf));
        if has_rrf && decl.limit.is_none() {
            return Err("T21: rrf ordering requires a limit clause".to_owned());
        }
        let has_nearest = orders.iter().any(|o| self.contains(&o.expr, Rank::Nearest));
        if has_nearest && decl.limit.is_none() {
            return Err("T17: nearest ordering requires a limit clause".to_owned());
        }
        if has_nearest && orders.iter().any(|o| matches!(o.expr, Expr::AliasRef(_))) {
            return Err(
                "T18: alias-based ordering is not supported together with nearest in phase 1"
                    .to_owned(),
            );
        }
        let projections = &decl.return_clause;
        let is_agg = |p: &Projection| matches!(p.expr, Expr::Aggregate { .. });
        if projections.iter().any(is_agg)
            && projections.iter().any(|p| {
                !matches!(
                    p.expr,
                    Expr::Aggregate { .. } | Expr::PropAccess { .. } | Expr::Variable(_)
                )
            })
        {
            return Err(
                "T9: non-aggregate expressions in an aggregate query must be property accesses or variables"
                    .to_owned(),
            );
        }
        Ok(())
    }

    /// "contains rrf" / "contains standalone nearest" (§8.7), following alias references into
    /// the aliased projection. A work list (not recursion) keeps long alias chains off the stack;
    /// a visited set gives the cycle protection.
    fn contains(&self, expr: &'a Expr, rank: Rank) -> bool {
        let mut work = vec![expr];
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        while let Some(e) = work.pop() {
            match e {
                Expr::Rrf { .. } => {
                    if rank == Rank::Rrf {
                        return true;
                    }
                    // A nearest inside rrf(…) is not standalone.
                }
                Expr::Nearest { .. } => {
                    if rank == Rank::Nearest {
                        return true;
                    }
                }
                Expr::Aggregate { arg, .. } => work.push(arg),
                Expr::Search { field, query }
                | Expr::MatchText { field, query }
                | Expr::Bm25 { field, query } => {
                    work.push(field);
                    work.push(query);
                }
                Expr::Fuzzy {
                    field,
                    query,
                    max_edits,
                } => {
                    work.push(field);
                    work.push(query);
                    if let Some(m) = max_edits {
                        work.push(m);
                    }
                }
                Expr::AliasRef(name) => {
                    if seen.insert(name.as_str())
                        && let Some(&(_, aliased)) = self.aliases.get(name.as_str())
                    {
                        work.push(aliased);
                    }
                }
                Expr::Now | Expr::PropAccess { .. } | Expr::Variable(_) | Expr::Literal(_) => {}
            }
        }
        false
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Rank {
    Rrf,
    Nearest,
}

/// Whether an expression mentions a variable of `outer` (N-01): `$v`, `$v.p`, the variable of
/// `nearest`, or anything inside the arguments of search/fuzzy/match_text/bm25/rrf/aggregates.
fn mentions_any(expr: &Expr, outer: &BTreeMap<&str, &str>) -> bool {
    match expr {
        Expr::PropAccess { variable, .. }
        | Expr::Variable(variable)
        | Expr::Nearest { variable, .. } => outer.contains_key(variable.as_str()),
        Expr::Search { field, query }
        | Expr::MatchText { field, query }
        | Expr::Bm25 { field, query } => mentions_any(field, outer) || mentions_any(query, outer),
        Expr::Fuzzy {
            field,
            query,
            max_edits,
        } => {
            mentions_any(field, outer)
                || mentions_any(query, outer)
                || max_edits.as_deref().is_some_and(|m| mentions_any(m, outer))
        }
        Expr::Rrf {
            primary,
            secondary,
            k,
        } => {
            mentions_any(primary, outer)
                || mentions_any(secondary, outer)
                || k.as_deref().is_some_and(|k| mentions_any(k, outer))
        }
        Expr::Aggregate { arg, .. } => mentions_any(arg, outer),
        Expr::Now | Expr::Literal(_) | Expr::AliasRef(_) => false,
    }
}

// ------------------------------------------------------------------------------------------------
// Mutation declarations (§8.8)

struct MutationCx<'a> {
    catalog: &'a Catalog,
    params: BTreeMap<&'a str, Ty<'static>>,
}

impl<'a> MutationCx<'a> {
    fn check(&self, mutation: &'a Mutation) -> Check<String> {
        match mutation {
            Mutation::Insert(insert) => self.insert(insert),
            Mutation::Update(update) => self.update(update),
            Mutation::Delete(delete) => self.delete(delete),
        }
        .map(|()| self.target(mutation))
    }

    fn target(&self, mutation: &Mutation) -> String {
        match mutation {
            Mutation::Insert(m) => m.type_name.clone(),
            Mutation::Update(m) => m.type_name.clone(),
            Mutation::Delete(m) => m.type_name.clone(),
        }
    }

    /// V-LIT / V-PARAM / V-NOW against expected type `e` (no membership semantics).
    fn value(&self, prop: &str, e: Ty<'_>, value: &MatchValue) -> Check {
        match value {
            MatchValue::Literal(lit) => check_literal(prop, e, lit),
            MatchValue::Variable(name) => {
                let Some(&a) = self.params.get(name.as_str()) else {
                    return Err(format!(
                        "T14: mutation variable `${name}` must be a declared query parameter"
                    ));
                };
                // V-3: a String parameter may stand for a Blob.
                if compatible(a, e) || (e.scalar == Scalar::Blob && a.is(Scalar::String)) {
                    Ok(())
                } else {
                    Err(assign_mismatch(a, e, prop))
                }
            }
            MatchValue::Now => check_now(prop, e),
        }
    }

    /// M-06 / M-18: the first property assigned a second time.
    fn duplicates(assignments: &[Assignment]) -> Check {
        let mut seen = BTreeSet::new();
        for a in assignments {
            if !seen.insert(a.property.as_str()) {
                return Err(format!(
                    "T13: duplicate assignment for property `{}`",
                    a.property
                ));
            }
        }
        Ok(())
    }

    fn insert(&self, insert: &'a Insert) -> Check {
        let type_name = insert.type_name.as_str();
        if insert.assignments.is_empty() {
            return Err("T10: insert mutation requires at least one assignment".to_owned());
        }
        Self::duplicates(&insert.assignments)?;
        let assigned: BTreeSet<&str> = insert
            .assignments
            .iter()
            .map(|a| a.property.as_str())
            .collect();
        if let Some(node) = self.catalog.node(type_name) {
            for a in &insert.assignments {
                let pt = property(&node.properties, type_name, &a.property)?;
                self.value(&a.property, Ty::from_prop(pt), &a.value)?;
            }
            // M-08 / M-09.
            for (name, pt) in required_order(&node.columns, &node.properties) {
                if pt.nullable || assigned.contains(name) {
                    continue;
                }
                match node.embed_sources.get(name) {
                    Some(src) if assigned.contains(src.as_str()) => {}
                    Some(src) => {
                        return Err(format!(
                            "T12: insert for `{type_name}` must provide non-nullable property `{name}` or @embed source `{src}`"
                        ));
                    }
                    None => {
                        return Err(format!(
                            "T12: insert for `{type_name}` must provide non-nullable property `{name}`"
                        ));
                    }
                }
            }
            Ok(())
        } else if let Some(edge) = self.catalog.edge_types.get(type_name) {
            for a in &insert.assignments {
                let prop = a.property.as_str();
                if prop == "from" || prop == "to" {
                    self.value(prop, STRING_ENDPOINT, &a.value)?;
                } else {
                    let pt = property(&edge.properties, type_name, prop)?;
                    self.value(prop, Ty::from_prop(pt), &a.value)?;
                }
            }
            for endpoint in ["from", "to"] {
                if !assigned.contains(endpoint) {
                    return Err(format!(
                        "T12: insert for `{type_name}` must provide required endpoint `{endpoint}`"
                    ));
                }
            }
            for (name, pt) in required_order(&edge.columns, &edge.properties) {
                if !pt.nullable && !assigned.contains(name) {
                    return Err(format!(
                        "T12: insert for `{type_name}` must provide non-nullable property `{name}`"
                    ));
                }
            }
            Ok(())
        } else {
            Err(format!("T10: unknown node/edge type `{type_name}`"))
        }
    }

    fn update(&self, update: &'a Update) -> Check {
        let type_name = update.type_name.as_str();
        let Some(node) = self.catalog.node(type_name) else {
            return Err(if self.catalog.edge_types.contains_key(type_name) {
                format!("T16: update mutation for edge type `{type_name}` is not supported")
            } else {
                format!("T10: unknown node/edge type `{type_name}`")
            });
        };
        if update.assignments.is_empty() {
            return Err("T10: update mutation requires at least one assignment".to_owned());
        }
        Self::duplicates(&update.assignments)?;
        for a in &update.assignments {
            let pt = property(&node.properties, type_name, &a.property)?;
            self.value(&a.property, Ty::from_prop(pt), &a.value)?;
        }
        self.node_predicate(node, type_name, &update.predicate)
    }

    fn delete(&self, delete: &'a Delete) -> Check {
        let type_name = delete.type_name.as_str();
        let predicate = &delete.predicate;
        if let Some(node) = self.catalog.node(type_name) {
            self.node_predicate(node, type_name, predicate)
        } else if let Some(edge) = self.catalog.edge_types.get(type_name) {
            let prop = predicate.property.as_str();
            if prop == "from" || prop == "to" {
                self.value(prop, STRING_ENDPOINT, &predicate.value)
            } else {
                // No Blob restriction on edge predicates.
                let pt = property(&edge.properties, type_name, prop)?;
                self.value(prop, Ty::from_prop(pt), &predicate.value)
            }
        } else {
            Err(format!("T10: unknown node/edge type `{type_name}`"))
        }
    }

    /// M-20, M-21, then the plain value check (the operator is never checked).
    fn node_predicate(&self, node: &NodeType, type_name: &str, predicate: &Predicate) -> Check {
        let prop = predicate.property.as_str();
        let pt = property(&node.properties, type_name, prop)?;
        let e = Ty::from_prop(pt);
        if e.scalar == Scalar::Blob {
            return Err(format!(
                "T11: blob property `{prop}` cannot be used in WHERE predicates"
            ));
        }
        self.value(prop, e, &predicate.value)
    }
}

/// M-07 / M-10 / M-19 / M-20 / M-22.
fn property<'p>(
    properties: &'p BTreeMap<String, PropType>,
    type_name: &str,
    prop: &str,
) -> Check<&'p PropType> {
    properties
        .get(prop)
        .ok_or_else(|| format!("T11: type `{type_name}` has no property `{prop}`"))
}

/// The order in which required properties are checked (M-08/M-09/M-13). The reference iterates a
/// hash map, so which missing property it names is random (§10.1); we use schema declaration
/// order (the catalog's column list), then any property not listed there in name order.
fn required_order<'p>(
    columns: &'p [(String, PropType)],
    properties: &'p BTreeMap<String, PropType>,
) -> impl Iterator<Item = (&'p str, &'p PropType)> {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut order: Vec<(&str, &PropType)> = Vec::with_capacity(properties.len());
    let listed = columns.iter().map(|(name, _)| name.as_str());
    for name in listed.chain(properties.keys().map(String::as_str)) {
        if let Some((key, pt)) = properties.get_key_value(name)
            && seen.insert(key.as_str())
        {
            order.push((key.as_str(), pt));
        }
    }
    order.into_iter()
}

impl Ty<'_> {
    /// A vector type's name without nullability (X-13 prints `Vector(q)`).
    fn scalar_display(self) -> String {
        Ty::of(self.scalar).display()
    }
}
