"""The documentation a newcomer reads first: a README that fits on a page and maps every
page of docs/, links that lead somewhere, files cited that exist, and code that cites the
pages of this repository rather than documents it does not hold."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = sorted((ROOT / "docs").rglob("*.md"))
MARKDOWN = [README, *PAGES, ROOT / "bench" / "README.md"]

_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
# A file named in backticks: a path with a known extension, not a pattern or a template.
_CITED = re.compile(r"`([\w./-]+\.(?:py|md|toml|graphql|po|json|sh|js|css))`")
_DOCS_CITED = re.compile(r"docs/[\w/-]+\.md")
_EVERY_FILE = [
    p.relative_to(ROOT).as_posix()
    for p in ROOT.rglob("*")
    if p.is_file() and not {".git", ".venv", "node_modules", "__pycache__"} & set(p.parts)
]


def test_the_readme_fits_on_a_page() -> None:
    assert len(README.read_bytes()) <= 8 * 1024


def test_the_readme_starts_with_the_two_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(), re.S)
    assert "pip install -e . && crm demo" in blocks[0]
    assert "pip install -e '.[test]' && pytest" in blocks[1]


def test_the_readme_maps_every_page_of_docs() -> None:
    linked = {(README.parent / link).resolve() for link in _LINK.findall(README.read_text())}
    assert PAGES, "docs/ has pages"
    missing = [p.relative_to(ROOT).as_posix() for p in PAGES if p.resolve() not in linked]
    assert not missing, f"pages the README does not map: {missing}"


def test_every_relative_link_leads_to_a_file() -> None:
    broken = []
    for page in MARKDOWN:
        for link in _LINK.findall(page.read_text()):
            if "://" in link or link.startswith(("#", "mailto:")):
                continue
            target = (page.parent / link.split("#", 1)[0]).resolve()
            if not target.exists():
                broken.append(f"{page.relative_to(ROOT)}: {link}")
    assert not broken, broken


def test_every_file_the_docs_cite_exists() -> None:
    """A path in backticks exists, whole from the root or as the end of a path (the
    pages abbreviate, `shared/validation.py` for server/domain/shared/validation.py).
    Files the program writes on a user's machine (`session.json`) are not cited ones."""
    missing = []
    for page in MARKDOWN:
        for cited in _CITED.findall(page.read_text()):
            name = cited.removeprefix("./")
            if "/" not in name and not name.endswith((".py", ".md", ".toml", ".graphql")):
                continue  # a file of the user's (session.json), not of the repository
            if not any(f == name or f.endswith("/" + name) for f in _EVERY_FILE):
                missing.append(f"{page.relative_to(ROOT)}: {cited}")
    assert not missing, missing


def test_the_code_cites_pages_of_this_repository() -> None:
    """The specification and design notes the project started from are not in the
    repository: the code cites docs/, and every page it cites exists."""
    outside, missing = [], []
    for source in [
        *ROOT.glob("server/**/*.py"),
        *ROOT.glob("tui/**/*.py"),
        ROOT / "schema.graphql",
    ]:
        text = source.read_text()
        name = source.relative_to(ROOT).as_posix()
        if "DOMAIN.md" in text or "DESIGN.md" in text:
            outside.append(name)
        missing += [f"{name}: {p}" for p in _DOCS_CITED.findall(text) if not (ROOT / p).exists()]
    assert not outside, outside
    assert not missing, missing
