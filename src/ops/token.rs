//! API tokens (`rex token`, `rex serve`): who may call the HTTP API and as what role, and
//! the responses kept for `Idempotency-Key` retries. The database keeps a token's hash,
//! never its secret.
//!
//! A secret is `rex_` and 43 characters of base62 drawn from the system's random numbers:
//! 256 bits, so that the SHA-256 of it, unsalted, is all that needs keeping (nobody can
//! guess a secret from its hash, or try enough of them). Both the tokens and the kept
//! responses live in the database, so every server process on it sees the same.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::clock::{parse_timestamp, timestamp, Clock};
use crate::error::{Error, Result};
use crate::record::{clean_text, DealText};
use crate::store::{damaged, StoredReplay, StoredToken, Tx};

/// The most characters a token's name may have.
pub const NAME_MAX: usize = 100;

/// How long a kept response answers a retry of its request.
pub const REPLAY_KEPT: Duration = Duration::hours(24);

/// A token's last use is written at most this often: a stream of reads stays reads.
pub const TOUCH_EVERY: Duration = Duration::seconds(60);

/// What a secret starts with, so that people and secret scanners know one when they see it.
pub const SECRET_PREFIX: &str = "rex_";

/// How many base62 characters follow the prefix: 43 of them carry 256 bits.
pub const SECRET_CHARS: usize = 43;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// GET only.
    Reader,
    /// Reads everything; creates deals and changes only its owner's.
    Member,
    /// Everything.
    Admin,
}

impl Role {
    /// The role as stored and printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Member => "member",
            Role::Admin => "admin",
        }
    }

    fn stored(text: &str) -> Option<Role> {
        [Role::Reader, Role::Member, Role::Admin]
            .into_iter()
            .find(|r| r.as_str() == text)
    }
}

/// A token as `rex token list` shows it (never its secret or hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Token {
    pub name: String,
    pub role: Role,
    pub owner: Option<String>,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub expires_at: Option<String>,
}

/// A new token (`rex token create`).
#[derive(Debug, Clone)]
pub struct NewToken {
    pub name: String,
    pub role: Role,
    pub owner: Option<String>,
    /// How long it lives from the clock's now; None: until revoked.
    pub expires: Option<chrono::Duration>,
}

/// A token just created, with its secret: shown once, kept nowhere.
#[derive(Debug, Clone)]
pub struct Created {
    pub token: Token,
    pub secret: String,
}

/// Creates a token: its name checked like other names and free, a member's owner given,
/// its expiry counted from the clock's now. The secret is returned, and only its hash kept.
pub fn create(tx: &dyn Tx, clock: &Clock, new: &NewToken) -> Result<Created> {
    crate::ops::team::may_manage_tokens(tx)?;
    let name = clean_text("the token name", &new.name, NAME_MAX).map_err(Error::Usage)?;
    // A token's name is one word: the last of a request's log line.
    if name.chars().any(char::is_whitespace) {
        return Err(Error::usage(format!(
            "the token name '{name}' has a space; name it in one word, like website-form"
        )));
    }
    let owner = new
        .owner
        .as_deref()
        .map(|o| DealText::Owner.check(o))
        .transpose()
        .map_err(Error::Usage)?;
    if new.role == Role::Member && owner.is_none() {
        return Err(Error::usage(
            "a member token works on its owner's deals; name the owner with --owner OWNER",
        ));
    }
    let expires_at = new
        .expires
        .map(|d| expiry(clock.now(), d))
        .transpose()?
        .map(timestamp);
    let taken = || {
        Error::conflict(format!(
            "a token named '{name}' exists; rex token revoke {} first, or pick another name",
            crate::text::shell_word(&name)
        ))
    };
    if tx.token_named(&name)?.is_some() {
        return Err(taken());
    }
    let secret = new_secret()?;
    let token = Token {
        name: name.clone(),
        role: new.role,
        owner,
        created_at: clock.timestamp(),
        last_used_at: None,
        expires_at,
    };
    if !tx.insert_token(&stored(&token, hash(&secret)))? {
        return Err(taken());
    }
    Ok(Created { token, secret })
}

/// Every token, by name.
pub fn list(tx: &dyn Tx) -> Result<Vec<Token>> {
    crate::ops::team::may_manage_tokens(tx)?;
    tx.tokens()?.into_iter().map(from_stored).collect()
}

