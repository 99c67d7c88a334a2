#!/usr/bin/env python3
"""rex serve under load: the REST API measured with wrk, beside Datasette on the same file.

Builds rex in release mode, generates the database of bench/run.py once (5 pipelines x 5
stages, 50 owners; kept with --keep and used again), starts `rex serve --listen
127.0.0.1:0 --quiet` on it and drives it with wrk (2 threads; 1 with one connection):

    GET /deals/:id                         10,000 deals picked by value, at random
    GET /deals?owner_id=X&limit=50         one of the 50 owners at random (created_at order)
    POST /deals                            a new deal in Sales, a random owner and value
    PATCH /deals/:id {"stage_id"}          5,000 open deals of Sales, each moved one stage on

reads at 1 and 64 connections, writes at 1, 8 and 64; each reports requests per second,
p50 and p99 latency and every response that is not 2xx (by status). The server's memory
(VmRSS, sampled, and VmHWM, from /proc) is read under the 64-connection runs. Then
`datasette serve -i FILE` (immutable, suggested facets off) answers the same row and the
same 50-row owner query as JSON at 1 and 64 connections. With --postgres the rex runs are
made again on PostgreSQL.

    python3 bench/http.py                                  # 1,000,000 deals, SQLite
    python3 bench/http.py --keep /tmp/rex-http --postgres auto
    python3 bench/http.py --size 10000 --seconds 3         # a quick look

Needs wrk (`apt-get install wrk`) and Datasette (`pip install datasette`; when it is not
on PATH it is installed into a venv under target/bench-venv). When `rex token create`
works the server is run with an admin token and every request sends it (the token is
checked on every request); otherwise, or with --open, it is run with --open.

--startup OLD_REX times `rex deal show ID -o json` of OLD_REX and of the new binary on the
same database, in turn (A B A B ...), and prints both medians: the CLI's start-up cost.
"""

import argparse
import importlib.util
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

# This file's name hides the standard library's `http` (which urllib needs) when its folder
# is first on the path, as it is when run as a script: bench/ comes off the path, and
# bench/run.py (the generator, the build, the databases) is loaded by its file name.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != HERE]
import urllib.request  # noqa: E402
_spec = importlib.util.spec_from_file_location("run", os.path.join(HERE, "run.py"))
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)

OWNERS = [f"owner{i:02d}@example.com" for i in range(50)]
READ_CONNS = (1, 64)
WRITE_CONNS = (1, 8, 64)

# What every wrk script shares: the statuses it saw, and one JSON line of figures at the
# end (wrk's own summary counts 3xx as success and does not say which statuses failed).
LUA_COMMON = r"""
local threads = {}
local auth = AUTH
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  statuses = {}
  n = 0
  math.randomseed(os.time() * 100 + tid)
  if start then start() end
end
function headers(extra)
  local h = {}
  if auth ~= "" then h["Authorization"] = "Bearer " .. auth end
  for k, v in pairs(extra or {}) do h[k] = v end
  return h
end
function response(status, hdrs, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local merged = {}
  for _, t in ipairs(threads) do
    for s, c in pairs(t:get("statuses")) do merged[s] = (merged[s] or 0) + c end
  end
  local parts = {}
  for s, c in pairs(merged) do table.insert(parts, string.format('"%d":%d', s, c)) end
  local e = summary.errors
  io.write(string.format(
    'WRK {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"socket_errors":%d,"statuses":{%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, e.connect + e.read + e.write + e.timeout, table.concat(parts, ",")))
end
"""


def lua_list(values):
    return "{" + ",".join(json.dumps(v) for v in values) + "}"


def lua_get(prefix, ids, suffix=""):
    """GET prefix..ID..suffix for an id at random."""
    return f"""
local ids = {lua_list(ids)}
function request()
  return wrk.format("GET", "{prefix}" .. ids[math.random(#ids)] .. "{suffix}", headers())
end
"""


def lua_owner_list(template):
    """GET template with {owner} replaced by one of the owners at random."""
    encoded = [o.replace("@", "%40") for o in OWNERS]
    before, after = template.split("{owner}")
    return f"""
local owners = {lua_list(encoded)}
function request()
  return wrk.format("GET", "{before}" .. owners[math.random(#owners)] .. "{after}", headers())
end
"""


