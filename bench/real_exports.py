#!/usr/bin/env python3
"""rex against real CRM exports that other people published (../shared/real-exports/, never
copied into this repository): each file is imported as it is, with the command a user would
type, into a database of its own; then imported again (a re-import must be refused, exit 4);
then what rex holds is checked against the file itself, read here independently with
Python's csv module:

  deals     one deal per data row of the file
  cents     the sum of the dollar amounts, exactly (rows in another currency are converted
            at --rate and counted apart; empty amounts are $0.00)
  outcomes  as many won and lost deals as the file has closed-won and closed-lost rows
  closed    no closed deal has the import time as closed_at while the file gives a date
  stages    the stages rex created, in order; no closed deal in a stage no open row names
            unless the profile names it

    python3 bench/real_exports.py            # prints a table; exit 1 if a check fails
    python3 bench/real_exports.py --rex PATH # another rex binary

Skipped (exit 0, one line) when ../shared/real-exports is absent. Uses target/release/rex,
built when missing.
"""

import argparse
import csv
import datetime
import decimal
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXPORTS = os.path.join(os.path.dirname(ROOT), "shared", "real-exports")

# Each file, the command that imports it, and how to read the file to check rex.
#   encoding  as Python reads it; amount/currency/stage/close: columns; won/lost: the file's
#   values (any case) for closed-won and closed-lost rows; flags: Salesforce's IsClosed/IsWon.
RATES = ["--rate", "PEN=0.27", "--rate", "MXN=0.058", "--rate", "COP=0.00025", "--rate", "EUR=1.08"]
FILES = [
    dict(
        file="salesforce-winkel-opportunity.csv",
        args=["--from", "salesforce-loader", "--encoding", "windows-1252", "--create-stages", "--round"] + RATES,
        encoding="cp1252", amount="Amount", currency="CurrencyIsoCode", stage="StageName",
        close="CloseDate", flags=("IsClosed", "IsWon"),
    ),
    dict(
        file="salesforce-wave-opportunity.csv",
        args=["--from", "salesforce-loader", "--create-stages"],
        encoding="utf-8", amount="Amount", stage="StageName", close="CloseDate",
        won=["closed won"], lost=["closed lost"],
    ),
    dict(
        file="salesforce-sfdcassets-datacloud-opportunity.csv",
        args=["--from", "salesforce-loader", "--create-stages"],
        encoding="utf-8-sig", amount="Amount", stage="StageName", close="CloseDate",
        flags=("IsClosed", "IsWon"),
    ),
    dict(
        file="salesforce-sfdcassets-genai-opportunity.csv",
        args=["--from", "salesforce-loader", "--create-stages"],
        encoding="utf-8-sig", amount="Amount", stage="StageName", close="CloseDate",
        flags=("IsClosed", "IsWon"),
    ),
    dict(
        file="salesforce-karimlm99-opportunities.csv",
        args=["--from", "salesforce", "--create-stages"],
        encoding="utf-8", amount="Amount", stage="Stage", close="Close Date",
        won=["closed won"], lost=["closed lost"],
    ),
    dict(
        file="hubspot-toofan-deals.csv",
        args=["--from", "hubspot", "--create-stages"],
        encoding="utf-8", amount="Amount", stage="Deal Stage", close="Close Date",
        won=["closed won"], lost=["closed lost"],
    ),
    dict(
        file="hubspot-dgbusiness-deals.csv",
        args=["--from", "hubspot", "--create-stages"],
        encoding="utf-8", amount=None, stage="dealstage", close="close date",
        won=["closed won"], lost=["closed lost"],
    ),
    dict(
        file="maven-crm-sales-pipeline.csv",
        # No deal name in the file: its id names each deal, and the account is the contact.
        args=["--map", "name=opportunity_id", "--map", "owner_id=sales_agent",
              "--map", "metadata.product=product", "--map", "contact_id=account",
              "--map", "stage_id=deal_stage", "--won-stage", "Won", "--lost-stage", "Lost",
              "--map", "created_at=engage_date", "--map", "expected_close=close_date",
              "--map", "value_dollars=close_value", "--create-stages"],
        encoding="utf-8", amount="close_value", stage="deal_stage", close="close_date",
        won=["won"], lost=["lost"],
    ),
    dict(
        file="twenty-csvdownloader-test.csv",
        # Twenty's own test file has no Name column: its id names each deal.
        # Its rows name no stage: the new pipeline gets Twenty's default stages.
        args=["--from", "twenty", "--create-stages", "--map", "name=Id"] + RATES, default_stages=True,
        encoding="utf-8-sig", amount="Amount / Amount", currency="Amount / Currency",
    ),
]


