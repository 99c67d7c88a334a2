#!/usr/bin/env python3
"""rex benchmark: real rex processes against the sqlite3 shell on the same file.

Builds rex in release mode, generates a realistic database through `rex import`
(5 pipelines x 5 stages, 50 owners, values $0.01..$1,000,000, 20% open / 30% won /
45% lost / 5% stalled, 10% with metadata, open deals active over the last 60 days),
then times each command end to end (median of several runs after a warm-up) and the
equivalent SQL through `sqlite3`, and prints one Markdown table per size.

    python3 bench/run.py                 # 10k and 100k deals
    python3 bench/run.py --sizes 1000000 # 1M (takes a few minutes)

sqlite3 comes from the system: `apt-get install sqlite3`. Without it the comparison
columns are left empty.

    python3 bench/run.py --postgres auto
    python3 bench/run.py --postgres postgres://postgres@127.0.0.1:5432/postgres

runs every size on PostgreSQL too (team mode): on a throwaway local server that it starts
(`auto`, with initdb and pg_ctl, as the `postgres` user when run as root) or on the server
given, in a database `rex_bench_N` that it creates and drops through `psql`, and adds its
columns to each table. Every command is timed against its target: a multiple of the
process floor (`select 1` through `sqlite3`, or `psql` on PostgreSQL), or of sqlite3 running
the same query.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REX = os.path.join(ROOT, "target", "release", "rex")
# With --only: the rows whose names hold one of these words (the rest are not timed).
ONLY = []
NOW = "2026-03-01T09:00:00Z"
NOW_EPOCH = 1772355600  # NOW as a Unix time
STAGES = ["Discovery", "Qualification", "Proposal", "Negotiation", "Closed"]
PIPELINES = ["Sales", "Partners", "Enterprise", "Renewals", "Upsell"]


def iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def generate(path, n, seed=7):
    """Writes pipelines then n deals as JSON Lines, in the shape `rex import` reads."""
    rnd = random.Random(seed)
    owners = [f"owner{i:02d}@example.com" for i in range(50)]
    with open(path, "w") as f:
        for p in PIPELINES:
            # Stall after 60 days; Negotiation after 45: a scan finds a realistic few.
            stages = [{"name": s, "stall_days": 45 if s == "Negotiation" else None} for s in STAGES]
            f.write(json.dumps({"name": p, "stall_days": 60, "stages": stages}) + "\n")
        for i in range(n):
            r = rnd.random()
            status = "open" if r < 0.20 else "won" if r < 0.50 else "lost" if r < 0.95 else "stalled"
            created = NOW_EPOCH - rnd.randint(61, 3 * 365) * 86400 - rnd.randint(0, 86399)
            if status == "open":
                activity = NOW_EPOCH - rnd.randint(0, 60 * 86400 - 1)
            else:
                activity = rnd.randint(created, NOW_EPOCH - 61 * 86400)
            deal = {
                "name": f"Deal {i} - {rnd.choice(['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli'])} {rnd.randint(1, 9999)}",
                "value": rnd.randint(1, 100_000_000),
                "status": status,
                "owner_id": rnd.choice(owners),
                "contact_id": f"contact{rnd.randint(1, 200000)}@example.com",
                "pipeline_id": rnd.choice(PIPELINES),
                "stage_id": rnd.choice(STAGES),
                "expected_close": time.strftime("%Y-%m-%d", time.gmtime(NOW_EPOCH + rnd.randint(-90, 180) * 86400)),
                "created_at": iso(created),
                "updated_at": iso(activity),
                "last_activity_at": iso(activity),
                "stage_entered_at": iso(rnd.randint(created, activity)),
            }
            if status in ("won", "lost"):
                deal["closed_at"] = iso(activity)
            if rnd.random() < 0.10:
                deal["metadata"] = {"source": rnd.choice(["web", "event", "referral"]), "seats": rnd.randint(1, 500)}
            f.write(json.dumps(deal) + "\n")


def run(args, db, stdin=None, stdout=subprocess.DEVNULL, check=True):
    """Runs one process; returns (seconds, peak RSS in KiB, exit code). With `check`, any
    exit code but 0 stops the benchmark: a failed command must never be timed."""
    env = dict(os.environ, REX_DB=db, REX_NOW=NOW, TZ="UTC")
    env.pop("RUST_BACKTRACE", None)
    start = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode()
    if check and proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}): {err}")
    return elapsed, usage.ru_maxrss, proc.returncode


def peak_rss_kb(args, db, stdin=None):
    """Peak RSS of one process, through GNU time: Python's own wait4 figure counts the
    interpreter it forked from. None when GNU time is not installed."""
    gnu_time = shutil.which("time") or "/usr/bin/time"
    if not os.path.exists(gnu_time):
        return None
    with tempfile.NamedTemporaryFile("r") as out:
        run([gnu_time, "-f", "%M", "-o", out.name] + args, db, stdin=stdin)
        return int(out.read().strip().splitlines()[-1])


def median_ms(args_for_run, db, runs, **kw):
    run(args_for_run(0), db, **kw)  # warm-up
    times = [run(args_for_run(i + 1), db, **kw)[0] for i in range(runs)]
    return statistics.median(times) * 1000


def rex_out(args, db):
    env = dict(os.environ, REX_DB=db, REX_NOW=NOW, TZ="UTC")
    return subprocess.run([REX] + args, env=env, check=True, capture_output=True, text=True).stdout


def fresh(workdir, name, server):
    """An empty database: a file path, or a URL of a new database on `server` (an admin URL)."""
    if server is None:
        db = os.path.join(workdir, f"{name}.db")
        for p in (db, db + "-wal", db + "-shm"):
            if os.path.exists(p):
                os.remove(p)
        return db
    name = name.replace("-", "_")
    for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", "-q", server, "-c", sql], check=True, capture_output=True)
    base, _, query = server.partition("?")
    url = base.rsplit("/", 1)[0] + "/" + name
    return url + ("?" + query if query else "")


def remove(workdir, name, server):
    """Removes a database made by `fresh`."""
    if server is None:
        fresh(workdir, name, None)
    else:
        name = name.replace("-", "_")
        subprocess.run(["psql", "-q", server, "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"],
                       check=True, capture_output=True)


def populate(src, n, db):
    """Generates n deals into `src` and loads them into the database `db` through `rex import`."""
    t = time.perf_counter()
    generate(src, n)
    print(f"generated in {time.perf_counter() - t:.1f}s", file=sys.stderr)
    with open(src) as f:
        secs, _, _ = run([REX, "import", "-q"], db, stdin=f)
    print(f"loaded through rex import in {secs:.1f}s", file=sys.stderr)


# Two activities a deal (2M at 1M deals): one done in the past year, and one that is pending
# on an open or stalled deal (due from 30 days before NOW to 60 after, half of them at a time
# of day), else done too. Written by the database's own shell after the deals are loaded: the
# lists read them, however they came.
ACTIVITIES_SQLITE = f"""
INSERT INTO activity_rows (id, deal_id, type, subject, due_date, due_time, owner_id, done_at,
                           created_at, updated_at)
