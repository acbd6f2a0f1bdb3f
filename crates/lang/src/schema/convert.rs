//! AST construction checks (schema-language.md §5.3–§5.6, rules A1–A14): turning the text of a
//! syntactically valid type, string, cardinality or body constraint into its AST value. Each
//! function returns the reference's message (without prefix) on rejection.

use super::ast::ConstraintKind;
use super::catalog::{
    Cardinality, CheckConstraint, PropType, RangeBound, RangeConstraint, ScalarType,
};

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
pub(crate) fn list_of(scalar: ScalarType) -> Result<PropType, String> {
    if scalar == ScalarType::Blob {
        return Err("list of Blob is not supported".into());
    }
    Ok(PropType {
        list: true,
        ..plain(scalar)
    })
}

/// `Vector(n)` from the digits of n (A1–A3).
pub(crate) fn vector(digits: &str) -> Result<PropType, String> {
    let dim: u32 = digits.parse().map_err(|_| {
        "invalid Vector dimension: number too large to fit in target type".to_string()
    })?;
    if dim == 0 {
        return Err("Vector dimension must be greater than zero".into());
    }
    if dim > MAX_VECTOR_DIM {
        return Err(format!(
            "Vector dimension {dim} exceeds maximum supported {MAX_VECTOR_DIM}"
        ));
    }
    Ok(plain(ScalarType::Vector(dim)))
}

/// `enum(v, …)`: String with sorted values (A5: no repeats).
pub(crate) fn enumeration(values: &[&str]) -> Result<PropType, String> {
    let mut sorted: Vec<String> = values.iter().map(|v| v.to_string()).collect();
    sorted.sort_unstable();
    if sorted.windows(2).any(|w| w[0] == w[1]) {
        return Err("enum type cannot include duplicate values".into());
    }
    Ok(PropType {
        enum_values: Some(sorted),
        ..plain(ScalarType::String)
    })
}

/// Decode a string literal (quotes included) per §5.4 (A6).
pub(crate) fn decode_string(literal: &str) -> Result<String, String> {
    let inner = literal
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(literal);
    crate::text::decode_string(inner)
}

/// `@card(min..max)` from the digits as written (A7–A9).
pub(crate) fn cardinality(min: &str, max: Option<&str>) -> Result<Cardinality, String> {
    let min_value: u32 = min
        .parse()
        .map_err(|_| format!("invalid cardinality min: {min}"))?;
    let max_value = match max {
        Some(text) => Some(
            text.parse::<u32>()
                .map_err(|_| format!("invalid cardinality max: {text}"))?,
        ),
        None => None,
    };
    if let Some(max_value) = max_value
        && min_value > max_value
    {
        return Err(format!(
            "cardinality min ({min_value}) exceeds max ({max_value})"
        ));
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

const NOT_A_PROPERTY: &str = "expected property name in constraint";

fn property_name(arg: &Arg<'_>) -> Result<String, String> {
    match arg {
        Arg::Ident(name) => Ok((*name).to_string()),
        _ => Err(NOT_A_PROPERTY.into()),
    }
}

/// A body constraint from its name and arguments (§5.5, A6 and A10–A14).
pub(crate) fn constraint(name: &str, args: &[Arg<'_>]) -> Result<ConstraintKind, String> {
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
            let [prop, bounds, ..] = args else {
                return Err(
                    "@range requires property name and bounds: @range(prop, min..max)".into(),
                );
            };
            let property = property_name(prop)?;
            let Arg::Range(first, second) = bounds else {
                return Err("expected range bounds (min..max) in @range constraint".into());
            };
            // The first number written is the minimum, even in `..b` (§5.5 ⚠).
            Ok(ConstraintKind::Range(RangeConstraint {
                property,
                min: Some(bound(first)),
                max: second.map(bound),
            }))
        }
        "check" => {
            let [prop, pattern, ..] = args else {
                return Err(
                    "@check requires property name and pattern: @check(prop, \"regex\")".into(),
                );
            };
            let property = property_name(prop)?;
            let Arg::Str(literal) = pattern else {
                return Err("expected string argument in constraint".into());
            };
            Ok(ConstraintKind::Check(CheckConstraint {
                property,
                pattern: decode_string(literal)?,
            }))
        }
        other => Err(format!("unknown constraint: @{other}")),
    }
}
