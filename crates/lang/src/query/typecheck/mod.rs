//! The type-checker (query-language.md §7–§8): one declaration against a schema catalog.
//!
//! Rules are checked in the reference's order and the first error wins (§7.5). Messages are the
//! reference's texts, without the `type error: ` prefix (added by `QueryError::Type`). Rule ids
//! in comments (B-01, X-12, …) refer to the spec's tables. Each error points at the construct
//! that broke the rule (its span) and, for an unknown name, suggests the closest declared one;
//! its rule is the code its message starts with (`T6`).
//!
//! Read declarations (`match … return …`, §8.1–§8.7) are checked in `read`, mutation
//! declarations (§8.8) in `mutation`; what both use — parameters, the value checks of §7.2 — is
//! here.

mod mutation;
mod read;

use std::collections::BTreeMap;

use super::ast::*;
use super::types::{Scalar, Ty, compatible, literal_type, numeric_vector_len, param_type};
use crate::error::ErrorDetail;
use crate::schema::Catalog;
use mutation::MutationCx;
use read::ReadCx;

/// What a successful check established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checked {
    /// A read declaration (`match … return …`).
    Read,
    /// A mutation declaration: the target type of each statement, in order.
    Mutation(Vec<String>),
}

type Check<T = ()> = Result<T, ErrorDetail>;

/// A type error pointing at `span`.
fn error(span: Span, message: impl Into<String>) -> ErrorDetail {
    ErrorDetail::new(message).at(span)
}

pub(crate) fn check(catalog: &Catalog, decl: &QueryDecl) -> Check<Checked> {
    checked(catalog, decl).map_err(|e| match code(e.message()) {
        Some(code) => e.with_rule(code),
        None => e,
    })
}

/// The code a type error's message starts with (`T6: …` → `T6`; query-language.md §8.0).
fn code(message: &str) -> Option<&'static str> {
    const CODES: [&str; 21] = [
        "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11", "T12", "T13", "T14",
        "T15", "T16", "T17", "T18", "T19", "T20", "T21",
    ];
    let (code, _) = message.split_once(": ")?;
    CODES.iter().copied().find(|c| *c == code)
}

fn checked(catalog: &Catalog, decl: &QueryDecl) -> Check<Checked> {
    if decl.mutations.is_empty() {
        ReadCx::new(catalog, convert_params(&decl.params)?).check(decl)?;
        Ok(Checked::Read)
    } else {
        let mut targets = Vec::with_capacity(decl.mutations.len());
        for mutation in &decl.mutations {
            // Parameters are converted again for every statement, so their errors come first.
            let cx = MutationCx::new(catalog, convert_params(&decl.params)?);
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

/// The type of a literal written at `span` (§6.3; list literals can fail).
fn typed(lit: &Literal, span: Span) -> Check<Ty<'static>> {
    literal_type(lit).map_err(|message| error(span, message))
}

fn assign_mismatch(from: Ty<'_>, to: Ty<'_>, prop: &str, span: Span) -> ErrorDetail {
    let message = format!(
        "T7: cannot assign/compare {} with {} for property `{prop}`",
        from.display(),
        to.display()
    );
    error(span, message)
}

// ------------------------------------------------------------------------------------------------
// Value checks shared by bindings and mutations (§7.2)

/// V-LIT: a literal written at `span` against expected type `e` of property `prop` (B-15, B-06,
/// B-09, B-07, B-08).
fn check_literal(prop: &str, e: Ty<'_>, lit: &Literal, span: Span) -> Check {
    if matches!(lit, Literal::Null) {
        return if e.nullable {
            Ok(())
        } else {
            Err(error(
                span,
                format!("T3: property `{prop}` is non-nullable but got null"),
            ))
        };
    }
    if let (false, Scalar::Vector(d), Some(n)) = (e.list, e.scalar, numeric_vector_len(lit)) {
        return if n == d as usize {
            Ok(())
        } else {
            Err(error(
                span,
                format!(
                    "T3: property `{prop}` has type Vector({d}) but got vector literal with {n} elements"
                ),
            ))
        };
    }
    let t = typed(lit, span)?;
    if !compatible(t, e) {
        let message = format!(
            "T3: property `{prop}` has type {} but got {}",
            e.display(),
            t.display()
        );
        return Err(error(span, message));
    }
    if let (Some(values), Literal::String(s)) = (e.enums, lit)
        && !values.iter().any(|v| v == s)
    {
        let mut sorted: Vec<&str> = values.iter().map(String::as_str).collect();
        sorted.sort_unstable();
        sorted.dedup();
        let message = format!(
            "T3: property `{prop}` expects one of [{}], got '{s}'",
            sorted.join(", ")
        );
        return Err(error(span, message));
    }
    Ok(())
}

/// V-NOW (B-14 / M-03): `now()`, written at `span`, needs a non-list DateTime property.
fn check_now(prop: &str, e: Ty<'_>, span: Span) -> Check {
    if e.is(Scalar::DateTime) {
        Ok(())
    } else {
        Err(assign_mismatch(Ty::of(Scalar::DateTime), e, prop, span))
    }
}