/// Revokes the token named `name`: its row goes, so the next request with it is refused on
/// every server, and the responses kept for it go with it (a new token of the same name
/// starts with none).
pub fn revoke(tx: &dyn Tx, name: &str) -> Result<Token> {
    crate::ops::team::may_manage_tokens(tx)?;
    let name = name.trim();
    let Some(found) = tx.token_named(name)? else {
        let names: Vec<String> = tx.tokens()?.into_iter().map(|t| t.name).collect();
        let there = if names.is_empty() {
            "there are none".to_string()
        } else {
            format!("tokens: {}", super::lookup::quoted(&names, 10))
        };
        return Err(Error::not_found(format!(
            "no token named '{name}'; {there}"
        )));
    };
    let token = from_stored(found)?;
    tx.delete_token(&token.name)?;
    tx.forget_replays(&token.name)?;
    Ok(token)
}

/// The live token whose secret `secret` is: known, not revoked, not expired at the clock's
/// now; None otherwise.
pub fn authenticate(tx: &dyn Tx, clock: &Clock, secret: &str) -> Result<Option<Token>> {
    let Some(found) = tx.token_by_hash(&hash(secret))? else {
        return Ok(None);
    };
    let token = from_stored(found)?;
    let expired = match token.expires_at.as_deref() {
        None => false,
        // A time rex cannot read lets nobody in.
        Some(at) => parse_timestamp(at).is_none_or(|at| at <= clock.now()),
    };
    Ok((!expired).then_some(token))
}

/// Whether [`touch`] would write: the token was not used within [`TOUCH_EVERY`]. A server
/// can skip the write transaction when it would not.
pub fn due_for_touch(clock: &Clock, token: &Token) -> bool {
    match token.last_used_at.as_deref().and_then(parse_timestamp) {
        None => true,
        Some(at) => at <= clock.now() - TOUCH_EVERY,
    }
}

/// Records that `token` was used now (at most once a minute, so that reads stay reads).
pub fn touch(tx: &dyn Tx, clock: &Clock, token: &Token) -> Result<()> {
    let since = timestamp(clock.now() - TOUCH_EVERY);
    tx.touch_token(&token.name, &clock.timestamp(), &since)
}

/// A response kept for an `Idempotency-Key`: what a retry of the same request gets back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replay {
    /// The hash of the request (method, path, body) the response answered.
    pub request_hash: String,
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

/// The response kept for `key` of `scope` (a token's name) within the last 24 hours.
pub fn replay(tx: &dyn Tx, clock: &Clock, scope: &str, key: &str) -> Result<Option<Replay>> {
    let Some(kept) = tx.replay(scope, key)? else {
        return Ok(None);
    };
    let fresh = parse_timestamp(&kept.created_at)
        .ok_or_else(|| damaged("kept response", key, "its time cannot be read"))?
        >= clock.now() - REPLAY_KEPT;
    if !fresh {
        return Ok(None);
    }
    let status = u16::try_from(kept.status)
        .map_err(|_| damaged("kept response", key, format!("status {}", kept.status)))?;
    Ok(Some(Replay {
        request_hash: kept.request_hash,
        status,
        location: kept.location,
        body: kept.body,
    }))
}

/// Keeps `replay` for `key` of `scope`, in the transaction that made it; a key another
/// transaction took meanwhile is busy (the caller's transaction is retried, and then finds
/// it with [`replay`]). A response kept for the key more than 24 hours ago is replaced, and
/// every such stale response goes as a new one is kept.
pub fn save_replay(
    tx: &dyn Tx,
    clock: &Clock,
    scope: &str,
    key: &str,
    replay: &Replay,
) -> Result<()> {
    let kept = StoredReplay {
        request_hash: replay.request_hash.clone(),
        status: i64::from(replay.status),
        location: replay.location.clone(),
        body: replay.body.clone(),
        created_at: clock.timestamp(),
    };
    let stale_before = timestamp(clock.now() - REPLAY_KEPT);
    if tx.insert_replay(scope, key, &kept, &stale_before)? {
        Ok(())
    } else {
        Err(Error::Busy(
            "another request with the same Idempotency-Key was answered meanwhile; nothing was changed, try again".into(),
        ))
    }
}

