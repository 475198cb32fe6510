"""A user leaves: their customers and open work go to someone else, then their sign-ins end.

docs/domain.md §9: a departing salesperson must not be able to take the customer base along, and
nothing they were doing may be left with nobody. So deactivating someone who still owns
customers or holds open work needs the person who takes it over, and it all moves in the
same transaction that deactivates them. Their tokens are revoked in it too: the outbox
announces the revocation, and every server process refuses them from that commit on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from server.domain.access.visibility import can_manage_user
from server.domain.accounts.models import ApiToken, User
from server.domain.accounts.sessions import SESSIONS
from server.domain.accounts.viewer import Viewer
from server.domain.audit import services as audit
from server.domain.complaints.models import OPEN_STEPS, Complaint
from server.domain.customers import services as customers
from server.domain.customers.models import Customer
from server.domain.followups import handover as followups_handover
from server.domain.followups.models import FollowUp, FollowUpStatus
from server.domain.shared import clock
from server.domain.shared.errors import DomainError, ErrorCode


@dataclass(frozen=True)
class OpenWork:
    customers: int
    follow_ups: int
    complaints: int
    reports: int

    @property
    def any(self) -> bool:
        """Whether there is anything to hand over."""
        return bool(self.customers or self.follow_ups or self.complaints or self.reports)


@dataclass(frozen=True)
class Departure:
    user: User
    handed_to: User | None
    moved: OpenWork
    sessions_ended: int


async def open_work(user_id: int) -> OpenWork:
    """What a user holds that someone must take over."""
    return OpenWork(
        customers=await Customer.filter(owner_id=user_id).count(),
        follow_ups=await FollowUp.filter(assignee_id=user_id, status=FollowUpStatus.OPEN).count(),
        complaints=await Complaint.filter(assignee_id=user_id, step__in=list(OPEN_STEPS)).count(),
        reports=await User.filter(manager_id=user_id, is_active=True).count(),
    )


async def deactivate(viewer: Viewer, user_id: int, hand_over_to: int | None) -> Departure:
    """Deactivate a user (an administrator, or a manager above them), handing everything
    they hold to `hand_over_to` first. Refused, with nothing changed, when they hold
    anything and nobody is named to take it."""
    viewer.require_user()
    user = await User.get_or_none(id=user_id)
    if (
        user is None
        or user.id == viewer.id
        or not (viewer.sees_all or await can_manage_user(viewer, user.id))
    ):
        raise DomainError.single(ErrorCode.NOT_FOUND, "No one in your team with this id.", "id")
    if not user.is_active:
        raise DomainError.single(ErrorCode.INVALID, "Already deactivated.", "id")
    work = await open_work(user.id)
    successor = None
    if hand_over_to is not None:
        if hand_over_to == user.id:
            raise DomainError.single(
                ErrorCode.INVALID, "Pick someone other than the person leaving.", "hand_over_to"
            )
        successor = await customers.check_owner(viewer, hand_over_to, "hand_over_to")
    elif work.any:
        raise DomainError.single(
            ErrorCode.REQUIRED,
            "They still own customers or hold open work: name who takes it over.",
            "hand_over_to",
        )
    now = clock.now()
    async with in_transaction():
        if successor is not None:
            await _hand_over(user, successor)
        await User.filter(id=user.id).update(is_active=False, version=F("version") + 1)
        live = ApiToken.filter(user_id=user.id, revoked_at__isnull=True, expires_at__gt=now)
        # Counted, not taken from the UPDATE: SQLite's count would include the outbox rows
        # its trigger writes.
        ended = await live.count()
        await live.update(revoked_at=now)
        changes = {
            "is_active": {"from": True, "to": False},
            "handed_to": successor.id if successor else None,
            "customers": work.customers,
            "follow_ups": work.follow_ups,
            "complaints": work.complaints,
        }
        await audit.record(viewer, "user.deactivate", "User", user.id, changes)
    SESSIONS.forget_user(user.id)
    user.is_active = False
    return Departure(user=user, handed_to=successor, moved=work, sessions_ended=ended)


async def _hand_over(user: User, successor: User) -> None:
    now = clock.now()
    ids = cast(list[int], await Customer.filter(owner_id=user.id).values_list("id", flat=True))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        await Customer.filter(id__in=chunk).update(
            owner_id=successor.id, version=F("version") + 1, updated_at=now
        )
        await followups_handover.hand_over(user.id, successor.id, chunk)
    # Open work that is theirs on customers they did not own (a manager's visits).
    await FollowUp.filter(assignee_id=user.id, status=FollowUpStatus.OPEN).update(
        assignee_id=successor.id, version=F("version") + 1, updated_at=now
    )
    await Complaint.filter(assignee_id=user.id, step__in=list(OPEN_STEPS)).update(
        assignee_id=successor.id, version=F("version") + 1, updated_at=now
    )
    await User.filter(manager_id=user.id).update(manager_id=successor.id)