def lua_post(pipeline_id):
    return f"""
local owners = {lua_list(OWNERS)}
function request()
  n = n + 1
  local body = string.format(
    '{{"name":"HTTP bench %d-%d-%d","value":%d,"pipeline_id":"{pipeline_id}","owner_id":"%s"}}',
    os.time(), tid, n, math.random(1, 100000000), owners[math.random(#owners)])
  return wrk.format("POST", "/deals", headers({{["Content-Type"] = "application/json"}}), body)
end
"""


def lua_patch(deals, stage_ids):
    """Each thread moves its own share of the deals, one after another, each to the stage
    after the one it is in (of the first four), so no two requests wait on one row and no
    move is to the stage a deal is already in."""
    ids = [d for d, _ in deals]
    at = [s for _, s in deals]
    return f"""
local ids = {lua_list(ids)}
local at = {lua_list(at)}
local stages = {lua_list(stage_ids)}
local next_deal = 0
function request()
  local count = math.floor(#ids / nthreads)
  next_deal = next_deal % count + 1
  local i = (tid - 1) * count + next_deal
  at[i] = at[i] % 4 + 1
  local body = '{{"stage_id":"' .. stages[at[i]] .. '"}}'
  return wrk.format("PATCH", "/deals/" .. ids[i],
    headers({{["Content-Type"] = "application/merge-patch+json"}}), body)
end
"""


class Rss:
    """Samples a process's VmRSS while it runs; VmHWM is its peak since it started."""

    def __init__(self, pid):
        self.pid = pid
        self.peak_kb = 0
        self.running = False

    def read(self, field):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        return 0

    def __enter__(self):
        self.running = True
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()
        return self

    def sample(self):
        while self.running:
            try:
                self.peak_kb = max(self.peak_kb, self.read("VmRSS"))
            except OSError:
                return
            time.sleep(0.1)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()


def wrk(url, lua, conns, seconds, workdir, token=None):
    """Runs wrk on `url` with the script `lua` (its request function), sending `token` when
    given; returns its figures."""
    threads = min(2, conns)
    script = os.path.join(workdir, "bench.lua")
    with open(script, "w") as f:
        f.write(f"nthreads = {threads}\n")
        f.write(LUA_COMMON.replace("AUTH", json.dumps(token or "")))
        f.write(lua)
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{conns}", f"-d{seconds}s", "--latency",
                          "--timeout", "10s", "-s", script, url],
                         capture_output=True, text=True)
    line = next((l for l in out.stdout.splitlines() if l.startswith("WRK ")), None)
    if out.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed ({out.returncode}): {out.stdout}{out.stderr}")
    r = json.loads(line[4:])
    statuses = {int(k): v for k, v in r["statuses"].items()}
    bad = {s: c for s, c in sorted(statuses.items()) if not 200 <= s < 300}
    return {
        "rps": r["requests"] / (r["duration_us"] / 1e6),
        "p50": r["p50_us"] / 1000,
        "p99": r["p99_us"] / 1000,
        "max": r["max_us"] / 1000,
        "requests": r["requests"],
        "errors": bad,
        "socket_errors": r["socket_errors"],
    }



def env_for(db):
    env = dict(os.environ, REX_DB=db, REX_NOW=base.NOW, TZ="UTC")
    env.pop("RUST_BACKTRACE", None)
    return env


class Server:
    """`rex serve` on a free port of 127.0.0.1: the port is read from its first stderr line."""

    def __init__(self, db, token):
        args = [base.REX, "serve", "--listen", "127.0.0.1:0", "--quiet"]
        if token is None:
            args.append("--open")
        self.proc = subprocess.Popen(args, env=env_for(db), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        first = self.proc.stderr.readline()
        m = re.match(r"listening on (http://\S+)", first)
        if not m:
            self.proc.kill()
            raise SystemExit(f"rex serve did not start: {first}{self.proc.stderr.read()}")
        self.url = m.group(1)
        self.log = []
        threading.Thread(target=lambda: self.log.extend(self.proc.stderr), daemon=True).start()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=30)
        if code != 0:
            print(f"rex serve exited {code}: {''.join(self.log[-5:])}", file=sys.stderr)


def admin_token(db):
    """An admin token's secret when `rex token create` works on this build; else None."""
    name = f"http-bench-{int(time.time())}-{os.getpid()}"
    out = subprocess.run([base.REX, "token", "create", name, "--role", "admin"], env=env_for(db),
                         capture_output=True, text=True)
    secret = out.stdout.strip()
    if out.returncode == 0 and secret.startswith("rex_"):
        return secret
    print(f"rex token create does not work here (exit {out.returncode}): serving with --open",
          file=sys.stderr)
    return None


