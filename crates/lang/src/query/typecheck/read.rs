//! Read declarations (query-language.md §8.1–§8.7): the match clause (bindings, traversals,
//! filters, negations), then return projections and orderings resolved as expressions, then the
//! query-level rules.

use std::collections::{BTreeMap, BTreeSet};

use super::{Check, assign_mismatch, check_literal, check_now, error, typed};
use crate::error::ErrorDetail;
use crate::query::ast::*;
use crate::query::types::{Scalar, Ty, compatible, numeric_vector_len};
use crate::schema::{Catalog, EdgeType, NodeType};
use crate::suggest;

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

/// T-05 / T-06, pointing at the variable written at `span`.
fn not_endpoint(var: &str, ty: &str, edge: &EdgeType, span: Span) -> ErrorDetail {
    let message = format!(
        "T5: variable `${var}` has type `{ty}`, which is not an endpoint of edge `{}: {} -> {}`",
        edge.name, edge.from_type, edge.to_type
    );
    error(span, message)
}

/// `type … has no property …` (T2, T6, T15) for a property of `node`, suggesting its closest.
fn no_property(code: &str, ty: &str, property: &str, node: &NodeType, span: Span) -> ErrorDetail {
    let message = format!("{code}: type `{ty}` has no property `{property}`");
    error(span, message).suggesting(property, node.properties.keys())
}

