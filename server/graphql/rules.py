"""The request's context and the company rules it reads once."""

from __future__ import annotations

from typing import Any

from strawberry.types import Info

from server.domain.company.models import CompanySettings
from server.domain.company.services import company_settings


def context(info: Info) -> Any:
    return info.context


async def company_rules(info: Info) -> CompanySettings:
    """The company settings, read once per request however many fields ask (a page of 100
    customers each asking for its cadence used to read the row 100 times)."""
    viewer = info.context.viewer
    return await viewer.once("company_settings", company_settings)
