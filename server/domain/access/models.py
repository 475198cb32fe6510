"""Requests to see another rep's customer, and the time-limited grants that answer them."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from server.domain.accounts.models import User
from server.domain.shared.timefields import UtcDatetimeField


class AccessRequestStatus(StrEnum):
    PENDING = "pending"
    GRANTED = "granted"
    REFUSED = "refused"


ACCESS_REQUEST_STATUS_MEANING = {
    AccessRequestStatus.PENDING: "Waiting for a manager.",
    AccessRequestStatus.GRANTED: "A manager granted read access.",
    AccessRequestStatus.REFUSED: "A manager refused.",
}


class AccessRequest(Model):
    id = fields.IntField(primary_key=True)
    requester: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name="access_requests", on_delete=fields.CASCADE
    )
    # The rep describes the customer in words: they cannot see it, so cannot pick it.
    customer_description = fields.CharField(max_length=500)
    reason = fields.TextField()
    status = fields.CharEnumField(
        AccessRequestStatus, max_length=10, default=AccessRequestStatus.PENDING, db_index=True
    )
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name="access_decisions", null=True, on_delete=fields.SET_NULL
    )
    decided_at = UtcDatetimeField(null=True)
    decision_note = fields.TextField(default="")
    created_at = UtcDatetimeField(auto_now_add=True)

    requester_id: int
    decided_by_id: int | None

    class Meta:
        table = "access_request"


class AccessGrant(Model):
    id = fields.IntField(primary_key=True)
    grantee: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name="access_grants", on_delete=fields.CASCADE
    )
    # Typed as any model: access sits below the customers area and must not import it.
    customer: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "crm.Customer", related_name="access_grants", on_delete=fields.CASCADE
    )
    granted_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name="grants_given", null=True, on_delete=fields.SET_NULL
    )
    request: fields.ForeignKeyNullableRelation[AccessRequest] = fields.ForeignKeyField(
        "crm.AccessRequest", related_name="grants", null=True, on_delete=fields.SET_NULL
    )
    expires_at = UtcDatetimeField(db_index=True)
    created_at = UtcDatetimeField(auto_now_add=True)

    grantee_id: int
    customer_id: int
    granted_by_id: int | None
    request_id: int | None

    class Meta:
        table = "access_grant"
        indexes = (("grantee_id", "expires_at"),)
