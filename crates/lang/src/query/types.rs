//! Types as the checker sees them (query-language.md §6 and §7.1): property types borrowed from
//! the catalog, literal and parameter types, display names and the compatibility relation.

use super::ast::{Literal, Param};
use crate::error::ErrorDetail;
use crate::schema::PropType;
/// The catalog's scalar type, under the short name the checker uses.
pub(crate) use crate::schema::ScalarType as Scalar;
use crate::schema::catalog::display_type;

/// A property-shaped type (§6.1); enum values are borrowed from the catalog.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ty<'a> {
    pub scalar: Scalar,
    pub nullable: bool,
    pub list: bool,
    pub enums: Option<&'a [String]>,
}

impl<'a> Ty<'a> {
    /// A plain non-nullable, non-list scalar.
    pub(crate) const fn of(scalar: Scalar) -> Ty<'static> {
        Ty {
            scalar,
            nullable: false,
            list: false,
            enums: None,
        }
    }

    pub(crate) fn from_prop(p: &'a PropType) -> Ty<'a> {
        Ty {
            scalar: p.scalar,
            nullable: p.nullable,
            list: p.list,
            enums: p.enum_values.as_deref(),
        }
    }

    /// The element type of a list type (used for membership checks).
    pub(crate) fn element(self) -> Ty<'a> {
        Ty {
            list: false,
            ..self
        }
    }

    pub(crate) fn is(self, scalar: Scalar) -> bool {
        !self.list && self.scalar == scalar
    }

    /// `display(t)` of §6.2.
    pub(crate) fn display(self) -> String {
        // The catalog keeps enum values sorted and unique; sort defensively for the message.
        let values = self.enums.map(|values| {
            let mut values = values.to_vec();
            values.sort_unstable();
            values.dedup();
            values
        });
        display_type(self.scalar, values.as_deref(), self.list, self.nullable)
    }
}

/// `compatible(a, b)` of §7.1: same list-ness, and same scalar (vectors: same dimension) or both
/// numeric. Nullability and enum value sets are ignored.
pub(crate) fn compatible(a: Ty<'_>, b: Ty<'_>) -> bool {
    a.list == b.list && (a.scalar == b.scalar || (a.scalar.is_numeric() && b.scalar.is_numeric()))
}

pub(crate) const NESTED_LIST: &str = "nested list literals are not supported";
pub(crate) const MIXED_LIST: &str = "list literal elements must share a compatible scalar type";

/// The type of a literal (§6.3). List literals take their first item's scalar; nested lists and
/// incompatible items are errors (messages without a rule code).
pub(crate) fn literal_type(lit: &Literal) -> Result<Ty<'static>, String> {
    Ok(match lit {
        Literal::String(_) => Ty::of(Scalar::String),
        Literal::Integer(_) => Ty::of(Scalar::I64),
        Literal::Float(_) => Ty::of(Scalar::F64),
        Literal::Bool(_) => Ty::of(Scalar::Bool),
        Literal::Date(_) => Ty::of(Scalar::Date),
        Literal::DateTime(_) => Ty::of(Scalar::DateTime),
        Literal::Null => Ty {
            nullable: true,
            ..Ty::of(Scalar::String)
        },
        Literal::List(items) => {
            let Some((first, rest)) = items.split_first() else {
                return Ok(Ty {
                    list: true,
                    ..Ty::of(Scalar::String)
                });
            };
            let t1 = literal_type(first)?;
            if t1.list {
                return Err(NESTED_LIST.to_owned());
            }
            for item in rest {
                let ti = literal_type(item)?;
                if ti.list || !compatible(ti, t1) {
                    return Err(MIXED_LIST.to_owned());
                }
            }
            Ty {
                list: true,
                ..Ty::of(t1.scalar)
            }
        }
    })
}

/// The dimension of a "numeric vector literal": a non-empty list whose items are all integer or
/// float literals.
pub(crate) fn numeric_vector_len(lit: &Literal) -> Option<usize> {
    match lit {
        Literal::List(items)
            if !items.is_empty()
                && items
                    .iter()
                    .all(|i| matches!(i, Literal::Integer(_) | Literal::Float(_))) =>
        {
            Some(items.len())
        }
        _ => None,
    }
}

/// Parameter name reserved by the runtime (D-01).
const RESERVED_PARAM: &str = "__nanograph_now";