def run(rex, env, *args):
    p = subprocess.run([rex, *args], env=env, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def cents(text):
    """The dollars of `text` in cents, exactly; None when they are not whole cents."""
    d = decimal.Decimal(text.replace(",", "")) * 100
    return int(d) if d == d.to_integral_value() else None


def expected(spec, path):
    """What the file itself says: rows, dollar cents (exact or rounded half up), outcomes."""
    with open(path, encoding=spec["encoding"], newline="") as f:
        rows = [r for r in csv.DictReader(f) if any((v or "").strip() for v in r.values())]
    out = dict(rows=len(rows), usd=0, foreign=0, inexact=0, won=0, lost=0, closes=set())
    for r in rows:
        cur = (r.get(spec.get("currency") or "") or "USD").strip().upper() or "USD"
        text = (r.get(spec["amount"]) or "").strip() if spec.get("amount") else ""
        if cur != "USD":
            out["foreign"] += 1
        elif text:
            c = cents(text)
            if c is None:
                out["inexact"] += 1
                d = decimal.Decimal(text) * 100
                c = int(d.quantize(decimal.Decimal(1), rounding=decimal.ROUND_HALF_UP))
            out["usd"] += c
        stage = (r.get(spec.get("stage") or "") or "").strip().lower()
        if "flags" in spec:
            closed, won = (r.get(k, "").strip().lower() in ("1", "true") for k in spec["flags"])
            out["won"] += closed and won
            out["lost"] += closed and not won
        else:
            out["won"] += stage in spec.get("won", [])
            out["lost"] += stage in spec.get("lost", [])
    return out


def check(rex, spec):
    path = os.path.join(EXPORTS, spec["file"])
    want = expected(spec, path)
    with tempfile.TemporaryDirectory() as home:
        env = {k: v for k, v in os.environ.items() if k not in ("RUST_BACKTRACE", "REX_DB")}
        env.update(HOME=home, REX_DB=os.path.join(home, "rex.db"), TZ="UTC", NO_COLOR="1")
        today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
        code, _, err = run(rex, env, "import", path, *spec["args"])
        note = err.strip().splitlines()[-1] if err.strip() else ""
        _, listed, _ = run(rex, env, "deal", "list", "-o", "json", "--limit", "1000000")
        deals = json.loads(listed or "[]")
        again, _, again_err = run(rex, env, "import", path, *spec["args"])
        _, listed2, _ = run(rex, env, "deal", "list", "-o", "json", "--limit", "1000000")
        after = len(json.loads(listed2 or "[]"))
        _, shown, _ = run(rex, env, "pipeline", "list", "-o", "json")
        stages, last, empty = [], set(), []
        held = {d["stage_id"] for d in deals}
        for p in json.loads(shown or "[]"):
            _, one, _ = run(rex, env, "pipeline", "show", p["id"], "-o", "json")
            ss = json.loads(one)["stages"]
            stages.append(p["name"] + ": " + " > ".join(s["name"] for s in ss))
            last.add(ss[-1]["id"])
            empty += [s["name"] for s in ss if s["id"] not in held]
    usd = sum(d["value"] for d in deals if "original_currency" not in (d.get("metadata") or {}))
    won = sum(d["status"] == "won" for d in deals)
    lost = sum(d["status"] == "lost" for d in deals)
    stamped = sum(1 for d in deals if d.get("closed_at") and d["closed_at"][:10] == today
                  and d["status"] in ("won", "lost"))
    elsewhere = sum(1 for d in deals if d["status"] in ("won", "lost") and d["stage_id"] not in last)
    differs = []
    if code == 0:
        if len(deals) != want["rows"]:
            differs.append(f"{len(deals)} deals for {want['rows']} rows")
        if usd != want["usd"]:
            differs.append(f"dollars {usd} cents, file {want['usd']}")
        if (won, lost) != (want["won"], want["lost"]):
            differs.append(f"won/lost {won}/{lost}, file {want['won']}/{want['lost']}")
        if stamped and spec.get("close"):
            differs.append(f"{stamped} closed at the import time")
        if elsewhere and not spec.get("closed_stages"):
            differs.append(f"{elsewhere} closed deals not in their pipeline's last stage")
        if empty and not spec.get("default_stages"):
            differs.append(f"stages that hold no deal: {', '.join(empty)}")
        if again != 4:
            differs.append(f"second import exit {again}, {after} deals")
    return dict(
        file=spec["file"], command="rex import FILE " + " ".join(a if " " not in a else repr(a) for a in spec["args"]),
        code=code, deals=len(deals), again=again, after=after, note=note,
        again_note=(again_err.strip().splitlines() or [""])[-1], differs=differs,
        rounded=want["inexact"], foreign=want["foreign"], stages=stages,
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rex", default=os.path.join(ROOT, "target", "release", "rex"))
    ap.add_argument("--verbose", action="store_true", help="print rex's notes and the stages")
    a = ap.parse_args()
    if not os.path.isdir(EXPORTS):
        print(f"skipped: {EXPORTS} is absent (the real exports are not part of rex)")
        return 0
    if not os.path.exists(a.rex):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    results = [check(a.rex, s) for s in FILES if os.path.exists(os.path.join(EXPORTS, s["file"]))]
    print("| file | exit | deals | again | differs from the file |")
    print("|---|---|---|---|---|")
    for r in results:
        print(f"| {r['file']} | {r['code']} | {r['deals']:,} | {r['again']} ({r['after']:,}) | "
              f"{'; '.join(r['differs']) or 'nothing'} |")
    for r in results:
        print(f"\n{r['file']}: {r['command']}")
        if r["note"]:
            print(f"  import:  {r['note']}")
        print(f"  again:   {r['again_note']}")
        if r["rounded"] or r["foreign"]:
            print(f"  file:    {r['rounded']} dollar amounts beyond cents, {r['foreign']} rows in other currencies")
        for s in r["stages"]:
            print(f"  stages:  {s}")
    failed = [r["file"] for r in results if r["code"] != 0 or r["differs"]]
    if failed:
        print(f"\n{len(failed)} of {len(results)} files did not import as they are: {', '.join(failed)}")
        return 1
    print(f"\nall {len(results)} files imported as they are")
    return 0


if __name__ == "__main__":
    sys.exit(main())