def database(workdir, n, server):
    """The database of n deals: made once, and found again in a kept directory (SQLite: the
    file; PostgreSQL: the database rex_http_N on `server`)."""
    name = f"rex-http-{n}"
    if server is None:
        db = os.path.join(workdir, f"{name}.db")
        if os.path.exists(db):
            print(f"using {db}", file=sys.stderr)
            return db
    else:
        base_url, _, query = server.partition("?")
        db = base_url.rsplit("/", 1)[0] + "/" + name.replace("-", "_") + ("?" + query if query else "")
        found = subprocess.run(["psql", "-X", "-A", "-t", server, "-c",
                                f"SELECT 1 FROM pg_database WHERE datname = '{name.replace('-', '_')}'"],
                               capture_output=True, text=True, check=True).stdout.strip()
        if found == "1" and base.rex_out(["deal", "list", "--limit", "1", "-o", "id"], db).strip():
            print(f"using {db}", file=sys.stderr)
            return db
    db = base.fresh(workdir, name, server)
    src = os.path.join(workdir, f"deals-{n}.jsonl")
    print(f"\nmaking {n:,} deals on {'PostgreSQL' if server else 'SQLite'}", file=sys.stderr)
    base.populate(src, n, db)
    os.remove(src)
    return db


def inputs(db):
    """The ids the requests use: Sales, its first four stages, and 10,000 deals to read."""
    pipeline = json.loads(base.rex_out(["pipeline", "show", "Sales", "-o", "json"], db))
    stage_ids = [s["id"] for s in pipeline["stages"]][:4]
    read_ids = base.rex_out(["deal", "list", "--sort", "value", "--desc", "--limit", "10000", "-o", "id"], db).split()
    return pipeline["id"], stage_ids, read_ids


def moving(db):
    """5,000 open deals of Sales and the stage each is in now (1 to 4, as Lua counts; the
    last stage counts as the fourth): read before each run, as the last one moved them."""
    time.sleep(1)  # requests the last run left in flight
    names = [s["name"] for s in json.loads(base.rex_out(["pipeline", "show", "Sales", "-o", "json"], db))["stages"]]
    moved = json.loads(base.rex_out(["deal", "list", "--pipeline", "Sales", "--status", "open",
                                     "--limit", "5000", "-o", "json"], db))
    return [(d["id"], min(names.index(d["stage_name"]) + 1, 4)) for d in moved]


def measure(name, url, lua, conns, seconds, workdir, token=None, rss=None):
    r = wrk(url, lua, conns, seconds, workdir, token)
    errors = ", ".join(f"{c} × {s}" for s, c in r["errors"].items())
    if r["socket_errors"]:
        errors = (errors + ", " if errors else "") + f"{r['socket_errors']} socket errors"
    r["error_text"] = errors or "0"
    print(f"{name} ×{conns}: {r['rps']:.0f} req/s, p50 {r['p50']:.2f} ms, p99 {r['p99']:.2f} ms, "
          f"errors {r['error_text']}" + (f", RSS peak {rss.peak_kb / 1024:.1f} MB" if rss else ""),
          file=sys.stderr)
    return r


def rex_runs(db, seconds, workdir, open_=False):
    """The four requests on one database; returns {(request, conns): figures}, the server's
    memory, and whether a token was checked on each request."""
    pipeline_id, stage_ids, read_ids = inputs(db)
    token = None if open_ else admin_token(db)
    server = Server(db, token)
    results = {}
    memory = {}
    try:
        rss = Rss(server.proc.pid)
        plan = [
            ("GET /deals/:id", lambda: lua_get("/deals/", read_ids), READ_CONNS),
            ("GET /deals?owner_id=…&limit=50", lambda: lua_owner_list("/deals?owner_id={owner}&limit=50"), READ_CONNS),
            ("POST /deals", lambda: lua_post(pipeline_id), WRITE_CONNS),
            ("PATCH /deals/:id (move)", lambda: lua_patch(moving(db), stage_ids), WRITE_CONNS),
        ]
        for name, script, conns in plan:
            wrk(server.url, script(), 64, 2, workdir, token)  # warm-up: pages, pooled stores
            for c in conns:
                lua = script()
                if c == 64:
                    with rss:
                        results[(name, c)] = measure(name, server.url, lua, c, seconds, workdir, token, rss)
                else:
                    results[(name, c)] = measure(name, server.url, lua, c, seconds, workdir, token)
        memory = {"rss_peak_kb": rss.peak_kb, "hwm_kb": rss.read("VmHWM")}
    finally:
        server.stop()
    return results, memory, token is not None


