//! Strict JSON for everything rex accepts (`--meta KEY:=JSON`, imported records): one nesting
//! limit, so that whatever rex stores it can read back, and no key given twice in an object,
//! so that nothing the user wrote is silently dropped.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// How deeply a stored JSON value (a deal's metadata, a history entry's details) may nest,
/// counting the object itself: `{"k": [[1]]}` is 3 levels deep.
pub const MAX_DEPTH: usize = 32;

/// Why strict parsing refused a value, and where (a path of keys and `[index]`es).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not JSON at all (serde's own message).
    Syntax(String),
    /// A key given twice in one object.
    Duplicate(Vec<String>),
    /// Nested deeper than allowed.
    TooDeep(Vec<String>),
}

impl Refusal {
    /// The first element of the path (a record's field), if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Refusal::Syntax(_) => None,
            Refusal::Duplicate(p) | Refusal::TooDeep(p) => p.first().map(String::as_str),
        }
    }

    /// For a refusal inside an array's element: the element's index and the refusal within it.
    pub fn split_index(self) -> (Option<usize>, Refusal) {
        let index = |path: &mut Vec<String>| {
            let i = path
                .first()
                .and_then(|p| p.strip_prefix('['))
                .and_then(|p| p.strip_suffix(']'))
                .and_then(|p| p.parse().ok());
            if i.is_some() {
                path.remove(0);
            }
            i
        };
        match self {
            Refusal::Duplicate(mut p) => (index(&mut p), Refusal::Duplicate(p)),
            Refusal::TooDeep(mut p) => (index(&mut p), Refusal::TooDeep(p)),
            other => (None, other),
        }
    }

    /// The message, with the path shown after `prefix` (what the whole value is called).
    pub fn describe(&self, prefix: &str) -> String {
        let join = |path: &[String]| {
            let mut out = prefix.to_string();
            for p in path {
                if !p.starts_with('[') && !out.is_empty() {
                    out.push('.');
                }
                out.push_str(p);
            }
            out
        };
        match self {
            Refusal::Syntax(e) if prefix.is_empty() => format!("not valid JSON ({e})"),
            Refusal::Syntax(e) => format!("field '{prefix}': not valid JSON ({e})"),
            Refusal::Duplicate(path) => {
                format!("field '{}' is given twice; give each key once", join(path))
            }
            Refusal::TooDeep(path) => {
                // Where it starts is enough: the first two keys, not every level below.
                let keys: Vec<String> = path
                    .iter()
                    .filter(|p| !p.is_empty() && !p.starts_with('['))
                    .take(2)
                    .cloned()
                    .collect();
                format!(
                    "field '{}' nests deeper than {MAX_DEPTH} levels, the limit for stored JSON",
                    join(&keys)
                )
            }
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(""))
    }
}

/// Parses `text`, allowing `levels` of nesting for the value as a whole.
pub fn parse(text: &str, levels: usize) -> Result<Value, Refusal> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = run(&mut de, levels)?;
    de.end().map_err(|e| Refusal::Syntax(e.to_string()))?;
    Ok(value)
}

/// Parses a whole document from a reader, allowing `levels` of nesting.
pub fn from_reader(reader: impl std::io::Read, levels: usize) -> Result<Value, Refusal> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    let value = run(&mut de, levels)?;
    de.end().map_err(|e| Refusal::Syntax(e.to_string()))?;
    Ok(value)
}

/// A field's value in a record parsed by [`parse_record`]: text borrowed from the input
/// where it holds no escapes, anything else the value [`parse`] makes of it.
#[derive(Debug, Clone, PartialEq)]
pub enum Field<'a> {
    Text(Cow<'a, str>),
    Value(Value),
}

impl Field<'_> {
    /// A value as a field: text as text, anything else as it is.
    pub fn from_value(v: Value) -> Field<'static> {
        match v {
            Value::String(s) => Field::Text(Cow::Owned(s)),
            other => Field::Value(other),
        }
    }

    /// The value [`parse`] would have made of it.
    pub fn into_value(self) -> Value {
        match self {
            Field::Text(t) => Value::String(t.into_owned()),
            Field::Value(v) => v,
        }
    }
}

