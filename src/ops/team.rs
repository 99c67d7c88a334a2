//! Team roles (`rex team`, `rex audit`) and the rules rex checks before a write on a team's
//! PostgreSQL database: a reader writes nothing, a member changes only the deals of its own
//! owner id (and their activities) and no pipeline, an admin everything. The server enforces
//! the same rules itself (grants and row-level security; see `store/postgres/team.sql`),
//! for psql as for rex; rex checks first so that a refusal is one line that says why, and
//! the HTTP server, which runs these operations too, refuses the same. A database without
//! team roles, and a SQLite file, refuse nothing here.

use crate::error::{Error, Result};
use crate::id::DealId;
use crate::ops::lookup::deal_named;
use crate::record::{Deal, DealText};
use crate::store::{
    AuditEvent, AuditFilter, InitStep, Joined, Left, Seat, Team, TeamMember, TeamRole, Tx,
};

/// What `rex team` and `rex audit` say on a SQLite file.
pub const TEAM_ONLY: &str =
    "team roles are a PostgreSQL feature: point REX_DB at a team's PostgreSQL database";

/// The logins rex's roles are, and names PostgreSQL keeps for itself: never a person's login.
const RESERVED: [&str; 9] = [
    "rex_owner",
    "rex_reader",
    "rex_member",
    "rex_admin",
    "public",
    "none",
    "current_user",
    "session_user",
    "current_role",
];

/// The longest name PostgreSQL keeps whole (NAMEDATALEN - 1 bytes).
const LOGIN_MAX_BYTES: usize = 63;

/// A login to add to the team.
#[derive(Debug, Clone)]
pub struct NewMember {
    pub login: String,
    pub role: TeamRole,
    /// The owner id its deals carry; default: the login.
    pub owner: Option<String>,
    /// For a login that does not exist yet.
    pub password: Option<String>,
}

/// The seat of a login whose role is limited (reader or member); None for one that may do
/// everything (an admin, the owner, or no team at all).
fn limited(tx: &dyn Tx) -> Option<(&Seat, TeamRole)> {
    let seat = tx.seat()?;
    match seat.role {
        Some(r @ (TeamRole::Reader | TeamRole::Member)) => Some((seat, r)),
        _ => None,
    }
}

/// Whether the login may do everything on the team's data (or there is no team).
pub fn is_admin(tx: &dyn Tx) -> bool {
    limited(tx).is_none()
}

/// Refuses a reader any write.
pub fn may_write(tx: &dyn Tx) -> Result<()> {
    match limited(tx) {
        Some((seat, TeamRole::Reader)) => Err(Error::Forbidden(format!(
            "{} is a reader: it may only read",
            seat.login
        ))),
        _ => Ok(()),
    }
}

/// Refuses a reader, and a member a deal whose owner is not its own: what it may change
/// (the deal, its activities, its history).
pub fn may_change(tx: &dyn Tx, deal: &Deal) -> Result<()> {
    may_write(tx)?;
    let Some((seat, _)) = limited(tx) else {
        return Ok(());
    };
    if deal.owner_id.is_some() && deal.owner_id == seat.owner_id {
        return Ok(());
    }
    let (named, _) = deal_named(tx, deal)?;
    let whose = deal.owner_id.as_deref().unwrap_or("nobody");
    Err(Error::Forbidden(format!(
        "deal {named} belongs to {whose}; members change only their own deals"
    )))
}

/// [`may_change`] for a deal named by its id (one that may be damaged is read first).
pub fn may_change_id(tx: &dyn Tx, id: DealId) -> Result<()> {
    may_write(tx)?;
    if limited(tx).is_none() {
        return Ok(());
    }
    match tx.deal(id)? {
        Some(deal) => may_change(tx, &deal),
        None => Ok(()),
    }
}

/// Refuses a member a deal owned by anyone but itself (a new deal, or a new owner).
pub fn may_own(tx: &dyn Tx, owner: Option<&str>) -> Result<()> {
    may_write(tx)?;
    let Some((seat, _)) = limited(tx) else {
        return Ok(());
    };
    let mine = seat.owner_id.as_deref().unwrap_or_default();
    if owner == Some(mine) {
        return Ok(());
    }
    Err(Error::Forbidden(format!(
        "{} is a member: its deals are owned by {mine}; members change only their own deals",
        seat.login
    )))
}

/// The owner of a new deal: as given, or else a member's own.
pub fn owner_of_new(tx: &dyn Tx, given: Option<String>) -> Option<String> {
    given.or_else(|| {
        limited(tx)
            .filter(|(_, r)| *r == TeamRole::Member)
            .and_then(|(s, _)| s.owner_id.clone())
    })
}

