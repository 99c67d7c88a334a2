//! TypeIDs (spec v0.3) for the things rex keeps: `deal_…`, `pipeline_…`, `stage_…`,
//! `activity_…`.
//! Each kind is its own type, so a pipeline id can never be passed where a deal id is meant.

use std::fmt;
use std::str::FromStr;

use type_safe_id::{StaticType, TypeSafeId};

/// The characters of a TypeID's suffix (Crockford's base32, lower case).
pub(crate) const BASE32: &str = "0123456789abcdefghjkmnpqrstvwxyz";

/// The kind of a well-formed TypeID of one of rex's kinds, if `text` is one.
///
/// Only rex's own prefixes are tried, each with its static parser: the crate's dynamic-prefix
/// parser panics on a long non-ASCII prefix, and user input must never reach a panic.
pub fn kind_of(text: &str) -> Option<&'static str> {
    let (prefix, _) = text.rsplit_once('_')?;
    let (kind, ok) = match prefix {
        "deal" => ("deal", text.parse::<TypeSafeId<DealTag>>().is_ok()),
        "pipeline" => ("pipeline", text.parse::<TypeSafeId<PipelineTag>>().is_ok()),
        "stage" => ("stage", text.parse::<TypeSafeId<StageTag>>().is_ok()),
        "activity" => ("activity", text.parse::<TypeSafeId<ActivityTag>>().is_ok()),
        _ => return None,
    };
    ok.then_some(kind)
}

/// The article a kind of record takes in a message: "an activity", "a deal".
pub fn article(kind: &str) -> &'static str {
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

macro_rules! typed_id {
    ($name:ident, $tag:ident, $prefix:literal, $example:literal) => {
        #[derive(Debug, Default, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $tag;
        impl StaticType for $tag {
            const TYPE: &'static str = $prefix;
        }

        #[doc = concat!("A `", $prefix, "_…` TypeID.")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(TypeSafeId<$tag>);

        impl $name {
            /// A new id with a UUIDv7 suffix (time-ordered).
            #[allow(clippy::new_without_default)]
            pub fn new() -> Self {
                $name(TypeSafeId::new())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(text: &str) -> Result<Self, String> {
                parse_id::<$tag>(text, $prefix, $example).map($name)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
    };
}

typed_id!(DealId, DealTag, "deal", "deal_01jdqz7w3ef8ns6c0e5ywzm2ka");
typed_id!(
    PipelineId,
    PipelineTag,
    "pipeline",
    "pipeline_01jdqz7w3ef8ns6c0e5ywzm2ka"
);
typed_id!(
    ActivityId,
    ActivityTag,
    "activity",
    "activity_01jdqz7w3ef8ns6c0e5ywzm2ka"
);
typed_id!(
    StageId,
    StageTag,
    "stage",
    "stage_01jdqz7w3ef8ns6c0e5ywzm2ka"
);

fn parse_id<T: StaticType>(
    text: &str,
    prefix: &str,
    example: &str,
) -> Result<TypeSafeId<T>, String> {
    if let Ok(id) = text.parse::<TypeSafeId<T>>() {
        return Ok(id);
    }
    if let Some(other) = kind_of(text) {
        return Err(format!(
            "expected {} {prefix} id ({prefix}_…), got {} {other} id '{text}'",
            article(prefix),
            article(other)
        ));
    }
    Err(format!(
        "invalid {prefix} id '{text}': expected '{prefix}_' and 26 lower-case base32 characters, like {example}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn round_trips_and_keeps_its_prefix() {
        let id = DealId::new();
        let text = id.to_string();
        assert!(text.starts_with("deal_") && text.len() == 31, "{text}");
        assert_eq!(text.parse::<DealId>(), Ok(id));
    }

    #[test]
    fn wrong_kind_says_which_kind_was_expected() {
        let pipeline = PipelineId::new().to_string();
        assert_eq!(
            pipeline.parse::<DealId>().unwrap_err(),
            format!("expected a deal id (deal_…), got a pipeline id '{pipeline}'")
        );
    }

    #[test]
    fn a_long_non_ascii_prefix_is_refused_not_a_panic() {
        let text = format!("{}_x", "ș".repeat(40));
        assert_eq!(kind_of(&text), None);
        assert!(text
            .parse::<DealId>()
            .unwrap_err()
            .starts_with("invalid deal id"));
    }

    #[test]
    fn malformed_ids_are_refused() {
        for bad in [
            "",
            "deal_",
            "deal_123",
            "deal_01jdqz7w3ef8ns6c0e5ywzm2k",
            "deal_01jdqz7w3ef8ns6c0e5ywzm2kaa",
            "deal_01JDQZ7W3EF8NS6C0E5YWZM2KA",
            "deal_81jdqz7w3ef8ns6c0e5ywzm2ka",
            "deal_01jdqz7w3ef8ns6c0e5ywzm2ku",
            "01jdqz7w3ef8ns6c0e5ywzm2ka",
            "user_01jdqz7w3ef8ns6c0e5ywzm2ka",
        ] {
            let err = bad.parse::<DealId>().unwrap_err();
            assert!(
                err.starts_with(&format!("invalid deal id '{bad}'")),
                "{err}"
            );
        }
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC*") {
            let _ = s.parse::<DealId>();
            let _ = kind_of(&s);
        }

        #[test]
        fn any_uuid_round_trips(n in any::<u128>()) {
            let id = StageId(TypeSafeId::from_uuid(uuid::Uuid::from_u128(n)));
            prop_assert_eq!(id.to_string().parse::<StageId>(), Ok(id));
        }
    }
}
