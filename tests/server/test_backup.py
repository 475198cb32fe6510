"""The restore drill: back up the live database while payments are being written, restore
it into an empty one, and check that it is whole, that every payment acknowledged before the
backup began is there, and that every balance still adds up."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from pathlib import Path
from typing import Any

import asyncpg
import pytest

import server
from server.database.backup import BackupError, backup, restore
from server.settings import Settings, libpq_url, sqlite_url
from tests.conftest import TEST_DB, Company, create_customer
from tests.server.followup_helpers import company_today
from tests.server.test_collections import owe

# Restored into a database of its own, one per xdist worker.
DRILL = "crm_restore_drill_" + os.environ.get("PYTEST_XDIST_WORKER", "main")

RECORD = """mutation($i: PaymentRecordInput!) { paymentRecord(input: $i) {
  payment { id } userErrors { code } } }"""

# What must hold in any consistent copy (the same sums test_receivables checks live).
CHECKS = {
    "receivable parts": "SELECT COUNT(*) FROM receivable "
    "WHERE amount_minor <> paid_minor + written_off_minor + open_minor",
    "paid = allocations": "SELECT COUNT(*) FROM receivable r WHERE paid_minor <> "
    "(SELECT COALESCE(SUM(amount_minor), 0) FROM payment_allocation a "
    "WHERE a.receivable_id = r.id AND NOT a.reversed)",
    "payment = allocated + credit": "SELECT COUNT(*) FROM payment p WHERE reversed_at IS NULL "
    "AND amount_minor <> unallocated_minor + (SELECT COALESCE(SUM(amount_minor), 0) "
    "FROM payment_allocation a WHERE a.payment_id = p.id AND NOT a.reversed)",
}


async def _restored_target(tmp_path: Path) -> Settings:
    if TEST_DB:
        admin = await asyncpg.connect(libpq_url(Settings(database_url=TEST_DB)))
        try:
            await admin.execute(f"DROP DATABASE IF EXISTS {DRILL}")
            await admin.execute(f"CREATE DATABASE {DRILL}")
        finally:
            await admin.close()
        url = TEST_DB.rsplit("/", 1)[0] + f"/{DRILL}"
        return Settings(database_url=url, evidence_dir=str(tmp_path / "evidence"))
    return Settings(
        database_url=sqlite_url(tmp_path / "restored.sqlite3"),
        evidence_dir=str(tmp_path / "evidence"),
    )


async def _query(settings: Settings, sql: str) -> list[tuple[Any, ...]]:
    if settings.is_sqlite:
        assert settings.sqlite_path is not None
        conn = sqlite3.connect(settings.sqlite_path)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()
    pg = await asyncpg.connect(libpq_url(settings))
    try:
        return [tuple(r) for r in await pg.fetch(sql)]
    finally:
        await pg.close()


async def test_a_backup_under_load_restores_whole(
    company: Company, settings: Settings, tmp_path: Path
) -> None:
    await company.add_user("fin", "finance")
    finance = company.api("fin")
    customers = [await create_customer(company.api("r1"), name=f"备份测试{i}") for i in range(3)]
    for customer in customers:
        for days in (40, 10):
            await owe(company, customer["id"], "100.00", days_overdue=days)
    acknowledged: list[str] = []
    stop = asyncio.Event()

    async def pay() -> None:
        n = 0
        while not stop.is_set():
            customer = customers[n % len(customers)]
            data = await finance.data(
                RECORD,
                {
                    "i": {
                        "customerId": customer["id"],
                        "amount": "7.01",
                        "receivedOn": company_today().isoformat(),
                        "method": "BANK_TRANSFER",
                        "reference": f"load-{n}",
                    }
                },
            )
            acknowledged.append(data["paymentRecord"]["payment"]["id"])
            n += 1

    load = asyncio.create_task(pay())
    while len(acknowledged) < 10:
        await asyncio.sleep(0.01)
    before = list(acknowledged)
    archive = tmp_path / "drill.tar.gz"
    manifest = await backup(settings, archive)
    while len(acknowledged) < len(before) + 5:  # the load went on during the backup
        await asyncio.sleep(0.01)
    stop.set()
    await load
    # Every migration this release has, the newest last.
    newest = max(p.stem for p in (Path(server.__file__).parent / "migrations").glob("0*.py"))
    assert manifest.migrations and manifest.migrations[-1] == newest

    target = await _restored_target(tmp_path)
    restored = await restore(target, archive)
    assert restored == manifest
    if target.is_sqlite:
        assert await _query(target, "PRAGMA integrity_check") == [("ok",)]
    references = {row[0] for row in await _query(target, "SELECT reference FROM payment")}
    assert {f"load-{i}" for i in range(len(before))} <= references
    for name, sql in CHECKS.items():
        assert await _query(target, sql) == [(0,)], name
    # Never over data: the restored database is no longer empty.
    with pytest.raises(BackupError, match="empty"):
        await restore(target, archive)
