"""The habits later areas copy, checked: layered domain areas, one way to write a mutation,
signed in by default, one table of who may do what, partial updates that tell "left out"
from "cleared"."""

from __future__ import annotations

import ast
import pkgutil
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from strawberry.permission import PermissionExtension
from strawberry.types.base import get_object_definition

import server.domain
from server.domain.accounts.models import Role
from server.domain.accounts.permissions import ROLE_PERMISSIONS, Permission, role_may
from server.graphql.mutations import Payload
from server.graphql.permissions import Anyone, SignedIn, SignedInToChange, open_fields
from server.graphql.schema import Mutation, Query, build_schema
from tests.conftest import Company, create_customer

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _layers_contract() -> dict[str, object]:
    contracts = PYPROJECT["tool"]["importlinter"]["contracts"]
    [found] = [c for c in contracts if c.get("containers") == ["server.domain"]]
    return found


def test_every_domain_area_has_its_place_in_the_layers() -> None:
    contract = _layers_contract()
    assert contract["type"] == "layers" and contract["exhaustive"] is True
    placed = {name.strip() for layer in contract["layers"] for name in str(layer).split("|")}
    areas = {m.name for m in pkgutil.iter_modules(server.domain.__path__) if m.ispkg}
    assert areas == placed
    # Nothing outside an area: a loose module would sit outside every wall.
    loose = [m.name for m in pkgutil.iter_modules(server.domain.__path__) if not m.ispkg]
    assert loose == []


def test_import_contracts_hold_with_nothing_ignored() -> None:
    for contract in PYPROJECT["tool"]["importlinter"]["contracts"]:
        assert "ignore_imports" not in contract, contract["name"]
    done = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports"))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert "0 broken" in done.stdout


