//! The type-checker (query-language.md §7–§8): one declaration against a schema catalog.
//!
//! Rules are checked in the reference's order and the first error wins (§7.5). Messages are the
//! reference's texts, without the `type error: ` prefix (added by `QueryError::Type`). Rule ids
//! in comments (B-01, X-12, …) refer to the spec's tables.
//!
//! Read declarations (`match … return …`, §8.1–§8.7) are checked in `read`, mutation
//! declarations (§8.8) in `mutation`; what both use — parameters, the value checks of §7.2 — is
//! here.

mod mutation;
mod read;

use std::collections::BTreeMap;

use super::ast::*;
use super::types::{Scalar, Ty, compatible, literal_type, numeric_vector_len, param_type};
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

type Check<T = ()> = Result<T, String>;

pub(crate) fn check(catalog: &Catalog, decl: &QueryDecl) -> Check<Checked> {
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

fn assign_mismatch(from: Ty<'_>, to: Ty<'_>, prop: &str) -> String {
    format!(
        "T7: cannot assign/compare {} with {} for property `{prop}`",
        from.display(),
        to.display()
    )
}

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