/// Refuses anyone but an admin a change to pipelines and stages.
pub fn may_change_pipelines(tx: &dyn Tx) -> Result<()> {
    may_write(tx)?;
    match limited(tx) {
        Some((seat, _)) => Err(Error::Forbidden(format!(
            "{} is a member: only admins change pipelines",
            seat.login
        ))),
        None => Ok(()),
    }
}

/// Refuses anyone but an admin the API's tokens (which members and readers cannot read).
pub fn may_manage_tokens(tx: &dyn Tx) -> Result<()> {
    match limited(tx) {
        Some((seat, role)) => Err(Error::Forbidden(format!(
            "{} is a {role}: only admins manage API tokens",
            seat.login
        ))),
        None => Ok(()),
    }
}

/// Refuses `rex serve` to a login that is not an admin's on a team database: it could not
/// read the API's tokens, and would start only to answer every request 403.
pub fn may_serve(tx: &dyn Tx) -> Result<()> {
    match limited(tx) {
        Some((seat, role)) => Err(Error::Forbidden(format!(
            "rex serve on a team database runs as an admin login: {} is a {role}, and only admins may read the API tokens",
            seat.login
        ))),
        None => Ok(()),
    }
}

/// The team of a PostgreSQL database; a SQLite file has none (exit 2).
fn team(tx: &dyn Tx) -> Result<&dyn Team> {
    tx.team().ok_or_else(|| Error::usage(TEAM_ONLY))
}

/// The team of a database `rex team init` set up.
fn set_up(tx: &dyn Tx) -> Result<&dyn Team> {
    let team = team(tx)?;
    if !team.is_team()? {
        return Err(Error::conflict(
            "this database has no team roles yet; an admin sets them up with rex team init",
        ));
    }
    Ok(team)
}

/// Refuses anyone but an admin (`what` names the command).
fn admins_only(tx: &dyn Tx, what: &str) -> Result<()> {
    if is_admin(tx) {
        Ok(())
    } else {
        Err(Error::Forbidden(format!("{what} is for admins")))
    }
}

/// Refuses a login that may not create or change roles (the server's, not the database's).
fn may_create_roles(team: &dyn Team, what: &str) -> Result<()> {
    if team.may_create_roles()? {
        return Ok(());
    }
    Err(Error::Forbidden(format!(
        "{what} needs a login with CREATEROLE or superuser; '{}' has neither",
        team.login()?
    )))
}

/// Sets the database up for team roles (see [`Team::init_team`]): what it did, step by step.
pub fn init(tx: &dyn Tx) -> Result<Vec<InitStep>> {
    let team = team(tx)?;
    admins_only(tx, "rex team init")?;
    may_create_roles(team, "rex team init")?;
    team.init_team()
}

/// The team, in login order.
pub fn list(tx: &dyn Tx) -> Result<Vec<TeamMember>> {
    set_up(tx)?.team_members()
}

/// `text` as a login to add: one line of at most 63 bytes, none of rex's roles or the
/// names PostgreSQL keeps. It is quoted as an identifier wherever it goes.
pub fn check_login(text: &str) -> Result<String> {
    if text.is_empty() || text.trim() != text {
        return Err(Error::usage(
            "LOGIN must be a PostgreSQL login name, without spaces around it",
        ));
    }
    if text.chars().any(|c| c.is_control()) {
        return Err(Error::usage("LOGIN must not hold control characters"));
    }
    // The login is the member's owner unless --owner says otherwise: it reads as it is.
    crate::record::clean_owner("LOGIN", text, DealText::OWNER_MAX).map_err(Error::Usage)?;
    if text.len() > LOGIN_MAX_BYTES {
        return Err(Error::usage(format!(
            "LOGIN must be at most {LOGIN_MAX_BYTES} bytes (PostgreSQL cuts longer names)"
        )));
    }
    if text.starts_with("pg_") || RESERVED.contains(&text.to_ascii_lowercase().as_str()) {
        return Err(Error::usage(format!(
            "'{text}' is a name PostgreSQL or rex keeps for itself; give a person's login"
        )));
    }
    Ok(text.to_string())
}

/// Whether adding `login` (as `owner`, else as itself) needs a password: it does not exist
/// yet (and would be created). Refuses what adding it would refuse, before anyone is asked
/// for a password.
pub fn needs_password(tx: &dyn Tx, login: &str, owner: Option<&str>) -> Result<bool> {
    if let Some(o) = owner {
        DealText::Owner.check(o).map_err(Error::Usage)?;
    }
    let team = set_up(tx)?;
    admins_only(tx, "rex team add")?;
    may_create_roles(team, "rex team add")?;
    let state = team.login_state(&check_login(login)?)?;
    if let Some(role) = state.on_team {
        return Err(Error::conflict(format!(
            "{login} is already on the team as {role}; rex team set-role {login} --role ROLE changes it"
        )));
    }
    if state.superuser {
        return Err(Error::conflict(format!(
            "{login} is a superuser: PostgreSQL refuses it nothing, whatever its rex role; add a login that is not"
        )));
    }
    // PostgreSQL's groups are the server's: a login another team database holds would be
    // changed by this team's admins too (its role, its removal), so it belongs to one team.
    if let Some(held) = state.groups.first() {
        return Err(Error::conflict(format!(
            "{login} holds {} from another rex team database on this server, and a login belongs to one team; use another login",
            held.group()
        )));
    }
    Ok(!state.exists)
}

