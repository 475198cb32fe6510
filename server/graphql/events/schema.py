"""The Subscription root: live updates over WebSocket (graphql-transport-ws).

Each event says what changed and where (ids, a version, a step); a client that shows the
object reads it again. The event is checked against the subscriber's visibility when it is
delivered, and the subscriber's session is checked with it: a revoked sign-in ends the
subscription with an UNAUTHENTICATED error.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Iterable
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.types import Info

from server.domain.accounts.services import user_for_token
from server.domain.accounts.viewer import Viewer
from server.domain.events.models import EventKind
from server.domain.events.outbox import Happened
from server.domain.live import changes
from server.domain.live.audience import may_hear
from server.domain.shared.errors import DomainError
from server.graphql.enums import mirror
from server.graphql.errors import argument_error
from server.graphql.ids import decode_id
from server.process.hub import HUB, Overflowed, TooManySubscriptions
from server.process.metrics import EVENTS

if TYPE_CHECKING:
    from server.domain.complaints.models import ComplaintStep
    from server.domain.live.changes import MoneyChangeKind
else:
    from server.graphql.complaints.enums import ComplaintStep

    MoneyChangeKind = mirror(
        changes.MoneyChangeKind,
        "What happened to a customer's money.",
        changes.MONEY_CHANGE_KIND_MEANING,
    )

MONEY_KINDS = (EventKind.PAYMENT, EventKind.HOLD, EventKind.COLLECTION)

QUERY = None
MUTATION = None


def _gid(type_name: str, value: int | None) -> relay.GlobalID:
    return relay.GlobalID(type_name, str(value or 0))


@strawberry.type(description="A follow-up entered, changed in or left the viewer's queue.")
class QueueChange:
    follow_up_id: relay.GlobalID = strawberry.field(description="The follow-up (a FollowUp).")
    customer_id: relay.GlobalID = strawberry.field(description="Its customer.")
    assignee_id: relay.GlobalID = strawberry.field(
        description="Whose queue it entered, changed in or left (a User): yours, or with "
        "`team`, someone's below you."
    )
    in_queue: bool = strawberry.field(
        description="Whether it is in that queue now: false when it was done, skipped, "
        "moved to someone else or removed."
    )

    @classmethod
    def of(cls, event: Happened) -> QueueChange:
        return cls(
            follow_up_id=_gid("FollowUp", event.subject_id),
            customer_id=_gid("Customer", event.customer_id),
            assignee_id=_gid("User", event.user_id),
            in_queue=changes.in_queue(event),
        )


@strawberry.type(description="A complaint the viewer may read changed or became overdue.")
class ComplaintChange:
    complaint_id: relay.GlobalID = strawberry.field(description="The complaint.")
    customer_id: relay.GlobalID = strawberry.field(description="Its customer.")
    step: ComplaintStep = strawberry.field(description="Its step after the change.")
    version: int = strawberry.field(description="Its version after the change.")
    became_overdue: bool = strawberry.field(
        description="True when nothing was written: the step's time limit passed."
    )

    @classmethod
    def of(cls, event: Happened) -> ComplaintChange:
        return cls(
            complaint_id=_gid("Complaint", event.subject_id),
            customer_id=_gid("Customer", event.customer_id),
            step=ComplaintStep(event.detail),
            version=event.version or 0,
            became_overdue=event.kind is EventKind.COMPLAINT_OVERDUE,
        )


@strawberry.type(
    description="A payment arrived or was reversed, a hold was placed or lifted, or a "
    "collection case changed."
)
class MoneyChange:
    customer_id: relay.GlobalID = strawberry.field(description="The customer.")
    change: MoneyChangeKind = strawberry.field(description="What happened.")
    payment_id: relay.GlobalID | None = strawberry.field(
        description="The payment (a Payment), for the payment changes; null for holds."
    )

    @classmethod
    def of(cls, event: Happened) -> MoneyChange | None:
        kind = changes.money_change(event)
        if kind is None:
            return None
        return cls(
            customer_id=_gid("Customer", event.customer_id),
            change=MoneyChangeKind(kind.value),
            payment_id=_gid("Payment", event.subject_id)
            if event.kind is EventKind.PAYMENT
            else None,
        )


@strawberry.type(description="A customer the viewer sees was changed (by anyone, you included).")
class CustomerChange:
    customer_id: relay.GlobalID = strawberry.field(description="The customer.")
    version: int = strawberry.field(
        description="Its version now: a screen holding an older one shows stale data."
    )

    @classmethod
    def of(cls, event: Happened) -> CustomerChange:
        return cls(customer_id=_gid("Customer", event.customer_id), version=event.version or 0)


async def _listen(
    info: Info, kinds: Iterable[EventKind], only: Callable[[Happened], bool] | None = None
) -> AsyncGenerator[Happened | GraphQLError, None]:
    """The events of these kinds this subscriber may hear, as they are committed. Yields a
    GraphQLError (then ends) when the session ends or the subscriber fell too far behind."""
    context = info.context
    if context.viewer.user is None:
        yield _ended("Sign in first: send the token in connection_init.", "UNAUTHENTICATED")
        return
    kinds = frozenset(kinds)
    try:
        inbox = await HUB.subscribe(kinds, context.viewer.user.id)
    except TooManySubscriptions as refused:
        yield _ended(refused.message, "TOO_MANY_SUBSCRIPTIONS")
        return
    try:
        while True:
            try:
                batch = await inbox.next_batch()
            except Overflowed:
                yield _ended(
                    "Too many changes at once: read the data again and resubscribe.",
                    "RESUBSCRIBE",
                )
                return
            user = await user_for_token(context.token or "")
            if user is None:
                yield _ended("Your sign-in has ended; sign in again.", "UNAUTHENTICATED")
                return
            viewer = Viewer(user=user, request_id=context.request_id)
            for event in batch:
                if event.kind not in kinds or (only is not None and not only(event)):
                    continue
                if await may_hear(viewer, event):
                    EVENTS.inc()
                    yield event
    finally:
        HUB.unsubscribe(inbox)


def _ended(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def _customer_filter(
    ids: list[relay.GlobalID] | None,
) -> Callable[[Happened], bool] | GraphQLError | None:
    """Only the events of these customers; a GraphQLError naming the argument for an id
    that is not a customer's."""
    if not ids:
        return None
    if len(ids) > 100:
        return GraphQLError(
            "At most 100 customers.", extensions={"code": "OUT_OF_RANGE", "argument": "customerIds"}
        )
    try:
        wanted = {decode_id(gid, "Customer", "customerIds") for gid in ids}
    except DomainError as exc:
        return argument_error(exc)
    return lambda event: event.customer_id in wanted