/// A record's fields in the order given, each key once.
pub type Entries<'a> = Vec<(Cow<'a, str>, Field<'a>)>;

/// Parses `text` as one object (a record), allowing `levels` of nesting for the whole: the
/// fields [`parse`] would give, without a map of owned keys and strings. None for anything
/// [`parse`] refuses (or that is not an object), for the caller to ask [`parse`] why.
pub fn parse_record(text: &str, levels: usize) -> Option<Entries<'_>> {
    if levels == 0 {
        return None;
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let fault = RefCell::new(None);
    let entries = de
        .deserialize_map(RecordVisitor {
            fields: Strict {
                left: levels - 1,
                fault: &fault,
            },
        })
        .ok()?;
    de.end().ok()?;
    Some(entries)
}

/// The most keys [`parse_record`] reads at the top level of a line (a record has 10 to 30):
/// a line with more is left to [`parse`].
const RECORD_KEYS: usize = 64;

/// The top level of [`parse_record`]: keys compared as they come (a record has a few), each
/// value read by [`FieldSeed`].
struct RecordVisitor<'f> {
    /// How the values are read: what [`Strict`] would read one level down.
    fields: Strict<'f>,
}

impl<'de> Visitor<'de> for RecordVisitor<'_> {
    type Value = Entries<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Entries<'de>, A::Error> {
        let mut entries: Entries<'de> = Vec::with_capacity(20);
        while let Some(key) = access.next_key_seed(TextSeed)? {
            // Each key is compared with those before it: fine for a record's few, quadratic
            // for a line of thousands, which the strict way (a map) reads instead.
            if entries.len() == RECORD_KEYS {
                return Err(de::Error::custom("more keys than a record has"));
            }
            if entries.iter().any(|(k, _)| *k == key) {
                return Err(de::Error::custom("a key given twice"));
            }
            let value = access.next_value_seed(FieldSeed {
                strict: Strict {
                    left: self.fields.left,
                    fault: self.fields.fault,
                },
            })?;
            entries.push((key, value));
        }
        Ok(entries)
    }
}

/// A string, borrowed from the input when it can be.
struct TextSeed;

impl<'de> DeserializeSeed<'de> for TextSeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for TextSeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v))
    }
}

/// One field's value: text as [`TextSeed`] reads it, anything else as [`Strict`] does.
struct FieldSeed<'f> {
    strict: Strict<'f>,
}

impl<'de> DeserializeSeed<'de> for FieldSeed<'_> {
    type Value = Field<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Field<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FieldSeed<'_> {
    type Value = Field<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Field<'de>, E>
    where
        E: de::Error,
    {
        TextSeed.visit_borrowed_str(v).map(Field::Text)
    }
    fn visit_str<E>(self, v: &str) -> Result<Field<'de>, E>
    where
        E: de::Error,
    {
        TextSeed.visit_str(v).map(Field::Text)
    }
    fn visit_string<E>(self, v: String) -> Result<Field<'de>, E>
    where
        E: de::Error,
    {
        TextSeed.visit_string(v).map(Field::Text)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Field<'de>, E>
    where
        E: de::Error,
    {
        self.strict.visit_bool(v).map(Field::Value)
    }
    fn visit_i64<E>(self, v: i64) -> Result<Field<'de>, E>
    where
        E: de::Error,
    {
        self.strict.visit_i64(v).map(Field::Value)
    }
    fn visit_u64<E>(self, v: u64) -> Result<Field<'de>, E>
    where
        E: de::Error,
    {
        self.strict.visit_u64(v).map(Field::Value)
    }
    fn visit_f64<E>(self, v: f64) -> Result<Field<'de>, E>
    where
        E: de::Error,
    {
        self.strict.visit_f64(v).map(Field::Value)
    }
    fn visit_unit<E>(self) -> Result<Field<'de>, E>
    where
        E: de::Error,
    {
        self.strict.visit_unit().map(Field::Value)
    }
    fn visit_none<E>(self) -> Result<Field<'de>, E>
    where
        E: de::Error,
    {
        self.strict.visit_none().map(Field::Value)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Field<'de>, A::Error> {
        self.strict.visit_seq(seq).map(Field::Value)
    }
    fn visit_map<A: MapAccess<'de>>(self, access: A) -> Result<Field<'de>, A::Error> {
        self.strict.visit_map(access).map(Field::Value)
    }
}

