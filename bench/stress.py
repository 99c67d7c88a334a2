#!/usr/bin/env python3
"""rex under stress: many real rex processes at once, kill -9s and (on PostgreSQL) a server
restart, then an account of every change rex acknowledged against what the database holds.

    python3 bench/stress.py                         # SQLite, in a temp directory
    python3 bench/stress.py --postgres URL          # a database it creates on that server
    python3 bench/stress.py --postgres URL --restart "COMMAND"   # and restarts the server

Runs, each printed as one line of figures:
  writers   W writers create deals and move, note and close them while a marker
            (`deal stalled --mark`) and readers (`deal list`, `pipeline show`) run beside;
            every acknowledged create must be stored exactly once, every acknowledged move,
            note and close must be in its deal's history, and every failure must be exit 5.
  kills     K kill -9s of writers and of imports at random moments: every acknowledged deal
            is there, each import is all or nothing, and (SQLite) integrity_check says ok.
  backups   (SQLite) B backups taken beside writers: each one opens and passes integrity_check.
  restart   (PostgreSQL, with --restart) the server restarted immediately during writers
            and an import: nothing acknowledged is lost, the import is all or nothing.

Exit status 1 when any account does not add up. Uses target/release/rex (built when missing).
"""

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REX = os.path.join(ROOT, "target", "release", "rex")
PROBLEMS = []


def env(db, home):
    e = {k: v for k, v in os.environ.items() if k != "RUST_BACKTRACE"}
    e.update({"REX_DB": db, "HOME": home, "TZ": "UTC", "REX_BUSY_TIMEOUT": "10000"})
    return e


def rex(db, home, *args, stdin=None):
    p = subprocess.run([REX, *args], env=env(db, home), input=stdin, capture_output=True)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def problem(text):
    PROBLEMS.append(text)
    print("  PROBLEM:", text)


def deals(db, home):
    code, out, err = rex(db, home, "deal", "list", "--status", "all", "--limit", "0", "-o", "json")
    if code != 0:
        code, out, err = rex(db, home, "export", "--deals")
        if code != 0:
            problem(f"cannot list deals: {err.strip()}")
            return []
        return [json.loads(l) for l in out.splitlines() if l.strip()]
    return json.loads(out)


def all_deals(db, home):
    code, out, err = rex(db, home, "export", "--deals")
    if code != 0:
        problem(f"export failed ({code}): {err.strip()}")
        return []
    return [json.loads(l) for l in out.splitlines() if l.strip()]


def history(db, home, deal):
    code, out, err = rex(db, home, "deal", "history", deal, "-o", "json")
    return json.loads(out) if code == 0 else []


def writer(db, home, tag, n, stages, acked, failures):
    for i in range(n):
        name = f"{tag}-{i}"
        code, out, err = rex(db, home, "deal", "create", name, "--value", "10", "-o", "id")
        if code == 0:
            deal = out.strip()
            acked.append(("create", name, deal))
            for args, what in (
                (("deal", "move", deal, stages[1 + i % 3]), "move"),
                (("deal", "note", deal, f"called {name}"), "note"),
            ) + ((((("deal", "close", deal, "--won"), "close")),) if i % 3 == 0 else ()):
                c, _, e = rex(db, home, *args)
                if c == 0:
                    acked.append((what, name, deal))
                else:
                    failures.append((c, e.strip()))
        else:
            failures.append((code, err.strip()))


def loop(db, home, argsets, stop, failures, when="2026-04-20T00:00:00Z"):
    runs = 0
    while not stop.is_set():
        for args in argsets:
            e = env(db, home)
            e["REX_NOW"] = when
            p = subprocess.run([REX, *args], env=e, capture_output=True)
            runs += 1
            if p.returncode != 0:
                failures.append((p.returncode, p.stderr.decode().strip()))
    return runs


