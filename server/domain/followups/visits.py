"""The visit plan of a day (路序, docs/domain.md §7): one region's due visits in travel order.

Customers are taken along their route (route name, then position). When they have
coordinates, the stops are ordered by nearest neighbour from the rep's start instead;
customers without coordinates follow in route order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from server.domain.accounts.viewer import Viewer
from server.domain.customers.models import Customer
from server.domain.followups.models import VISIT_KINDS, FollowUp
from server.domain.followups.queue import open_items

EARTH_RADIUS_KM = 6371.0


class RouteMethod(StrEnum):
    ROUTE = "route"
    NEAREST_NEIGHBOUR = "nearest_neighbour"


ROUTE_METHOD_MEANING = {
    RouteMethod.ROUTE: "Along the customers' route and route position.",
    RouteMethod.NEAREST_NEIGHBOUR: "By nearest neighbour from the start over the customers' "
    "coordinates; customers without coordinates follow in route order.",
}


@dataclass
class Stop:
    customer: Customer
    follow_ups: list[FollowUp] = field(default_factory=list)
    distance_km: float | None = None


@dataclass
class VisitPlan:
    day: date
    region: str
    method: RouteMethod
    stops: list[Stop]

    @property
    def total_km(self) -> float | None:
        """The length of the route, when the stops have coordinates."""
        legs = [s.distance_km for s in self.stops if s.distance_km is not None]
        return sum(legs) if legs else None


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine) between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def _route_key(stop: Stop) -> tuple[str, bool, int, str, int]:
    c = stop.customer
    return (c.route, c.route_position is None, c.route_position or 0, c.name, c.id)


def _point(customer: Customer) -> tuple[float, float] | None:
    if customer.latitude is None or customer.longitude is None:
        return None
    return (customer.latitude, customer.longitude)


def order_stops(stops: list[Stop], start: tuple[float, float] | None) -> RouteMethod:
    """Sort `stops` in place; returns how they were ordered."""
    stops.sort(key=_route_key)
    placed = [s for s in stops if _point(s.customer) is not None]
    if not placed:
        return RouteMethod.ROUTE
    rest = [s for s in stops if _point(s.customer) is None]
    here = start or _point(placed[0].customer) or (0.0, 0.0)
    ordered: list[Stop] = []
    while placed:
        # Ties go to the earlier stop in route order, so the result is stable.
        nearest = min(placed, key=lambda s: distance_km(here, _point(s.customer) or here))
        placed.remove(nearest)
        point = _point(nearest.customer)
        assert point is not None
        nearest.distance_km = round(distance_km(here, point), 3) if (start or ordered) else 0.0
        here = point
        ordered.append(nearest)
    stops[:] = ordered + rest
    return RouteMethod.NEAREST_NEIGHBOUR


async def visit_plan(
    viewer: Viewer,
    user_id: int,
    region: str,
    day: date,
    start: tuple[float, float] | None = None,
) -> VisitPlan:
    """The visits due by `day` (overdue ones included: they are still owed) in `region`."""
    rows = await (
        (await open_items(viewer, [user_id]))
        .filter(due_on__lte=day, kind__in=list(VISIT_KINDS), customer__region=region)
        .select_related("customer")
        .order_by("due_on", "id")
    )
    by_customer: dict[int, Stop] = {}
    for row in rows:
        stop = by_customer.setdefault(row.customer_id, Stop(row.customer))
        stop.follow_ups.append(row)
    stops = list(by_customer.values())
    method = order_stops(stops, start)
    return VisitPlan(day, region, method, stops)
