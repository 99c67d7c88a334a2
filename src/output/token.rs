//! What API tokens look like: `rex token list` (never a secret or a hash), and a token just
//! created, the one record that carries its secret (`rex token create -o json`).

use comfy_table::Cell;
use serde::Serialize;

use super::views::{opt, text};
use super::{relative, Column, Fit, Record, Style};
use crate::ops::token::{Created, Role, Token};

impl Record for Token {
    const FIELDS: &'static [&'static str] = &[
        "name",
        "role",
        "owner",
        "created_at",
        "last_used_at",
        "expires_at",
    ];
    fn id(&self) -> String {
        self.name.clone()
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column::new("name", "Name", |t: &Self, _| text(&t.name)).fit(Fit::Text(0)),
            Column::new("role", "Role", |t: &Self, _| Cell::new(t.role.as_str())),
            Column::new("owner", "Owner", |t: &Self, _| opt(&t.owner)).fit(Fit::Text(2)),
            Column::new("created_at", "Created", |t: &Self, _| {
                created(&t.created_at)
            })
            .fit(Fit::Fixed(3)),
            Column::new("last_used_at", "Last used", |t: &Self, s| last_used(t, s))
                .fit(Fit::Fixed(1)),
            Column::new("expires_at", "Expires", |t: &Self, s| {
                expires(&t.expires_at, s)
            }),
        ]
    }
}

/// When the token was last used, as long ago as that was (`5m ago`), or `never`.
fn last_used(t: &Token, style: &Style) -> Cell {
    let at = t
        .last_used_at
        .as_deref()
        .and_then(crate::clock::parse_timestamp);
    Cell::new(match (at, &t.last_used_at) {
        (Some(at), _) => relative(style.now - at),
        (None, Some(stored)) => stored.clone(),
        (None, None) => "never".into(),
    })
}

/// The local date a token expires on, `expired` once it has, or `never`.
fn expires(at: &Option<String>, style: &Style) -> Cell {
    let Some(stored) = at else {
        return Cell::new("never");
    };
    match crate::clock::parse_timestamp(stored) {
        Some(t) if t <= style.now => Cell::new("expired"),
        Some(t) => Cell::new(crate::clock::local_day(t)),
        None => Cell::new(stored),
    }
}

/// The local date a token was created on.
fn created(stored: &str) -> Cell {
    match crate::clock::parse_timestamp(stored) {
        Some(t) => Cell::new(crate::clock::local_day(t)),
        None => Cell::new(stored),
    }
}

/// A token just created, with its secret (`token`): shown this once, kept nowhere.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedToken {
    pub name: String,
    pub role: Role,
    pub owner: Option<String>,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub token: String,
}

impl From<Created> for CreatedToken {
    fn from(c: Created) -> Self {
        CreatedToken {
            name: c.token.name,
            role: c.token.role,
            owner: c.token.owner,
            created_at: c.token.created_at,
            expires_at: c.token.expires_at,
            token: c.secret,
        }
    }
}

impl Record for CreatedToken {
    const FIELDS: &'static [&'static str] =
        &["name", "role", "owner", "created_at", "expires_at", "token"];
    /// The secret: what `-o id` prints, as a script needs it (the name it already has).
    fn id(&self) -> String {
        self.token.clone()
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column::new("name", "Name", |t: &Self, _| text(&t.name)).fit(Fit::Text(0)),
            Column::new("role", "Role", |t: &Self, _| Cell::new(t.role.as_str())),
            Column::new("owner", "Owner", |t: &Self, _| opt(&t.owner)).fit(Fit::Text(2)),
            Column::new("created_at", "Created", |t: &Self, _| {
                created(&t.created_at)
            }),
            Column::new("expires_at", "Expires", |t: &Self, s| {
                expires(&t.expires_at, s)
            }),
            Column::new("token", "Token", |t: &Self, _| Cell::new(&t.token)),
        ]
    }
}