SELECT 'activity_0' || substr(lower(hex(randomblob(13))), 1, 25), d.id,
       CASE abs(random()) % 6 WHEN 0 THEN 'call' WHEN 1 THEN 'meeting' WHEN 2 THEN 'email'
            WHEN 3 THEN 'task' WHEN 4 THEN 'deadline' ELSE 'lunch' END,
       'Follow up ' || k.n,
       CASE WHEN k.n = 1 AND d.status IN ('open', 'stalled')
            THEN date('{NOW[:10]}', (abs(random()) % 91 - 30) || ' days')
            ELSE date('{NOW[:10]}', (-1 - abs(random()) % 365) || ' days') END,
       CASE WHEN random() % 2 = 0 THEN NULL
            ELSE printf('%02d:%02d', 8 + abs(random()) % 10, (abs(random()) % 4) * 15) END,
       d.owner_id,
       CASE WHEN k.n = 1 AND d.status IN ('open', 'stalled') THEN NULL ELSE '{NOW}' END,
       d.created_at, d.created_at
FROM deal_rows d CROSS JOIN (SELECT 0 AS n UNION ALL SELECT 1) k;
ANALYZE;
"""

ACTIVITIES_POSTGRES = f"""
INSERT INTO activities (id, deal_id, type, subject, due_date, due_time, owner_id, done_at,
                        created_at, updated_at)
SELECT 'activity_0' || substr(md5(random()::text || d.id || k.n), 1, 25), d.id,
       (ARRAY['call', 'meeting', 'email', 'task', 'deadline', 'lunch'])[1 + floor(random() * 6)::int],
       'Follow up ' || k.n,
       to_char(DATE '{NOW[:10]}' + CASE WHEN k.n = 1 AND d.status IN ('open', 'stalled')
                                   THEN floor(random() * 91)::int - 30
                                   ELSE -1 - floor(random() * 365)::int END, 'YYYY-MM-DD'),
       CASE WHEN random() < 0.5 THEN NULL
            ELSE lpad((8 + floor(random() * 10))::int::text, 2, '0') || ':' ||
                 lpad((floor(random() * 4) * 15)::int::text, 2, '0') END,
       d.owner_id,
       CASE WHEN k.n = 1 AND d.status IN ('open', 'stalled') THEN NULL ELSE '{NOW}' END,
       d.created_at, d.created_at
FROM deals d CROSS JOIN generate_series(0, 1) AS k(n);
ANALYZE;
"""


def add_activities(db, sqlite3, server):
    """Gives every deal two activities (see ACTIVITIES_SQLITE), through the database's shell."""
    t = time.perf_counter()
    if server is None:
        if not sqlite3:
            raise SystemExit("sqlite3 is needed to add the benchmark's activities")
        subprocess.run([sqlite3, db, ACTIVITIES_SQLITE], check=True)
    else:
        subprocess.run(["psql", "-X", "-q", db, "-c", ACTIVITIES_POSTGRES], check=True)
    print(f"activities added in {time.perf_counter() - t:.1f}s", file=sys.stderr)


def build(workdir):
    """Builds rex in release mode and points REX at a copy of it in `workdir`, so that
    rebuilding during a long run cannot change the binary under it."""
    global REX
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    copy = os.path.join(workdir, "rex")
    shutil.copy2(os.path.join(ROOT, "target", "release", "rex"), copy)
    REX = copy
    return copy


