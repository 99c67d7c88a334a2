//! The fields of one imported record, taken one by one, and the one-line refusals that
//! name the record (`line 7: field 'value': …; nothing was imported`). Readers and the
//! importer alike refuse a record through these.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::clock::{parse_timestamp, timestamp};
use crate::error::{Error, Result};
use crate::json;

/// A parsed JSON value as the record at `at`: an object, or refused.
pub(super) fn object(at: &str, parsed: Result<Value, json::Refusal>) -> Result<Map<String, Value>> {
    match parsed {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(Error::usage(format!(
            "{at}: expected a JSON object; nothing was imported"
        ))),
        Err(r) => Err(refused(at, "", &r)),
    }
}

/// A strict-JSON refusal as the one-line import error of record `at`.
pub(super) fn refused(at: &str, prefix: &str, r: &json::Refusal) -> Error {
    Error::usage(format!(
        "{at}: {}; nothing was imported",
        r.describe(prefix)
    ))
}

/// One record's fields in the order given (each key once), as [`json::parse_record`] reads
/// a line or as a CSV row or a JSON document's element was made: what [`Fields`] takes
/// fields from, without a map of owned keys.
#[derive(Debug, Default)]
pub(super) struct Record<'a> {
    entries: json::Entries<'a>,
}

impl<'a> Record<'a> {
    pub fn new(entries: json::Entries<'a>) -> Record<'a> {
        Record { entries }
    }

    pub fn from_map(map: Map<String, Value>) -> Record<'a> {
        let entries = map
            .into_iter()
            .map(|(k, v)| (Cow::Owned(k), json::Field::from_value(v)))
            .collect();
        Record { entries }
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.entries.iter().position(|(k, _)| k == key)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Whether the record gives `key`, not null.
    pub fn gives(&self, key: &str) -> bool {
        self.position(key)
            .is_some_and(|i| self.entries[i].1 != json::Field::Value(Value::Null))
    }

    /// The text of `key`, if it is text.
    pub fn text(&self, key: &str) -> Option<&str> {
        match &self.entries[self.position(key)?].1 {
            json::Field::Text(t) => Some(&**t),
            json::Field::Value(_) => None,
        }
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| &**k)
    }

    /// Removes `key`, keeping the others in order.
    fn remove(&mut self, key: &str) -> Option<json::Field<'a>> {
        let i = self.position(key)?;
        Some(self.entries.remove(i).1)
    }

    /// The fields left, as a JSON object in their order.
    pub fn into_map(self) -> Map<String, Value> {
        self.entries
            .into_iter()
            .map(|(k, v)| (k.into_owned(), v.into_value()))
            .collect()
    }
}

/// The fields of one record, taken one by one; what is left at the end is unknown.
pub(super) struct Fields<'a> {
    pub at: &'a str,
    pub map: Record<'a>,
}

impl<'a> Fields<'a> {
    pub fn bad(&self, key: &str, msg: impl std::fmt::Display) -> Error {
        Error::usage(format!(
            "{}: field '{key}': {msg}; nothing was imported",
            self.at
        ))
    }

    pub fn take(&mut self, key: &str) -> Option<Value> {
        self.take_field(key).map(json::Field::into_value)
    }

    fn take_field(&mut self, key: &str) -> Option<json::Field<'a>> {
        self.map
            .remove(key)
            .filter(|v| *v != json::Field::Value(Value::Null))
    }

    pub fn string(&mut self, key: &str) -> Result<Option<String>> {
        Ok(self.text(key)?.map(Cow::into_owned))
    }

    /// [`Fields::string`], borrowed from the input where it can be.
    pub fn text(&mut self, key: &str) -> Result<Option<Cow<'a, str>>> {
        match self.take_field(key) {
            None => Ok(None),
            Some(json::Field::Text(t)) => Ok(Some(t)),
            Some(json::Field::Value(Value::String(s))) => Ok(Some(Cow::Owned(s))),
            Some(json::Field::Value(other)) => {
                Err(self.bad(key, format!("expected text, got {other}")))
            }
        }
    }

    pub fn required(&mut self, key: &str) -> Result<String> {
        Ok(self.required_text(key)?.into_owned())
    }

    /// [`Fields::required`], borrowed from the input where it can be.
    pub fn required_text(&mut self, key: &str) -> Result<Cow<'a, str>> {
        self.text(key)?
            .ok_or_else(|| self.bad(key, "it is missing"))
    }

    pub fn int(&mut self, key: &str) -> Result<Option<i64>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Number(n)) if n.is_i64() => Ok(n.as_i64()),
            Some(other) => Err(self.bad(key, format!("expected a whole number, got {other}"))),
        }
    }

    pub fn boolean(&mut self, key: &str) -> Result<Option<bool>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(other) => Err(self.bad(key, format!("expected true or false, got {other}"))),
        }
    }

    pub fn timestamp(&mut self, key: &str) -> Result<Option<String>> {
        match self.text(key)? {
            None => Ok(None),
            Some(t) => match parse_timestamp(&t) {
                // Already as rex writes it (UTC, whole seconds): keep the text.
                Some(_) if t.len() == 20 && t.as_bytes()[10] == b'T' && t.ends_with('Z') => {
                    Ok(Some(t.into_owned()))
                }
                Some(parsed) => Ok(Some(timestamp(parsed))),
                None => Err(self.bad(
                    key,
                    format!("'{t}' is not an RFC 3339 time like 2026-03-01T09:00:00Z"),
                )),
            },
        }
    }

    pub fn parsed<T>(
        &mut self,
        key: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<Option<T>> {
        match self.text(key)? {
            None => Ok(None),
            Some(t) => parse(&t).map(Some).map_err(|e| self.bad(key, e)),
        }
    }

    pub fn finish(self) -> Result<()> {
        match self.map.keys().next() {
            None => Ok(()),
            Some(k) => Err(Error::usage(format!(
                "{}: unknown field '{k}'; nothing was imported",
                self.at
            ))),
        }
    }
}
