"""A real HTTP and WebSocket server over the test app, and a subscriber speaking
graphql-transport-ws to it through gql (what the terminal client uses)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
import websockets
from gql import Client, gql
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport

from server.process.hub import HUB


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


class Socket:
    """A graphql-transport-ws connection spoken by hand, message by message: what a client
    other than gql may send, and exactly what the server answers to each operation."""

    def __init__(self, url: str, token: str | None) -> None:
        self.url = url
        self.token = token
        self.answers: dict[str, asyncio.Queue[dict[str, Any]]] = {}
        self._ids = 0
        self._reader: asyncio.Task[None] | None = None
        self.closed: asyncio.Future[tuple[int | None, str]] | None = None

    async def __aenter__(self) -> Socket:
        self.connection = await websockets.connect(
            self.url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")]
        )
        payload = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        await self.connection.send(json.dumps({"type": "connection_init", "payload": payload}))
        ack = json.loads(await asyncio.wait_for(self.connection.recv(), 5))
        assert ack["type"] == "connection_ack", ack
        self.closed = asyncio.get_running_loop().create_future()
        self._reader = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        try:
            async for raw in self.connection:
                message = json.loads(raw)
                if message.get("type") == "ping":
                    await self.connection.send(json.dumps({"type": "pong"}))
                    continue
                if "id" in message:
                    self.answers.setdefault(message["id"], asyncio.Queue()).put_nowait(message)
        finally:
            if self.closed is not None and not self.closed.done():
                self.closed.set_result(
                    (self.connection.close_code, self.connection.close_reason or "")
                )

    async def start(self, query: str, variables: dict[str, Any] | None = None) -> str:
        """Send one operation (query, mutation or subscription); its id."""
        self._ids += 1
        op_id = str(self._ids)
        self.answers.setdefault(op_id, asyncio.Queue())
        payload: dict[str, Any] = {"query": query}
        if variables is not None:
            payload["variables"] = variables
        await self.connection.send(
            json.dumps({"id": op_id, "type": "subscribe", "payload": payload})
        )
        return op_id

    async def answer(self, op_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """The next `next` or `error` message of this operation."""
        return await asyncio.wait_for(self.answers[op_id].get(), timeout)

    async def run(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """One operation's first answer, as HTTP would give it: {"data", "errors"} (an
        `error` message is the errors of a refusal with no data)."""
        message = await self.answer(await self.start(query, variables))
        if message["type"] == "error":
            return {"data": None, "errors": message["payload"]}
        return message["payload"]

    async def __aexit__(self, *exc: object) -> None:
        await self.connection.close()
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(self._reader, 5)