def bench(n, runs, workdir, sqlite3, server=None):
    src = os.path.join(workdir, f"deals-{n}.jsonl")
    db = fresh(workdir, f"rex-bench-{n}", server)
    if server is not None:
        sqlite3 = None  # the comparison is SQLite's own shell on the same file
    print(f"\n## {n:,} deals on {'PostgreSQL' if server else 'SQLite'}", file=sys.stderr)
    populate(src, n, db)
    add_activities(db, shutil.which("sqlite3"), server)

    pipeline = json.loads(rex_out(["pipeline", "show", "Sales", "-o", "json"], db))
    proposal = next(s["id"] for s in pipeline["stages"] if s["name"] == "Proposal")
    negotiation = next(s["id"] for s in pipeline["stages"] if s["name"] == "Negotiation")
    open_ids = rex_out(["deal", "list", "--status", "open", "--pipeline", "Sales", "--limit", str(4 * runs + 8), "-o", "id"], db).split()
    # 0: shown; 1: moved by rex; 2: moved by sqlite3; 3: moved during an import; 4..: closed by
    # rex; the last ones: closed by sqlite3.
    some = open_ids[0]
    rows = []

    def add(name, target, rex_args, sql=None, sql_json=False, **kw):
        if ONLY and not any(word in name for word in ONLY):
            return
        rex_ms = median_ms(rex_args, db, runs, **kw)
        sq_ms = None
        if sqlite3 and sql:
            # `sql` is one statement, or a function of the run's number for writes that must
            # change something new each time (as rex's do).
            sql_of = sql if callable(sql) else (lambda i: sql)
            sq_ms = median_ms(lambda i: [sqlite3] + (["-json"] if sql_json else []) + [db, sql_of(i)], db, runs)
        rows.append((name, target, rex_ms, sq_ms))
        print(f"{name}: {rex_ms:.1f} ms" + (f" (sqlite3 {sq_ms:.1f} ms)" if sq_ms else ""), file=sys.stderr)

    # The floor: a process that opens the database and runs `select 1`.
    if server is None and sqlite3:
        floor = median_ms(lambda i: [sqlite3, db, "select 1"], db, runs)
    elif server is not None and shutil.which("psql"):
        floor = median_ms(lambda i: ["psql", "-X", "-q", "-A", "-t", db, "-c", "select 1"], db, runs)
    else:
        floor = None
    print(f"floor: {floor} ms", file=sys.stderr)
    one = ("floor", 2.5)
    add("deal show", one, lambda i: [REX, "deal", "show", some, "-o", "json"],
        f"SELECT * FROM deals WHERE id = '{some}'", sql_json=True)
    add("deal show by short reference", one, lambda i: [REX, "deal", "show", some[-7:], "-o", "json"])
    some_name = json.loads(rex_out(["deal", "show", some, "-o", "json"], db))["name"]
    add("deal show by name", one, lambda i: [REX, "deal", "show", some_name, "-o", "json"])
    add("deal create", one, lambda i: [REX, "deal", "create", f"Bench {i}", "--value", "100", "--pipeline", "Sales", "-o", "id"],
        "INSERT INTO deal_rows (id, name, name_key, value, status, pipeline_id, stage_id, created_at, updated_at, last_activity_at, stage_entered_at) "
        f"SELECT 'deal_0' || substr(lower(hex(randomblob(13))), 1, 25), 'Bench', 'bench', 100, 'open', pipeline_id, id, '{NOW}', '{NOW}', '{NOW}', '{NOW}' FROM stages WHERE id = '{proposal}'")
    stage_ids = {s["name"]: s["id"] for s in pipeline["stages"]}
    add("deal move", one, lambda i: [REX, "deal", "move", open_ids[1], STAGES[i % 4]],
        lambda i: f"UPDATE deal_rows SET stage_id = '{stage_ids[STAGES[i % 4]]}', updated_at = '{NOW}' WHERE id = '{open_ids[2]}'")
    add("deal note", one, lambda i: [REX, "deal", "note", open_ids[1], f"called {i}"])
    add("deal update", one, lambda i: [REX, "deal", "update", open_ids[1], "--value", str(100 + i)])
    closers = iter(open_ids[4:])
    closed = []

    def close(i):
        closed.append(next(closers))
        return [REX, "deal", "close", closed[-1], "--won"]

    # sqlite3 closes other deals, from the end of the list, one per run.
    add("deal close", one, close,
        lambda i: f"UPDATE deal_rows SET status = 'won', closed_at = '{NOW}', updated_at = '{NOW}', "
                  f"last_activity_at = '{NOW}' WHERE id = '{open_ids[-1 - i]}'")
    reopened = iter(closed)
    add("deal reopen", one, lambda i: [REX, "deal", "reopen", next(reopened)])
    listing = ("floor", 3.0)
    add("deal list (stage + status, top 50 by value)", listing,
        lambda i: [REX, "deal", "list", "--pipeline", "Sales", "--stage", "Negotiation", "--status", "open", "--sort", "value", "--desc", "--limit", "50", "-o", "json"],
        f"SELECT * FROM deals WHERE stage_id = '{negotiation}' AND status = 'open' ORDER BY value DESC, id DESC LIMIT 50", sql_json=True)
    add("deal list --owner (top 50 by value)", listing,
        lambda i: [REX, "deal", "list", "--owner", "owner03@example.com", "--sort", "value", "--desc", "--limit", "50", "-o", "json"])
    # The default order (newest first) with one broad filter: the deals are read in the order
    # of creation and each is checked (sqlite3's own plan sorts all the filter selects).
    for what, flag, cond in [
        ("--owner", ["--owner", "owner03@example.com"], "owner_id = 'owner03@example.com'"),
        ("--pipeline", ["--pipeline", "Sales"], f"pipeline_id = '{pipeline['id']}'"),
        ("--status stalled", ["--status", "stalled"], "status = 'stalled'"),
    ]:
        add(f"deal list {what} (newest 50)", listing,
            lambda i, flag=flag: [REX, "deal", "list", *flag, "--desc", "--limit", "50", "-o", "json"],
            f"SELECT * FROM deals WHERE {cond} ORDER BY created_at DESC, id DESC LIMIT 50", sql_json=True)
    # A part of a name, as a person types it ("Corp 12345" in the issue): about 20 deals at 1M.
    add("deal list --search (50)", listing,
        lambda i: [REX, "deal", "list", "--search", "acme 1234", "--limit", "50", "-o", "json"],
        "SELECT * FROM deals WHERE instr(name_key, 'acme 1234') > 0 ORDER BY created_at, id LIMIT 50", sql_json=True)
    # A broad one: about 2,000 names at 1M hold "acme 12"; all are read to find the oldest 50.
    add("deal list --search, broad text (50)", None,
        lambda i: [REX, "deal", "list", "--search", "acme 12", "--limit", "50", "-o", "json"],
        "SELECT * FROM deals WHERE instr(name_key, 'acme 12') > 0 ORDER BY created_at, id LIMIT 50", sql_json=True)
    boards = ("floor", 6.0)
    stage_list = ", ".join(f"'{s['id']}'" for s in pipeline["stages"])
    add("pipeline list", boards, lambda i: [REX, "pipeline", "list", "-o", "json"])
    add("pipeline show (open + stalled per stage)", boards, lambda i: [REX, "pipeline", "show", "Sales", "-o", "json"],
        f"SELECT stage_id, status, count(*), sum(value) FROM deals WHERE stage_id IN ({stage_list}) AND status IN ('open', 'stalled') GROUP BY stage_id, status", sql_json=True)
    add("board (top 10 per stage)", boards, lambda i: [REX, "board", "Sales", "--limit", "10", "-o", "json"])
    # Output-bound (issue 31: at most 1.3x sqlite3 reading the same rows): sqlite3 reads what
    # rex reads and prints, each of the owner's active deals with its next step (today sorts
    # every active deal into its sections), the owner's pending activities due by today with
    # their deal's name, and the active deals without a next step.
    today = "2026-03-01"
    week = "2026-03-08"
    next_step = ("(SELECT a.id || a.type || a.subject || a.due_date || coalesce(a.due_time, '') FROM activities a "
                 "WHERE a.deal_id = d.id AND a.done_at IS NULL "
                 "ORDER BY a.due_date, a.due_time NULLS FIRST, a.created_at, a.id LIMIT 1)")
    output_bound = ("sqlite3", 1.3)
    add("today (one owner)", output_bound, lambda i: [REX, "today", "--owner", "owner03@example.com", "-o", "json"],
        f"SELECT d.*, {next_step} AS next FROM deals d WHERE d.owner_id = 'owner03@example.com' "
        "AND d.status IN ('open', 'stalled') ORDER BY d.expected_close; "
        "SELECT a.*, d.name FROM activities a JOIN deals d ON d.id = a.deal_id "
        f"WHERE a.owner_id = 'owner03@example.com' AND a.done_at IS NULL AND a.due_date <= '{today}' "
        "ORDER BY a.due_date, a.due_time NULLS FIRST, a.created_at, a.id; "
        "SELECT d.* FROM deals d WHERE d.owner_id = 'owner03@example.com' AND d.status IN ('open', 'stalled') "
        "AND NOT EXISTS (SELECT 1 FROM activities a WHERE a.deal_id = d.id AND a.done_at IS NULL)",
        sql_json=True)
    # Activities (2 a deal): one owner's due today, everyone's due today, and one owner's
    # pending ones (about 5,000 at 1M: data-bound, with sqlite3 printing the same rows).
    add("activity list --owner --due today", ("floor", 3.0),
        lambda i: [REX, "activity", "list", "--owner", "owner03@example.com", "--due", "today", "-o", "json"],
        "SELECT * FROM activities WHERE owner_id = 'owner03@example.com' AND done_at IS NULL "
        f"AND due_date = '{today}' ORDER BY due_date, due_time NULLS FIRST, created_at, id", sql_json=True)
    add("activity list --all --due today", ("floor", 3.0),
        lambda i: [REX, "activity", "list", "--all", "--due", "today", "-o", "json"],
        f"SELECT * FROM activities WHERE done_at IS NULL AND due_date = '{today}' "
        "ORDER BY due_date, due_time NULLS FIRST, created_at, id", sql_json=True)
    add("activity list --owner (pending, data-bound)", None,
        lambda i: [REX, "activity", "list", "--owner", "owner03@example.com", "-o", "json"],
        "SELECT * FROM activities WHERE owner_id = 'owner03@example.com' AND done_at IS NULL "
        "ORDER BY due_date, due_time NULLS FIRST, created_at, id", sql_json=True)
    add("activity add", one, lambda i: [REX, "activity", "add", some, f"Call {i}", "--due", "+1d", "-o", "id"])
    # The open deals of one stage by their next step: every matching deal's next step is read
    # to order them (about 8,000 at 1M), so this one is data-bound.
    add("deal list --sort next-activity (stage + status, 50)", None,
        lambda i: [REX, "deal", "list", "--pipeline", "Sales", "--stage", "Negotiation", "--status", "open", "--sort", "next-activity", "--limit", "50", "-o", "json"])
    add("deal stalled --pipeline --owner -o id", boards,
        lambda i: [REX, "deal", "stalled", "--pipeline", "Sales", "--owner", "owner03@example.com", "-o", "id"])
    # Output-bound too: sqlite3 reads the same deals, each with its next step, as rex prints.
    scan_sql = " UNION ALL ".join(
        f"SELECT d.*, {next_step} AS next FROM deals d WHERE d.stage_id = '{s['id']}' AND d.status IN ('open', 'stalled') AND d.last_activity_at <= '{iso(NOW_EPOCH - s['effective_stall_days'] * 86400)}'"
        for p in json.loads(rex_out(["pipeline", "list", "-o", "json"], db))
        for s in json.loads(rex_out(["pipeline", "show", p["id"], "-o", "json"], db))["stages"])
    add("deal stalled (all, data-bound)", output_bound, lambda i: [REX, "deal", "stalled", "-o", "json"], scan_sql, sql_json=True)
    add("today (all owners)", None, lambda i: [REX, "today", "--all", "-o", "json"])
    reports = ("floor", 10.0)
    # Beside each report, sqlite3 aggregating the deals that report reads.
    add("forecast (6 months)", reports, lambda i: [REX, "forecast", "-o", "json"],
        "SELECT d.expected_close, count(*), sum(d.value), sum(d.value * s.probability / 100) FROM deals d "
        "JOIN stages s ON s.id = d.stage_id WHERE d.status IN ('open', 'stalled') GROUP BY d.expected_close",
        sql_json=True)
    year_ago = "2025-03-01T00:00:00Z"
    add("report wins", reports, lambda i: [REX, "report", "wins", "-o", "json"],
        "SELECT status, count(*), sum(value), sum(unixepoch(closed_at) - unixepoch(created_at)) FROM deals "
        f"WHERE status IN ('won', 'lost') AND closed_at >= '{year_ago}' GROUP BY status", sql_json=True)
    add("report lost-reasons", reports, lambda i: [REX, "report", "lost-reasons", "-o", "json"],
        "SELECT lower(trim(close_reason)), count(*), sum(value) FROM deals "
        f"WHERE status = 'lost' AND closed_at >= '{year_ago}' GROUP BY 1", sql_json=True)
    add("report stages (reads history)", ("sqlite3", 1.5), lambda i: [REX, "report", "stages", "Sales", "-o", "json"],
        "SELECT e.kind, count(*) FROM deal_events e JOIN deals d ON d.id = e.deal_id "
        f"WHERE d.pipeline_id = '{pipeline['id']}' GROUP BY e.kind", sql_json=True)

    def wanted(name):
        return not ONLY or any(word in name for word in ONLY)

    if not wanted("export import"):
        return rows, floor, None, None, (0, [])
    export = os.path.join(workdir, f"export-{n}.jsonl")
    with open(export, "w") as out:
        run([REX, "export"], db, stdout=out)
    if server is None:
        # sqlite3 reads the same rows as rex writes (pipelines, stages, deals, their history
        # and their activities), in the export's order, as JSON.
        add("export -o jsonl (all)", ("sqlite3", 1.0), lambda i: [REX, "export"],
            "; ".join(EXPORT_COPIES), sql_json=True)
    elif wanted("export"):
        # On PostgreSQL (issue 31: at most 1.0x): psql writing the same tables' rows, in the
        # export's order, to its standard output (COPY's text format), thrown away as rex's are.
        rex_ms = median_ms(lambda i: [REX, "export"], db, runs)
        psql_ms = median_ms(lambda i: ["psql", "-X", "-q", db] + [a for q in EXPORT_COPIES for a in ("-c", f"\\copy ({q}) to stdout")], db, runs)
        rows.append(("export -o jsonl (all), vs psql \\copy of the same rows", ("psql", 1.0), rex_ms, psql_ms))
        print(f"export: {rex_ms:.1f} ms (psql \\copy {psql_ms:.1f} ms)", file=sys.stderr)
    export_rss = peak_rss_kb([REX, "export"], db) if wanted("export") else None
    if not wanted("import"):
        return rows, floor, export_rss, None, (0, [])

    if server is not None:
        rows.extend(postgres_imports(server, workdir, export, n))

    imports = []
    for i in range(3 if n < 1_000_000 else 1):
        target = fresh(workdir, f"import-{n}-{i}", server)
        with open(export) as f:
            secs, _, _ = run([REX, "import", "-q", "--db", target], target, stdin=f)
        imports.append(secs)
        remove(workdir, f"import-{n}-{i}", server)
    target = fresh(workdir, f"import-{n}-rss", server)
    with open(export) as f:
        import_rss = peak_rss_kb([REX, "import", "-q", "--db", target], target, stdin=f)
    remove(workdir, f"import-{n}-rss", server)
    load_ms = None
    if sqlite3 and server is None:
        try:
            load_ms = sqlite3_load(sqlite3, workdir, export, n)
        except subprocess.CalledProcessError as e:
            # The comparison's script may lag behind rex's schema: the row then has no floor.
            print(f"sqlite3 load failed: {(e.stderr or '').strip()}", file=sys.stderr)
    rows.append(("import (all, into an empty database)", ("sqlite3", 1.15), statistics.median(imports) * 1000, load_ms))
    if ONLY:
        remove(workdir, f"rex-bench-{n}", server)
        return rows, floor, export_rss, import_rss, (0, [])

    # A person moves a deal, once a second, while a large import runs against the same
    # database (an import into a database with deals loads in hidden chunks).
    extra = os.path.join(workdir, f"extra-{n}.jsonl")
    with open(src) as f, open(extra, "w") as out:
        for line in f:
            if '"stages"' not in line:
                out.write(line)
    moves = []
    importing = threading.Event()
    importing.set()

    def mover():
        time.sleep(0.5)
        i = 0
        while importing.is_set():
            secs, _, code = run([REX, "deal", "move", open_ids[3], STAGES[i % 4]], db, check=False)
            if importing.is_set():
                moves.append((secs, code))
            i += 1
            time.sleep(1)

    thread = threading.Thread(target=mover)
    thread.start()
    with open(extra) as f:
        import_secs, _, _ = run([REX, "import", "-q"], db, stdin=f)
    importing.clear()
    thread.join()
    print(f"concurrent moves: {moves}", file=sys.stderr)
    remove(workdir, f"rex-bench-{n}", server)
    return rows, floor, export_rss, import_rss, (import_secs, moves)


