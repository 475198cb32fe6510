"""GraphQL enums of the follow-up area, mirrored from the domain (members and meanings)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from server.domain.followups import models, visits
from server.graphql.enums import mirror

if TYPE_CHECKING:  # type checkers see the domain enums, whose members these mirror
    from server.domain.followups.models import FollowUpOrigin, FollowUpStatus, InteractionKind
    from server.domain.followups.visits import RouteMethod
else:
    InteractionKind = mirror(
        models.InteractionKind,
        "How a contact with a customer took place (docs/domain.md §3).",
        models.KIND_MEANING,
    )
    FollowUpOrigin = mirror(models.FollowUpOrigin, "Why a follow-up exists.", models.ORIGIN_MEANING)
    FollowUpStatus = mirror(
        models.FollowUpStatus, "Where a follow-up stands.", models.STATUS_MEANING
    )
    RouteMethod = mirror(
        visits.RouteMethod,
        "How the stops of a visit plan were ordered.",
        visits.ROUTE_METHOD_MEANING,
    )
