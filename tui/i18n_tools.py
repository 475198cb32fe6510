"""Keep the catalogues in step with the code: `python -m tui.i18n_tools` extracts every
`_()`, `N_()` and `ngettext()` string from tui/ with Babel and merges it into each
language's crm.po, keeping the translations already there (new entries come untranslated
in zh_CN; the test suite lists them). English is the source language: its catalogue repeats
each message, so it is complete by construction.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from tui.i18n import DOMAIN, LANGUAGES, LOCALE_DIR

TUI_DIR = Path(__file__).parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}


def extract() -> Catalog:
    """Every message the client's code marks, with where it is used."""
    template = Catalog(project="crm", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        TUI_DIR,
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(language: str) -> Catalog:
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, project="crm", fuzzy=False)
    with path.open("rb") as source:
        return read_po(source, locale=language)


def update() -> dict[str, list[str]]:
    """Merge the code's messages into every catalogue; returns, per language, the messages
    still without a translation."""
    template = extract()
    missing: dict[str, list[str]] = {}
    for language in LANGUAGES:
        catalog = read(language)
        catalog.update(template, no_fuzzy_matching=True)
        for message in catalog:
            if not message.id:
                continue
            if language == "en" and not _translated(message.string):
                # The source language translates to itself.
                message.string = message.id if isinstance(message.id, str) else tuple(message.id)
        catalog.obsolete.clear()
        path = po_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            write_po(out, catalog, width=100, sort_output=True, omit_header=False)
        missing[language] = [str(m.id) for m in catalog if m.id and not _translated(m.string)]
    return missing


def _translated(string: object) -> bool:
    if isinstance(string, tuple):
        return all(string)
    return bool(string)


def main() -> None:
    for language, untranslated in update().items():
        print(f"{language}: {len(untranslated)} untranslated")
        for message in untranslated:
            print(f"  {message}")


if __name__ == "__main__":
    main()