def check_writers(db, home, acked, label):
    stored = all_deals(db, home)
    names = {}
    for d in stored:
        names.setdefault(d["name"], []).append(d)
    creates = [a for a in acked if a[0] == "create"]
    lost = [a for a in creates if a[1] not in names]
    doubled = [n for n, ds in names.items() if len(ds) > 1]
    if lost:
        problem(f"{label}: {len(lost)} acknowledged deals missing, e.g. {lost[:3]}")
    if doubled:
        problem(f"{label}: {len(doubled)} deals stored twice, e.g. {doubled[:3]}")
    by_deal = {}
    for kind, _, deal in acked:
        by_deal.setdefault(deal, []).append(kind)
    missing_events = 0
    sample = random.sample(sorted(by_deal), min(60, len(by_deal)))
    for deal in sample:
        kinds = [e["kind"] for e in history(db, home, deal)]
        for k in by_deal[deal]:
            want = {"create": "created", "move": "moved", "note": "note", "close": "closed"}[k]
            if want not in kinds:
                missing_events += 1
    if missing_events:
        problem(f"{label}: {missing_events} acknowledged changes missing from history")
    return len(creates), len(creates) - len(lost), len(acked), len(sample)


def setup(db, home):
    code, out, err = rex(db, home, "pipeline", "create", "Sales", "-o", "json")
    if code != 0:
        sys.exit(f"cannot create the pipeline: {err}")
    return [s["name"] for s in json.loads(out)["stages"]]


def run_writers(db, home, stages, writers, per):
    acked, failures, side = [], [], []
    stop = threading.Event()
    threads = [
        threading.Thread(target=writer, args=(db, home, f"w{w}", per, stages, acked, failures))
        for w in range(writers)
    ]
    marker = threading.Thread(
        target=loop, args=(db, home, [("deal", "stalled", "--mark", "-q")], stop, side))
    reader = threading.Thread(
        target=loop,
        args=(db, home, [("deal", "list", "-o", "json"), ("pipeline", "show", "Sales", "-o", "json")],
              stop, side, "2026-03-02T09:00:00Z"))
    for t in threads + [marker, reader]:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    marker.join()
    reader.join()
    bad = [f for f in failures + side if f[0] != 5]
    if bad:
        problem(f"writers: failures that are not exit 5: {bad[:3]}")
    creates, stored, changes, checked = check_writers(db, home, acked, "writers")
    print(f"writers: {writers} writers x {per} deals, marker and reader beside: "
          f"{stored}/{creates} acknowledged creates stored once, {changes} acknowledged changes "
          f"(history checked on {checked} deals), {len(failures)} writer and {len(side)} "
          f"marker/reader refusals, all exit 5: {not bad}")


def csv_rows(tag, n):
    return "name,value\n" + "".join(f"{tag}-{i},{100 + i}\n" for i in range(n))


