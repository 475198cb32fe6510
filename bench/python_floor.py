"""The least a Python web process can do for a customer by id: a bare ASGI app (no framework,
no GraphQL, no sign-in) under the same uvicorn, one asyncpg pool, the raw-SQL floor's statement,
the row written as JSON. bench/vs_postgraphile.py runs it beside this server and PostGraphile
to show what the runtime itself allows for read (a) over HTTP.

    CRM_BENCH_PG=postgresql://… CRM_BENCH_OWNERS=1,2,3 uvicorn python_floor:app
"""

from __future__ import annotations

import os
from typing import Any

import asyncpg
import orjson

SQL = (
    "SELECT id, name, grade, stage, region, phone, email FROM customer WHERE id = $1 "
    "AND owner_id = ANY($2::int[])"
)
_state: dict[str, Any] = {}


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                _state["pool"] = await asyncpg.create_pool(os.environ["CRM_BENCH_PG"])
                _state["owners"] = [int(o) for o in os.environ["CRM_BENCH_OWNERS"].split(",")]
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await _state["pool"].close()
                await send({"type": "lifespan.shutdown.complete"})
                return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    customer_id = int(orjson.loads(body)["variables"]["id"])
    row = await _state["pool"].fetchrow(SQL, customer_id, _state["owners"])
    answer = orjson.dumps({"data": {"customer": dict(row) if row else None}})
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": answer})
