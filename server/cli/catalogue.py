"""Keep the server's catalogue in step with the code: `python -m server.cli.catalogue` extracts
every message the domain and the GraphQL layer raise (the template arguments of
DomainError.single, not_allowed, not_found, FieldInvalid, FieldProblem and N_) with Babel
and merges it into server/language/locale/zh_CN, keeping the translations there."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from server.language.i18n import DOMAIN, LOCALE_DIR

SERVER_DIR = Path(__file__).parent.parent  # what is scanned: the domain and GraphQL layers
KEYWORDS = {
    "N_": None,
    "single": (2,),
    "not_allowed": (1,),
    "require": (2,),
    "not_found": (1,),
    "FieldInvalid": (2,),
    "FieldProblem": (3,),
}
TRANSLATED = ("zh_CN",)


def extract() -> Catalog:
    template = Catalog(project="crm-server", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        SERVER_DIR,
        method_map=[("domain/**.py", "python"), ("graphql/**.py", "python")],
        keywords=KEYWORDS,
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    # The meanings of the schema's enums (enumMeanings), registered when the schema is made.
    from server.graphql.enums import MEANINGS
    from server.graphql.schema import build_schema

    build_schema()
    for enum, meanings in sorted(MEANINGS.items()):
        for value, meaning in meanings.items():
            if meaning not in template:
                template.add(meaning, None, [(f"enum {enum}.{value}", 0)])
    return template


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(language: str) -> Catalog:
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, project="crm-server", fuzzy=False)
    with path.open("rb") as source:
        return read_po(source, locale=language)


def update() -> dict[str, list[str]]:
    template = extract()
    missing: dict[str, list[str]] = {}
    for language in TRANSLATED:
        catalog = read(language)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        path = po_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            write_po(out, catalog, width=100, sort_output=True)
        missing[language] = [str(m.id) for m in catalog if m.id and not m.string]
    return missing


if __name__ == "__main__":
    for language, untranslated in update().items():
        print(f"{language}: {len(untranslated)} untranslated")
        for message in untranslated:
            print(f"  {message}")
