"""Benchmark: aging for the company and recording a payment, through the real HTTP endpoint
on SQLite (the embedded default).

Seeds 20,000 customers over 50 reps and 1,000,000 debts with about 2,000,000 payments
(`crm-server seed --customers … --receivables …`), starts `crm-server serve` as its own
process, signs in as finance and times:

- `aging(groupBy: COMPANY)`: every debt of the company by bucket, with DSO; beside it the
  same answer read with raw SQL straight from the file (the bucket sums over the open debts
  and the sales of the DSO window): the floor no API can beat;
- `aging(groupBy: CUSTOMER, first: 50)`, the per-customer view the client shows;
- `paymentRecord`, each on a different customer, applied oldest due first.

    python bench/receivables.py
    python bench/receivables.py --receivables 100000 --requests 50

Prints JSON. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search_page import LOGIN, crm, free_port, run_server, summary  # noqa: E402

from server.settings import sqlite_url  # noqa: E402

EDGES = (30, 60, 90, 180)
AGING = """query($g: AgingGroup!, $first: Int) { aging(groupBy: $g, first: $first) {
  asOf rowCount rows { name buckets { amount { amount } } total { amount }
  overdue { amount } dso } } }"""
PAY = """mutation($i: PaymentRecordInput!) { paymentRecord(input: $i) {
  payment { id unallocated { amount } } balance { open { amount } } userErrors { code } } }"""


def raw_sql(day: date) -> tuple[str, list[str]]:
    cases = ["SUM(CASE WHEN due_on >= ? THEN open_minor END)"]
    params = [day.isoformat()]
    upper = day
    for edge in EDGES:
        lower = day - timedelta(days=edge)
        cases.append("SUM(CASE WHEN due_on < ? AND due_on >= ? THEN open_minor END)")
        params += [upper.isoformat(), lower.isoformat()]
        upper = lower
    cases.append("SUM(CASE WHEN due_on < ? THEN open_minor END)")
    params.append(upper.isoformat())
    return f"SELECT {', '.join(cases)} FROM receivable WHERE open_minor > 0", params


SALES = "SELECT SUM(amount_minor) FROM receivable WHERE issued_on > ? AND issued_on <= ?"


def time_raw(path: Path, requests: int) -> dict[str, Any]:
    day = date.today()
    sql, params = raw_sql(day)
    samples = []
    with sqlite3.connect(path) as db:
        # The server's own cache and memory map (server/settings.py), so the floor is fair.
        db.execute("PRAGMA cache_size=-65536")
        db.execute("PRAGMA mmap_size=268435456")
        for _ in range(requests):
            started = time.perf_counter()
            buckets = db.execute(sql, params).fetchone()
            sales = db.execute(
                SALES, ((day - timedelta(days=90)).isoformat(), day.isoformat())
            ).fetchone()
            samples.append(time.perf_counter() - started)
    assert buckets and sales
    return summary(samples)


def customers_owing(path: Path, n: int) -> list[int]:
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT customer_id FROM receivable WHERE open_minor > 0 GROUP BY customer_id "
            "ORDER BY customer_id LIMIT ?",
            (n,),
        ).fetchall()
    return [int(r[0]) for r in rows]


def finance_user(path: Path) -> str:
    with sqlite3.connect(path) as db:
        (username,) = db.execute(
            "SELECT username FROM app_user WHERE role = 'finance' ORDER BY id DESC"
        ).fetchone()
    return str(username)


def time_api(port: int, username: str, requests: int, payers: list[int]) -> dict[str, Any]:
    from strawberry.relay import GlobalID

    url = f"http://127.0.0.1:{port}/graphql"
    with httpx.Client(timeout=60) as client:
        token = client.post(url, json={"query": LOGIN, "variables": {"u": username}}).json()[
            "data"
        ]["login"]["token"]
        headers = {"Authorization": f"Bearer {token}"}

        def timed(query: str, variables: dict[str, Any], n: int) -> tuple[dict[str, Any], Any]:
            samples, body = [], {}
            for _ in range(n + 3):
                started = time.perf_counter()
                response = client.post(
                    url, json={"query": query, "variables": variables}, headers=headers
                )
                samples.append(time.perf_counter() - started)
                body = response.json()
                assert "errors" not in body, body["errors"]
            return summary(samples[3:]), body["data"]

        company, company_data = timed(AGING, {"g": "COMPANY"}, requests)
        per_customer, customer_data = timed(AGING, {"g": "CUSTOMER", "first": 50}, requests // 4)
        pay_samples = []
        for customer_id in payers:
            variables = {
                "i": {
                    "customerId": str(GlobalID("Customer", str(customer_id))),
                    "amount": "100.00",
                    "receivedOn": date.today().isoformat(),
                    "method": "BANK_TRANSFER",
                }
            }
            started = time.perf_counter()
            response = client.post(
                url, json={"query": PAY, "variables": variables}, headers=headers
            )
            pay_samples.append(time.perf_counter() - started)
            assert response.json()["data"]["paymentRecord"]["userErrors"] == []
    [row] = company_data["aging"]["rows"]
    return {
        "aging_company_http": company,
        "company_total": row["total"]["amount"],
        "company_overdue": row["overdue"]["amount"],
        "dso_days": row["dso"],
        "aging_per_customer_http": per_customer,
        "customers_owing": customer_data["aging"]["rowCount"],
        "payment_record_http": summary(pay_samples),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--receivables", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="crm-bench-"))
    db_path = tmp / "bench.sqlite3"
    env = {**os.environ, "CRM_DATABASE_URL": sqlite_url(db_path)}
    started = time.perf_counter()
    crm(env, "seed", "--customers", str(args.customers), "--reps", "50")
    crm(env, "seed", "--receivables", str(args.receivables))
    seed_seconds = time.perf_counter() - started
    with sqlite3.connect(db_path) as db:
        (payments,) = db.execute("SELECT COUNT(*) FROM payment").fetchone()
        (open_debts,) = db.execute(
            "SELECT COUNT(*) FROM receivable WHERE open_minor > 0"
        ).fetchone()
    raw = time_raw(db_path, args.requests)
    payers = customers_owing(db_path, args.requests)
    port = free_port()
    server = run_server(env, port)
    try:
        api = time_api(port, finance_user(db_path), args.requests, payers)
    finally:
        server.terminate()
        server.wait(10)
    aging = api["aging_company_http"]
    print(
        json.dumps(
            {
                "benchmark": "aging for the company and recording a payment, SQLite",
                "customers": args.customers,
                "receivables": args.receivables,
                "open_receivables": open_debts,
                "payments": payments,
                "seed_seconds": round(seed_seconds, 1),
                "viewer": "finance (every customer)",
                **api,
                "raw_sql_floor": raw,
                "ratio_p50": round(aging["p50_ms"] / raw["p50_ms"], 2) if raw["p50_ms"] else None,
                "targets": {"aging_company_p50_ms": 200, "payment_record_p50_ms": 15},
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
