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
from server.domain.transfers import departures
from server.graphql.accounts.types import (
    Department,
    LoginInput,
    LoginPayload,
    LogoutPayload,
    User,
    UserDeactivateInput,
    UserDeactivatePayload,
    user_columns,
)
from server.graphql.connections import After, Before, Connection, First, Last, connection, page_args
from server.graphql.ids import decode_id
from server.graphql.mutations import MutationInput, mutate
from server.graphql.permissions import Anyone
from server.graphql.selection import nodes_selection


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

    @strawberry.mutation(
        description="Deactivate a user who leaves (an administrator, or a manager above them): "
        "their customers and open work go to `handOverTo` in the same step, and their "
        "sign-ins end at once on every server process. Refused while they hold anything "
        "and nobody is named."
    )
    async def user_deactivate(
        self, info: Info, input: MutationInput[UserDeactivateInput]
    ) -> UserDeactivatePayload:
        viewer = info.context.viewer

        def done(d: departures.Departure) -> UserDeactivatePayload:
            return UserDeactivatePayload(
                user=User.from_model(d.user),
                handed_to=User.from_model(d.handed_to) if d.handed_to else None,
                customers_moved=d.moved.customers if d.handed_to else 0,
                follow_ups_moved=d.moved.follow_ups if d.handed_to else 0,
                complaints_moved=d.moved.complaints if d.handed_to else 0,
                sessions_ended=d.sessions_ended,
            )

        return await mutate(
            UserDeactivatePayload,
            lambda: departures.deactivate(
                viewer,
                decode_id(input.id, "User", "id"),
                decode_id(input.hand_over_to, "User", "hand_over_to")
                if input.hand_over_to
                else None,
            ),
            done,
        )


# This area's root parts, joined into Query and Mutation (server/areas.py).
QUERY = AccountsQuery
MUTATION = AccountsMutation
