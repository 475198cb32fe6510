"""GraphQL enums of the customer area. Those of the domain are mirrored from it, members
and meanings (see server/graphql/enums.py); the sort enums belong to the API alone."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

import strawberry

from server.domain.customers import models
from server.graphql.enums import mirror

ev = strawberry.enum_value

if TYPE_CHECKING:  # type checkers see the domain enums, whose members these mirror
    from server.domain.customers.models import (
        AbcClass,
        AllyStrength,
        Attitude,
        ContactRole,
        Grade,
        Influence,
        SourceChannel,
        Stage,
    )
else:
    Stage = mirror(
        models.Stage, "Where the customer is in the sales pipeline.", models.STAGE_MEANING
    )
    Grade = mirror(
        models.Grade,
        "Grade by expected time to a deal; it sets the follow-up cadence (docs/domain.md §3). The "
        "cadences named are the defaults: see `companySettings`.",
        models.GRADE_MEANING,
    )
    SourceChannel = mirror(
        models.SourceChannel,
        "How we first learned of the customer (收集渠道).",
        models.SOURCE_CHANNEL_MEANING,
    )
    ContactRole = mirror(
        models.ContactRole,
        "A contact's function inside the customer company.",
        models.CONTACT_ROLE_MEANING,
    )
    Influence = mirror(
        models.Influence,
        "How much a contact's word weighs in the customer's decisions.",
        models.INFLUENCE_MEANING,
    )
    Attitude = mirror(models.Attitude, "A contact's attitude toward us.", models.ATTITUDE_MEANING)
    AllyStrength = mirror(
        models.AllyStrength,
        "Whether and how strongly a contact is our insider ally (内线/同盟军).",
        models.ALLY_STRENGTH_MEANING,
    )
    AbcClass = mirror(
        models.AbcClass,
        "Importance class by cumulative sales (docs/domain.md §4).",
        models.ABC_CLASS_MEANING,
    )


@strawberry.enum(description="What a customer list can be sorted on.")
class CustomerSortField(Enum):
    NAME = ev("name", description="Customer name.")
    GRADE = ev("grade", description="Grade A to E.")
    UPDATED_AT = ev("updated_at", description="Time of the last change.")


@strawberry.enum(description="Sort direction.")
class SortDirection(Enum):
    ASC = ev("asc", description="Smallest first.")
    DESC = ev("desc", description="Largest first.")
