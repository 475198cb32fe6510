"""LiveFeed: the server's Subscription root over WebSocket (graphql-transport-ws, gql's
transport), signed in with the session's bearer token in connection_init.

One connection carries the four subscriptions; each event becomes a Change handed to the
`deliver` callback, and the state of the connection a LiveState. When the connection drops
the feed reconnects with a growing delay (at once when the token changes: a new sign-in);
what changed while it was away is not replayed, so LiveState(up, resumed=True) tells the
screens to read again. An ended session stops the feed until the token changes.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportError, TransportQueryError
from gql.transport.websockets import WebsocketsTransport
from websockets.exceptions import WebSocketException

from tui.api.vocabulary import UNAUTHENTICATED
from tui.i18n import _

# Seconds between tries after a failure, growing to the last and staying there.
BACKOFF = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)
# How often a waiting feed looks whether the token changed (signed in again).
TOKEN_LOOK = 0.25
# The server's code for "you fell behind: read again and subscribe again".
RESUBSCRIBE = "RESUBSCRIBE"


class ChangeKind(StrEnum):
    QUEUE = "queue"
    COMPLAINT = "complaint"
    MONEY = "money"
    CUSTOMER = "customer"


@dataclass(frozen=True)
class Change:
    """Something changed on the server that a screen may show. Ids are the API's."""

    kind: ChangeKind
    customer_id: str
    # The follow-up, complaint or payment the change is about ("" for a customer or hold).
    subject_id: str = ""
    # The customer's version (CUSTOMER) or the complaint's (COMPLAINT) after the change.
    version: int | None = None
    became_overdue: bool = False
    # Whose queue (QUEUE): the user's own, or for a manager someone's below them.
    user_id: str = ""


@dataclass(frozen=True)
class LiveState:
    """The connection came up (`resumed`: after a gap, so read again) or went down."""

    up: bool
    resumed: bool = False
    signed_out: bool = False
    reason: str = ""


Delivery = Change | LiveState

QUEUE_CHANGED = """
subscription QueueChanged {
  queueChanged(team: true) { followUpId customerId assigneeId inQueue }
}"""

COMPLAINT_CHANGED = """
subscription ComplaintChanged {
  complaintChanged { complaintId customerId step version becameOverdue }
}"""

MONEY_CHANGED = """
subscription MoneyChanged { moneyChanged { customerId change paymentId } }"""

CUSTOMER_CHANGED = """
subscription CustomerChanged { customerChanged { customerId version } }"""

OPERATIONS = {
    "QUEUE_CHANGED": QUEUE_CHANGED,
    "COMPLAINT_CHANGED": COMPLAINT_CHANGED,
    "MONEY_CHANGED": MONEY_CHANGED,
    "CUSTOMER_CHANGED": CUSTOMER_CHANGED,
}


def _queue(d: dict[str, Any]) -> Change:
    return Change(ChangeKind.QUEUE, d["customerId"], d["followUpId"], user_id=d["assigneeId"])


def _complaint(d: dict[str, Any]) -> Change:
    return Change(
        ChangeKind.COMPLAINT,
        d["customerId"],
        d["complaintId"],
        d["version"],
        became_overdue=d["becameOverdue"],
    )


def _money(d: dict[str, Any]) -> Change:
    return Change(ChangeKind.MONEY, d["customerId"], d.get("paymentId") or "")


def _customer(d: dict[str, Any]) -> Change:
    return Change(ChangeKind.CUSTOMER, d["customerId"], version=d["version"])


STREAMS: tuple[tuple[str, str, Callable[[dict[str, Any]], Change]], ...] = (
    (QUEUE_CHANGED, "queueChanged", _queue),
    (COMPLAINT_CHANGED, "complaintChanged", _complaint),
    (MONEY_CHANGED, "moneyChanged", _money),
    (CUSTOMER_CHANGED, "customerChanged", _customer),
)


