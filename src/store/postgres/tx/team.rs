//! Team roles on PostgreSQL: `rex team init` (roles, owner, grants, row-level security,
//! audit triggers; the server's side is `team.sql`), the team's members and the audit
//! trail. Role and login names go into statements only through the server's own
//! `format('%I')` and passwords only as a SCRAM verifier through `format('%L')`: a login's
//! name may be anything, and the password itself never reaches the server or its log.

use super::PgTx;
use crate::error::{Error, Result};
use crate::store::cells::{self, Reader};
use crate::store::team::{
    AuditEvent, AuditFilter, InitStep, Joined, Left, LoginState, Team, TeamMember, TeamRole,
};

/// The objects' side of team roles, run as `rex_owner` (see the file's header).
const TEAM_SQL: &str = include_str!("../team.sql");

/// The role that owns rex's tables; nobody logs in as it.
const OWNER_ROLE: &str = "rex_owner";

/// The group roles, as `rex team init` creates them.
const GROUPS: [&str; 3] = ["rex_reader", "rex_member", "rex_admin"];

/// The tables whose rows a member may write, under row-level security.
const GUARDED: [&str; 3] = ["deals", "deal_events", "activities"];

/// Timestamps as rex prints them: RFC 3339 in UTC.
const UTC: &str = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'";

impl PgTx<'_, '_> {
    /// On a team database the server's refusal (a grant the login's role lacks, a
    /// row-level security policy) is the team's rules: refused, as rex refuses.
    pub(super) fn team_refusal(&self, e: &postgres::Error) -> Option<Error> {
        let (seat, db) = (self.seat.as_ref()?, e.as_db_error()?);
        (db.code().code() == "42501").then(|| {
            Error::Forbidden(format!(
                "the database refused this to login '{}' ({}); nothing was changed",
                seat.login,
                db.message()
            ))
        })
    }

    /// A change that row-level security kept from every row it named (PostgreSQL filters
    /// them silently): refused, never taken for done.
    pub(super) fn filtered(&self, what: &str) -> Error {
        let login = self.seat.as_ref().map_or("?", |s| s.login.as_str());
        Error::Forbidden(format!(
            "the database refused to change {what} for login '{login}' (row-level security: it is not its to change); nothing was changed"
        ))
    }

    /// Runs a statement that the server builds with `format(template, args…)`, so that
    /// names and literals are quoted by the server's own rules.
    fn run_formatted(&self, template: &str, args: &[&str]) -> Result<()> {
        let marks: Vec<String> = (1..=args.len()).map(|i| format!("${i}::text")).collect();
        let sql = format!("SELECT format('{template}', {})", marks.join(", "));
        let params: Vec<&(dyn postgres::types::ToSql + Sync)> = args
            .iter()
            .map(|a| a as &(dyn postgres::types::ToSql + Sync))
            .collect();
        let statement: String = self
            .rows(&sql, &params, |r| Reader::new("statement", r).text(0))?
            .pop()
            .ok_or_else(|| Error::Failed("the server built no statement".into()))?;
        self.conn()?
            .batch_execute(&statement)
            .map_err(|e| self.fail(e))
    }

    /// Statements without parameters (SET, GRANT of fixed names), as one batch.
    pub(super) fn batch(&self, sql: &str) -> Result<()> {
        self.conn()?.batch_execute(sql).map_err(|e| self.fail(e))
    }

    /// Writes `team_members` as the owner role, which alone may (an admin's login only
    /// reads it): for this statement, then the session is the login again. A statement
    /// that fails leaves the transaction to be rolled back, role and all.
    fn as_owner(&self, sql: &str, params: &[&(dyn postgres::types::ToSql + Sync)]) -> Result<()> {
        self.batch("SET LOCAL ROLE rex_owner")?;
        self.execute(sql, params)?;
        self.batch("RESET ROLE")
    }

    fn flag(&self, sql: &str, params: &[&(dyn postgres::types::ToSql + Sync)]) -> Result<bool> {
        Ok(self.count(&format!("SELECT ({sql})::int::bigint"), params)? == 1)
    }

    fn role_exists(&self, role: &str) -> Result<bool> {
        self.flag(
            "EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1)",
            &[&role],
        )
    }