/// Adds a login to the team: created with its password when it does not exist, else taken
/// on as it is (a password given for it is refused: rex does not change another's login).
pub fn add(tx: &dyn Tx, new: &NewMember) -> Result<(TeamMember, Joined)> {
    let needs = needs_password(tx, &new.login, new.owner.as_deref())?;
    let owner = match &new.owner {
        Some(o) => DealText::Owner.check(o).map_err(Error::Usage)?,
        None => new.login.clone(),
    };
    match (&new.password, needs) {
        (Some(_), false) => {
            return Err(Error::usage(format!(
                "login {} exists: rex adds it with the password it has; leave --password-file out",
                new.login
            )))
        }
        (None, true) => {
            return Err(Error::usage(format!(
                "login {} does not exist: rex creates it, and needs its password (a terminal's prompt or --password-file FILE)",
                new.login
            )))
        }
        (Some(p), true) if p.is_empty() => {
            return Err(Error::usage("the password is empty; give one"));
        }
        _ => {}
    }
    let team = set_up(tx)?;
    let joined = team.add_team_member(&new.login, new.role, &owner, new.password.as_deref())?;
    let member = team
        .team_members()?
        .into_iter()
        .find(|m| m.login == new.login)
        .ok_or_else(|| Error::Failed(format!("{} was added but is not on the team", new.login)))?;
    Ok((member, joined))
}

/// The member `login`, or not found.
fn on_team(team: &dyn Team, login: &str) -> Result<TeamMember> {
    team.team_members()?
        .into_iter()
        .find(|m| m.login == login)
        .ok_or_else(|| {
            Error::not_found(format!(
                "{login} is not on the team (rex team list shows who is)"
            ))
        })
}

/// Refuses a change to the login running it: an admin that removed or demoted itself
/// might leave nobody to undo it.
fn not_yourself(team: &dyn Team, login: &str, what: &str) -> Result<()> {
    if team.login()? != login {
        return Ok(());
    }
    Err(Error::conflict(format!(
        "{login} is your own login: ask another admin to {what}"
    )))
}

/// Refuses to take the team's last admin away (`member` leaving the admins): nobody
/// would be left to manage the team.
fn keeps_an_admin(team: &dyn Team, member: &TeamMember) -> Result<()> {
    let admins = team
        .team_members()?
        .iter()
        .filter(|m| m.role == TeamRole::Admin)
        .count();
    if member.role != TeamRole::Admin || admins > 1 {
        return Ok(());
    }
    Err(Error::conflict(format!(
        "{} is the team's last admin; make another login admin first (rex team set-role LOGIN --role admin)",
        member.login
    )))
}

/// Gives a member another role: the member as it is now, and the role it had.
pub fn set_role(tx: &dyn Tx, login: &str, role: TeamRole) -> Result<(TeamMember, TeamRole)> {
    let team = set_up(tx)?;
    admins_only(tx, "rex team set-role")?;
    may_create_roles(team, "rex team set-role")?;
    let member = on_team(team, login)?;
    not_yourself(team, login, "change its role")?;
    if role != TeamRole::Admin {
        keeps_an_admin(team, &member)?;
    }
    let was = member.role;
    if was != role {
        team.set_team_role(login, role)?;
    }
    Ok((on_team(team, login)?, was))
}

/// Takes a login off the team (its history stays): what it was, and what became of it.
pub fn remove(tx: &dyn Tx, login: &str) -> Result<(TeamMember, Left)> {
    let team = set_up(tx)?;
    admins_only(tx, "rex team remove")?;
    may_create_roles(team, "rex team remove")?;
    let member = on_team(team, login)?;
    not_yourself(team, login, "remove it")?;
    keeps_an_admin(team, &member)?;
    team.remove_team_member(login)?
        .ok_or_else(|| Error::not_found(format!("{login} is not on the team")))
}

/// The audit trail, newest first (admins only).
pub fn audit(tx: &dyn Tx, filter: &AuditFilter) -> Result<Vec<AuditEvent>> {
    let team = set_up(tx)?;
    admins_only(tx, "rex audit")?;
    team.audit_events(filter)
}