fn run<'de, D: Deserializer<'de, Error = serde_json::Error>>(
    de: D,
    levels: usize,
) -> Result<Value, Refusal> {
    let fault = RefCell::new(None);
    let seed = Strict {
        left: levels,
        fault: &fault,
    };
    seed.deserialize(de).map_err(|e| {
        fault
            .take()
            .unwrap_or_else(|| Refusal::Syntax(e.to_string()))
    })
}

/// Checks a value built elsewhere against the nesting limit (`levels` for the whole value).
pub fn check_depth(v: &Value, levels: usize) -> Result<(), Refusal> {
    match too_deep(v, levels) {
        None => Ok(()),
        Some(path) => Err(Refusal::TooDeep(path)),
    }
}

/// [`check_depth`] for an object held as a map.
pub fn check_object(m: &Map<String, Value>, levels: usize) -> Result<(), Refusal> {
    match levels {
        0 => Err(Refusal::TooDeep(vec![String::new()])),
        n => match children_too_deep(m.iter().map(|(k, v)| (Key::Name(k), v)), n - 1) {
            None => Ok(()),
            Some(path) => Err(Refusal::TooDeep(path)),
        },
    }
}

enum Key<'a> {
    Name(&'a str),
    Index(usize),
}

/// The path to where `v` nests past `left` levels, if it does (built only then).
fn too_deep(v: &Value, left: usize) -> Option<Vec<String>> {
    if !matches!(v, Value::Object(_) | Value::Array(_)) {
        return None;
    }
    if left == 0 {
        return Some(vec![String::new()]);
    }
    match v {
        Value::Object(m) => children_too_deep(m.iter().map(|(k, v)| (Key::Name(k), v)), left - 1),
        Value::Array(a) => children_too_deep(
            a.iter().enumerate().map(|(i, v)| (Key::Index(i), v)),
            left - 1,
        ),
        _ => None,
    }
}

fn children_too_deep<'a>(
    children: impl Iterator<Item = (Key<'a>, &'a Value)>,
    left: usize,
) -> Option<Vec<String>> {
    for (key, child) in children {
        if let Some(mut path) = too_deep(child, left) {
            path.insert(
                0,
                match key {
                    Key::Name(k) => k.to_string(),
                    Key::Index(i) => format!("[{i}]"),
                },
            );
            return Some(path);
        }
    }
    None
}

/// Builds a `serde_json::Value`, refusing duplicate keys and nesting past `left` levels.
/// The first refusal is kept in `fault`, its path completed by the enclosing levels.
struct Strict<'f> {
    left: usize,
    fault: &'f RefCell<Option<Refusal>>,
}