    /// Gives rex's tables, sequences and functions to the owner role; how many changed.
    fn give_to_owner(&self) -> Result<i64> {
        // Tables first: their identity and serial sequences go with them.
        let mut changed = 0;
        for (kind, list) in [
            (
                "TABLE",
                "SELECT c.oid::regclass::text FROM pg_catalog.pg_class c
                 WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
                   AND c.relowner <> 'rex_owner'::regrole
                   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                       WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
                 ORDER BY 1",
            ),
            (
                "SEQUENCE",
                "SELECT c.oid::regclass::text FROM pg_catalog.pg_class c
                 WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'S'
                   AND c.relowner <> 'rex_owner'::regrole
                   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                       WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                         AND d.deptype IN ('e', 'a', 'i'))
                 ORDER BY 1",
            ),
            (
                "VIEW",
                "SELECT c.oid::regclass::text FROM pg_catalog.pg_class c
                 WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('v', 'm')
                   AND c.relowner <> 'rex_owner'::regrole
                   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                       WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
                 ORDER BY 1",
            ),
            (
                "FUNCTION",
                "SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc p
                 WHERE p.pronamespace = current_schema()::regnamespace
                   AND p.proname LIKE 'rex\\_%' AND p.proowner <> 'rex_owner'::regrole
                   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                       WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
                 ORDER BY 1",
            ),
        ] {
            let names = self.rows(list, &[], |r| Reader::new("object", r).text(0))?;
            for name in names {
                // The names come from the catalog, already quoted as identifiers.
                self.conn()?
                    .batch_execute(&format!("ALTER {kind} {name} OWNER TO rex_owner"))
                    .map_err(|e| self.fail(e))?;
                changed += 1;
            }
        }
        Ok(changed)
    }

    /// Runs the objects' side of team roles as the owner role, with rex's schema and
    /// pg_temp as the search path its functions pin.
    fn apply_team_sql(&self) -> Result<()> {
        apply_team_sql(&mut *self.conn()?).map_err(|e| self.fail(e))
    }

    /// Lets `login` connect to this database (nobody else may since `rex team init`).
    fn grant_connect(&self, login: &str) -> Result<()> {
        let db = self.database()?;
        self.run_formatted("GRANT CONNECT ON DATABASE %I TO %I", &[&db, login])
    }

    fn revoke_connect(&self, login: &str) -> Result<()> {
        let db = self.database()?;
        self.run_formatted("REVOKE CONNECT ON DATABASE %I FROM %I", &[&db, login])
    }

    fn database(&self) -> Result<String> {
        self.rows("SELECT current_database()::text", &[], |r| {
            Reader::new("database", r).text(0)
        })?
        .pop()
        .ok_or_else(|| Error::Failed("the server named no database".into()))
    }

    fn member(&self, login: &str) -> Result<Option<TeamMember>> {
        Ok(self
            .rows(
                &format!(
                    "SELECT login, role, owner_id, created_by_rex::int::bigint,
                        to_char(added_at AT TIME ZONE 'UTC', {UTC}), added_by
                     FROM team_members WHERE $1::text IS NULL OR login = $1 ORDER BY login"
                ),
                &[&login],
                team_member,
            )?
            .pop())
    }
}

/// Runs the objects' side of team roles (`team.sql`) as the owner role, with rex's schema
/// and pg_temp as the search path its functions pin; then the session is itself again.
pub(in crate::store::postgres) fn apply_team_sql(
    client: &mut impl postgres::GenericClient,
) -> std::result::Result<(), postgres::Error> {
    client.batch_execute(
        "SET LOCAL ROLE rex_owner;
         SELECT set_config('search_path', format('%I, pg_temp', current_schema()), true);",
    )?;
    client.batch_execute(TEAM_SQL)?;
    client.batch_execute("RESET ROLE; RESET search_path")
}

fn team_member(r: &dyn cells::Cells) -> Result<TeamMember> {
    let row = Reader::new("team member", r);
    let role = row.text(1)?;
    Ok(TeamMember {
        login: row.text(0)?,
        role: row.checked(TeamRole::stored(&role).ok_or_else(|| format!("role '{role}'")))?,
        owner_id: row.text(2)?,
        created_by_rex: row.int(3)? == 1,
        added_at: row.text(4)?,
        added_by: row.text(5)?,
    })
}

impl Team for PgTx<'_, '_> {
    fn is_team(&self) -> Result<bool> {
        self.flag("to_regclass('team_members') IS NOT NULL", &[])
    }

    fn login(&self) -> Result<String> {
        self.rows("SELECT session_user::text", &[], |r| {
            Reader::new("login", r).text(0)
        })?
        .pop()
        .ok_or_else(|| Error::Failed("the server named no login".into()))
    }

    fn may_create_roles(&self) -> Result<bool> {
        self.flag(
            "SELECT rolsuper OR rolcreaterole FROM pg_catalog.pg_roles WHERE rolname = session_user",
            &[],
        )
    }

