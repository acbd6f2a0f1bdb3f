//! AST construction checks (schema-language.md §5.3–§5.6, rules A1–A14): turning the text of a
//! syntactically valid type, string, cardinality or body constraint into its AST value. Each
//! function returns, on rejection, the reference's message (without prefix) and its rule; the
//! parser adds where the construct is written, unless the function knows better (a constraint's
//! offending argument).

use super::ast::{ConstraintKind, Span};
use super::catalog::{
    Cardinality, CheckConstraint, PropType, RangeBound, RangeConstraint, ScalarType,
};
use crate::error::ErrorDetail;

type Converted<T> = Result<T, ErrorDetail>;

fn rejected(rule: &'static str, message: impl Into<String>) -> ErrorDetail {
    ErrorDetail::new(message).with_rule(rule)
}

/// Largest dimension the reference accepts for `Vector(n)`.
const MAX_VECTOR_DIM: u32 = 2_147_483_647;

/// A body-constraint argument as written (texts are exact source slices).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Arg<'a> {
    Ident(&'a str),
    /// A string literal, quotes included.
    Str(&'a str),
    /// A number or boolean literal: never what a constraint position wants.
    OtherLiteral,
    /// A range bound: the numbers in the order written (`a..b`, `a..` or `..b`).
    Range(&'a str, Option<&'a str>),
}

pub(crate) fn plain(scalar: ScalarType) -> PropType {
    PropType {
        scalar,
        nullable: false,
        list: false,
        enum_values: None,
    }
}

/// `[T]` (A4: no list of Blob).
pub(crate) fn list_of(scalar: ScalarType) -> Converted<PropType> {
    if scalar == ScalarType::Blob {
        return Err(rejected("A4", "list of Blob is not supported"));
    }
    Ok(PropType {
        list: true,
        ..plain(scalar)
    })
}

/// `Vector(n)` from the digits of n (A1–A3).
pub(crate) fn vector(digits: &str) -> Converted<PropType> {
    let dim: u32 = digits.parse().map_err(|_| {
        rejected(
            "A1",
            "invalid Vector dimension: number too large to fit in target type",
        )
    })?;
    if dim == 0 {
        return Err(rejected("A2", "Vector dimension must be greater than zero"));
    }
    if dim > MAX_VECTOR_DIM {
        let message = format!("Vector dimension {dim} exceeds maximum supported {MAX_VECTOR_DIM}");
        return Err(rejected("A3", message));
    }
    Ok(plain(ScalarType::Vector(dim)))
}

/// `enum(v, …)`: String with sorted values (A5: no repeats).
pub(crate) fn enumeration(values: &[&str]) -> Converted<PropType> {
    let mut sorted: Vec<String> = values.iter().map(|v| v.to_string()).collect();
    sorted.sort_unstable();
    if sorted.windows(2).any(|w| w[0] == w[1]) {
        return Err(rejected("A5", "enum type cannot include duplicate values"));
    }
    Ok(PropType {
        enum_values: Some(sorted),
        ..plain(ScalarType::String)
    })
}

/// Decode a string literal (quotes included), written at `span`, per §5.4 (A6).
pub(crate) fn decode_string(literal: &str, span: Span) -> Converted<String> {
    let inner = literal
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(literal);
    crate::text::decode_string(inner).map_err(|message| rejected("A6", message).at(span))
}

/// A number as written, and where.
pub(crate) type Digits<'a> = (&'a str, Span);

/// `@card(min..max)`, written at `span`, from its numbers as written (A7, A8 at the number;
/// A9 at the whole clause).
pub(crate) fn cardinality(
    (min, min_span): Digits<'_>,
    max: Option<Digits<'_>>,
    span: Span,
) -> Converted<Cardinality> {
    let min_value: u32 = min
        .parse()
        .map_err(|_| rejected("A7", format!("invalid cardinality min: {min}")).at(min_span))?;
    let max_value = match max {
        Some((text, max_span)) => Some(text.parse::<u32>().map_err(|_| {
            rejected("A8", format!("invalid cardinality max: {text}")).at(max_span)
        })?),
        None => None,
    };
    if let Some(max_value) = max_value
        && min_value > max_value
    {
        let message = format!("cardinality min ({min_value}) exceeds max ({max_value})");
        return Err(rejected("A9", message).at(span));
    }
    Ok(Cardinality {
        min: min_value,
        max: max_value,
    })
}

/// A range-bound number: i64 if it fits, else f64 (which always parses for these digit strings;
/// an absurdly long one becomes infinity, as in the reference).
pub(crate) fn bound(text: &str) -> RangeBound {
    match text.parse::<i64>() {
        Ok(value) => RangeBound::Integer(value),
        Err(_) => RangeBound::Float(text.parse::<f64>().unwrap_or(f64::NAN)),
    }
}

/// A10: a property name, else the error pointing at the argument.
fn property_name((arg, span): &(Arg<'_>, Span)) -> Converted<String> {
    match arg {
        Arg::Ident(name) => Ok((*name).to_string()),
        _ => Err(rejected("A10", "expected property name in constraint").at(*span)),
    }
}

/// A body constraint, written at `span`, from its name and arguments with theirs (§5.5, A6 and
/// A10–A14).
pub(crate) fn constraint(
    name: &str,
    args: &[(Arg<'_>, Span)],
    span: Span,
) -> Converted<ConstraintKind> {
    match name {
        "key" | "unique" | "index" => {
            let columns = args.iter().map(property_name).collect::<Result<_, _>>()?;
            Ok(match name {
                "key" => ConstraintKind::Key(columns),
                "unique" => ConstraintKind::Unique(columns),
                _ => ConstraintKind::Index(columns),
            })
        }
        "range" => {
            let [prop, (bounds, bounds_span), ..] = args else {
                let message = "@range requires property name and bounds: @range(prop, min..max)";
                return Err(rejected("A11", message).at(span));
            };
            let property = property_name(prop)?;
            let Arg::Range(first, second) = bounds else {
                let message = "expected range bounds (min..max) in @range constraint";
                return Err(rejected("A12", message).at(*bounds_span));
            };
            // The first number written is the minimum, even in `..b` (§5.5 ⚠).
            Ok(ConstraintKind::Range(RangeConstraint {
                property,
                min: Some(bound(first)),
                max: second.map(bound),
            }))
        }
        "check" => {
            let [prop, (pattern, pattern_span), ..] = args else {
                let message = "@check requires property name and pattern: @check(prop, \"regex\")";
                return Err(rejected("A13", message).at(span));
            };
            let property = property_name(prop)?;
            let Arg::Str(literal) = pattern else {
                let message = "expected string argument in constraint";
                return Err(rejected("A14", message).at(*pattern_span));
            };
            Ok(ConstraintKind::Check(CheckConstraint {
                property,
                pattern: decode_string(literal, *pattern_span)?,
            }))
        }
        // Unreachable: the grammar admits only the five names (§7.8).
        other => Err(ErrorDetail::new(format!("unknown constraint: @{other}")).at(span)),
    }
}
