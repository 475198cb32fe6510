"""Open follow-ups follow their customers when a manager transfers them."""

from __future__ import annotations

from typing import cast

from tortoise.expressions import F

from server.domain.accounts.models import User
from server.domain.accounts.permissions import Permission, roles_with
from server.domain.followups.models import FollowUp, FollowUpStatus
from server.domain.shared import clock


async def line_above(user_id: int) -> set[int]:
    """The user and everyone above them in the reporting line: who sees their customers."""
    managers = dict(
        cast(list[tuple[int, int | None]], await User.all().values_list("id", "manager_id"))
    )
    line: set[int] = set()
    current: int | None = user_id
    while current is not None and current not in line:  # a cycle in bad data must end
        line.add(current)
        current = managers.get(current)
    return line


async def hand_over(from_user_id: int, to_user_id: int, customer_ids: list[int]) -> None:
    """Open work on these customers moves with them: every open follow-up whose assignee
    can no longer see the customer goes to the new owner when it was the old owner's, and
    to the new owner's manager otherwise (leadership visits and other work of the old
    owner's line). Items of people who still see the customer stay where they are, and
    every item stays open, so no class-service slot is lost."""
    open_rows = await FollowUp.filter(
        customer_id__in=customer_ids, status=FollowUpStatus.OPEN
    ).values_list("id", "assignee_id")
    if not open_rows:
        return
    everything = User.filter(role__in=roles_with(Permission.SEE_ALL))
    sees = await line_above(to_user_id) | set(
        cast(list[int], await everything.values_list("id", flat=True))
    )
    to_owner: list[int] = []
    to_manager: list[int] = []
    for fid, assignee in cast(list[tuple[int, int]], open_rows):
        if assignee in sees:
            continue
        (to_owner if assignee == from_user_id else to_manager).append(fid)
    new_manager = await User.filter(id=to_user_id).values_list("manager_id", flat=True)
    manager_id = cast(int | None, new_manager[0] if new_manager else None) or to_user_id
    now = clock.now()
    for ids, assignee in ((to_owner, to_user_id), (to_manager, manager_id)):
        for start in range(0, len(ids), 500):
            await FollowUp.filter(id__in=ids[start : start + 500]).update(
                assignee_id=assignee, version=F("version") + 1, updated_at=now
            )
