//! `rex token …`: API tokens for `rex serve` (see [`crate::ops::token`]). A new token's
//! secret is printed once, as a script or a person needs it: alone on its line in a pipe
//! (TSV, `-o id`), in the record under `-o json`, between a confirmation and a reminder on
//! a terminal.

use super::Ctx;
use crate::cli::{Role as RoleArg, TokenCommand};
use crate::error::{Error, Result};
use crate::ops::token::{self as ops, NewToken, Role};
use crate::output::{Confirmation, CreatedToken, Format, Style};

pub fn run(ctx: &mut Ctx, cmd: TokenCommand) -> Result<()> {
    match cmd {
        TokenCommand::Create {
            name,
            role,
            owner,
            expires,
        } => create(ctx, name, role, owner, expires.as_deref()),
        TokenCommand::List => {
            let tokens = ctx.store.read(|tx| ops::list(tx))?;
            ctx.out.list(tokens)
        }
        TokenCommand::Revoke { name } => {
            let token = ctx.store.write(|tx| ops::revoke(tx, &name))?;
            ctx.out
                .done(&Confirmation::new("revoked token ").name(&token.name));
            match ctx.out.chosen_format() {
                None | Some(Format::Table | Format::Wide) => Ok(()),
                Some(_) => ctx.out.one(&token),
            }
        }
    }
}

fn create(
    ctx: &mut Ctx,
    name: String,
    role: RoleArg,
    owner: Option<String>,
    expires: Option<&str>,
) -> Result<()> {
    let new = NewToken {
        name,
        role: match role {
            RoleArg::Reader => Role::Reader,
            RoleArg::Member => Role::Member,
            RoleArg::Admin => Role::Admin,
        },
        owner,
        expires: expires.map(ops::parse_duration).transpose()?,
    };
    let clock = ctx.clock;
    let created = ctx.store.write(|tx| ops::create(tx, &clock, &new))?;
    let view = CreatedToken::from(created);
    let printed = if ctx.out.is_human() {
        ctx.out.done(&confirmation(&view, &ctx.out.style()));
        let shown = secret_alone(ctx, &view.token);
        ctx.out
            .note("the token is shown only this once; the database keeps only its hash");
        shown
    } else if ctx.out.has_fields() {
        ctx.out.one(&view)
    } else {
        match ctx.out.chosen_format().unwrap_or(Format::Tsv) {
            Format::Tsv | Format::Id => secret_alone(ctx, &view.token),
            _ => ctx.out.one(&view),
        }
    };
    printed.map_err(|e| match e {
        e @ (Error::BrokenPipe | Error::Silent(_)) => e,
        e => Error::Failed(format!(
            "token '{}' is created, but printing its secret failed ({e}); it cannot be shown again: rex token revoke it and create another",
            view.name
        )),
    })
}

/// The secret alone on its line on stdout.
fn secret_alone(ctx: &mut Ctx, secret: &str) -> Result<()> {
    ctx.out.plain_line(secret)
}

/// `created admin token ci` / `created member token website-form for ana, expires …`.
fn confirmation(t: &CreatedToken, style: &Style) -> Confirmation {
    let mut line = Confirmation::new(&format!("created {} token ", t.role.as_str())).name(&t.name);
    if let Some(owner) = &t.owner {
        line = line.text(" for ").name(owner);
    }
    if let Some(at) = &t.expires_at {
        line = line.text(&format!(", expires {}", style.short_time(at)));
    }
    line
}
