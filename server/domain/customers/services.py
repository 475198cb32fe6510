"""Changing the customer archive: create, update, archive and restore (transfers, which
move other areas' work too, are in server.domain.transfers)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from server.domain.access.visibility import can_edit_customer, can_manage_user
from server.domain.accounts.models import User
from server.domain.accounts.permissions import Permission, role_may
from server.domain.accounts.viewer import Viewer
from server.domain.audit import services as audit
from server.domain.company.services import company_today
from server.domain.customers.fields import CUSTOMER_FIELDS, to_columns
from server.domain.customers.models import Customer, CustomerTag
from server.domain.customers.pinyin import search_text
from server.domain.customers.scope import visible_customers
from server.domain.shared import clock
from server.domain.shared import validation as v
from server.domain.shared.errors import N_, DomainError, ErrorCode, not_allowed, not_found
from server.domain.shared.validation import Patch
from server.domain.shared.versioning import update_versioned

AUDITED_COLUMNS = [c for c in Customer._meta.fields_db_projection if c != "search_text"]


async def get_customer(viewer: Viewer, customer_id: int, *, log_view: bool = False) -> Customer:
    """The customer if the viewer may see it; missing and hidden both read as not found."""
    customer = await (await visible_customers(viewer)).filter(id=customer_id).first()
    if customer is None:
        raise not_found("Customer")
    if log_view and customer.owner_id != viewer.id:
        # Looking at someone else's customer is itself worth recording (docs/domain.md §9).
        await audit.record(viewer, "customer.view", "Customer", customer.id)
    return customer


async def editable_customer(viewer: Viewer, customer_id: int, field: str = "id") -> Customer:
    """The customer, if the viewer may change it: NOT_FOUND (on `field`) when hidden or missing,
    NOT_ALLOWED when only readable (an access grant)."""
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


async def check_owner(viewer: Viewer, owner_id: int, field: str) -> User:
    """The user who is to own a customer: an active user whose role may own customers (INVALID
    otherwise), in the viewer's team unless it is the viewer (NOT_ALLOWED)."""
    owner = await User.get_or_none(id=owner_id, is_active=True)
    if owner is None or not role_may(owner.role, Permission.OWN_CUSTOMERS):
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


async def create_customer(viewer: Viewer, values: Patch, owner_id: int | None = None) -> Customer:
    """Create a customer owned by the viewer or by `owner_id` in their team. Refuses roles that
    cannot own customers, a missing name, a taken code and any value CUSTOMER_FIELDS does not
    accept."""
    user = viewer.require(Permission.OWN_CUSTOMERS, "Your role cannot own customers.")
    if "name" not in values:
        values = {**values, "name": ""}
    cleaned = v.clean(CUSTOMER_FIELDS, values, today=await company_today())
    owner = await check_owner(viewer, owner_id, "owner_id") if owner_id else user
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
    viewer: Viewer, customer_id: int, version: int, values: Patch
) -> Customer:
    """Change the fields sent; a stale `version` changes nothing (STALE_VERSION). Refuses customers
    the viewer may only read, a taken code and values CUSTOMER_FIELDS does not accept."""
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
    """Archive (True) or restore (False) a customer the viewer may change; INVALID_STATE when it
    already is, STALE_VERSION on a stale version."""
    viewer.require_user()
    customer = await editable_customer(viewer, customer_id)
    if (customer.archived_at is not None) == archived:
        state = N_("archived") if archived else N_("active")
        raise DomainError.single(
            ErrorCode.INVALID_STATE, N_("The customer is already {state}."), state=state
        )
    stamp = clock.now() if archived else None
    async with in_transaction():
        await update_versioned(Customer, customer.id, version, customer.version, archived_at=stamp)
        action = "customer.archive" if archived else "customer.restore"
        changes = audit.diff({"archived_at": customer.archived_at}, {"archived_at": stamp})
        await audit.record(viewer, action, "Customer", customer.id, changes)
    return await Customer.get(id=customer.id)