def datasette_bin():
    found = shutil.which("datasette")
    if found:
        return found
    venv = os.path.join(base.ROOT, "target", "bench-venv")
    bin_ = os.path.join(venv, "bin", "datasette")
    if not os.path.exists(bin_):
        print("installing Datasette into target/bench-venv", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([os.path.join(venv, "bin", "pip"), "install", "-q", "datasette"], check=True)
    return bin_


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def datasette_runs(db, seconds, workdir):
    """Datasette on the same file (immutable: no locks, its fastest way to read a file that
    does not change), asked for the same rows and the same 50-row lists as JSON objects."""
    _, _, read_ids = inputs(db)
    port = free_port()
    name = os.path.splitext(os.path.basename(db))[0]
    proc = subprocess.Popen([datasette_bin(), "serve", "-i", db, "--host", "127.0.0.1", "--port", str(port),
                             "--setting", "suggest_facets", "off", "--setting", "max_returned_rows", "1000"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + f"/{name}.json", timeout=5).read()
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        raise SystemExit("datasette did not start")
    results = {}
    try:
        plan = [
            # The view `deals` has a deal's columns; filtered by id it is one index lookup.
            ("GET /deals/:id", lua_get(f"/{name}/deals.json?_shape=objects&_nocount=1&id=", read_ids)),
            # rex's default order: oldest first, ties by id.
            ("GET /deals?owner_id=…&limit=50",
             lua_owner_list(f"/{name}/deals.json?_shape=objects&_nocount=1&_size=50&_sort=created_at&owner_id={{owner}}")),
        ]
        for what, lua in plan:
            wrk(url, lua, 64, 2, workdir)
            for c in READ_CONNS:
                results[(what, c)] = measure("datasette " + what, url, lua, c, seconds, workdir)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return results


def fmt(r):
    if r is None:
        return "| | | |"
    if not r["p50"]:
        # wrk times only the requests answered before its --timeout.
        return f"| {r['rps']:,.0f} | — | — |"
    return f"| {r['rps']:,.0f} | {r['p50']:.2f} | {r['p99']:.2f} |"


def ratio_text(r, d):
    """rex's requests per second over Datasette's."""
    if not (r and d):
        return ""
    if not d["requests"]:
        return "— (Datasette answered none)"
    return f"{r['rps'] / d['rps']:.1f}×"


def table(n, sqlite, ds, postgres):
    """The figures as Markdown: one row per request and connection count."""
    lite = sqlite[0] if sqlite else {}
    pg = postgres[0] if postgres else {}
    lines = [f"| {n:,} deals | conns | SQLite req/s | p50 ms | p99 ms | errors | Datasette req/s | p50 ms | p99 ms "
             f"| rex ÷ Datasette | PostgreSQL req/s | p50 ms | p99 ms | errors |",
             "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for key in lite or pg:
        r, d, p = lite.get(key), ds.get(key), pg.get(key)
        ratio = ratio_text(r, d)
        name, conns = key
        lines.append(f"| {name} | {conns} {fmt(r)} {r['error_text'] if r else ''} {fmt(d)} {ratio} {fmt(p)} "
                     f"{p['error_text'] if p else ''} |")

    def mem(m):
        return f"{m['rss_peak_kb'] / 1024:.1f} MB / {m['hwm_kb'] / 1024:.1f} MB" if m else ""
    lines.append(f"| server RSS under 64 connections: peak VmRSS / VmHWM | | {mem(sqlite and sqlite[1])} "
                 f"| | | | | | | | {mem(postgres and postgres[1])} | | | |")
    checked = [run[2] for run in (sqlite, postgres) if run]
    auth = "an admin token on every request" if all(checked) else "--open (no token check)"
    lines.append(f"\nrex served with {auth}.")
    return "\n".join(lines)


def verdicts(sqlite, ds, postgres):
    """Each target, met or not, from the figures."""
    out = []
    lite = sqlite[0] if sqlite else {}
    for what in ("GET /deals/:id", "GET /deals?owner_id=…&limit=50"):
        r, d = lite.get((what, 64)), ds.get((what, 64))
        if r and d:
            ratio = r["rps"] / d["rps"] if d["requests"] else float("inf")
            out.append(f"- reads ≥ 5× Datasette at 64 connections, {what}: {ratio:.1f}× — "
                       f"{'met' if ratio >= 5 else 'NOT met'}")
    runs = [(label, run) for label, run in (("SQLite", sqlite), ("PostgreSQL", postgres)) if run]
    for label, (res, _, _) in runs:
        over = [f"{k[0]} ×{k[1]} ({v['p99']:.1f} ms)" for k, v in res.items() if v["p99"] > 20]
        out.append(f"- p99 ≤ 20 ms on {label}: " + ("met by every row" if not over else "NOT met by " + ", ".join(over)))
    for label, (_, mem, _) in runs:
        mb = max(mem["rss_peak_kb"], mem["hwm_kb"]) / 1024
        out.append(f"- server RSS ≤ 64 MB under 64 connections on {label}: {mb:.1f} MB — {'met' if mb <= 64 else 'NOT met'}")
    if postgres:
        res = postgres[0]
        for what in ("POST /deals", "PATCH /deals/:id (move)"):
            rates = [res[(what, c)]["rps"] for c in WRITE_CONNS]
            out.append(f"- PostgreSQL {what} at {', '.join(map(str, WRITE_CONNS))} connections: "
                       + " → ".join(f"{x:,.0f}" for x in rates) + " req/s "
                       + f"({rates[-1] / rates[0]:.1f}× from 1 to 64)")
    return "\n".join(out)


def startup(old, db, runs):
    """`rex deal show ID -o json` of `old` and of the new binary, in turn; medians in ms."""
    some = base.rex_out(["deal", "list", "--limit", "1", "-o", "id"], db).split()[0]
    times = {"old": [], "new": []}
    for i in range(runs + 1):
        for which, binary in (("old", old), ("new", base.REX)):
            secs, _, _ = base.run([binary, "deal", "show", some, "-o", "json"], db)
            if i:
                times[which].append(secs * 1000)
    return {k: statistics.median(v) for k, v in times.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=1_000_000, help="deals in the database (default 1000000)")
    ap.add_argument("--seconds", type=int, default=12, help="seconds of load per measurement (default 12)")
    ap.add_argument("--keep", help="directory for the database, kept and used again (default: a temp dir, removed)")
    ap.add_argument("--postgres", metavar="ADMIN_URL",
                    help="also run on PostgreSQL: 'auto' starts a local server (initdb, pg_ctl; kept "
                         "in --keep and started again), or the URL of a server where it may create databases")
    ap.add_argument("--no-datasette", action="store_true", help="leave Datasette out")
    ap.add_argument("--no-sqlite", action="store_true", help="with --postgres: PostgreSQL only")
    ap.add_argument("--rex", metavar="PATH", help="measure this rex binary instead of building one")
    ap.add_argument("--open", action="store_true",
                    help="serve with --open even when tokens work (what the token check costs)")
    ap.add_argument("--startup", metavar="OLD_REX",
                    help="also time `rex deal show` of this older rex binary against the new one")
    ap.add_argument("--startup-runs", type=int, default=31, help="runs of each binary for --startup (default 31)")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install wrk")
    workdir = args.keep or tempfile.mkdtemp(prefix="rex-http-")
    os.makedirs(workdir, exist_ok=True)
    if args.rex:
        base.REX = os.path.abspath(args.rex)
    else:
        base.build(workdir)
    server, stop = args.postgres, None
    try:
        sqlite, ds = None, {}
        if not (args.no_sqlite and server):
            db = database(workdir, args.size, None)
            sqlite = rex_runs(db, args.seconds, workdir, args.open)
            ds = {} if args.no_datasette else datasette_runs(db, args.seconds, workdir)
        if args.startup and sqlite:
            t = startup(args.startup, db, args.startup_runs)
            print(f"deal show: old {t['old']:.2f} ms, new {t['new']:.2f} ms (medians of {args.startup_runs})",
                  flush=True)
        postgres = None
        if server:
            if server == "auto":
                server, stop = base.start_postgres(workdir)
                print(f"PostgreSQL for the benchmark: {server}", file=sys.stderr)
            pg_db = database(workdir, args.size, server)
            postgres = rex_runs(pg_db, args.seconds, workdir, args.open)
        print(table(args.size, sqlite, ds, postgres), flush=True)
        print(flush=True)
        print(verdicts(sqlite, ds, postgres), flush=True)
    finally:
        if stop:
            stop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
