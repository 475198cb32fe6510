"""Signed in by default: every root field asks for a signed-in caller unless it says otherwise.

`secure_root_fields` runs once when the schema is built. It gives each root field without
permission classes of its own the `SignedIn` check (a query) or `SignedInToChange` (a
mutation), so a field added tomorrow is private without anyone remembering to make it so.
The few fields open to anonymous callers declare `permission_classes=[Anyone]`.

What a signed-in person may do beyond that (their role's permissions, which customers they
see) is the domain's to decide: resolvers pass the viewer on and never compare roles.
"""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types import Info
from strawberry.types.base import get_object_definition
from strawberry.utils.str_converters import to_camel_case

from server.domain.shared.errors import ErrorCode
from server.graphql.errors import UserError, UserErrorCode
from server.graphql.mutations import Payload
from server.language.i18n import translate

SIGN_IN_FIRST = "Authentication required: send `Authorization: Bearer <token>` from `login`."


class SignedIn(BasePermission):
    """Root queries: an anonymous caller gets an UNAUTHENTICATED error."""

    message = SIGN_IN_FIRST
    # Strawberry reads this as a class attribute; it is never mutated.
    error_extensions = {"code": "UNAUTHENTICATED"}  # noqa: RUF012

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return bool(info.context.viewer.is_authenticated)


class SignedInToChange(SignedIn):
    """Mutations: an anonymous caller gets the mutation's payload with an UNAUTHENTICATED
    userError, like every other refusal of a mutation."""

    def __init__(self, payload: type[Payload]) -> None:
        self.payload = payload

    def on_unauthorized(self) -> Payload:  # type: ignore[override]
        return self.payload(
            user_errors=[
                UserError(
                    field=None,
                    code=UserErrorCode(ErrorCode.UNAUTHENTICATED.value),
                    message=translate("Log in first."),
                )
            ]
        )


class Anyone(BasePermission):
    """Marks a root field open to anonymous callers on purpose (login, node)."""

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return True


def _declares_permissions(field: Any) -> bool:
    return any(isinstance(ext, PermissionExtension) for ext in field.extensions)


def secure_root_fields(query: type, mutation: type) -> None:
    """Give every root field that declares no permission classes the signed-in check."""
    for field in get_object_definition(query, strict=True).fields:
        if not _declares_permissions(field):
            field.extensions.append(PermissionExtension([SignedIn()], use_directives=False))
    for field in get_object_definition(mutation, strict=True).fields:
        if _declares_permissions(field):
            continue
        payload = field.type
        if not (isinstance(payload, type) and issubclass(payload, Payload)):
            raise TypeError(f"Mutation {field.python_name} must return a Payload subclass")
        field.extensions.append(
            PermissionExtension([SignedInToChange(payload)], use_directives=False)
        )


def open_fields(query: type, mutation: type) -> list[str]:
    """The root fields anonymous callers may use (for the tests and docs/api.md)."""
    found = []
    for kind in (query, mutation):
        for field in get_object_definition(kind, strict=True).fields:
            for ext in field.extensions:
                if isinstance(ext, PermissionExtension) and any(
                    isinstance(p, Anyone) for p in ext.permissions
                ):
                    found.append(field.graphql_name or to_camel_case(field.python_name))
    return found
