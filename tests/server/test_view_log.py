"""Views of other people's customers reach the audit log without a write per read, and what a
crash can lose is bounded by the flush interval (docs/performance.md)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from server.domain.audit.models import AuditEntry
from server.domain.audit.view_log import VIEW_LOG, ViewLog
from tests.conftest import Company, SqlCounter, create_customer

QUERY = "query($id: ID!) { customer(id: $id) { name } }"


@pytest.fixture(autouse=True)
async def quiet_writer(app: Any) -> AsyncIterator[None]:
    """The server's own writer flushes every second in the background: stopped here, so each
    test decides when its views are written (a flush it did not ask for, caught half-way,
    made a count read 0 once under load)."""
    await VIEW_LOG.stop()  # stopped for the whole session (tests/conftest.py); said here too
    yield


async def test_a_managers_read_writes_nothing_and_the_view_lands_at_the_flush(
    company: Company, sql_counter: SqlCounter
) -> None:
    c = await create_customer(company.api("r1"), name="某厂")
    sql_counter.statements.clear()
    before = datetime.now(UTC)
    await company.api("m1").data(QUERY, {"id": c["id"]})
    assert not [s for s in sql_counter.statements if s.startswith(("INSERT", "UPDATE"))]
    assert await AuditEntry.filter(action="customer.view").count() == 0
    assert VIEW_LOG.pending == 1
    assert await VIEW_LOG.flush() == 1
    [view] = await AuditEntry.filter(action="customer.view")
    # The time of the read, not of the write; who read; which customer.
    assert before <= view.at <= datetime.now(UTC)
    assert view.actor_id == company.users["m1"].id
    assert view.object_type == "Customer"
    assert VIEW_LOG.pending == 0
    # Nothing twice.
    assert await VIEW_LOG.flush() == 0
    assert await AuditEntry.filter(action="customer.view").count() == 1


async def test_the_owners_own_reads_are_not_logged(company: Company) -> None:
    c = await create_customer(company.api("r1"), name="某厂")
    await company.api("r1").data(QUERY, {"id": c["id"]})
    assert VIEW_LOG.pending == 0


async def test_the_background_writer_loses_at_most_one_interval(company: Company) -> None:
    """A process that dies without stopping has written every view older than one flush
    interval: the background writer does not wait for shutdown."""
    c = await create_customer(company.api("r1"), name="某厂")
    log = ViewLog(flush_seconds=0.05)
    await company.api("m1").data(QUERY, {"id": c["id"]})
    # Move the noted view into this log, which runs as a server's would.
    log._pending.extend(VIEW_LOG._pending)
    VIEW_LOG.discard()
    log.start()
    try:
        for _ in range(100):
            if await AuditEntry.filter(action="customer.view").count():
                break
            await asyncio.sleep(0.02)
        assert await AuditEntry.filter(action="customer.view").count() == 1
        assert log.pending == 0
    finally:
        await log.stop()


async def test_stopping_writes_what_is_left(company: Company) -> None:
    c = await create_customer(company.api("r1"), name="某厂")
    log = ViewLog(flush_seconds=3600)
    log.start()
    await company.api("m1").data(QUERY, {"id": c["id"]})
    await company.api("m2").data(QUERY, {"id": c["id"]})  # m2 cannot see it: not a view
    log._pending.extend(VIEW_LOG._pending)
    VIEW_LOG.discard()
    await log.stop()
    assert await AuditEntry.filter(action="customer.view").count() == 1


async def test_a_failed_write_keeps_the_entries_for_the_next_flush(company: Company) -> None:
    c = await create_customer(company.api("r1"), name="某厂")
    await company.api("m1").data(QUERY, {"id": c["id"]})
    # An entry the database refuses (no action: the column is NOT NULL) makes the whole
    # statement fail: nothing half-written, nothing forgotten.
    log = ViewLog()
    log._pending.extend(VIEW_LOG._pending)
    VIEW_LOG.discard()
    good = log._pending[0]
    log._pending.append((*good[:3], None, *good[4:]))
    try:
        await log.flush()
    except Exception:
        pass
    else:
        raise AssertionError("the bad entry was accepted")
    assert log.pending == 2
    assert await AuditEntry.filter(action="customer.view").count() == 0
    log._pending.pop()
    assert await log.flush() == 1
