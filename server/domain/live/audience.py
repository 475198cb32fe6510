"""Who may hear of an event: decided when it is delivered, with the viewer as they are then.

A grant that has expired, a customer transferred away, a complaint no longer in reach: the
event is not delivered, whatever the subscriber was allowed when it subscribed. Each rule
is the one the same object's reads apply (customer scope, complaint scope, money scope).
"""

from __future__ import annotations

from server.domain.access.visibility import customer_sight
from server.domain.accounts.viewer import Viewer
from server.domain.complaints.scope import visible_complaints
from server.domain.events.models import EventKind
from server.domain.events.outbox import Happened
from server.domain.followups.queue import may_see_queue_of
from server.domain.receivables.scope import sees_money_of


async def sees_customer_of(viewer: Viewer, event: Happened) -> bool:
    """The customer rule (access/visibility.py) applied to the customer and owner the event
    names."""
    if event.customer_id is None:
        return False
    return (await customer_sight(viewer)).admits(event.customer_id, event.owner_id)


async def may_hear(viewer: Viewer, event: Happened) -> bool:
    """Whether this viewer may be told of this event now."""
    if viewer.user is None:
        return False
    match event.kind:
        case EventKind.QUEUE:
            # A queue's events go to whoever it belongs to (a follow-up moved away is
            # announced to its old assignee too: it left their queue), and to whoever may
            # read that queue: the managers above them.
            return event.user_id is not None and await may_see_queue_of(viewer, event.user_id)
        case EventKind.COMPLAINT | EventKind.COMPLAINT_OVERDUE:
            if event.subject_id is None:
                return False
            scope = await visible_complaints(viewer)
            return await scope.filter(id=event.subject_id).exists()
        case EventKind.PAYMENT | EventKind.HOLD | EventKind.COLLECTION:
            return event.customer_id is not None and await sees_money_of(viewer, event.customer_id)
        case EventKind.CUSTOMER:
            return await sees_customer_of(viewer, event)
        case _:
            return False