/// Converts one declared parameter to its type (§6.4): D-01 (pointing at the name), then D-02
/// (at the type).
pub(crate) fn param_type(param: &Param) -> Result<Ty<'static>, ErrorDetail> {
    if param.name == RESERVED_PARAM {
        let message = format!(
            "parameter name `${RESERVED_PARAM}` is reserved for runtime timestamp injection"
        );
        return Err(ErrorDetail::new(message).at(param.name_span));
    }
    let text = param.type_name.as_str();
    let (inner, list) = match text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        Some(inner) => (inner, true),
        None => (text, false),
    };
    let scalar = scalar_from_name(inner).ok_or_else(|| {
        let message = format!(
            "unknown parameter type `{}` for `${}`",
            param.type_name, param.name
        );
        ErrorDetail::new(message).at(param.type_span)
    })?;
    Ok(Ty {
        scalar,
        nullable: param.nullable,
        list,
        enums: None,
    })
}

/// A base keyword or `Vector(N)` with 1 ≤ N ≤ 2147483647 (leading zeros allowed).
fn scalar_from_name(name: &str) -> Option<Scalar> {
    if let Some(digits) = name
        .strip_prefix("Vector(")
        .and_then(|rest| rest.strip_suffix(')'))
    {
        let dim: u32 = digits.parse().ok()?;
        return (1..=2_147_483_647)
            .contains(&dim)
            .then_some(Scalar::Vector(dim));
    }
    Scalar::from_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(name: &str, type_name: &str, nullable: bool) -> Param {
        Param {
            name: name.into(),
            type_name: type_name.into(),
            nullable,
            name_span: Default::default(),
            type_span: Default::default(),
        }
    }

    #[test]
    fn displays() {
        let values = vec!["inactive".to_owned(), "active".to_owned()];
        let e = Ty {
            nullable: true,
            enums: Some(&values),
            ..Ty::of(Scalar::String)
        };
        assert_eq!(e.display(), "enum(active, inactive)?");
        let l = Ty {
            list: true,
            nullable: true,
            ..Ty::of(Scalar::String)
        };
        assert_eq!(l.display(), "[String]?");
        assert_eq!(Ty::of(Scalar::Vector(3)).display(), "Vector(3)");
    }

    #[test]
    fn compatibility_table() {
        let t = Ty::of;
        assert!(compatible(t(Scalar::I32), t(Scalar::F64)));
        assert!(!compatible(t(Scalar::String), t(Scalar::Date)));
        assert!(!compatible(t(Scalar::Date), t(Scalar::DateTime)));
        assert!(!compatible(t(Scalar::Vector(3)), t(Scalar::Vector(2))));
        let list = |s| Ty { list: true, ..t(s) };
        assert!(compatible(list(Scalar::I32), list(Scalar::F64)));
        assert!(!compatible(list(Scalar::I32), t(Scalar::I32)));
    }

    #[test]
    fn list_literal_types() {
        use Literal::*;
        let ty = |l: Literal| literal_type(&l).map(|t| t.display());
        assert_eq!(ty(List(vec![])), Ok("[String]".into()));
        assert_eq!(ty(List(vec![Integer(1), Float(2.5)])), Ok("[I64]".into()));
        assert_eq!(ty(List(vec![Float(2.5), Integer(1)])), Ok("[F64]".into()));
        assert_eq!(
            ty(List(vec![Integer(1), List(vec![Integer(2)])])),
            Err(MIXED_LIST.into())
        );
        assert_eq!(
            ty(List(vec![Integer(1), List(vec![List(vec![Integer(2)])])])),
            Err(NESTED_LIST.into())
        );
    }

    #[test]
    fn parameter_types() {
        let ok = |t: &str| {
            param_type(&param("v", t, false))
                .map(|t| t.display())
                .map_err(|e| e.to_string())
        };
        assert_eq!(ok("Vector(003)"), Ok("Vector(3)".into()));
        assert_eq!(ok("[Blob]"), Ok("[Blob]".into()));
        assert_eq!(
            ok("Vector(0)"),
            Err("unknown parameter type `Vector(0)` for `$v`".into())
        );
        assert!(ok("Vector(2147483648)").is_err());
        assert!(ok("Vector(4294967296)").is_err());
        assert_eq!(ok("Vector(2147483647)"), Ok("Vector(2147483647)".into()));
        assert_eq!(
            param_type(&param("s", "String", true)).map(|t| t.display()),
            Ok("String?".into())
        );
    }
}