# The rows `rex export` reads on PostgreSQL, in its order: psql's side of the export row.
EXPORT_COPIES = [
    "SELECT id, name, stall_days, created_at, updated_at FROM pipelines ORDER BY created_at, id",
    "SELECT id, pipeline_id, name, color, position, stall_days, probability FROM stages ORDER BY pipeline_id, position",
    "SELECT id, name, value, status, contact_id, pipeline_id, stage_id, expected_close, owner_id, metadata, created_at, "
    "updated_at, last_activity_at, stage_entered_at, closed_at, close_reason, probability, origin FROM deals ORDER BY id",
    "SELECT id, deal_id, type, subject, due_date, due_time, duration_minutes, owner_id, note, done_at, created_at, "
    "updated_at FROM activities ORDER BY id",
    "SELECT deal_id, at, kind, details FROM deal_events ORDER BY seq",
]


# A deal's or a stage's id as the export writes it, and the columns each table's rows of an
# export fill (as `rex import` writes them).
DEAL_COLUMNS = ["id", "name", "name_key", "value", "status", "contact_id", "pipeline_id", "stage_id",
                "expected_close", "owner_id", "metadata", "created_at", "updated_at", "last_activity_at",
                "stage_entered_at", "closed_at", "close_reason", "probability", "origin"]