def _imports(path: Path) -> set[str]:
    """Every module a file imports, type-only imports included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_no_cycle_between_domain_areas() -> None:
    """The contract's own proof, again by hand: area A importing area B and B importing A
    (even by way of type hints) is a cycle."""
    base = ROOT / "server" / "domain"
    areas = [p.name for p in base.iterdir() if (p / "__init__.py").exists()]
    needs: dict[str, set[str]] = {a: set() for a in areas}
    for area in areas:
        for file in (base / area).rglob("*.py"):
            for module in _imports(file):
                parts = module.split(".")
                if parts[:2] == ["server", "domain"] and len(parts) > 2 and parts[2] != area:
                    needs[area].add(parts[2])

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(nxt == goal or reaches(nxt, goal, seen | {nxt}) for nxt in needs[start] - seen)

    cycles = [a for a in areas if reaches(a, a, set())]
    assert cycles == []


def test_mutations_are_written_one_way() -> None:
    """Every mutation returns a Payload, and no mutation module silences the type checker."""
    for field in get_object_definition(Mutation, strict=True).fields:
        assert issubclass(field.type, Payload), field.python_name
    for module in (ROOT / "server" / "graphql").rglob("schema.py"):
        text = module.read_text(encoding="utf-8")
        assert "type: ignore" not in text, module
        assert "attempt(" not in text, module


def test_every_root_field_is_signed_in_unless_it_says_it_is_open() -> None:
    build_schema()  # the build is what secures the fields
    assert sorted(open_fields(Query, Mutation)) == [
        "enumMeanings",
        "login",
        "node",
        "nodes",
        "viewer",
    ]
    for kind, check in ((Query, SignedIn), (Mutation, SignedInToChange)):
        for field in get_object_definition(kind, strict=True).fields:
            perms = [
                p
                for ext in field.extensions
                if isinstance(ext, PermissionExtension)
                for p in ext.permissions
            ]
            assert perms, field.python_name
            assert all(isinstance(p, check | Anyone) for p in perms), field.python_name


def test_every_role_has_its_permissions_and_only_the_table_decides() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role)
    assert role_may(Role.ADMIN, Permission.CHANGE_COMPANY_SETTINGS)
    assert not role_may(Role.MANAGER, Permission.CHANGE_COMPANY_SETTINGS)
    assert role_may(Role.MANAGER, Permission.TRANSFER_CUSTOMERS)
    assert not role_may(Role.SALES_REP, Permission.TRANSFER_CUSTOMERS)
    assert not role_may(None, Permission.OWN_CUSTOMERS)
    # No service compares a role to a name or a member: they ask the table.
    compare = re.compile(r"role\s*(==|!=|in|not in)\s*[\"'(\[]|Role\.[A-Z_]+\b")
    offenders = []
    for file in (ROOT / "server" / "domain").rglob("*.py"):
        if file.name in ("models.py", "permissions.py"):
            continue
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if compare.search(line):
                offenders.append(f"{file.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


async def test_viewer_permissions_come_from_the_table(company: Company) -> None:
    for who, role in (("r1", Role.SALES_REP), ("m1", Role.MANAGER), ("admin", Role.ADMIN)):
        data = await company.api(who).data("{ viewer { permissions } }")
        held = [p.name for p in Permission if p in ROLE_PERMISSIONS[role]]
        assert data["viewer"]["permissions"] == held


UPDATE = """mutation($input: CustomerUpdateInput!) { customerUpdate(input: $input) {
  customer { version region phone: address industry } userErrors { field code } } }"""


async def test_a_field_left_out_stays_and_a_field_sent_as_null_is_cleared(
    company: Company,
) -> None:
    api = company.api("r1")
    created = await create_customer(api, region="华东", address="宁波市北仑区1号", industry="模具")
    done = await api.data(
        UPDATE, {"input": {"id": created["id"], "version": created["version"], "address": None}}
    )
    payload = done["customerUpdate"]
    assert payload["userErrors"] == []
    # address cleared; region and industry, left out, unchanged
    assert payload["customer"]["phone"] in ("", None)
    assert payload["customer"]["region"] == "华东"
    assert payload["customer"]["industry"] == "模具"


async def test_an_anonymous_mutation_is_refused_in_its_payload(company: Company) -> None:
    body = await company.api(None).post(
        'mutation { customerCreate(input: {name: "x"}) { customer { id } userErrors { code } } }'
    )
    assert "errors" not in body
    assert body["data"]["customerCreate"] == {
        "customer": None,
        "userErrors": [{"code": "UNAUTHENTICATED"}],
    }


def test_every_public_domain_function_says_what_it_does() -> None:
    undocumented = []
    for file in sorted((ROOT / "server" / "domain").rglob("*.py")):
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in tree.body:
            inner = node.body if isinstance(node, ast.ClassDef) else [node]
            if isinstance(node, ast.ClassDef) and node.name.startswith("_"):
                continue
            for fn in inner:
                if (
                    isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef)
                    and not fn.name.startswith("_")
                    and not ast.get_docstring(fn)
                ):
                    undocumented.append(f"{file.relative_to(ROOT)}:{fn.lineno} {fn.name}")
    assert undocumented == []


def test_every_area_is_registered_once_for_the_orm_and_the_schema() -> None:
    from server.areas import AREAS, GRAPHQL_MODULES, MODEL_MODULES

    domain = ROOT / "server" / "domain"
    graphql = ROOT / "server" / "graphql"
    names = [area.name for area in AREAS]
    assert len(names) == len(set(names))
    assert set(names) == {p.name for p in domain.iterdir() if (p / "__init__.py").exists()} - {
        "shared"
    }
    assert set(MODEL_MODULES) == {
        f"server.domain.{p.parent.name}.models" for p in domain.glob("*/models.py")
    }
    assert set(GRAPHQL_MODULES) == {
        f"server.graphql.{p.parent.name}.schema" for p in graphql.glob("*/schema.py")
    }


def test_every_cache_of_the_process_is_in_the_register() -> None:
    """A module-level object of the server that can forget (forget, clear or discard) is a
    cache kept between requests: it must be in the register (domain/shared/caches.py), so
    that a test's reset, or anything else that starts afresh, forgets it too."""
    import importlib

    import server
    from server.domain.shared import caches

    holders = {id(h) for h in caches.holders()}
    found = []
    for module in pkgutil.walk_packages(server.__path__, "server."):
        if ".migrations" in module.name or module.name.endswith("__main__"):
            continue
        loaded = importlib.import_module(module.name)
        for name, value in vars(loaded).items():
            kind = type(value)
            if kind.__module__.startswith("server.") and any(
                callable(getattr(kind, m, None)) for m in ("forget", "clear", "discard")
            ):
                found.append((f"{module.name}.{name}", id(value) in holders))
    assert found, "the caches are found"
    assert [name for name, entered in found if not entered] == []
    assert len(caches.registered()) >= 5


