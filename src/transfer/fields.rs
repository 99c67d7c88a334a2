//! The fields of one imported record, taken one by one, and the one-line refusals that
//! name the record (`line 7: field 'value': …; nothing was imported`). Readers and the
//! importer alike refuse a record through these.

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

/// The fields of one record, taken one by one; what is left at the end is unknown.
pub(super) struct Fields<'a> {
    pub at: &'a str,
    pub map: Map<String, Value>,
}

impl Fields<'_> {
    pub fn bad(&self, key: &str, msg: impl std::fmt::Display) -> Error {
        Error::usage(format!(
            "{}: field '{key}': {msg}; nothing was imported",
            self.at
        ))
    }

    pub fn take(&mut self, key: &str) -> Option<Value> {
        self.map.shift_remove(key).filter(|v| !v.is_null())
    }

    pub fn string(&mut self, key: &str) -> Result<Option<String>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(self.bad(key, format!("expected text, got {other}"))),
        }
    }

    pub fn required(&mut self, key: &str) -> Result<String> {
        self.string(key)?
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
        match self.string(key)? {
            None => Ok(None),
            Some(t) => match parse_timestamp(&t) {
                // Already as rex writes it (UTC, whole seconds): keep the text.
                Some(_) if t.len() == 20 && t.as_bytes()[10] == b'T' && t.ends_with('Z') => {
                    Ok(Some(t))
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
        match self.string(key)? {
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