impl Strict<'_> {
    fn child(&self) -> Strict<'_> {
        Strict {
            left: self.left.saturating_sub(1),
            fault: self.fault,
        }
    }

    fn refuse<E: de::Error>(&self, refusal: Refusal) -> E {
        let text = refusal.to_string();
        *self.fault.borrow_mut() = Some(refusal);
        E::custom(text)
    }

    /// Puts `key` in front of the path of a refusal that came from below.
    fn within(&self, key: String) {
        if let Some(Refusal::Duplicate(p) | Refusal::TooDeep(p)) = &mut *self.fault.borrow_mut() {
            p.insert(0, key);
        }
    }
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        if self.left == 0 {
            return Err(self.refuse(Refusal::TooDeep(vec![String::new()])));
        }
        let mut items = Vec::new();
        loop {
            match seq.next_element_seed(self.child()) {
                Ok(Some(v)) => items.push(v),
                Ok(None) => return Ok(Value::Array(items)),
                Err(e) => {
                    self.within(format!("[{}]", items.len()));
                    return Err(e);
                }
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        if self.left == 0 {
            return Err(self.refuse(Refusal::TooDeep(vec![String::new()])));
        }
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            if map.contains_key(&key) {
                return Err(self.refuse(Refusal::Duplicate(vec![key])));
            }
            match access.next_value_seed(self.child()) {
                Ok(v) => {
                    map.insert(key, v);
                }
                Err(e) => {
                    self.within(key);
                    return Err(e);
                }
            }
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_refused_with_their_path() {
        assert_eq!(
            parse(r#"{"a": 1, "a": 2}"#, 5),
            Err(Refusal::Duplicate(vec!["a".into()]))
        );
        let r = parse(r#"{"m": {"x": [1, {"k": 1, "k": 2}]}}"#, 5).unwrap_err();
        assert_eq!(
            r.describe(""),
            "field 'm.x[1].k' is given twice; give each key once"
        );
    }

    /// A line of many keys is left to the map (comparing each key with every one before it
    /// took minutes for 200,000), and that way reads the same fields.
    #[test]
    fn a_line_of_more_keys_than_a_record_has_is_left_to_the_strict_way() {
        let line = |n: usize| {
            let keys: Vec<String> = (0..n).map(|i| format!(r#""k{i}": {i}"#)).collect();
            format!("{{{}}}", keys.join(", "))
        };
        let record = line(RECORD_KEYS);
        let few = parse_record(&record, 5).expect("a record of 64 keys");
        assert_eq!(few.len(), RECORD_KEYS);
        assert_eq!(few[63].0, "k63");
        let many = line(RECORD_KEYS + 1);
        assert!(parse_record(&many, 5).is_none());
        let map = parse(&many, 5).unwrap();
        assert_eq!(map.as_object().unwrap().len(), RECORD_KEYS + 1);
        assert!(parse_record(&line(200_000), 5).is_none());
    }

    #[test]
    fn depth_is_counted_from_the_value_itself() {
        assert!(parse("[[1]]", 2).is_ok());
        assert!(matches!(parse("[[[1]]]", 2), Err(Refusal::TooDeep(_))));
        assert!(check_depth(&parse("[[1]]", 2).unwrap(), 2).is_ok());
        assert!(check_depth(&parse("[[[1]]]", 3).unwrap(), 2).is_err());
        assert!(check_depth(&parse("[[[]]]", 3).unwrap(), 2).is_err());
        let m = parse(r#"{"a": [[1]]}"#, 3).unwrap();
        assert!(check_object(m.as_object().unwrap(), 3).is_ok());
        assert_eq!(
            check_object(m.as_object().unwrap(), 2),
            Err(Refusal::TooDeep(vec![
                "a".into(),
                "[0]".into(),
                String::new()
            ]))
        );
        let deep = format!("{}{}", "[".repeat(127), "]".repeat(127));
        let r = parse(&format!(r#"{{"k": {deep}}}"#), MAX_DEPTH).unwrap_err();
        assert_eq!(
            r.describe("metadata"),
            "field 'metadata.k' nests deeper than 32 levels, the limit for stored JSON"
        );
        assert!(r.describe("").contains("deeper than 32 levels"));
    }

    #[test]
    fn values_come_out_as_serde_json_reads_them() {
        let text = r#"{"b": [1, -2, 3.5, "x", null, true], "a": {"c": {}}}"#;
        assert_eq!(
            parse(text, 5).unwrap(),
            serde_json::from_str::<Value>(text).unwrap()
        );
        assert!(matches!(parse("{", 5), Err(Refusal::Syntax(_))));
        assert!(matches!(parse("1 2", 5), Err(Refusal::Syntax(_))));
    }
}