def _graphql_imports(path: Path) -> list[tuple[str, str]]:
    """Each import of a GraphQL module, with where it stands: "top" (module level),
    "typing" (under TYPE_CHECKING: a lazy annotation's name) or "function" (hidden in a
    function or method)."""
    found: list[tuple[str, str]] = []

    def visit(node: ast.AST, where: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for part in child.body:
                    visit_one(part, "typing")
                for part in child.orelse:
                    visit_one(part, where)
                continue
            inner = (
                "function" if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else where
            )
            visit_one(child, inner)

    def visit_one(node: ast.AST, where: str) -> None:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("server.graphql."):
            found.append((node.module or "", where))
        visit(node, where)

    visit(ast.parse(path.read_text(encoding="utf-8")), "top")
    return found


def _graphql_areas() -> list[str]:
    base = ROOT / "server" / "graphql"
    return sorted(p.name for p in base.iterdir() if (p / "__init__.py").exists())


def _area_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[2] in _graphql_areas() else None


def test_no_graphql_area_imports_another_inside_a_function() -> None:
    """An import hidden in a function is a dependency nobody sees (and usually a cycle
    broken by hand). Another area's types are named under TYPE_CHECKING for lazy
    annotations, or imported at the top."""
    hidden = []
    for area in _graphql_areas():
        for file in (ROOT / "server" / "graphql" / area).rglob("*.py"):
            for module, where in _graphql_imports(file):
                if where == "function" and _area_of(module) not in (None, area):
                    hidden.append(f"{file.relative_to(ROOT)}: {module}")
    assert hidden == []


def test_no_cycle_between_graphql_areas() -> None:
    """An area imports the areas below it; one above it only as lazy annotations (names
    under TYPE_CHECKING) or, for the customer fields they provide, through
    customers/hooks.py. Any area's enums, which import no area, are everyone's."""
    needs: dict[str, set[str]] = {area: set() for area in _graphql_areas()}
    for area in needs:
        for file in (ROOT / "server" / "graphql" / area).rglob("*.py"):
            for module, where in _graphql_imports(file):
                other = _area_of(module)
                if where == "top" and other not in (None, area) and not module.endswith(".enums"):
                    needs[area].add(other)  # type: ignore[arg-type]

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(nxt == goal or reaches(nxt, goal, seen | {nxt}) for nxt in needs[start] - seen)

    assert [a for a in needs if reaches(a, a, set())] == []
    # The shape this describes: the customer archive below the areas that show a customer.
    assert needs["customers"] <= {"accounts"}
    assert "customers" in needs["followups"] and "customers" in needs["complaints"]
    for file in (ROOT / "server" / "graphql").rglob("enums.py"):
        assert [m for m, _ in _graphql_imports(file) if _area_of(m)] == [], file


def test_every_customer_field_an_area_provides_is_provided_once() -> None:
    from server.graphql.customers import hooks
    from server.graphql.schema import build_schema

    build_schema()
    assert hooks.provided() == set(hooks.FIELDS)