ACTIVITY_COLUMNS = ["id", "deal_id", "type", "subject", "due_date", "due_time", "duration_minutes",
                    "owner_id", "note", "done_at", "created_at", "updated_at"]


def copy_text(v):
    """A value in COPY's text format."""
    if v is None:
        return "\\N"
    if isinstance(v, (dict, list)):
        v = json.dumps(v, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return str(v).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def other_ids(export, out):
    """Writes the deals, history and activities of `export` again with other deal and activity
    ids (the last character of each changed), without its pipelines: the same rows once more,
    for a database that holds the first ones."""
    swap = str.maketrans("0123456789abcdefghjkmnpqrstvwxyz", "123456789abcdefghjkmnpqrstvwxyz0")
    with open(export) as f, open(out, "w") as o:
        for line in f:
            r = json.loads(line)
            if "stages" in r:
                continue
            for key in ("id", "deal_id"):
                if key in r:
                    r[key] = r[key][:-1] + r[key][-1].translate(swap)
            o.write(json.dumps(r) + "\n")


def copy_files(workdir, export, name):
    """Splits an export into one file per table in COPY's text format (not timed)."""
    parts = {t: os.path.join(workdir, f"{name}-{t}.tsv")
             for t in ("pipelines", "stages", "deals", "events", "activities")}
    files = {t: open(p, "w") for t, p in parts.items()}
    with open(export) as f:
        for line in f:
            r = json.loads(line)
            if "stages" in r:
                for st in r["stages"]:
                    files["stages"].write("\t".join(copy_text(v) for v in (
                        st["id"], r["id"], st["name"], st["name"].lower(), st["color"], st["position"],
                        st.get("stall_days"), st["probability"])) + "\n")
                files["pipelines"].write("\t".join(copy_text(v) for v in (
                    r["id"], r["name"], r["name"].lower(), r["stall_days"], r["created_at"], r["updated_at"])) + "\n")
            elif str(r.get("id", "")).startswith("activity_"):
                files["activities"].write("\t".join(copy_text(r.get(c)) for c in ACTIVITY_COLUMNS) + "\n")
            elif "deal_id" in r:
                details = {k: v for k, v in r.items() if k not in ("deal_id", "at", "kind", "actor")}
                files["events"].write("\t".join(copy_text(v) for v in (r["deal_id"], r["at"], r["kind"], details)) + "\n")
            else:
                r["name_key"] = r["name"].lower()
                r.setdefault("metadata", {})
                files["deals"].write("\t".join(copy_text(r.get(c)) for c in DEAL_COLUMNS) + "\n")
    for f in files.values():
        f.close()
    return parts


def psql_copy(db, parts, indexes_after):
    """psql loading the COPY files `parts` into the database `db` (rex's schema) in one
    transaction, the floor of a PostgreSQL import: with `indexes_after`, the secondary indexes
    of deals, history and activities (those that back no constraint) dropped first and built
    again after the load; else kept. The counters are rex's schema's own (one summing pass per COPY).
    Returns the milliseconds."""
    indexes = subprocess.run(
        ["psql", "-X", "-q", "-A", "-t", db, "-c",
         "SELECT i.indexname || '|' || i.indexdef FROM pg_indexes i WHERE i.tablename IN ('deals', 'deal_events', 'activities') "
         "AND i.schemaname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"],
        check=True, capture_output=True, text=True).stdout.split("\n")
    indexes = [i.split("|", 1) for i in indexes if i.strip()]
    script = ["BEGIN;"]
    if indexes_after:
        script += [f"DROP INDEX {name};" for name, _ in indexes]
    columns = {
        "pipelines": "pipelines (id, name, name_key, stall_days, created_at, updated_at)",
        "stages": "stages (id, pipeline_id, name, name_key, color, position, stall_days, probability)",
        "deals": f"deals ({', '.join(DEAL_COLUMNS)})",
        "events": "deal_events (deal_id, at, kind, details)",
        "activities": f"activities ({', '.join(ACTIVITY_COLUMNS)})",
    }
    for t, path in parts.items():
        if os.path.getsize(path):
            script.append(f"\\copy {columns[t]} from '{path}'")
    if indexes_after:
        script += [f"{sql};" for _, sql in indexes]
    script.append("COMMIT;")
    start = time.perf_counter()
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", db], input="\n".join(script) + "\n",
                   text=True, check=True, capture_output=True)
    return (time.perf_counter() - start) * 1000