def run_kills(db, home, stages, kills, sqlite):
    acked, lost_imports, whole, finished = [], 0, 0, 0
    for k in range(kills):
        if k % 2 == 0:
            # A writer killed at a random moment; the deals it acknowledged must stay.
            tag = f"k{k}"
            proc_acked = []
            t = threading.Thread(target=writer, args=(db, home, tag, 40, stages, proc_acked, []))
            t.start()
            time.sleep(random.uniform(0.05, 0.6))
            subprocess.run(["pkill", "-9", "-f", f"deal create {tag}-"], capture_output=True)
            t.join()
            acked.extend(proc_acked)
        else:
            tag = f"imp{k}"
            rows = 20000
            p = subprocess.Popen([REX, "import", "-", "--format", "csv"], env=env(db, home),
                                 stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            try:
                p.stdin.write(csv_rows(tag, rows).encode())
                p.stdin.flush()
            except BrokenPipeError:
                pass
            time.sleep(random.uniform(0.05, 1.0))
            p.send_signal(signal.SIGKILL)
            p.wait()
            n = sum(1 for d in all_deals(db, home) if d["name"].startswith(f"{tag}-"))
            if n in (0, rows):
                whole += 1
                finished += n == rows
            else:
                lost_imports += 1
                problem(f"kills: import {tag} left {n} of {rows} deals")
    creates, stored, _, _ = check_writers(db, home, acked, "kills")
    integrity = "n/a"
    if sqlite and shutil.which("sqlite3"):
        integrity = subprocess.run(["sqlite3", db, "pragma integrity_check"], capture_output=True,
                                   text=True).stdout.strip()
        if integrity != "ok":
            problem(f"kills: integrity_check says {integrity}")
    code, _, err = rex(db, home, "deal", "list", "--limit", "1")
    if code != 0:
        problem(f"kills: the database no longer reads: {err.strip()}")
    print(f"kills: {kills} kill -9s ({(kills + 1) // 2} writers, {kills // 2} imports of 20,000 "
          f"rows): {stored}/{creates} acknowledged deals stored, imports all-or-nothing "
          f"{whole}/{kills // 2} ({finished} finished before the kill), integrity_check {integrity}, reads afterwards: {code == 0}")


def run_backups(db, home, stages, backups, dir):
    ok = 0
    stop = threading.Event()
    acked = []
    threads = [threading.Thread(target=writer, args=(db, home, f"b{w}", 25, stages, acked, []))
               for w in range(4)]
    for t in threads:
        t.start()
    for b in range(backups):
        target = os.path.join(dir, f"backup-{b}.db")
        code, _, err = rex(db, home, "backup", target)
        if code != 0:
            if code != 5:
                problem(f"backups: backup {b} exit {code}: {err.strip()}")
            continue
        check = subprocess.run(["sqlite3", target, "pragma integrity_check"], capture_output=True,
                               text=True).stdout.strip() if shutil.which("sqlite3") else "ok"
        c, _, e = rex(target, home, "deal", "list", "--limit", "1")
        if check == "ok" and c == 0:
            ok += 1
        else:
            problem(f"backups: backup {b}: integrity {check}, reads {c}: {e.strip()}")
    for t in threads:
        t.join()
    stop.set()
    own = rex(db, home, "backup", db)
    if own[0] != 2:
        problem(f"backups: a backup onto the database itself gave exit {own[0]}")
    print(f"backups: {backups} backups beside 4 writers: {ok} whole and consistent; a backup onto "
          f"the live file: exit {own[0]}")


def run_restart(db, home, stages, command):
    acked, failures = [], []
    threads = [threading.Thread(target=writer, args=(db, home, f"r{w}", 40, stages, acked, failures))
               for w in range(4)]
    rows = 50000
    imp = subprocess.Popen([REX, "import", "-", "--format", "csv"], env=env(db, home),
                           stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for t in threads:
        t.start()
    def feed():
        try:
            imp.stdin.write(csv_rows("rimp", rows).encode())
            imp.stdin.close()
        except BrokenPipeError:
            pass  # the import ended (the server went away): its exit code says how

    feeder = threading.Thread(target=feed)
    feeder.start()
    time.sleep(0.8)
    subprocess.run(command, shell=True, capture_output=True)
    for t in threads:
        t.join()
    feeder.join()
    imp.wait()
    creates, stored, _, _ = check_writers(db, home, acked, "restart")
    n = sum(1 for d in all_deals(db, home) if d["name"].startswith("rimp-"))
    if n not in (0, rows):
        problem(f"restart: the import left {n} of {rows} deals")
    codes = sorted({c for c, _ in failures})
    print(f"restart: server restarted during 4 writers and a {rows}-row import: {stored}/{creates} "
          f"acknowledged deals stored, import exit {imp.returncode} with {n} of {rows} deals, "
          f"writer failure codes {codes}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--postgres", help="a server's admin URL: run on a new database there")
    ap.add_argument("--restart", help="a shell command that restarts that server")
    ap.add_argument("--writers", type=int, default=8)
    ap.add_argument("--per", type=int, default=100)
    ap.add_argument("--kills", type=int, default=26)
    ap.add_argument("--backups", type=int, default=12)
    a = ap.parse_args()
    if not os.path.exists(REX):
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory(prefix="rex-stress-") as dir:
        home = os.path.join(dir, "home")
        os.mkdir(home)
        if a.postgres:
            name = f"rex_stress_{os.getpid()}"
            subprocess.run(["psql", a.postgres, "-qc", f"CREATE DATABASE {name}"], check=True)
            base, _, query = a.postgres.partition("?")
            db = base.rsplit("/", 1)[0] + "/" + name + ("?" + query if query else "")
        else:
            db = os.path.join(dir, "rex.db")
        print(f"backend: {'PostgreSQL' if a.postgres else 'SQLite'}")
        stages = setup(db, home)
        run_writers(db, home, stages, a.writers, a.per)
        run_kills(db, home, stages, a.kills, not a.postgres)
        if not a.postgres:
            run_backups(db, home, stages, a.backups, dir)
        elif a.restart:
            run_restart(db, home, stages, a.restart)
        if a.postgres:
            subprocess.run(["psql", a.postgres, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"])
    print("all accounts add up" if not PROBLEMS else f"{len(PROBLEMS)} problems")
    sys.exit(1 if PROBLEMS else 0)


if __name__ == "__main__":
    main()
