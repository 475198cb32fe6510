"""GraphQL enums of the follow-up area."""

from __future__ import annotations

from enum import Enum

import strawberry

ev = strawberry.enum_value


@strawberry.enum(description="How a contact with a customer took place (DOMAIN.md §3).")
class InteractionKind(Enum):
    VISIT = ev("visit", description="A visit at the customer's premises (拜访).")
    HOME_VISIT = ev("home_visit", description="A visit at a contact's home (家访).")
    PHONE = ev("phone", description="A phone call.")
    EMAIL = ev("email", description="An email.")
    LETTER = ev("letter", description="A letter or fax.")
    MEETING = ev("meeting", description="A meeting, at our place or elsewhere.")
    LEADERSHIP_VISIT = ev(
        "leadership_visit", description="A visit led by our company's leadership."
    )
    TECHNICAL_VISIT = ev("technical_visit", description="A visit by our technical staff.")
    INQUIRY_LETTER = ev(
        "inquiry_letter", description="A letter asking the customer's opinion (征询意见函)."
    )


@strawberry.enum(description="Why a follow-up exists.")
class FollowUpOrigin(Enum):
    CADENCE = ev("cadence", description="Scheduled from the grade's cadence or the contact plan.")
    MANUAL = ev("manual", description="Planned by hand.")
    LEADERSHIP_VISIT = ev(
        "leadership_visit",
        description="Class A service: a leadership visit every six months (a company setting).",
    )
    CLASS_VISIT = ev(
        "class_visit", description="Class B service: a visit once a year (a company setting)."
    )
    INQUIRY_LETTER = ev(
        "inquiry_letter",
        description="Class B service: an inquiry letter every six months (a company setting).",
    )


@strawberry.enum(description="Where a follow-up stands.")
class FollowUpStatus(Enum):
    OPEN = ev("open", description="Still to do.")
    DONE = ev("done", description="Answered by a logged contact.")
    SKIPPED = ev("skipped", description="Not done, with a reason.")


@strawberry.enum(description="How the stops of a visit plan were ordered.")
class RouteMethod(Enum):
    ROUTE = ev("route", description="Along the customers' route and route position.")
    NEAREST_NEIGHBOUR = ev(
        "nearest_neighbour",
        description="By nearest neighbour from the start over the customers' coordinates; "
        "customers without coordinates follow in route order.",
    )
