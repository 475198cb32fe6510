"""Inputs as the domain takes them: only what the client sent, enums as domain values."""

from __future__ import annotations

from enum import Enum
from typing import Any

from strawberry.types.base import StrawberryMaybe


def input_values(data: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The fields a client actually sent, by domain name, enums as domain values.

    A `Maybe` field left out of the request is left out here (the domain leaves it as it
    is); one sent as null is here as None (the domain clears it). Other fields are always
    here, with their defaults.
    """
    values: dict[str, Any] = {}
    for field in type(data).__strawberry_definition__.fields:
        name = field.python_name
        if name in skip:
            continue
        value = getattr(data, name)
        if isinstance(field.type, StrawberryMaybe):
            if value is None:
                continue
            value = value.value
        values[name] = value.value if isinstance(value, Enum) else value
    return values