pub(super) struct ReadCx<'a> {
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
    pub(super) fn new(catalog: &'a Catalog, params: BTreeMap<&'a str, Ty<'static>>) -> Self {
        ReadCx {
            catalog,
            params,
            bindings: BTreeMap::new(),
            bound_log: Vec::new(),
            aliases: BTreeMap::new(),
        }
    }

    /// §7.5 steps 2–6.
    pub(super) fn check(&mut self, decl: &'a QueryDecl) -> Check {
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

    /// An unbound variable's error, suggesting the closest bound one (and, with `params`, the
    /// closest parameter too).
    fn unbound(&self, message: String, var: &str, span: Span, with_params: bool) -> ErrorDetail {
        let params = self.params.keys().filter(|_| with_params);
        error(span, message).suggesting(var, self.bindings.keys().chain(params))
    }

    fn clause(&mut self, clause: &'a Clause) -> Check {
        match clause {
            Clause::Binding(b) => self.binding(b),
            Clause::Traversal(t) => self.traversal(t),
            Clause::Filter(f) => self.filter(f),
            Clause::Negation(n) => self.negation(n),
        }
    }

    /// §8.2: B-01, per property match B-02, B-03 and the value check, then B-16.
    fn binding(&mut self, b: &'a Binding) -> Check {
        let Some(node) = self.catalog.node(&b.type_name) else {
            let message = format!("T1: unknown node type `{}`", b.type_name);
            let nodes = self.catalog.node_types.keys();
            return Err(error(b.type_span, message).suggesting(&b.type_name, nodes));
        };
        for pm in &b.prop_matches {
            let prop = &pm.prop_name;
            let Some(pt) = node.properties.get(prop) else {
                return Err(no_property("T2", &b.type_name, prop, node, pm.name_span));
            };
            let e = Ty::from_prop(pt);
            if e.scalar == Scalar::Blob {
                let message = format!(
                    "T3: blob property `{}.{prop}` cannot be used in match patterns",
                    b.type_name
                );
                return Err(error(pm.name_span, message));
            }
            self.binding_value(prop, e, &pm.value, pm.value_span)?;
        }
        match self.bindings.get(b.variable.as_str()) {
            Some(&old) if old != b.type_name => {
                let message = format!(
                    "variable `${}` already bound to type `{old}`, cannot rebind to `{}`",
                    b.variable, b.type_name
                );
                Err(error(Span::new(b.span.start, b.type_span.end), message))
            }
            Some(_) => Ok(()),
            None => {
                self.bind(&b.variable, &b.type_name);
                Ok(())
            }
        }
    }

    /// Value of a binding's property match, written at `span`; list properties use membership
    /// (B-04 … B-14).
    fn binding_value(&self, prop: &str, e: Ty<'_>, value: &MatchValue, span: Span) -> Check {
        match value {
            MatchValue::Literal(lit) if e.list => {
                let t = typed(lit, span)?;
                if t.list {
                    return Err(error(
                        span,
                        format!(
                            "T3: list equality is not supported for property `{prop}`; use a scalar value to match list membership"
                        ),
                    ));
                }
                if !compatible(t, e.element()) {
                    let message = format!(
                        "T3: property `{prop}` has type {} but membership match got {}",
                        e.display(),
                        t.display()
                    );
                    return Err(error(span, message));
                }
                Ok(())
            }
            MatchValue::Literal(lit) => check_literal(prop, e, lit, span),
            MatchValue::Variable(name) => {
                // B-13: a variable that is not a declared parameter is not checked at all.
                let Some(&a) = self.params.get(name.as_str()) else {
                    return Ok(());
                };
                if e.list {
                    if a.list {
                        return Err(error(
                            span,
                            format!(
                                "T7: list equality is not supported for property `{prop}`; use a scalar parameter for membership matching"
                            ),
                        ));
                    }
                    if !compatible(a, e.element()) {
                        let message = format!(
                            "T7: cannot compare {} membership against {} for property `{prop}`",
                            a.display(),
                            e.display()
                        );
                        return Err(error(span, message));
                    }
                    Ok(())
                } else if compatible(a, e) {
                    Ok(())
                } else {
                    Err(assign_mismatch(a, e, prop, span))
                }
            }
            MatchValue::Now => check_now(prop, e, span),
        }
    }

    /// §8.3: T-01, T-02, T-03/T-04, then direction resolution (T-05 … T-07).
    fn traversal(&mut self, t: &'a Traversal) -> Check {
        let Some(edge) = self.catalog.lookup_edge(&t.edge_name) else {
            let message = format!("T4: unknown edge type `{}`", t.edge_name);
            return Err(error(t.edge_span, message).with_suggestion(self.closest_edge(t)));
        };
        let bounds = t.bounds_span.unwrap_or(t.span);
        if t.min_hops < 1 {
            return Err(error(bounds, "T15: traversal min hop bound must be >= 1"));
        }
        match t.max_hops {
            Some(max) if max < t.min_hops => {
                let message = format!(
                    "T15: invalid traversal bounds {{{},{max}}}; max must be >= min",
                    t.min_hops
                );
                return Err(error(bounds, message));
            }
            Some(_) => {}
            None => {
                return Err(error(
                    bounds,
                    "T15: unbounded traversal is disabled; use bounded traversal {min,max}",
                ));
            }
        }
        let (from, to) = (edge.from_type.as_str(), edge.to_type.as_str());
        let src = (t.src.as_str(), t.src_span);
        let dst = (t.dst.as_str(), t.dst_span);
        if let Some(&s) = self.bindings.get(src.0) {
            if s == from {
                self.bind_or_check(dst, to, edge)
            } else if s == to {
                self.bind_or_check(dst, from, edge)
            } else {
                Err(not_endpoint(src.0, s, edge, src.1))
            }
        } else if let Some(&d) = self.bindings.get(dst.0) {
            if d == to {
                self.bind_or_check(src, from, edge)
            } else if d == from {
                self.bind_or_check(src, to, edge)
            } else {
                Err(not_endpoint(dst.0, d, edge, dst.1))
            }
        } else {
            self.bind_or_check(src, from, edge)?;
            self.bind_or_check(dst, to, edge)
        }
    }

    /// The edge whose name is closest to the unknown one. Edge names match whatever their case
    /// (§5), so they are compared lower-cased and suggested in the query spelling (`worksAt`).
    fn closest_edge(&self, t: &Traversal) -> Option<String> {
        let lower = t.edge_name.to_lowercase();
        let index = &self.catalog.edge_name_index;
        let near = suggest::closest(&lower, index.keys())?;
        let edge = self.catalog.edge_types.get(index.get(near)?)?;
        Some(edge.query_name())
    }

    /// The anonymous `$_` endpoint is never bound nor checked by a traversal.
    fn bind_or_check(
        &mut self,
        (var, span): (&'a str, Span),
        expected: &'a str,
        edge: &EdgeType,
    ) -> Check {
        if var == "_" {
            return Ok(());
        }
        match self.bindings.get(var) {
            Some(&existing) if existing != expected => {
                let message = format!(
                    "T5: variable `${var}` has type `{existing}` but edge `{}` expects `{expected}`",
                    edge.name
                );
                Err(error(span, message))
            }
            Some(_) => Ok(()),
            None => {
                self.bind(var, expected);
                Ok(())
            }
        }
    }

    /// §8.4: F-01, then F-02 … F-05 for `contains`, F-06 … F-09 otherwise; all point at the
    /// whole filter.
    fn filter(&self, f: &'a Filter) -> Check {
        let left = self.resolve(&f.left)?;
        let right = self.resolve(&f.right)?;
        let fail = |message: String| Err(error(f.span, message));
        let (Res::Scalar(l), Res::Scalar(r)) = (left, right) else {
            return fail(format!(
                "T7: filter comparisons require scalar operands, got {} and {}",
                left.display(),
                right.display()
            ));
        };
        let is_vector = |t: Ty<'_>| matches!(t.scalar, Scalar::Vector(_));
        if f.op == CompOp::Contains {
            if !l.list {
                return fail(format!(
                    "T7: contains requires a list property on the left, got {}",
                    l.display()
                ));
            }
            if r.list {
                return fail("T7: contains requires a scalar right operand".to_owned());
            }
            if is_vector(l) || is_vector(r) {
                return fail("T7: vector membership filters are not supported".to_owned());
            }
            if !compatible(r, l.element()) {
                return fail(format!(
                    "T7: cannot test membership of {} in {}",
                    r.display(),
                    l.display()
                ));
            }
            return Ok(());
        }
        if l.list || r.list {
            return fail(
                "T7: list comparisons in filters are not supported; use `contains` for list membership"
                    .to_owned(),
            );
        }
        if is_vector(l) || is_vector(r) {
            return fail("T7: vector comparisons in filters are not supported".to_owned());
        }
        if l.scalar == Scalar::Blob || r.scalar == Scalar::Blob {
            return fail("T7: blob comparisons in filters are not supported".to_owned());
        }
        if !compatible(l, r) {
            return fail(format!(
                "T7: cannot compare {} with {}",
                l.display(),
                r.display()
            ));
        }
        Ok(())
    }

    /// §8.6: inner clauses in a scope whose bindings are dropped afterwards, then N-01.
    fn negation(&mut self, negation: &'a Negation) -> Check {
        let inner = &negation.clauses;
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
            Err(error(
                negation.span,
                "T9: negation block must reference at least one outer-bound variable",
            ))
        }
    }

    // --------------------------------------------------------------------------------------------
    // Expressions (§8.5)

    fn resolve(&self, expr: &'a Expr) -> Check<Res<'a>> {
        let span = expr.span;
        match &expr.kind {
            ExprKind::Now => Ok(Res::Scalar(Ty::of(Scalar::DateTime))),
            ExprKind::PropAccess { variable, property } => {
                let Some(&ty) = self.bindings.get(variable.as_str()) else {
                    let message = format!("T6: variable `${variable}` is not bound");
                    return Err(self.unbound(message, variable, span, false));
                };
                let node = self.node_of(ty, "T6", span)?;
                match node.properties.get(property) {
                    Some(pt) => Ok(Res::Scalar(Ty::from_prop(pt))),
                    None => Err(no_property("T6", ty, property, node, span)),
                }
            }
            ExprKind::Variable(name) => {
                if let Some(&t) = self.params.get(name.as_str()) {
                    Ok(Res::Scalar(t))
                } else if let Some(&ty) = self.bindings.get(name.as_str()) {
                    Ok(Res::Node(ty))
                } else {
                    let message = format!("variable `${name}` is not bound");
                    Err(self.unbound(message, name, span, true))
                }
            }
            ExprKind::Literal(lit) => typed(lit, span).map(Res::Scalar),
            ExprKind::Nearest {
                variable,
                property,
                query,
            } => self.nearest(variable, property, query, span),
            ExprKind::Search { field, query } => {
                self.string_arg(field, "T19", "search", "field")?;
                self.string_arg(query, "T19", "search", "query")?;
                Ok(Res::Scalar(Ty::of(Scalar::Bool)))
            }
            ExprKind::Fuzzy {
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
            ExprKind::MatchText { field, query } => {
                self.string_arg(field, "T20", "match_text", "field")?;
                self.string_arg(query, "T20", "match_text", "query")?;
                Ok(Res::Scalar(Ty::of(Scalar::Bool)))
            }
            ExprKind::Bm25 { field, query } => {
                self.string_arg(field, "T20", "bm25", "field")?;
                self.string_arg(query, "T20", "bm25", "query")?;
                Ok(Res::Scalar(Ty::of(Scalar::F64)))
            }
            ExprKind::Rrf {
                primary,
                secondary,
                k,
            } => self.rrf(primary, secondary, k.as_deref()),
            ExprKind::Aggregate { func, arg } => {
                if let Res::Scalar(t) = self.resolve(arg)? {
                    match func {
                        AggFunc::Sum | AggFunc::Avg if t.list || !t.scalar.is_numeric() => {
                            let message = format!(
                                "T8: {} requires numeric type, got {}",
                                func.name(),
                                t.display()
                            );
                            return Err(error(arg.span, message));
                        }
                        AggFunc::Min | AggFunc::Max
                            if t.list || !(t.scalar.is_numeric() || t.scalar == Scalar::String) =>
                        {
                            let message = format!(
                                "T8: {} requires numeric or string type, got {}",
                                func.name(),
                                t.display()
                            );
                            return Err(error(arg.span, message));
                        }
                        _ => {}
                    }
                }
                Ok(Res::Aggregate)
            }
            ExprKind::AliasRef(name) => Ok(self
                .aliases
                .get(name.as_str())
                .map_or(Res::Aggregate, |&(res, _)| res)),
        }
    }

    /// a bound variable's type is always in the catalog (it was checked when bound).
    fn node_of(&self, ty: &str, code: &str, span: Span) -> Check<&'a NodeType> {
        self.catalog
            .node(ty)
            .ok_or_else(|| error(span, format!("{code}: type `{ty}` not found in catalog")))
    }

    /// X-07 … X-15, for `nearest(…)` written at `span`: its target errors point at the whole
    /// call, its query's at the query argument.
    fn nearest(
        &self,
        variable: &str,
        property: &str,
        query: &'a Expr,
        span: Span,
    ) -> Check<Res<'a>> {
        let Some(&ty) = self.bindings.get(variable) else {
            let message = format!("T15: variable `${variable}` is not bound");
            return Err(self.unbound(message, variable, span, false));
        };
        let node = self.node_of(ty, "T15", span)?;
        let Some(pt) = node.properties.get(property) else {
            return Err(no_property("T15", ty, property, node, span));
        };
        let e = Ty::from_prop(pt);
        let Scalar::Vector(d) = e.scalar else {
            let message = format!(
                "T15: nearest requires a Vector property, got {ty}.{property}: {}",
                e.display()
            );
            return Err(error(span, message));
        };
        if e.list {
            return Err(error(
                span,
                "T15: nearest does not support list-wrapped vectors",
            ));
        }
        let fail = |message: String| Err(error(query.span, message));
        if let ExprKind::Literal(lit) = &query.kind
            && let Some(n) = numeric_vector_len(lit)
        {
            if n != d as usize {
                return fail(format!(
                    "T15: nearest vector dimension mismatch: property is Vector({d}), query literal has {n} elements"
                ));
            }
            return Ok(Res::Scalar(Ty::of(Scalar::F64)));
        }
        match self.resolve(query)? {
            Res::Scalar(q) if !q.list && q.scalar == Scalar::String => {}
            Res::Scalar(q) if !q.list && matches!(q.scalar, Scalar::Vector(_)) => {
                if q.scalar != Scalar::Vector(d) {
                    return fail(format!(
                        "T15: nearest vector dimension mismatch: property is Vector({d}), query is {}",
                        q.scalar_display()
                    ));
                }
            }
            Res::Scalar(q) => {
                return fail(format!(
                    "T15: nearest query must be Vector({d}) or String, got {}",
                    q.display()
                ));
            }
            _ => return fail("T15: nearest query must be a scalar expression".to_owned()),
        }
        Ok(Res::Scalar(Ty::of(Scalar::F64)))
    }

    /// X-16 … X-33: a `field`/`query` argument must be a non-list String scalar.
    fn string_arg(&self, arg: &'a Expr, code: &str, func: &str, role: &str) -> Check {
        match self.resolve(arg)? {
            Res::Scalar(t) if t.is(Scalar::String) => Ok(()),
            Res::Scalar(t) => Err(error(
                arg.span,
                format!("{code}: {func} {role} must be String, got {}", t.display()),
            )),
            _ => Err(error(
                arg.span,
                format!("{code}: {func} {role} must be a scalar String expression"),
            )),
        }
    }

    /// a non-list I32/I64/U32/U64 scalar.
    fn integer_arg(&self, arg: &'a Expr, what: &str) -> Check {
        match self.resolve(arg)? {
            Res::Scalar(t) if !t.list && t.scalar.is_integer() => Ok(()),
            Res::Scalar(t) => Err(error(
                arg.span,
                format!("{what} must be an integer scalar, got {}", t.display()),
            )),
            _ => Err(error(
                arg.span,
                format!("{what} must be an integer scalar expression"),
            )),
        }
    }

    /// X-34 … X-38.
    fn rrf(&self, primary: &'a Expr, secondary: &'a Expr, k: Option<&'a Expr>) -> Check<Res<'a>> {
        for (rank, role) in [(primary, "primary"), (secondary, "secondary")] {
            if !matches!(rank.kind, ExprKind::Nearest { .. } | ExprKind::Bm25 { .. }) {
                return Err(error(
                    rank.span,
                    format!("T21: rrf {role} expression must be nearest(...) or bm25(...)"),
                ));
            }
        }
        for rank in [primary, secondary] {
            match self.resolve(rank)? {
                Res::Scalar(t) if t.is(Scalar::F64) => {}
                Res::Scalar(t) => {
                    return Err(error(
                        rank.span,
                        format!(
                            "T21: rrf rank expressions must evaluate to F64, got {}",
                            t.display()
                        ),
                    ));
                }
                _ => {
                    return Err(error(
                        rank.span,
                        "T21: rrf rank expressions must be scalar numeric expressions",
                    ));
                }
            }
        }
        if let Some(k) = k {
            self.integer_arg(k, "T21: rrf k")?;
            if let ExprKind::Literal(Literal::Integer(v)) = k.kind
                && v <= 0
            {
                return Err(error(k.span, "T21: rrf k must be greater than 0"));
            }
        }
        Ok(Res::Scalar(Ty::of(Scalar::F64)))
    }

    /// §8.7, then Q-04; each points at the first ordering or projection that
    /// breaks it.
    fn query_level(&self, decl: &'a QueryDecl) -> Check {
        let orders = &decl.order_clause;
        let first = |rank| orders.iter().find(|o| self.contains(&o.expr, rank));
        if let (Some(rrf), None) = (first(Rank::Rrf), decl.limit) {
            return Err(error(
                rrf.expr.span,
                "T21: rrf ordering requires a limit clause",
            ));
        }
        if let Some(nearest) = first(Rank::Nearest) {
            if decl.limit.is_none() {
                return Err(error(
                    nearest.expr.span,
                    "T17: nearest ordering requires a limit clause",
                ));
            }
            if let Some(alias) = orders
                .iter()
                .find(|o| matches!(o.expr.kind, ExprKind::AliasRef(_)))
            {
                return Err(error(
                    alias.expr.span,
                    "T18: alias-based ordering is not supported together with nearest in phase 1",
                ));
            }
        }
        let projections = &decl.return_clause;
        let is_agg = |p: &Projection| matches!(p.expr.kind, ExprKind::Aggregate { .. });
        let plain = |p: &&Projection| {
            !matches!(
                p.expr.kind,
                ExprKind::Aggregate { .. } | ExprKind::PropAccess { .. } | ExprKind::Variable(_)
            )
        };
        if projections.iter().any(is_agg)
            && let Some(other) = projections.iter().find(plain)
        {
            return Err(error(
                other.expr.span,
                "T9: non-aggregate expressions in an aggregate query must be property accesses or variables",
            ));
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
            match &e.kind {
                ExprKind::Rrf { .. } => {
                    if rank == Rank::Rrf {
                        return true;
                    }
                    // A nearest inside rrf(…) is not standalone.
                }
                ExprKind::Nearest { .. } => {
                    if rank == Rank::Nearest {
                        return true;
                    }
                }
                ExprKind::Aggregate { arg, .. } => work.push(arg),
                ExprKind::Search { field, query }
                | ExprKind::MatchText { field, query }
                | ExprKind::Bm25 { field, query } => {
                    work.push(field);
                    work.push(query);
                }
                ExprKind::Fuzzy {
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
                ExprKind::AliasRef(name) => {
                    if seen.insert(name.as_str())
                        && let Some(&(_, aliased)) = self.aliases.get(name.as_str())
                    {
                        work.push(aliased);
                    }
                }
                ExprKind::Now
                | ExprKind::PropAccess { .. }
                | ExprKind::Variable(_)
                | ExprKind::Literal(_) => {}
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
    match &expr.kind {
        ExprKind::PropAccess { variable, .. }
        | ExprKind::Variable(variable)
        | ExprKind::Nearest { variable, .. } => outer.contains_key(variable.as_str()),
        ExprKind::Search { field, query }
        | ExprKind::MatchText { field, query }
        | ExprKind::Bm25 { field, query } => {
            mentions_any(field, outer) || mentions_any(query, outer)
        }
        ExprKind::Fuzzy {
            field,
            query,
            max_edits,
        } => {
            mentions_any(field, outer)
                || mentions_any(query, outer)
                || max_edits.as_deref().is_some_and(|m| mentions_any(m, outer))
        }
        ExprKind::Rrf {
            primary,
            secondary,
            k,
        } => {
            mentions_any(primary, outer)
                || mentions_any(secondary, outer)
                || k.as_deref().is_some_and(|k| mentions_any(k, outer))
        }
        ExprKind::Aggregate { arg, .. } => mentions_any(arg, outer),
        ExprKind::Now | ExprKind::Literal(_) | ExprKind::AliasRef(_) => false,
    }
}

impl Ty<'_> {
    /// A vector type's name without nullability (X-13 prints `Vector(q)`).
    fn scalar_display(self) -> String {
        Ty::of(self.scalar).display()
    }
}
