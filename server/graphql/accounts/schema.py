"""Root fields for accounts: viewer, users, login and logout."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import strawberry
from strawberry.types import Info
from tortoise.expressions import Q

from server.domain.accounts import models
from server.domain.accounts import services as accounts
from server.domain.customers.search import check_search
from server.domain.shared.paging import SortKey, paginate
from server.graphql.accounts.types import (
    Department,
    LoginInput,
    LoginPayload,
    LogoutPayload,
    User,
    user_columns,
)
from server.graphql.common import (
    After,
    Before,
    Connection,
    First,
    Last,
    connection,
    nodes_selection,
    page_args,
)
from server.graphql.mutations import MutationInput, mutate
from server.graphql.permissions import Anyone


@strawberry.type
class AccountsQuery:
    @strawberry.field(
        description="The user the API token belongs to; null when not logged in.",
        permission_classes=[Anyone],
    )
    async def viewer(self, info: Info) -> User | None:
        user = info.context.viewer.user
        return User.from_model(user) if user else None

    @strawberry.field(
        description="Colleagues, by name: for picking an owner or a grantee. Active users first."
    )
    async def users(
        self,
        info: Info,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Case-insensitive part of the username or display name."
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[User]:
        check_search(search)
        query = models.User.all()
        if search:
            needle = search.strip()
            query = query.filter(Q(display_name__icontains=needle) | Q(username__icontains=needle))
        columns = user_columns(nodes_selection(info).names)
        page = await paginate(
            query, SortKey("username"), page_args(first, after, last, before), columns=columns
        )
        return connection(page, User.from_row)

    @strawberry.field(
        description="Every department, by name: for assigning a complaint or picking a "
        "colleague's department."
    )
    async def departments(self, info: Info) -> list[Department]:
        return [Department.from_model(m) for m in await models.Department.all().order_by("name")]


@strawberry.type
class AccountsMutation:
    @strawberry.mutation(
        description="Exchange username and password for an API token. Five wrong passwords "
        "for one username from one client address within 15 minutes lock that username from "
        "that address for 15 minutes (unknown usernames alike, so a lock reveals nothing); "
        "20 failures from one address lock the address. Other addresses are not affected, "
        "and `crm-server unlock` lifts locks at once.",
        permission_classes=[Anyone],
    )
    async def login(
        self,
        info: Info,
        input: MutationInput[LoginInput],
    ) -> LoginPayload:
        settings = info.context.settings
        policy = accounts.LoginPolicy(
            token_ttl=timedelta(hours=settings.token_ttl_hours),
            max_failures=settings.login_max_failures,
            lockout=timedelta(minutes=settings.login_lockout_minutes),
            max_failures_per_address=settings.login_max_failures_per_address,
        )
        return await mutate(
            LoginPayload,
            lambda: accounts.login(
                input.username,
                input.password,
                policy,
                info.context.request_id,
                info.context.client_address,
            ),
            lambda issued: LoginPayload(
                token=issued.token, expires_at=issued.expires_at, user=User.from_model(issued.user)
            ),
        )

    @strawberry.mutation(description="Revoke the API token this request was sent with.")
    async def logout(self, info: Info) -> LogoutPayload:
        ctx = info.context
        return await mutate(
            LogoutPayload,
            lambda: accounts.logout(ctx.token or "", ctx.viewer),
            lambda _: LogoutPayload(revoked=True),
        )


# This area's root parts, joined into Query and Mutation (server/areas.py).
QUERY = AccountsQuery
MUTATION = AccountsMutation