/// A token's lifetime read from `90d`, `12h`, `30m` or `2w` (`rex token create --expires`).
pub fn parse_duration(text: &str) -> Result<Duration> {
    let bad = || {
        Error::usage(format!(
            "expires '{}' is not a duration; give a whole number and a unit: 30m (minutes), 12h (hours), 90d (days) or 2w (weeks)",
            text.trim()
        ))
    };
    let t = text.trim();
    let unit = t.chars().last().ok_or_else(bad)?;
    let digits = &t[..t.len() - unit.len_utf8()];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n: i64 = digits.parse().map_err(|_| bad())?;
    let duration = match unit {
        'm' => Duration::try_minutes(n),
        'h' => Duration::try_hours(n),
        'd' => Duration::try_days(n),
        'w' => Duration::try_weeks(n),
        _ => None,
    };
    match duration {
        Some(d) if n > 0 => Ok(d),
        Some(_) => Err(Error::usage(format!(
            "expires '{t}' is no time at all; give at least 1m"
        ))),
        None => Err(bad()),
    }
}

/// When a token made at `now` that lives `lifetime` expires; within the years rex writes.
fn expiry(now: DateTime<Utc>, lifetime: Duration) -> Result<DateTime<Utc>> {
    if lifetime <= Duration::zero() {
        return Err(Error::usage("a token's lifetime must be at least 1m"));
    }
    now.checked_add_signed(lifetime)
        .filter(|at| chrono::Datelike::year(at) <= 9999)
        .ok_or_else(|| {
            Error::usage("the token would expire after the year 9999; give a shorter --expires, or none to keep it until it is revoked")
        })
}

/// A new secret: the prefix and [`SECRET_CHARS`] base62 characters, each drawn evenly from
/// the system's random bytes (a byte of 248 or more is drawn again, so that no character
/// is likelier than another).
fn new_secret() -> Result<String> {
    const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut secret = String::with_capacity(SECRET_PREFIX.len() + SECRET_CHARS);
    secret.push_str(SECRET_PREFIX);
    let mut bytes = [0u8; 64];
    while secret.len() < SECRET_PREFIX.len() + SECRET_CHARS {
        getrandom::fill(&mut bytes).map_err(|e| {
            Error::Failed(format!(
                "the system gave no random numbers for the secret ({e}); nothing was changed"
            ))
        })?;
        for b in bytes.iter().filter(|b| **b < 248) {
            if secret.len() < SECRET_PREFIX.len() + SECRET_CHARS {
                secret.push(char::from(BASE62[usize::from(b % 62)]));
            }
        }
    }
    Ok(secret)
}

/// The SHA-256 of a secret, in lower-case hex: what the database keeps.
pub fn hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn stored(t: &Token, hash: String) -> StoredToken {
    StoredToken {
        name: t.name.clone(),
        role: t.role.as_str().to_string(),
        owner: t.owner.clone(),
        hash,
        created_at: t.created_at.clone(),
        last_used_at: t.last_used_at.clone(),
        expires_at: t.expires_at.clone(),
    }
}