def websocket_url(url: str) -> str:
    """The WebSocket address of a GraphQL endpoint: the same path, ws:// or wss://."""
    if url.startswith("https://"):
        return "wss://" + url.removeprefix("https://")
    if url.startswith("http://"):
        return "ws://" + url.removeprefix("http://")
    return url


class _SessionEnded(Exception):
    """The server ended the subscription: the sign-in was revoked or expired."""


class _Resubscribe(Exception):
    """The server dropped this subscriber for falling behind: connect again at once."""


class LiveFeed:
    """Listens for as long as `run` is awaited (cancel it to stop)."""

    def __init__(
        self,
        url: str,
        token: Callable[[], str | None],
        *,
        connect_timeout: float = 5,
        backoff: Iterable[float] = BACKOFF,
    ) -> None:
        """`url` is the GraphQL endpoint (http or https); `token` reads the session's
        current token, so a new sign-in is used on the next connection."""
        self.url = websocket_url(url)
        self.token = token
        self.connect_timeout = connect_timeout
        self.backoff = tuple(backoff)
        self._up = False  # whether the current try got as far as connection_ack

    async def run(self, deliver: Callable[[Delivery], None]) -> None:
        """Connect, deliver, reconnect; never returns on its own."""
        failures = 0
        missed = False  # a connection was up and dropped: read again once back
        while True:
            token = self.token()
            if not token:
                await self._token_changes(token, None)
                continue
            self._up, reason = False, ""
            try:
                await self._listen(token, deliver, resumed=missed)
            except _SessionEnded:
                if self._up:
                    deliver(LiveState(up=False, signed_out=True))
                missed = missed or self._up
                await self._token_changes(token, None)
                continue
            except _Resubscribe:
                missed = True
                continue
            except (TransportError, OSError, TimeoutError, WebSocketException) as exc:
                reason = str(exc) or type(exc).__name__
            if self._up:
                deliver(LiveState(up=False, reason=reason))
                missed, failures = True, 0
            delay = self.backoff[min(failures, len(self.backoff) - 1)]
            failures += 1
            await self._token_changes(token, delay)

    async def _token_changes(self, token: str | None, seconds: float | None) -> None:
        """Wait `seconds` (None: for ever), or until the session's token is another."""
        waited = 0.0
        while seconds is None or waited < seconds:
            if self.token() != token:
                return
            await asyncio.sleep(TOKEN_LOOK)
            waited += TOKEN_LOOK

    async def _listen(
        self, token: str, deliver: Callable[[Delivery], None], *, resumed: bool
    ) -> None:
        """One connection: returns or raises when it ends."""
        transport = WebsocketsTransport(
            url=self.url,
            init_payload={"Authorization": f"Bearer {token}"},  # not text
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
            connect_timeout=self.connect_timeout,
            ack_timeout=self.connect_timeout,
            close_timeout=1,
            # A dead server (or network) is noticed within a minute, not never.
            ping_interval=30,
            pong_timeout=15,
        )
        async with Client(transport=transport) as session:
            self._up = True
            deliver(LiveState(up=True, resumed=resumed))
            tasks = [
                asyncio.create_task(self._follow(session, document, field, build, deliver))
                for document, field, build in STREAMS
            ]
            try:
                done, _pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in tasks:
                    task.cancel()
                for task in tasks:
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task
            for task in done:
                if not task.cancelled() and (error := task.exception()) is not None:
                    raise error

    @staticmethod
    async def _follow(
        session: Any,
        document: str,
        field: str,
        build: Callable[[dict[str, Any]], Change],
        deliver: Callable[[Delivery], None],
    ) -> None:
        try:
            async for result in session.subscribe(GraphQLRequest(document)):
                deliver(build(result[field]))
        except TransportQueryError as exc:
            codes = {(e.get("extensions") or {}).get("code") for e in exc.errors or []}
            if UNAUTHENTICATED in codes:
                raise _SessionEnded from exc
            if RESUBSCRIBE in codes:
                raise _Resubscribe from exc
            raise
        # The server completed the stream (it is shutting down): connect again.
        raise TransportError(_("The server ended the live updates."))
