"""Prometheus metrics, served at /metrics (prometheus-client).

Under `crm-server serve --workers N` each worker is its own process: the client library's
multiprocess mode (PROMETHEUS_MULTIPROC_DIR, set by `serve` before the workers start) lets
any worker answer /metrics with the sum over all of them.
"""

from __future__ import annotations

import os
import re

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter(
    "crm_graphql_requests",
    "GraphQL requests by operation name and outcome (ok, error).",
    ["operation", "outcome"],
)
LATENCY = Histogram(
    "crm_graphql_request_seconds",
    "Time to answer a GraphQL request, by operation name.",
    ["operation"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
SUBSCRIPTIONS = Gauge(
    "crm_subscriptions",
    "Live subscriptions open now.",
    multiprocess_mode="livesum",
)
POOL_SIZE = Gauge(
    "crm_db_pool_connections",
    "Database connections the pool holds (PostgreSQL; 1 for SQLite).",
    multiprocess_mode="livesum",
)
POOL_IN_USE = Gauge(
    "crm_db_pool_in_use",
    "Database connections in use by a request now.",
    multiprocess_mode="livesum",
)
EVENTS = Counter("crm_events_delivered", "Outbox events read and handed to subscribers.")
TIMED_RUNS = Counter("crm_timed_runs", "Timed jobs run by this process.", ["job"])

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_MOST_NAMES = 300
_seen_names: set[str] = set()


def operation_label(name: str | None) -> str:
    """The operation name as a label: clients choose names, so odd ones and any beyond the
    first few hundred are counted together rather than growing the metrics without end."""
    if not name:
        return "anonymous"
    if not _NAME.match(name):
        return "other"
    if name not in _seen_names:
        if len(_seen_names) >= _MOST_NAMES:
            return "other"
        _seen_names.add(name)
    return name


def observe_pool() -> None:
    """Read the database pool's size and use into the gauges (asked at each scrape)."""
    from tortoise import Tortoise

    try:
        client = Tortoise.get_connection("default")
    except Exception:
        return
    pool = getattr(client, "_pool", None)
    if pool is None:  # SQLite: one connection, shared
        POOL_SIZE.set(1)
        POOL_IN_USE.set(0)
        return
    size = pool.get_size()
    POOL_SIZE.set(size)
    POOL_IN_USE.set(size - pool.get_idle_size())


def exposition() -> tuple[bytes, str]:
    """The metrics text and its content type: every worker's, in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