CustomerIds = Annotated[
    list[relay.GlobalID] | None,
    strawberry.argument(description="Only these customers (at most 100); all you see if omitted."),
]


@strawberry.type(description="Live updates, over WebSocket with the graphql-transport-ws protocol.")
class LiveSubscription:
    @strawberry.subscription(
        description="Your follow-up queue changed: a follow-up was added, done, skipped, "
        "rescheduled, or moved to or from you. Read the queue again."
    )
    async def queue_changed(
        self,
        info: Info,
        team: Annotated[
            bool,
            strawberry.argument(
                description="Also the queues of the people below you (managers), each change "
                "naming whose queue it is."
            ),
        ] = False,
    ) -> AsyncGenerator[QueueChange, None]:
        me = info.context.viewer.user.id if info.context.viewer.user is not None else None
        only = None if team else (lambda event: event.user_id == me)
        async for event in _listen(info, (EventKind.QUEUE,), only):
            yield _or_error(event, QueueChange.of)

    @strawberry.subscription(
        description="A complaint you may read was recorded, moved a step, changed hands, or "
        "became overdue."
    )
    async def complaint_changed(
        self, info: Info, customer_ids: CustomerIds = None
    ) -> AsyncGenerator[ComplaintChange, None]:
        only = _customer_filter(customer_ids)
        if isinstance(only, GraphQLError):
            yield _refusal(only)
            return
        kinds = (EventKind.COMPLAINT, EventKind.COMPLAINT_OVERDUE)
        async for event in _listen(info, kinds, only):
            yield _or_error(event, ComplaintChange.of)

    @strawberry.subscription(
        description="Money of a customer whose receivables you may read: a payment recorded "
        "or reversed, a credit hold placed or released, its collection case changed."
    )
    async def money_changed(
        self, info: Info, customer_ids: CustomerIds = None
    ) -> AsyncGenerator[MoneyChange, None]:
        only = _customer_filter(customer_ids)
        if isinstance(only, GraphQLError):
            yield _refusal(only)
            return
        async for event in _listen(info, MONEY_KINDS, only):
            change = _or_error(event, MoneyChange.of)
            if change is not None:
                yield change

    @strawberry.subscription(
        description="A customer you see was changed; its new version tells a screen whether "
        "what it shows is stale."
    )
    async def customer_changed(
        self, info: Info, customer_ids: CustomerIds = None
    ) -> AsyncGenerator[CustomerChange, None]:
        only = _customer_filter(customer_ids)
        if isinstance(only, GraphQLError):
            yield _refusal(only)
            return
        async for event in _listen(info, (EventKind.CUSTOMER,), only):
            yield _or_error(event, CustomerChange.of)


def _refusal(error: GraphQLError) -> Any:
    """An error to yield in place of a change: graphql-core sends it as the field's error
    and ends the stream (typed Any because the stream's declared item is the change)."""
    return error


def _or_error(event: Happened | GraphQLError, build: Callable[[Happened], Any]) -> Any:
    """The change to send, or the error that ends the stream (graphql-core sends an
    exception a resolver answers as the field's error)."""
    return event if isinstance(event, GraphQLError) else build(event)


SUBSCRIPTION = LiveSubscription
