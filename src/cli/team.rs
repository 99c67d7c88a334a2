//! `rex team …` and `rex audit`: team roles on a PostgreSQL database.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};

use crate::clock::DateSpec;

/// `rex team --help`'s long text.
pub const TEAM_HELP: &str = "\
Team roles on a team's PostgreSQL database, enforced by the server itself (grants and
row-level security), for rex, psql and any other client alike:
  reader  reads everything; writes nothing
  member  reads everything; creates deals of its own owner id and changes, moves, closes,
          notes and deletes only those (and their activities); no pipeline changes
  admin   everything, including pipelines, owners, API tokens and rex audit
A refused change exits 4 with one line and changes nothing. On a SQLite file (one
person's) every rex team command exits 2.

Examples:
  rex team init
  rex team add ana --role member
  rex team add bo --role member --password-file bo.pw
  rex team add carla --role admin
  rex team list
  rex team set-role bo --role reader
  rex team remove bo";

#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// Set the database up for team roles (once; running it again is harmless)
    #[command(after_long_help = "\
Creates the roles rex_owner (owns every rex table; nobody logs in as it), rex_reader,
rex_member and rex_admin (groups) when missing, gives rex's tables, sequences and
functions to rex_owner, creates team_members and audit_events, and turns on row-level
security with one policy per rule. It keeps every row and every history line, says what
it did one line per step, and may run again at any time. It needs a login with
CREATEROLE (the database's owner, say) or a superuser; another exits 4. A login that is
not a superuser becomes the team's first admin.

Examples:
  REX_DB=postgres://owner@db.example.com/crm rex team init")]
    Init,
    /// Add a login to the team as reader, member or admin
    #[command(after_long_help = "\
A login that does not exist is created with a password: asked for on a terminal (not
shown), or read from --password-file (its trailing newline ignored); never from an
argument. Without a terminal and without the file it exits 2. An existing login is taken
on with the password it has. --owner is the owner id its deals carry (default: LOGIN).
Needs an admin whose login has CREATEROLE (roles are the server's). Each person then
sets REX_DB=postgres://LOGIN@HOST/DBNAME.

Examples:
  rex team add ana --role member
  rex team add bo --role member --owner bo@example.com --password-file bo.pw
  rex team add dashboard --role reader")]
    Add {
        /// The PostgreSQL login
        #[arg(value_name = "LOGIN")]
        login: String,
        /// What it may do
        #[arg(long, value_enum)]
        role: TeamRoleArg,
        /// The owner id its deals carry [default: LOGIN]
        #[arg(long, value_name = "OWNER_ID")]
        owner: Option<String>,
        /// Read a new login's password from FILE (its trailing newline ignored)
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
    },
    /// List the team: login, role, owner id, whether rex created the login
    #[command(after_long_help = "\
-o json prints login, role, owner_id, created_by_rex, added_at (RFC 3339, UTC) and
added_by.

Examples:
  rex team list
  rex team list -o json")]
    List,
    /// Give a member another role
    #[command(after_long_help = "\
Your own login's role is another admin's to change, and the team's last admin stays an
admin until there is another (both exit 4).

Examples:
  rex team set-role bo --role reader
  rex team set-role ana --role admin")]
    SetRole {
        /// The login
        #[arg(value_name = "LOGIN")]
        login: String,
        /// Its new role
        #[arg(long, value_enum)]
        role: TeamRoleArg,
    },
    /// Take a login off the team (its history stays)
    #[command(after_long_help = "\
Revokes the login's rex role; a login rex created is dropped too (one that owns objects
elsewhere is kept, without its role). The deals it owns and every history line and audit
entry it made stay. Your own login is another admin's to remove, and the team's last
admin stays until there is another (both exit 4).

Examples:
  rex team remove bo")]
    Remove {
        /// The login
        #[arg(value_name = "LOGIN")]
        login: String,
    },
}

/// A role on the team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TeamRoleArg {
    Reader,
    Member,
    Admin,
}

/// `rex audit --help`'s long text.
pub const AUDIT_HELP: &str = "\
The audit trail of a team's PostgreSQL database, newest first: deals deleted (with the
deal as it was), owners changed, stages removed, pipelines deleted, and team members
added, removed or given another role or owner id. The server writes it, with the login
that did it and the server's time. Members and readers can neither read nor change it;
an admin, trusted with everything, could change it as rex_owner (SET ROLE, as its rex
does to upgrade the schema). Only admins may read it (others exit 4). A refused change
is not in it. --since takes a date (entries from its start, local time); --actor a
login. -o json prints id, at, actor, kind, subject_id, detail and summary.

Examples:
  rex audit
  rex audit --since 2026-03-01 --actor bo
  rex audit -o json";

/// `rex audit`'s options.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// Entries from the start of this date on (local time)
    #[arg(long, value_name = "DATE")]
    pub since: Option<DateSpec>,
    /// Entries of this login only
    #[arg(long, value_name = "LOGIN")]
    pub actor: Option<String>,
}
