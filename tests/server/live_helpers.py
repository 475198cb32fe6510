"""A real HTTP and WebSocket server over the test app, and a subscriber speaking
graphql-transport-ws to it through gql (what the terminal client uses)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from gql import Client, gql
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport

from server.hub import HUB


@asynccontextmanager
async def serving(app: Any, port: int = 0) -> AsyncIterator[str]:
    """uvicorn on `port` (0: a free one) of 127.0.0.1, in this event loop; yields
    ws://…/graphql. Serving again on the same port is a server restart to a client."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, lifespan="off", log_level="warning", ws="websockets-sansio")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield f"ws://127.0.0.1:{port}/graphql"
    finally:
        server.should_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 5)
        sock.close()


class Subscriber:
    """One subscription of one user, collecting what it is sent."""

    def __init__(self, url: str, token: str | None, query: str, variables: Any = None) -> None:
        self.transport = WebsocketsTransport(
            url=url,
            init_payload={"Authorization": f"Bearer {token}"} if token else {},
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        )
        self.query = gql(query)
        if variables is not None:
            self.query.variable_values = variables
        self.received: asyncio.Queue[Any] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Subscriber:
        before = len(HUB.inboxes)
        self.task = asyncio.create_task(self._run())
        # Subscribed once the server holds its inbox (else a change made now is missed).
        for _ in range(300):
            if len(HUB.inboxes) > before or self.task.done():
                break
            await asyncio.sleep(0.01)
        return self

    async def _run(self) -> None:
        try:
            async with Client(transport=self.transport) as session:
                async for result in session.subscribe(self.query):
                    await self.received.put(result)
        except TransportQueryError as error:
            await self.received.put(error)
        except Exception as error:
            await self.received.put(error)

    async def next(self, timeout: float = 3.0) -> Any:
        return await asyncio.wait_for(self.received.get(), timeout)

    async def nothing(self, seconds: float = 1.0) -> None:
        """Assert nothing arrives within `seconds`."""
        with contextlib.suppress(TimeoutError):
            got = await asyncio.wait_for(self.received.get(), seconds)
            raise AssertionError(f"expected nothing, received {got!r}")

    async def __aexit__(self, *exc: object) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task