def postgres_imports(server, workdir, export, n):
    """`rex import` on PostgreSQL against psql COPY of the same rows into rex's schema: into an
    empty database (the floor builds the secondary indexes after the load), and into one that
    holds the export's deals already (the floor keeps them), of the export again with other
    ids. Each timed once (three times below 1M: the median)."""
    again = os.path.join(workdir, f"again-{n}.jsonl")
    other_ids(export, again)
    runs = 3 if n < 1_000_000 else 1
    empty_parts = copy_files(workdir, export, "copy-empty")
    holding_parts = copy_files(workdir, again, "copy-holding")
    times = {k: [] for k in ("rex empty", "psql empty", "rex holding", "psql holding")}
    for i in range(runs):
        for who in ("rex", "psql"):
            target = fresh(workdir, f"pg-import-{n}", server)
            if who == "rex":
                with open(export) as f:
                    secs, _, _ = run([REX, "import", "-q", "--db", target], target, stdin=f)
                times["rex empty"].append(secs * 1000)
            else:
                run([REX, "pipeline", "list"], target)  # rex's schema, empty
                times["psql empty"].append(psql_copy(target, empty_parts, True))
            # The same database, holding the deals now: the rows again with other ids.
            if who == "rex":
                with open(again) as f:
                    secs, _, _ = run([REX, "import", "-q", "--db", target], target, stdin=f)
                times["rex holding"].append(secs * 1000)
            else:
                times["psql holding"].append(psql_copy(target, holding_parts, False))
            remove(workdir, f"pg-import-{n}", server)
    for path in list(empty_parts.values()) + list(holding_parts.values()) + [again]:
        os.remove(path)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"PostgreSQL imports (ms): {med}", file=sys.stderr)
    return [
        ("import into an empty database (vs psql COPY, indexes built after)", ("psql", 1.5),
         med["rex empty"], med["psql empty"]),
        ("import into a database holding the deals (vs psql COPY, indexes kept)", ("psql", 1.5),
         med["rex holding"], med["psql holding"]),
    ]


