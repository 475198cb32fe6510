"""Find string literals in tui/ that a person would read but that skip the catalogue.

A literal counts as text when it holds a word of two or more letters and reads as words
(a space, or a capitalised word); it is fine inside _(), N_() or ngettext(), in a docstring,
in CSS, in a GraphQL document, or where the code uses it as a key, an id or a name rather
than as text (the arguments and keywords listed below)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "tui"
MARKERS = {"_", "N_", "ngettext", "pgettext"}
# Calls whose string arguments are names, ids, keys or formats, not text.
NOT_TEXT_CALLS = {
    "query_one",
    "query",
    "get",
    "pop",
    "setdefault",
    "startswith",
    "endswith",
    "split",
    "rsplit",
    "join",
    "replace",
    "strip",
    "strftime",
    "strptime",
    "fromisoformat",
    "getattr",
    "setattr",
    "hasattr",
    "isinstance",
    "format",
    "add_class",
    "remove_class",
    "has_class",
    "set_class",
    "toggle_class",
    "work",
    "on",
    "exit",
    "field",
    "environ",
    "getenv",
    "add_argument_group",
    "set_defaults",
    "run_worker",
    "action",
    "call_later",
    "post_message",
    "register",
    "cast",
    "TypeVar",
    "dataclass",
    "refresh_bindings",
    "for_field",
    "show_refusal",
    "get_row_index",
    "move_cursor",
    "index",
    "count",
    "find",
    "encode",
    "decode",
    "lower",
    "upper",
    "_execute",
    "_mutate",
    "Path",
    "open",
    "ZoneInfo",
    "Locale",
    "parse",
    "read_text",
    "write_text",
    "mkdir",
    "int",
    "float",
    "Decimal",
    "date",
    "datetime",
    "timedelta",
    "compile",
    "match",
    "search",
    "sub",
    "fullmatch",
    "isoformat",
    "user_config_dir",
    "value",
    "FieldUnread",
    "check_action",
    "getLogger",
    "debug",
    "info",
    "warning",
    "Terms",
}
# Keywords whose values are not text.
NOT_TEXT_KEYWORDS = {
    "id",
    "key",
    "classes",
    "variant",
    "severity",
    "group",
    "name",
    "key_display",
    "action",
    "passes",
    "type",
    "dest",
    "metavar",
    "choices",
    "default",
    "cursor_type",
    "mode",
    "encoding",
    "justify",
    "method",
    "sep",
    "end",
    "format",
    "locale",
    "appauthor",
}
WORDY = re.compile(r"[A-Za-z]{2,}")
IDENTIFIER = re.compile(r"^[\w.#:$\-\[\]/+*,=()]+$")


def _is_text(value: str) -> bool:
    # A key, an id, a field name or a dotted path is not text; a capitalised word is, and
    # so is a word in Rich markup ("[b]Everywhere[/b]").
    value = re.sub(r"\[/?[a-z ]*\]", " ", value).strip()
    return bool(WORDY.search(value)) and not (
        IDENTIFIER.match(value) and not re.match(r"^[A-Z][a-z]+$", value)
    )


def _docstrings(tree: ast.AST) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _call_name(node: ast.Call) -> str:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return ""


def untranslated(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    skip = _docstrings(tree)
    # A line may say it holds no text (a GraphQL selection, a header value).
    quiet = {n for n, line in enumerate(source.splitlines(), 1) if "# not text" in line}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _call_name(node)
            if name in MARKERS or name in NOT_TEXT_CALLS:
                for sub in ast.walk(node):
                    skip.add(id(sub))
            elif name == "Binding":  # the key and the action are names
                for arg in node.args[:2]:
                    skip.add(id(arg))
            elif name == "Column":  # the key is a name, the label is text
                for arg in node.args[:1]:
                    skip.add(id(arg))
            for kw in node.keywords:
                if kw.arg in NOT_TEXT_KEYWORDS:
                    for sub in ast.walk(kw.value):
                        skip.add(id(sub))
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)] + [
                t.attr for t in targets if isinstance(t, ast.Attribute)
            ]
            if any(n in ("DEFAULT_CSS", "CSS", "__all__") for n in names) or any(
                n.isupper()
                and isinstance(node.value, ast.Constant | ast.BinOp | ast.JoinedStr)
                and "{" in ast.unparse(node.value)
                for n in names
            ):
                for sub in ast.walk(node):
                    skip.add(id(sub))
        elif isinstance(node, ast.Subscript):  # d["key"]
            for sub in ast.walk(node.slice):
                skip.add(id(sub))
        elif isinstance(node, ast.Compare):  # x == "VALUE"
            for sub in ast.walk(node):
                skip.add(id(sub))
        elif isinstance(node, ast.Dict):  # keys are names
            for k in node.keys:
                if k is not None:
                    skip.add(id(k))
    found: list[str] = []
    for node in ast.walk(tree):
        if id(node) in skip or getattr(node, "lineno", 0) in quiet:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _is_text(node.value):
            found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}: {node.value!r}")
        elif isinstance(node, ast.JoinedStr) and any(
            isinstance(sub, ast.Call)
            and _call_name(sub) in MARKERS
            and any(isinstance(a, ast.Constant) for a in sub.args)
            for sub in ast.walk(node)
        ):
            # Babel does not look inside f-strings: the message would never be catalogued.
            found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}: _() inside an f-string")
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            if _is_text(text):
                found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}: f{text!r}")
                for sub in ast.walk(node):
                    skip.add(id(sub))
    return found


def scan() -> list[str]:
    found: list[str] = []
    for path in sorted(ROOT.rglob("*.py")):
        if path.name in ("i18n.py", "i18n_tools.py"):
            continue
        found.extend(untranslated(path))
    return found


if __name__ == "__main__":
    print("\n".join(scan()))
