"""What every answered operation leaves behind, whichever transport brought it: its metrics,
its line in the access log, and, for a mutation, a nudge to this process's subscribers."""

from __future__ import annotations

import logging
from typing import Any

from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from server.process import metrics
from server.process.hub import HUB

# One line per GraphQL operation answered (operation, outcome, time; never variables).
access_log = logging.getLogger("crm.access")


def observed(
    context: Any,
    operation_name: str | None,
    kind: OperationType | None,
    result: ExecutionResult,
    seconds: float,
) -> None:
    """Record one answered operation. `kind` is what the parsed document said (None when it
    was refused before that was known): a mutation, and only a mutation, may have written
    something this process's subscribers should hear of now rather than at the next poll."""
    operation = metrics.operation_label(operation_name)
    outcome = "error" if result.errors else "ok"
    metrics.REQUESTS.labels(operation, outcome).inc()
    metrics.LATENCY.labels(operation).observe(seconds)
    access_log.info("graphql", extra={"outcome": outcome, "ms": round(seconds * 1000, 1)})
    viewer = getattr(context, "viewer", None)
    if kind is OperationType.MUTATION and getattr(viewer, "user", None) is not None:
        HUB.poke()
