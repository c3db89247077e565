//! Closed sets of values with stable codes (statuses, outcomes, categories, errors): the enum,
//! `ALL` in declaration order, `code` and `from_code` are written from one list, so a new
//! variant cannot be left out of any of them (a stored row with a new status is read, not
//! refused at run time).

/// `coded_enum! { #[derive(…)] pub enum Name { #[attr] Variant = "code", … } }`
macro_rules! coded_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: [$name; [$($code),+].len()] = [$($name::$variant),+];

            /// The stable code (stored, sent, and the suffix of its locale key).
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            /// The value a code names; anything else is none (never a silent default).
            pub fn from_code(code: &str) -> Option<$name> {
                match code {
                    $($code => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        /// A stored code read back (the server's row types decode with it).
        impl TryFrom<String> for $name {
            type Error = $crate::coded::UnknownCode;

            fn try_from(code: String) -> Result<$name, Self::Error> {
                $name::from_code(&code).ok_or($crate::coded::UnknownCode(code))
            }
        }
    };
}

/// A code that names no value of its set (a row written by a newer version, or corrupt).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown code {0:?}")]
pub struct UnknownCode(pub String);

pub(crate) use coded_enum;

#[cfg(test)]
mod tests {
    use crate::catalogue::Category;
    use crate::decision::Outcome;
    use crate::status::{Actor, Status, TransitionError};

    /// The code is also what serde writes, and each code reads back as its value.
    fn agree<T: serde::Serialize + Copy + PartialEq + std::fmt::Debug>(
        all: &[T],
        code: fn(T) -> &'static str,
        from_code: fn(&str) -> Option<T>,
    ) {
        for &value in all {
            assert_eq!(serde_json::to_value(value).unwrap(), code(value));
            assert_eq!(from_code(code(value)), Some(value));
        }
        assert_eq!(from_code("no-such-code"), None);
    }

    #[test]
    fn every_value_is_listed_and_its_code_is_its_serde_name() {
        assert_eq!(Status::ALL.len(), 8);
        agree(&Status::ALL, Status::code, Status::from_code);
        agree(&Actor::ALL, Actor::code, Actor::from_code);
        assert_eq!(
            Status::try_from("in_review".to_string()),
            Ok(Status::InReview)
        );
        assert!(Status::try_from("lost".to_string()).is_err());
        agree(&Outcome::ALL, Outcome::code, Outcome::from_code);
        agree(&Category::ALL, Category::code, Category::from_code);
        let mut codes: Vec<&str> = TransitionError::ALL.iter().map(|e| e.code()).collect();
        codes.dedup();
        assert_eq!(codes.len(), 4);
        assert_eq!(
            TransitionError::from_code("status.reason_required"),
            Some(TransitionError::ReasonRequired)
        );
    }
}
