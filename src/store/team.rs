//! Team roles on a PostgreSQL database (`rex team`, `rex audit`): who the connection's login
//! is on the team, the team's members, and the audit trail. The database enforces the roles
//! itself (grants and row-level security, set up by `rex team init`); the rules rex checks
//! first, so that a refusal is one clear line, are the operations' (`ops::team`). The
//! store keeps the rows, runs the server's statements and says what happened as values.
//! A SQLite file is one person's: it has no team, and its transactions answer None.

use crate::error::Result;

/// What a login may do on a team database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TeamRole {
    /// Reads everything, writes nothing.
    Reader,
    /// Reads everything; changes only the deals of its own owner id.
    Member,
    /// Everything, including pipelines, owners and the team.
    Admin,
}

impl TeamRole {
    /// The role as stored and printed.
    pub fn as_str(self) -> &'static str {
        match self {
            TeamRole::Reader => "reader",
            TeamRole::Member => "member",
            TeamRole::Admin => "admin",
        }
    }

    /// The role a stored text names.
    pub fn stored(text: &str) -> Option<TeamRole> {
        [TeamRole::Reader, TeamRole::Member, TeamRole::Admin]
            .into_iter()
            .find(|r| r.as_str() == text)
    }

    /// The PostgreSQL group role that grants it.
    pub fn group(self) -> &'static str {
        match self {
            TeamRole::Reader => "rex_reader",
            TeamRole::Member => "rex_member",
            TeamRole::Admin => "rex_admin",
        }
    }
}

impl std::fmt::Display for TeamRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who the connection's login is on a team database, read once when rex connects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seat {
    /// The login (`session_user`).
    pub login: String,
    /// Its role on the team; None for a login that holds the owner role's rights itself (a
    /// superuser, or the database's owner before it is on the team): nothing is refused it.
    pub role: Option<TeamRole>,
    /// The owner id its deals carry (a member changes only those).
    pub owner_id: Option<String>,
}

/// A member of the team, as `rex team list` shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TeamMember {
    pub login: String,
    pub role: TeamRole,
    pub owner_id: String,
    /// Whether rex created the login (then `rex team remove` drops it).
    pub created_by_rex: bool,
    /// When it was added (RFC 3339, UTC).
    pub added_at: String,
    /// The login that added it.
    pub added_by: String,
}

/// One entry of the audit trail, as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AuditEvent {
    pub id: i64,
    /// When (RFC 3339, UTC, from the server's clock).
    pub at: String,
    /// The login that did it (`session_user`, set by the server).
    pub actor: String,
    pub kind: String,
    /// The deal, stage, pipeline or login it is about.
    pub subject_id: Option<String>,
    pub detail: serde_json::Value,
}

/// Which audit entries to read: at or after `since` (RFC 3339, UTC), of one actor.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub since: Option<String>,
    pub actor: Option<String>,
}

/// One thing `rex team init` did, or found done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InitStep {
    /// A group role: created now, or there already.
    Role { name: &'static str, created: bool },
    /// rex's tables, sequences and functions that now belong to the owner role (0: all did).
    Owned { objects: i64 },
    /// A table of the team: created now, or there already.
    Table { name: &'static str, created: bool },
    /// Row-level security and its policies on these tables (made again each time).
    Policies {
        tables: Vec<&'static str>,
        policies: i64,
    },
    /// The grants each group has.
    Grants,
    /// The login that ran it, made the team's first admin (a login that is not a
    /// superuser; created: it was not on the team before).
    FirstAdmin { login: String, created: bool },
}

/// What adding a login to the team did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joined {
    /// The login was created, with the password given.
    Created,
    /// An existing login was taken on.
    Adopted,
}

/// What removing a login from the team did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Left {
    /// Its rex role was revoked and the login, which rex had created, dropped.
    Dropped,
    /// Its rex role was revoked; the login stays (rex did not create it).
    Revoked,
    /// Its rex role was revoked; the login, which rex created, stays because it owns
    /// objects or holds privileges of its own elsewhere.
    KeptInUse,
}

/// How a login stands on the server, before it is added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginState {
    /// Whether the login exists.
    pub exists: bool,
    /// Whether it is a superuser (PostgreSQL refuses it nothing, whatever its rex role).
    pub superuser: bool,
    /// Its role on the team, when it is on it.
    pub on_team: Option<TeamRole>,
    /// The rex group roles it holds on the server (from another team database, if it is
    /// not on this team): the groups are the server's, so a login belongs to one team.
    pub groups: Vec<TeamRole>,
}

/// The team's roles and audit trail (PostgreSQL only).
pub trait Team {
    /// Whether the database is a team's (`rex team init` ran on it).
    fn is_team(&self) -> Result<bool>;
    /// The connection's login (`session_user`).
    fn login(&self) -> Result<String>;
    /// Whether the connection's login may create and change roles (CREATEROLE or superuser).
    fn may_create_roles(&self) -> Result<bool>;
    /// Sets the database up for team roles, keeping every row; running it again does what
    /// is missing. Needs a login that may create roles and owns rex's tables (or a superuser).
    fn init_team(&self) -> Result<Vec<InitStep>>;
    /// The team, in login order.
    fn team_members(&self) -> Result<Vec<TeamMember>>;
    /// How `login` stands on the server.
    fn login_state(&self, login: &str) -> Result<LoginState>;
    /// Adds `login` to the team as `role`, acting as `owner_id`: creates it with `password`
    /// when it does not exist (a login that exists is adopted, its password kept).
    fn add_team_member(
        &self,
        login: &str,
        role: TeamRole,
        owner_id: &str,
        password: Option<&str>,
    ) -> Result<Joined>;
    /// Gives a member another role; the role it had (None: it is not on the team).
    fn set_team_role(&self, login: &str, role: TeamRole) -> Result<Option<TeamRole>>;
    /// Takes `login` off the team; None when it is not on it.
    fn remove_team_member(&self, login: &str) -> Result<Option<(TeamMember, Left)>>;
    /// The audit trail `filter` selects, newest first.
    fn audit_events(&self, filter: &AuditFilter) -> Result<Vec<AuditEvent>>;
}
