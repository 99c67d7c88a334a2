//! `rex team …` and `rex audit`: team roles on a PostgreSQL database (see
//! [`crate::ops::team`]). A new login's password is asked for on a terminal, echo off, or
//! read from `--password-file`; it is never an argument (which `ps` and shell history show).

use std::io::{self, IsTerminal};
use std::path::Path;

use super::Ctx;
use crate::cli::{AuditArgs, TeamCommand, TeamRoleArg};
use crate::error::{Error, Result};
use crate::ops::team::{self as ops, NewMember};
use crate::output::{AuditView, Confirmation, Format};
use crate::store::{AuditFilter, InitStep, Joined, Left, TeamMember, TeamRole};

pub fn run(ctx: &mut Ctx, cmd: TeamCommand) -> Result<()> {
    match cmd {
        TeamCommand::Init => init(ctx),
        TeamCommand::Add {
            login,
            role,
            owner,
            password_file,
        } => add(ctx, login, role_of(role), owner, password_file.as_deref()),
        TeamCommand::List => {
            let team = ctx.store.read(|tx| ops::list(tx))?;
            ctx.out.list(team)
        }
        TeamCommand::SetRole { login, role } => {
            let role = role_of(role);
            let (member, was) = ctx.store.write(|tx| ops::set_role(tx, &login, role))?;
            let line = if was == role {
                Confirmation::new("").name(&member.login).text(&format!(
                    " is already {} {role}; nothing was changed",
                    article(role)
                ))
            } else {
                Confirmation::new("")
                    .name(&member.login)
                    .text(&format!(" is now {} {role} (was {was})", article(role)))
            };
            ctx.out.done(&line);
            shown(ctx, &member)
        }
        TeamCommand::Remove { login } => {
            let (member, left) = ctx.store.write(|tx| ops::remove(tx, &login))?;
            let what = match left {
                Left::Dropped => "; login dropped (rex had created it)",
                Left::Revoked => "; the login stays (rex did not create it)",
                Left::KeptInUse => {
                    "; the login stays: it owns objects or holds privileges elsewhere"
                }
            };
            ctx.out.done(
                &Confirmation::new("removed ")
                    .name(&member.login)
                    .text(&format!(" ({}) from the team{what}", member.role)),
            );
            shown(ctx, &member)
        }
    }
}

/// `rex audit`.
pub fn audit(ctx: &mut Ctx, args: &AuditArgs) -> Result<()> {
    let since = args
        .since
        .map(|d| d.resolve(&ctx.clock))
        .transpose()?
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| crate::clock::timestamp(crate::clock::local_to_utc(t)));
    let filter = AuditFilter {
        since,
        actor: args.actor.clone(),
    };
    let events = ctx.store.read(|tx| ops::audit(tx, &filter))?;
    ctx.out
        .list(events.into_iter().map(AuditView::from).collect())
}

fn role_of(role: TeamRoleArg) -> TeamRole {
    match role {
        TeamRoleArg::Reader => TeamRole::Reader,
        TeamRoleArg::Member => TeamRole::Member,
        TeamRoleArg::Admin => TeamRole::Admin,
    }
}

fn article(role: TeamRole) -> &'static str {
    match role {
        TeamRole::Admin => "an",
        _ => "a",
    }
}

/// A member printed as a record, when a format was asked for.
fn shown(ctx: &mut Ctx, member: &TeamMember) -> Result<()> {
    match ctx.out.chosen_format() {
        None | Some(Format::Table | Format::Wide) => Ok(()),
        Some(_) => ctx.out.one(member),
    }
}

fn init(ctx: &mut Ctx) -> Result<()> {
    let steps = ctx.store.write(|tx| ops::init(tx))?;
    for step in &steps {
        ctx.out.done(&Confirmation::new(&said(step)));
    }
    ctx.out
        .note("add each person with rex team add LOGIN --role reader|member|admin");
    Ok(())
}

/// One step of `rex team init`, as a line.
fn said(step: &InitStep) -> String {
    let made = |created: bool| if created { "created" } else { "kept" };
    match step {
        InitStep::Role { name, created } => {
            let what = match *name {
                "rex_owner" => "the owner of rex's tables (no login)",
                "rex_admin" => "group of admins (does not inherit the owner's rights)",
                "rex_member" => "group of members",
                _ => "group of readers",
            };
            format!("{} role {name}: {what}", made(*created))
        }
        InitStep::Owned { objects: 0 } => {
            "rex's tables, sequences and functions already belong to rex_owner".into()
        }
        InitStep::Owned { objects } => {
            format!("gave {objects} tables, sequences and functions to rex_owner")
        }
        InitStep::Table { name, created } => format!("{} table {name}", made(*created)),
        InitStep::Policies { tables, policies } => format!(
            "row-level security on {}: {policies} policies",
            tables.join(", ")
        ),
        InitStep::Grants => {
            "granted readers SELECT, members their own deals, admins everything".into()
        }
        InitStep::FirstAdmin {
            login,
            created: true,
        } => {
            format!("added {login}, who ran this, to the team as its first admin")
        }
        InitStep::FirstAdmin {
            login,
            created: false,
        } => format!("{login} is on the team"),
    }
}

fn add(
    ctx: &mut Ctx,
    login: String,
    role: TeamRole,
    owner: Option<String>,
    password_file: Option<&Path>,
) -> Result<()> {
    let needs = ctx
        .store
        .read(|tx| ops::needs_password(tx, &login, owner.as_deref()))?;
    let password = match (needs, password_file) {
        (true, Some(file)) => Some(from_file(file)?),
        (true, None) => Some(prompted(&login)?),
        (false, Some(_)) => {
            return Err(Error::usage(format!(
            "login {login} exists: rex adds it with the password it has; leave --password-file out"
        )))
        }
        (false, None) => None,
    };
    let new = NewMember {
        login,
        role,
        owner,
        password,
    };
    let (member, joined) = ctx.store.write(|tx| ops::add(tx, &new))?;
    let how = match joined {
        Joined::Created => "created login ",
        Joined::Adopted => "added login ",
    };
    ctx.out.done(
        &Confirmation::new(how)
            .name(&member.login)
            .text(&format!(
                " as {} {}, owner ",
                article(member.role),
                member.role
            ))
            .name(&member.owner_id),
    );
    shown(ctx, &member)
}

/// A password from a file: its text without the trailing newline.
fn from_file(path: &Path) -> Result<String> {
    let shown = crate::output::one_line(&path.display().to_string());
    let bytes = std::fs::read(path)
        .map_err(|e| Error::usage(format!("cannot read the password file {shown}: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::usage(format!("the password file {shown} is not UTF-8 text")))?;
    let text = text
        .strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t))
        .unwrap_or(&text);
    if text.is_empty() {
        return Err(Error::usage(format!("the password file {shown} is empty")));
    }
    Ok(text.to_string())
}

/// A password typed at the terminal, echo off, twice.
fn prompted(login: &str) -> Result<String> {
    if !(io::stdin().is_terminal() && io::stderr().is_terminal()) {
        return Err(Error::usage(format!(
            "login {login} does not exist: rex creates it and needs its password; give --password-file FILE (no terminal to ask on)"
        )));
    }
    let shown = crate::output::one_line(login);
    let first = rpassword::prompt_password(format!("password for {shown}: "))?;
    if first.is_empty() {
        return Err(Error::usage("the password is empty; nothing was changed"));
    }
    let again = rpassword::prompt_password("again: ")?;
    if first != again {
        return Err(Error::usage(
            "the two passwords differ; nothing was changed",
        ));
    }
    Ok(first)
}