    fn init_team(&self) -> Result<Vec<InitStep>> {
        let mut steps = Vec::new();
        for (name, attributes) in [
            (OWNER_ROLE, "NOLOGIN"),
            ("rex_reader", "NOLOGIN"),
            ("rex_member", "NOLOGIN"),
            // An admin's login does not hold the owner's rights: rex takes them with SET
            // ROLE for a migration, and psql would have to as well.
            ("rex_admin", "NOLOGIN NOINHERIT"),
        ] {
            let created = !self.role_exists(name)?;
            // An existing role is altered only when it is not as it should be: roles are
            // the server's, and another database's rex may be reading them.
            let right = !created
                && self.flag(
                    "SELECT NOT rolcanlogin AND rolinherit = $2 FROM pg_catalog.pg_roles
                     WHERE rolname = $1",
                    &[&name, &!attributes.contains("NOINHERIT")],
                )?;
            if !right {
                let verb = if created { "CREATE" } else { "ALTER" };
                self.batch(&format!("{verb} ROLE {name} {attributes}"))?;
            }
            steps.push(InitStep::Role { name, created });
        }
        let superuser = self.flag(
            "SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = session_user",
            &[],
        )?;
        let login = self.login()?;
        // Whoever runs this must be able to give objects to the owner role: a member of it,
        // for the time it takes (a superuser is anyway).
        let lent =
            !superuser && !self.flag("pg_has_role(session_user, 'rex_owner', 'MEMBER')", &[])?;
        if !self.flag("pg_has_role('rex_admin', 'rex_owner', 'MEMBER')", &[])? {
            self.batch("GRANT rex_owner TO rex_admin")?;
        }
        if lent {
            self.run_formatted("GRANT rex_owner TO %I", &[&login])?;
        }
        self.conn()?
            .batch_execute(
                "DO $$ BEGIN
                    EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM PUBLIC', current_database());
                    EXECUTE format('GRANT USAGE, CREATE ON SCHEMA %I TO rex_owner', current_schema());
                    EXECUTE format('GRANT USAGE ON SCHEMA %I TO rex_reader, rex_member, rex_admin',
                        current_schema());
                 END $$",
            )
            .map_err(|e| self.fail(e))?;
        steps.push(InitStep::Owned {
            objects: self.give_to_owner()?,
        });
        let tables: Vec<(&'static str, bool)> = ["team_members", "audit_events"]
            .into_iter()
            .map(|t| Ok((t, !self.flag("to_regclass($1::text) IS NOT NULL", &[&t])?)))
            .collect::<Result<_>>()?;
        self.apply_team_sql()?;
        for (name, created) in tables {
            steps.push(InitStep::Table { name, created });
        }
        let policies = self.count(
            "SELECT count(*) FROM pg_catalog.pg_policies
             WHERE schemaname = current_schema() AND tablename = ANY($1)",
            &[&GUARDED.to_vec()],
        )?;
        steps.push(InitStep::Policies {
            tables: GUARDED.to_vec(),
            policies,
        });
        steps.push(InitStep::Grants);
        if !superuser {
            // The login that set the team up is its first admin; it keeps no owner rights
            // of its own (an admin's rex takes them for a migration).
            let created = self.member(&login)?.is_none();
            if created {
                self.as_owner(
                    "INSERT INTO team_members (login, role, owner_id) VALUES ($1, 'admin', $1)",
                    &[&login],
                )?;
            }
            self.run_formatted("GRANT rex_admin TO %I", &[&login])?;
            self.grant_connect(&login)?;
            steps.push(InitStep::FirstAdmin {
                login: login.clone(),
                created,
            });
        }
        if lent {
            self.run_formatted("REVOKE rex_owner FROM %I", &[&login])?;
        }
        Ok(steps)
    }

    fn team_members(&self) -> Result<Vec<TeamMember>> {
        self.rows(
            &format!(
                "SELECT login, role, owner_id, created_by_rex::int::bigint,
                    to_char(added_at AT TIME ZONE 'UTC', {UTC}), added_by
                 FROM team_members ORDER BY login"
            ),
            &[],
            team_member,
        )
    }

    fn login_state(&self, login: &str) -> Result<LoginState> {
        let found = self.rows(
            "SELECT rolsuper::int::bigint FROM pg_catalog.pg_roles WHERE rolname = $1",
            &[&login],
            |r| Reader::new("login", r).int(0),
        )?;
        let groups = self.rows(
            "SELECT g.rolname::text FROM pg_catalog.pg_auth_members m
             JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
             JOIN pg_catalog.pg_roles r ON r.oid = m.member
             WHERE r.rolname = $1 AND g.rolname IN ('rex_reader', 'rex_member', 'rex_admin')
             ORDER BY 1",
            &[&login],
            |r| Reader::new("group", r).text(0),
        )?;
        Ok(LoginState {
            exists: !found.is_empty(),
            superuser: found.first() == Some(&1),
            on_team: self.member(login)?.map(|m| m.role),
            groups: groups
                .iter()
                .filter_map(|g| g.strip_prefix("rex_").and_then(TeamRole::stored))
                .collect(),
        })
    }

    fn add_team_member(
        &self,
        login: &str,
        role: TeamRole,
        owner_id: &str,
        password: Option<&str>,
    ) -> Result<Joined> {
        let joined = if self.role_exists(login)? {
            Joined::Adopted
        } else {
            let password = password.ok_or_else(|| {
                Error::Failed(format!("no password to create login '{login}' with"))
            })?;
            // Only the verifier goes to the server: the password never reaches its log.
            let verifier = postgres_protocol::password::scram_sha_256(password.as_bytes());
            self.run_formatted(
                "CREATE ROLE %I LOGIN INHERIT PASSWORD %L",
                &[login, &verifier],
            )?;
            Joined::Created
        };
        self.run_formatted("GRANT %I TO %I", &[role.group(), login])?;
        self.grant_connect(login)?;
        self.as_owner(
            "INSERT INTO team_members (login, role, owner_id, created_by_rex) VALUES ($1, $2, $3, $4)",
            &[&login, &role.as_str(), &owner_id, &(joined == Joined::Created)],
        )?;
        Ok(joined)
    }

    fn set_team_role(&self, login: &str, role: TeamRole) -> Result<Option<TeamRole>> {
        let Some(was) = self.member(login)? else {
            return Ok(None);
        };
        for group in GROUPS {
            if group != role.group() {
                self.run_formatted("REVOKE %I FROM %I", &[group, login])?;
            }
        }
        self.run_formatted("GRANT %I TO %I", &[role.group(), login])?;
        self.as_owner(
            "UPDATE team_members SET role = $2 WHERE login = $1",
            &[&login, &role.as_str()],
        )?;
        Ok(Some(was.role))
    }

    fn remove_team_member(&self, login: &str) -> Result<Option<(TeamMember, Left)>> {
        let Some(was) = self.member(login)? else {
            return Ok(None);
        };
        self.as_owner("DELETE FROM team_members WHERE login = $1", &[&login])?;
        for group in GROUPS {
            self.run_formatted("REVOKE %I FROM %I", &[group, login])?;
        }
        self.revoke_connect(login)?;
        if !was.created_by_rex {
            return Ok(Some((was, Left::Revoked)));
        }
        let statement: String = self
            .rows("SELECT format('DROP ROLE %I', $1::text)", &[&login], |r| {
                Reader::new("statement", r).text(0)
            })?
            .pop()
            .unwrap_or_default();
        // A login that owns objects or holds privileges of its own elsewhere cannot be
        // dropped: it stays, without its rex role.
        let mut tx = self.conn()?;
        let mut savepoint = tx.transaction().map_err(|e| self.fail(e))?;
        let left = match savepoint.batch_execute(&statement) {
            Ok(()) => {
                savepoint.commit().map_err(|e| self.fail(e))?;
                Left::Dropped
            }
            Err(e) if e.as_db_error().is_some_and(|d| d.code().code() == "2BP01") => {
                savepoint.rollback().map_err(|e| self.fail(e))?;
                Left::KeptInUse
            }
            Err(e) => return Err(self.fail(e)),
        };
        Ok(Some((was, left)))
    }

    fn audit_events(&self, filter: &AuditFilter) -> Result<Vec<AuditEvent>> {
        self.rows(
            &format!(
                "SELECT id, to_char(at AT TIME ZONE 'UTC', {UTC}), actor, kind, subject_id,
                    detail::text
                 FROM audit_events
                 WHERE ($1::text IS NULL OR at >= $1::text::timestamptz)
                   AND ($2::text IS NULL OR actor = $2)
                 ORDER BY at DESC, id DESC"
            ),
            &[&filter.since, &filter.actor],
            |r| {
                let row = Reader::new("audit event", r);
                let detail = row.text(5)?;
                Ok(AuditEvent {
                    id: row.int(0)?,
                    at: row.text(1)?,
                    actor: row.text(2)?,
                    kind: row.text(3)?,
                    subject_id: row.opt_text(4)?,
                    detail: row
                        .checked(serde_json::from_str(&detail).map_err(|e| e.to_string()))?,
                })
            },
        )
    }
}
