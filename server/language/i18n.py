"""The API's human-readable messages in the language the request asks for.

userError messages (and the few top-level error messages people read) are English templates
in the domain; here they are translated through gettext catalogues under server/language/locale
(compiled by Babel when first used), then filled in. The code of every error stays the same
in every language, and the schema itself stays in English for integrators. The language
comes from the request's Accept-Language header; without one, English.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Mapping
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "server"
LANGUAGES = ("en", "zh_CN")
DEFAULT = "en"

# The language of the request being answered (set when its context is made).
request_language: ContextVar[str] = ContextVar("request_language", default=DEFAULT)


def negotiate(accept_language: str | None) -> str:
    """The best of LANGUAGES for an Accept-Language header ("zh-CN,zh;q=0.9,en;q=0.8")."""
    if not accept_language:
        return DEFAULT
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")[:20]):
        tag, _sep, rest = part.strip().partition(";")
        quality = 1.0
        if rest.strip().startswith("q="):
            try:
                quality = float(rest.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip().lower()))
    for _quality, _position, tag in sorted(ranked):
        if tag.startswith("zh"):
            return "zh_CN"
        if tag.startswith("en") or tag == "*":
            return "en"
    return DEFAULT


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    po = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as source:
        catalog = read_po(source, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def translate(template: str, params: Mapping[str, object] | None = None) -> str:
    """The template in the request's language, filled in. A parameter that is itself a
    catalogued word (an object's name, a state) is translated too."""
    catalogue = _catalogue(request_language.get())
    text = catalogue.gettext(template)
    if not params:
        return text
    filled = {k: catalogue.gettext(v) if isinstance(v, str) else v for k, v in params.items()}
    try:
        return text.format(**filled)
    except (KeyError, IndexError, ValueError):  # a broken translation must not hide the error
        return template.format(**params)