fn from_stored(t: StoredToken) -> Result<Token> {
    let role = Role::stored(&t.role)
        .ok_or_else(|| damaged("token", &t.name, format!("role '{}'", t.role)))?;
    Ok(Token {
        name: t.name,
        role,
        owner: t.owner,
        created_at: t.created_at,
        last_used_at: t.last_used_at,
        expires_at: t.expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::testing;

    fn later(clock: &Clock, by: Duration) -> Clock {
        Clock::at(clock.now() + by)
    }

    fn new(name: &str, role: Role, owner: Option<&str>) -> NewToken {
        NewToken {
            name: name.into(),
            role,
            owner: owner.map(String::from),
            expires: None,
        }
    }

    fn kept(body: &str) -> Replay {
        Replay {
            request_hash: format!("hash of {body}"),
            status: 201,
            location: Some("/deals/deal_1".into()),
            body: body.into(),
        }
    }

    #[test]
    fn a_secret_is_known_by_its_hash_alone() {
        let (_dir, mut store) = testing::store();
        let clock = testing::clock();
        let made = store
            .write(|tx| create(tx, &clock, &new("ci", Role::Admin, None)))
            .unwrap();
        let secret = &made.secret;
        assert_eq!(secret.len(), 47);
        assert!(secret.starts_with("rex_"));
        assert!(secret[4..].bytes().all(|b| b.is_ascii_alphanumeric()));
        let stored = store.read(|tx| tx.tokens()).unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].hash, hash(secret));
        assert_eq!(stored[0].hash.len(), 64);
        let found = store
            .read(|tx| authenticate(tx, &clock, secret))
            .unwrap()
            .unwrap();
        assert_eq!(found, made.token);
        // One character other than the secret's last (was: "x", which the secret ended in
        // once in 62 runs, so the test failed by chance).
        let other_last = if secret.ends_with('x') { 'y' } else { 'x' };
        let wrong = format!("{}{other_last}", &secret[..46]);
        assert_eq!(
            store.read(|tx| authenticate(tx, &clock, &wrong)).unwrap(),
            None
        );
        // Another secret each time.
        let other = store
            .write(|tx| create(tx, &clock, &new("cd", Role::Reader, None)))
            .unwrap();
        assert_ne!(other.secret, made.secret);
    }

    #[test]
    fn an_expired_or_revoked_token_lets_nobody_in() {
        let (_dir, mut store) = testing::store();
        let clock = testing::clock();
        let mut short = new("short", Role::Reader, None);
        short.expires = Some(Duration::hours(1));
        let made = store.write(|tx| create(tx, &clock, &short)).unwrap();
        assert_eq!(
            made.token.expires_at.as_deref(),
            Some("2026-03-10T10:00:00Z")
        );
        let at = |by| later(&clock, by);
        let seen = |store: &mut crate::store::Store, c: Clock| {
            store
                .read(|tx| authenticate(tx, &c, &made.secret))
                .unwrap()
                .is_some()
        };
        assert!(seen(&mut store, at(Duration::minutes(59))));
        assert!(!seen(&mut store, at(Duration::hours(1))));
        assert!(seen(&mut store, clock));
        let revoked = store.write(|tx| revoke(tx, "short")).unwrap();
        assert_eq!(revoked, made.token);
        assert!(!seen(&mut store, clock));
    }

    #[test]
    fn names_owners_and_lifetimes_are_checked() {
        let (_dir, mut store) = testing::store();
        let clock = testing::clock();
        let refused = |store: &mut crate::store::Store, t: NewToken| {
            let e = store.write(|tx| create(tx, &clock, &t)).unwrap_err();
            (e.exit_code(), e.to_string())
        };
        assert_eq!(
            refused(&mut store, new("  ", Role::Admin, None)),
            (2, "the token name is empty; give some text".into())
        );
        assert_eq!(refused(&mut store, new("a\u{1b}b", Role::Admin, None)).0, 2);
        assert_eq!(
            refused(&mut store, new(&"n".repeat(101), Role::Admin, None)),
            (
                2,
                "the token name is 101 characters long; the limit is 100".into()
            )
        );
        assert_eq!(
            refused(&mut store, new("web", Role::Member, None)),
            (
                2,
                "a member token works on its owner's deals; name the owner with --owner OWNER"
                    .into()
            )
        );
        let mut forever = new("far", Role::Reader, None);
        forever.expires = Some(Duration::weeks(1_000_000));
        assert_eq!(refused(&mut store, forever).0, 2);
        store
            .write(|tx| create(tx, &clock, &new(" my-token ", Role::Admin, None)))
            .unwrap();
        assert_eq!(
            refused(&mut store, new("my-token", Role::Reader, None)),
            (
                4,
                "a token named 'my-token' exists; rex token revoke my-token first, or pick another name"
                    .into()
            )
        );
        assert_eq!(
            refused(&mut store, new("my token", Role::Reader, None)),
            (
                2,
                "the token name 'my token' has a space; name it in one word, like website-form"
                    .into()
            )
        );
        let e = store.write(|tx| revoke(tx, "nobody")).unwrap_err();
        assert_eq!(
            (e.exit_code(), e.to_string()),
            (3, "no token named 'nobody'; tokens: 'my-token'".into())
        );
    }

    #[test]
    fn last_use_is_written_at_most_once_a_minute() {
        let (_dir, mut store) = testing::store();
        let clock = testing::clock();
        store
            .write(|tx| create(tx, &clock, &new("ci", Role::Admin, None)))
            .unwrap();
        let used = |store: &mut crate::store::Store| {
            store.read(|tx| list(tx)).unwrap()[0].last_used_at.clone()
        };
        let touched = |store: &mut crate::store::Store, c: Clock| {
            let t = store.read(|tx| list(tx)).unwrap().remove(0);
            let due = due_for_touch(&c, &t);
            store.write(|tx| touch(tx, &c, &t)).unwrap();
            due
        };
        assert_eq!(used(&mut store), None);
        assert!(touched(&mut store, clock));
        assert_eq!(used(&mut store).as_deref(), Some("2026-03-10T09:00:00Z"));
        assert!(!touched(&mut store, later(&clock, Duration::seconds(59))));
        assert_eq!(used(&mut store).as_deref(), Some("2026-03-10T09:00:00Z"));
        assert!(touched(&mut store, later(&clock, Duration::seconds(60))));
        assert_eq!(used(&mut store).as_deref(), Some("2026-03-10T09:01:00Z"));
    }

    #[test]
    fn a_kept_response_answers_its_key_for_24_hours() {
        let (_dir, mut store) = testing::store();
        let clock = testing::clock();
        let first = kept("{\"id\":1}");
        store
            .write(|tx| save_replay(tx, &clock, "ci", "k1", &first))
            .unwrap();
        let found = |store: &mut crate::store::Store, c: Clock, scope: &str, key: &str| {
            store.read(|tx| replay(tx, &c, scope, key)).unwrap()
        };
        assert_eq!(found(&mut store, clock, "ci", "k1"), Some(first.clone()));
        // Scoped to the token, and to the key.
        assert_eq!(found(&mut store, clock, "cd", "k1"), None);
        assert_eq!(found(&mut store, clock, "ci", "k2"), None);
        let day = Duration::hours(24);
        assert_eq!(
            found(&mut store, later(&clock, day), "ci", "k1"),
            Some(first.clone())
        );
        assert_eq!(
            found(
                &mut store,
                later(&clock, day + Duration::seconds(1)),
                "ci",
                "k1"
            ),
            None
        );
        // A key already taken within the 24 hours is busy, and nothing is replaced.
        let second = kept("{\"id\":2}");
        let soon = later(&clock, Duration::hours(23));
        let e = store
            .write(|tx| save_replay(tx, &soon, "ci", "k1", &second))
            .unwrap_err();
        assert!(matches!(e, Error::Busy(_)), "{e:?}");
        assert_eq!(e.exit_code(), 5);
        assert_eq!(found(&mut store, soon, "ci", "k1"), Some(first.clone()));
        // The same key of another token is another key.
        store
            .write(|tx| save_replay(tx, &soon, "cd", "k1", &second))
            .unwrap();
        assert_eq!(found(&mut store, soon, "cd", "k1"), Some(second.clone()));
        // After 24 hours the key is free again: the old response is replaced.
        let next_day = later(&clock, day + Duration::seconds(1));
        store
            .write(|tx| save_replay(tx, &next_day, "ci", "k1", &second))
            .unwrap();
        assert_eq!(found(&mut store, next_day, "ci", "k1"), Some(second));
    }

    #[test]
    fn stale_responses_go_as_new_ones_are_kept_and_a_revoked_token_takes_its_own() {
        let (_dir, mut store) = testing::store();
        let clock = testing::clock();
        store
            .write(|tx| create(tx, &clock, &new("ci", Role::Admin, None)))
            .unwrap();
        for (scope, key) in [("ci", "a"), ("ci", "b"), ("other", "a")] {
            store
                .write(|tx| save_replay(tx, &clock, scope, key, &kept(key)))
                .unwrap();
        }
        let raw = |store: &mut crate::store::Store, scope: &str, key: &str| {
            store.read(|tx| tx.replay(scope, key)).unwrap().is_some()
        };
        store.write(|tx| revoke(tx, "ci")).unwrap();
        assert!(!raw(&mut store, "ci", "a") && !raw(&mut store, "ci", "b"));
        assert!(raw(&mut store, "other", "a"));
        let next_day = later(&clock, Duration::hours(25));
        store
            .write(|tx| save_replay(tx, &next_day, "third", "z", &kept("z")))
            .unwrap();
        assert!(!raw(&mut store, "other", "a"));
        assert!(raw(&mut store, "third", "z"));
    }

    #[test]
    fn durations_are_minutes_hours_days_or_weeks() {
        assert_eq!(parse_duration("30m").unwrap(), Duration::minutes(30));
        assert_eq!(parse_duration("12h").unwrap(), Duration::hours(12));
        assert_eq!(parse_duration(" 90d ").unwrap(), Duration::days(90));
        assert_eq!(parse_duration("2w").unwrap(), Duration::weeks(2));
        let bad = "expires '{}' is not a duration; give a whole number and a unit: 30m (minutes), 12h (hours), 90d (days) or 2w (weeks)";
        for text in [
            "",
            "d",
            "90",
            "90s",
            "1.5d",
            "-1d",
            "+1d",
            "90 d",
            "9é",
            "99999999999999999999w",
        ] {
            let e = parse_duration(text).unwrap_err();
            assert_eq!(
                (e.exit_code(), e.to_string()),
                (2, bad.replace("{}", text.trim())),
                "{text:?}"
            );
        }
        assert_eq!(
            parse_duration("0h").unwrap_err().to_string(),
            "expires '0h' is no time at all; give at least 1m"
        );
    }
}
