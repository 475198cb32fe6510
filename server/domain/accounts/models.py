"""Users, departments and API tokens."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from server.domain.shared.timefields import UtcDatetimeField


class Role(StrEnum):
    SALES_REP = "sales_rep"
    MANAGER = "manager"
    SERVICE = "service"
    FINANCE = "finance"
    ADMIN = "admin"


ROLE_MEANING = {
    Role.SALES_REP: "Salesperson (业务员): owns and works their own customers.",
    Role.MANAGER: "Sales manager (销售主管): sees everyone below them, transfers customers, "
    "decides access requests.",
    Role.SERVICE: "Service, quality or logistics staff handling complaints.",
    Role.FINANCE: "Finance staff: receivables, credit.",
    Role.ADMIN: "Administrator: sees and manages all.",
}


class Department(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, unique=True)
    created_at = UtcDatetimeField(auto_now_add=True)

    class Meta:
        table = "department"


class User(Model):
    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=64, unique=True)
    display_name = fields.CharField(max_length=100)
    email = fields.CharField(max_length=254, null=True)
    role = fields.CharEnumField(Role, max_length=16)
    # The reporting line: a manager sees the customers of everyone below them.
    manager: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name="reports", null=True, on_delete=fields.SET_NULL
    )
    department: fields.ForeignKeyNullableRelation[Department] = fields.ForeignKeyField(
        "crm.Department", related_name="members", null=True, on_delete=fields.SET_NULL
    )
    password_hash = fields.CharField(max_length=200)
    is_active = fields.BooleanField(default=True)
    created_at = UtcDatetimeField(auto_now_add=True)
    version = fields.IntField(default=1)

    manager_id: int | None
    department_id: int | None

    class Meta:
        table = "app_user"


class ApiToken(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "crm.User", related_name="tokens", on_delete=fields.CASCADE
    )
    # Only a SHA-256 of the token is stored: a copy of the database grants no sessions.
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = UtcDatetimeField(auto_now_add=True)
    expires_at = UtcDatetimeField()
    revoked_at = UtcDatetimeField(null=True)

    user_id: int

    class Meta:
        table = "api_token"


class LoginThrottle(Model):
    """Login attempts counted per key within a window, and the lock they lead to.

    Keys: "name:<username>@<address>" (one account from one client address, whether the
    account exists or not) and "addr:<address>" (every guess from one address). An attempt
    is counted before its password is checked (`failures` counts those not forgiven by a
    success), and a row is only ever changed by single conditional UPDATE statements, so
    concurrent attempts cannot check more passwords than the limit.
    """

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=200, unique=True)
    failures = fields.IntField(default=0)
    window_started_at = UtcDatetimeField()
    locked_until = UtcDatetimeField(null=True)

    class Meta:
        table = "login_throttle"