def sqlite3_load(sqlite3, workdir, export, n):
    """sqlite3 loading the rows of `export` into an empty database of rex's schema with the
    best plain plan: no sync, a 16 MiB cache, two sorter threads, the secondary indexes and
    triggers of deals, history and activities dropped and built again once, the name and
    contact indexes rebuilt and the stage counters summed (what `rex import` does, less the
    forecast and closed-deal counters, so this floor is a little lower than rex's work). Reading the JSON is part of the
    time (json_each over each table's rows, split out beforehand); the split is not."""
    parts = {t: os.path.join(workdir, f"load-{t}.json") for t in ("pipelines", "stages", "deals", "events", "activities")}
    rows = {t: [] for t in parts}
    with open(export) as f:
        for line in f:
            r = json.loads(line)
            if "stages" in r:
                for st in r.pop("stages"):
                    rows["stages"].append(dict(st, pipeline_id=r["id"]))
                rows["pipelines"].append(r)
            elif str(r.get("id", "")).startswith("activity_"):
                rows["activities"].append(r)
            elif "deal_id" in r:
                rows["events"].append(r)
            else:
                rows["deals"].append(r)
    for t, path in parts.items():
        with open(path, "w") as out:
            json.dump(rows[t], out)
    del rows
    db = fresh(workdir, f"sqlite3-load-{n}", None)
    # rex's schema, empty (only a command that adds data creates a file).
    run([REX, "pipeline", "create", "Schema"], db)
    run([REX, "pipeline", "delete", "Schema", "--yes"], db)
    objects = json.loads(subprocess.run(
        [sqlite3, "-json", db, "SELECT name, type, sql FROM sqlite_schema WHERE type IN ('index', 'trigger') "
         "AND tbl_name IN ('deal_rows', 'event_rows', 'activity_rows') AND sql IS NOT NULL"],
        check=True, capture_output=True, text=True).stdout)
    drops = "".join(f"DROP {o['type'].upper()} \"{o['name']}\";" for o in objects)
    creates = "".join(o["sql"] + ";" for o in objects)
    j = "j.value ->> "
    script = f"""PRAGMA synchronous = OFF; PRAGMA cache_size = -16384; PRAGMA threads = 2;
BEGIN;
{drops}
INSERT INTO pipeline_rows (id, name, name_key, stall_days, created_at, updated_at)
  SELECT {j}'id', {j}'name', lower({j}'name'), {j}'stall_days', {j}'created_at', {j}'updated_at'
  FROM json_each(readfile('{parts["pipelines"]}')) j;
INSERT INTO stage_rows (id, pipeline_id, name, name_key, color, position, stall_days, probability)
  SELECT {j}'id', {j}'pipeline_id', {j}'name', lower({j}'name'), {j}'color', {j}'position', {j}'stall_days', {j}'probability'
  FROM json_each(readfile('{parts["stages"]}')) j;
INSERT INTO deal_rows (id, name, name_key, value, status, contact_id, pipeline_id, stage_id, expected_close,
    owner_id, metadata, created_at, updated_at, last_activity_at, stage_entered_at, closed_at, close_reason, probability)
  SELECT {j}'id', {j}'name', lower({j}'name'), {j}'value', {j}'status', {j}'contact_id', {j}'pipeline_id',
    {j}'stage_id', {j}'expected_close', {j}'owner_id', json(j.value -> 'metadata'), {j}'created_at', {j}'updated_at',
    {j}'last_activity_at', {j}'stage_entered_at', {j}'closed_at', {j}'close_reason', {j}'probability'
  FROM json_each(readfile('{parts["deals"]}')) j;
INSERT INTO event_rows (deal_id, at, kind, details)
  SELECT {j}'deal_id', {j}'at', {j}'kind', json_remove(j.value, '$.deal_id', '$.at', '$.kind')
  FROM json_each(readfile('{parts["events"]}')) j;
INSERT INTO activity_rows (id, deal_id, type, subject, due_date, due_time, duration_minutes, owner_id, note,
    done_at, created_at, updated_at)
  SELECT {j}'id', {j}'deal_id', {j}'type', {j}'subject', {j}'due_date', {j}'due_time', {j}'duration_minutes',
    {j}'owner_id', {j}'note', {j}'done_at', {j}'created_at', {j}'updated_at'
  FROM json_each(readfile('{parts["activities"]}')) j;
{creates}
INSERT INTO deal_names (deal_names) VALUES ('rebuild');
INSERT INTO deal_names (deal_names) VALUES ('optimize');
INSERT INTO deal_contacts (deal_contacts) VALUES ('rebuild');
INSERT INTO deal_contacts (deal_contacts) VALUES ('optimize');
DELETE FROM deal_totals;
INSERT INTO deal_totals SELECT stage_id, status, value % 100, count(*), sum(value >> 32), sum(value & 4294967295)
  FROM deal_rows GROUP BY stage_id, status, value % 100;
COMMIT;
"""
    start = time.perf_counter()
    subprocess.run([sqlite3, db], input=script, text=True, check=True, capture_output=True)
    ms = (time.perf_counter() - start) * 1000
    loaded = subprocess.run([sqlite3, db, "SELECT count(*) FROM deal_rows"], check=True, capture_output=True, text=True).stdout.strip()
    print(f"sqlite3 loaded {loaded} deals in {ms:.0f} ms", file=sys.stderr)
    remove(workdir, f"sqlite3-load-{n}", None)
    for path in parts.values():
        os.remove(path)
    return ms


def concurrency(concurrent):
    import_secs, moves = concurrent
    if not moves:
        return ""
    times = [secs * 1000 for secs, _ in moves]
    ok = sum(1 for _, code in moves if code == 0)
    return (f"median {statistics.median(times):.0f} ms, max {max(times):.0f} ms; "
            f"{ok} of {len(moves)} exit 0 ({import_secs:.1f} s import)")


