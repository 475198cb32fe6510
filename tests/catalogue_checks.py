"""One check for both catalogues (the client's and the API's): every message the code marks
is in the catalogue, translated, with the same {placeholders}."""

from __future__ import annotations

import re

from babel.messages.catalog import Catalog

FIELDS = re.compile(r"\{(\w*)[^}]*\}")


def fields(text: str | tuple[str, ...] | list[str]) -> set[str]:
    """The placeholder names in a message or in each form of a plural message."""
    parts = (text,) if isinstance(text, str) else text
    return {name for part in parts for name in FIELDS.findall(part.replace("{{", ""))}


def catalogue_problems(marked: Catalog, catalog: Catalog) -> list[str]:
    """What is missing or wrong in `catalog` for the messages `marked` in the code."""
    problems = []
    for message in marked:
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        strings = () if found is None else found.string
        strings = (strings,) if isinstance(strings, str) else tuple(strings)
        if found is None or not strings or not all(strings):
            problems.append(f"untranslated: {message.id!r} ({message.context or 'no context'})")
        elif fields(message.id) != fields(strings):
            problems.append(f"placeholders differ: {message.id!r} → {strings!r}")
    return problems
