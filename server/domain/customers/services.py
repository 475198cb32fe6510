"""Changing the customer archive: create, update, archive, restore and transfer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from server.domain import clock
from server.domain import validation as v
from server.domain.access.visibility import can_edit_customer, can_manage_user, visible_customers
from server.domain.accounts.models import Role, User
from server.domain.accounts.viewer import Viewer
from server.domain.audit import services as audit
from server.domain.company.services import company_today
from server.domain.customers.fields import CUSTOMER_FIELDS, to_columns
from server.domain.customers.models import Customer, CustomerTag
from server.domain.customers.pinyin import search_text
from server.domain.errors import DomainError, ErrorCode, not_allowed, not_found
from server.domain.followups.models import FollowUp, FollowUpStatus
from server.domain.versioning import update_versioned

OWNER_ROLES = (Role.SALES_REP, Role.MANAGER, Role.ADMIN)
AUDITED_COLUMNS = [c for c in Customer._meta.fields_db_projection if c != "search_text"]


async def get_customer(viewer: Viewer, customer_id: int, *, log_view: bool = False) -> Customer:
    """The customer if the viewer may see it; missing and hidden both read as not found."""
    customer = await (await visible_customers(viewer)).filter(id=customer_id).first()
    if customer is None:
        raise not_found("Customer")
    if log_view and customer.owner_id != viewer.id:
        # Looking at someone else's customer is itself worth recording (DOMAIN.md §9).
        await audit.record(viewer, "customer.view", "Customer", customer.id)
    return customer


async def editable_customer(viewer: Viewer, customer_id: int, field: str = "id") -> Customer:
    try:
        customer = await get_customer(viewer, customer_id)
    except DomainError:
        raise not_found("Customer", field) from None
    if not await can_edit_customer(viewer, customer):
        raise not_allowed("Only the owner and their managers may change this customer.")
    return customer


def _snapshot(customer: Customer) -> dict[str, Any]:
    return {c: getattr(customer, c) for c in AUDITED_COLUMNS if c not in ("version", "updated_at")}


async def _tags_of(customer_id: int) -> list[str]:
    tags = await CustomerTag.filter(customer_id=customer_id).values_list("tag", flat=True)
    return sorted(cast(list[str], tags))


async def _replace_tags(customer_id: int, tags: list[str]) -> None:
    await CustomerTag.filter(customer_id=customer_id).delete()
    await CustomerTag.bulk_create([CustomerTag(customer_id=customer_id, tag=t) for t in tags])


async def _check_owner(viewer: Viewer, owner_id: int, field: str) -> User:
    owner = await User.get_or_none(id=owner_id, is_active=True)
    if owner is None or owner.role not in OWNER_ROLES:
        raise DomainError.single(ErrorCode.INVALID, "No active salesperson with this id.", field)
    if owner.id != viewer.id and not await can_manage_user(viewer, owner.id):
        raise not_allowed("You can only assign customers to people in your team.", field)
    return owner


_CODE_TAKEN = "This customer code is already in use."


async def _check_code_free(code: str | None, own_id: int | None = None) -> None:
    if code and await Customer.filter(code=code).exclude(id=own_id or 0).exists():
        raise DomainError.single(ErrorCode.DUPLICATE, _CODE_TAKEN, "code")


@asynccontextmanager
async def _code_unique() -> AsyncIterator[None]:
    """Two requests giving the same code at once: the unique index refuses the second."""
    try:
        yield
    except IntegrityError as exc:
        if "code" not in str(exc):
            raise
        raise DomainError.single(ErrorCode.DUPLICATE, _CODE_TAKEN, "code") from None


async def create_customer(
    viewer: Viewer, values: dict[str, Any], owner_id: int | None = None
) -> Customer:
    user = viewer.require_user()
    if user.role not in OWNER_ROLES:
        raise not_allowed("Your role cannot own customers.")
    if "name" not in values:
        values = {**values, "name": ""}
    cleaned = v.clean(CUSTOMER_FIELDS, values, today=await company_today())
    owner = await _check_owner(viewer, owner_id, "owner_id") if owner_id else user
    await _check_code_free(cleaned.get("code"))
    async with _code_unique(), in_transaction():
        customer = await Customer.create(
            owner_id=owner.id,
            search_text=search_text(cleaned["name"], cleaned.get("code")),
            **to_columns(cleaned),
        )
        tags = cleaned.get("tags", [])
        await _replace_tags(customer.id, tags)
        changes = audit.diff({}, {**_snapshot(customer), "tags": tags})
        await audit.record(viewer, "customer.create", "Customer", customer.id, changes)
    return customer


async def update_customer(
    viewer: Viewer, customer_id: int, version: int, values: dict[str, Any]
) -> Customer:
    viewer.require_user()
    customer = await editable_customer(viewer, customer_id)
    cleaned = v.clean(CUSTOMER_FIELDS, values, today=await company_today())
    columns = to_columns(cleaned)
    if "name" in columns or "code" in columns:
        columns["search_text"] = search_text(
            columns.get("name", customer.name), columns.get("code", customer.code)
        )
    await _check_code_free(cleaned.get("code"), customer.id)
    async with _code_unique(), in_transaction():
        before = {**_snapshot(customer), "tags": await _tags_of(customer.id)}
        await update_versioned(Customer, customer.id, version, customer.version, **columns)
        if "tags" in cleaned:
            await _replace_tags(customer.id, cleaned["tags"])
        customer = await Customer.get(id=customer.id)
        after = {**_snapshot(customer), "tags": await _tags_of(customer.id)}
        await audit.record(
            viewer, "customer.update", "Customer", customer.id, audit.diff(before, after)
        )
    return customer


async def set_archived(viewer: Viewer, customer_id: int, version: int, archived: bool) -> Customer:
    viewer.require_user()
    customer = await editable_customer(viewer, customer_id)
    if (customer.archived_at is not None) == archived:
        state = "archived" if archived else "active"
        raise DomainError.single(ErrorCode.INVALID_STATE, f"The customer is already {state}.")
    stamp = clock.now() if archived else None
    async with in_transaction():
        await update_versioned(Customer, customer.id, version, customer.version, archived_at=stamp)
        action = "customer.archive" if archived else "customer.restore"
        changes = audit.diff({"archived_at": customer.archived_at}, {"archived_at": stamp})
        await audit.record(viewer, action, "Customer", customer.id, changes)
    return await Customer.get(id=customer.id)


async def _line_above(user_id: int) -> set[int]:
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


async def _hand_over_work(from_user_id: int, to_user_id: int, customer_ids: list[int]) -> None:
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
    sees = await _line_above(to_user_id) | set(
        cast(list[int], await User.filter(role=Role.ADMIN).values_list("id", flat=True))
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


async def transfer_customer(
    viewer: Viewer, customer_id: int, new_owner_id: int, version: int | None = None
) -> Customer:
    """A manager hands one customer of their team to another member of it."""
    viewer.require_user()
    customer = await editable_customer(viewer, customer_id)
    if not (viewer.is_admin or viewer.is_manager):
        raise not_allowed("Only a manager can transfer customers.")
    owner = await _check_owner(viewer, new_owner_id, "new_owner_id")
    if owner.id == customer.owner_id:
        raise DomainError.single(ErrorCode.INVALID, "That person already owns it.", "new_owner_id")
    async with in_transaction():
        await update_versioned(Customer, customer.id, version, customer.version, owner_id=owner.id)
        await _hand_over_work(customer.owner_id, owner.id, [customer.id])
        changes = {"owner_id": {"from": customer.owner_id, "to": owner.id}}
        await audit.record(viewer, "customer.transfer", "Customer", customer.id, changes)
    return await Customer.get(id=customer.id)


async def transfer_all(viewer: Viewer, from_user_id: int, to_user_id: int) -> int:
    """Move every customer of a rep (e.g. one who leaves) to another; returns how many."""
    viewer.require_user()
    if not (viewer.is_admin or viewer.is_manager):
        raise not_allowed("Only a manager can transfer customers.")
    if not await can_manage_user(viewer, from_user_id) or from_user_id == viewer.id:
        raise DomainError.single(
            ErrorCode.NOT_FOUND, "No one in your team with this id.", "from_user_id"
        )
    owner = await _check_owner(viewer, to_user_id, "to_user_id")
    if owner.id == from_user_id:
        raise DomainError.single(ErrorCode.INVALID, "Pick a different person.", "to_user_id")
    async with in_transaction():
        ids = await Customer.filter(owner_id=from_user_id).values_list("id", flat=True)
        if ids:
            await Customer.filter(id__in=ids).update(
                owner_id=owner.id, version=F("version") + 1, updated_at=clock.now()
            )
            await _hand_over_work(from_user_id, owner.id, cast(list[int], ids))
            change = {"owner_id": {"from": from_user_id, "to": owner.id}}
            await audit.record_many(
                viewer, "customer.transfer", "Customer", cast(list[int], ids), change
            )
    return len(ids)