def table(n, sqlite, postgres=None):
    """One Markdown table per size: each command's target, rex on SQLite against the process
    floor and sqlite3 running the same query, and rex on PostgreSQL against its floor."""
    rows, floor, export_rss, import_rss, concurrent = sqlite
    pg = {}
    pg_floor = None
    if postgres:
        pg = {name: ms for name, _, ms, _ in postgres[0]}
        pg_floor = postgres[1]
    sqlite_names = {name for name, _, _, _ in rows}
    # PostgreSQL's own rows (its imports against psql COPY of the same rows).
    pg_only = [r for r in postgres[0] if r[0] not in sqlite_names] if postgres else []

    def judged(ms, target, floor_ms, same_ms):
        """(ratio shown, met) for a time against its target."""
        if target is None or ms is None:
            return "", ""
        kind, limit = target
        base = floor_ms if kind == "floor" else same_ms
        if not base:
            return "", ""
        ratio = ms / base
        return f"{ratio:.2f}", "yes" if ratio <= limit else "**no**"

    def target_text(target):
        if target is None:
            return ""
        kind, limit = target
        return f"<= {limit:g}x floor" if kind == "floor" else f"<= {limit:g}x {kind}"

    lines = [
        f"| {n:,} deals | target | SQLite: rex (ms) | ratio | met | sqlite3 same (ms) "
        f"| PostgreSQL: rex (ms) | ratio | met |",
        "|---|---|---:|---:|---|---:|---:|---:|---|",
    ]
    f = f"{floor:.1f}" if floor else ""
    pf = f"{pg_floor:.1f}" if pg_floor else ""
    lines.append(f"| floor: `select 1` in a new process | | {f} | | | | {pf} | | |")
    for name, target, rex_ms, sq_ms in rows:
        ratio, met = judged(rex_ms, target, floor, sq_ms)
        on_pg = pg.get(name)
        # PostgreSQL has no sqlite3 to compare with: its targets are against its floor.
        pg_target = target if target is None or target[0] == "floor" else None
        pg_ratio, pg_met = judged(on_pg, pg_target, pg_floor, None)
        sq = f"{sq_ms:.1f}" if sq_ms else ""
        pg_ms = f"{on_pg:.1f}" if on_pg is not None else ""
        lines.append(f"| {name} | {target_text(target)} | {rex_ms:.1f} | {ratio} | {met} | {sq} | {pg_ms} | {pg_ratio} | {pg_met} |")
    for name, target, rex_ms, psql_ms in pg_only:
        pg_ratio, pg_met = judged(rex_ms, target, pg_floor, psql_ms)
        lines.append(f"| {name} (psql: {psql_ms:.1f} ms) | {target_text(target)} | | | | | {rex_ms:.1f} | {pg_ratio} | {pg_met} |")
    if export_rss and import_rss:
        pg_rss = ""
        if postgres and postgres[2] and postgres[3]:
            pg_rss = f"{postgres[2] / 1024:.1f} MB / {postgres[3] / 1024:.1f} MB"
        lines.append(f"| peak RSS: export / import | <= 16 MB / 100 MB | {export_rss / 1024:.1f} MB / {import_rss / 1024:.1f} MB | | | | {pg_rss} | | |")
    moves = concurrency(concurrent)
    if moves:
        pg_moves = concurrency(postgres[4]) if postgres else ""
        lines.append(f"| `deal move` once a second during an import of {n:,} more deals | | {moves} | | | | {pg_moves} | | |")
    return "\n".join(lines)


def start_postgres(workdir):
    """A throwaway PostgreSQL server with its default settings (durable commits) on a free
    port of 127.0.0.1, run as the `postgres` user when this runs as root (the server refuses
    root). A server left in `workdir` by an earlier run (--keep) is started again. Returns its
    admin URL and a function that stops it."""
    import glob
    import socket
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    initdb = bins[-1] if bins else shutil.which("initdb")
    if not initdb:
        raise SystemExit("no initdb: install PostgreSQL (apt-get install -y postgresql) or pass --postgres URL")
    pg_ctl = os.path.join(os.path.dirname(initdb), "pg_ctl")
    data = os.path.join(workdir, "pg")
    os.makedirs(data, exist_ok=True)
    as_user = []
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "postgres:", workdir], check=True)
        as_user = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    if not os.path.exists(os.path.join(data, "PG_VERSION")):
        subprocess.run(as_user + [initdb, "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                                  "--locale=C.UTF-8"], check=True, capture_output=True)
    opts = f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1"
    subprocess.run(as_user + [pg_ctl, "-D", data, "-o", opts, "-l", os.path.join(workdir, "pg.log"),
                              "-w", "start"], check=True, capture_output=True)

    def stop():
        subprocess.run(as_user + [pg_ctl, "-D", data, "-m", "fast", "-w", "stop"], capture_output=True)

    return f"postgres://postgres@127.0.0.1:{port}/postgres?sslmode=disable", stop


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000", help="comma-separated deal counts (1000000 for 1M)")
    ap.add_argument("--runs", type=int, default=7, help="timed runs per command (median)")
    ap.add_argument("--keep", help="directory for the generated files (default: a temp dir, removed)")
    ap.add_argument("--postgres", metavar="ADMIN_URL",
                    help="also run on PostgreSQL: 'auto' starts a throwaway local server (initdb, "
                         "pg_ctl), or give the URL of a server where it may create databases")
    ap.add_argument("--only", help="comma-separated words: time only the rows whose names hold one "
                                   "(the database is built all the same; the export and import rows "
                                   "are left out)")
    args = ap.parse_args()
    if args.only:
        ONLY.extend(w.strip() for w in args.only.split(",") if w.strip())
    sqlite3 = shutil.which("sqlite3")
    if not sqlite3:
        print("sqlite3 not found (apt-get install sqlite3): comparison skipped", file=sys.stderr)
    workdir = args.keep or tempfile.mkdtemp(prefix="rex-bench-")
    os.makedirs(workdir, exist_ok=True)
    build(workdir)
    server, stop = args.postgres, None
    try:
        if server == "auto":
            server, stop = start_postgres(workdir)
            print(f"PostgreSQL for the benchmark: {server}", file=sys.stderr)
        for n in [int(s) for s in args.sizes.split(",")]:
            on_sqlite = bench(n, args.runs, workdir, sqlite3)
            on_postgres = bench(n, args.runs, workdir, sqlite3, server) if server else None
            print(table(n, on_sqlite, on_postgres), flush=True)
            print(flush=True)
    finally:
        if stop:
            stop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
