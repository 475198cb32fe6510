"""What a query asks for: the fields selected on the current field, its nodes, or a type
(fragments and aliases followed), read once per request."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
)
from strawberry.types import Info


@dataclass(frozen=True)
class AskedField:
    """A field the query asks for, and what it asks below it (arguments left out: they
    depend on the request's variables, and this is kept across requests)."""

    name: str
    selections: tuple[AskedField | AskedFragment, ...]


@dataclass(frozen=True)
class AskedFragment:
    """A fragment (inline or spread) and its type condition."""

    type_condition: str | None
    selections: tuple[AskedField | AskedFragment, ...]


def _asked(
    nodes: Iterable[Any], fragments: dict[str, FragmentDefinitionNode]
) -> tuple[AskedField | AskedFragment, ...]:
    out: list[AskedField | AskedFragment] = []
    for node in nodes:
        if isinstance(node, FieldNode):
            inner = node.selection_set.selections if node.selection_set else ()
            out.append(AskedField(node.name.value, _asked(inner, fragments)))
        elif isinstance(node, InlineFragmentNode):
            condition = node.type_condition.name.value if node.type_condition else None
            out.append(AskedFragment(condition, _asked(node.selection_set.selections, fragments)))
        elif isinstance(node, FragmentSpreadNode) and node.name.value in fragments:
            fragment = fragments[node.name.value]
            out.append(
                AskedFragment(
                    fragment.type_condition.name.value,
                    _asked(fragment.selection_set.selections, fragments),
                )
            )
    return tuple(out)


def _flatten(
    selections: Iterable[AskedField | AskedFragment], type_name: str | None = None
) -> list[AskedField]:
    """The fields among `selections`, fragments opened; with `type_name`, fragments on other
    types left out (`nodes(ids:)` may ask `... on Customer` and `... on Contact` at once)."""
    out: list[AskedField] = []
    for sel in selections:
        if isinstance(sel, AskedField):
            out.append(sel)
        elif type_name is None or sel.type_condition in (None, type_name, "Node"):
            out.extend(_flatten(sel.selections, type_name))
    return out


@dataclass(frozen=True)
class Selection:
    """What a query asks of one kind of object: the fields, and below each the fields asked
    of its value. Read by resolvers that fetch a whole page at once, so that they read only
    the columns and nested lists asked for."""

    fields: tuple[AskedField, ...] = ()

    @property
    def names(self) -> set[str]:
        """The names of the fields asked for (aliases merged)."""
        return {f.name for f in self.fields}

    def within(self, *names: str, type_name: str | None = None) -> Selection:
        """What is asked of the values of these fields (of all of them together)."""
        inner: list[AskedField] = []
        for f in self.fields:
            if f.name in names:
                inner.extend(_flatten(f.selections, type_name))
        return Selection(tuple(inner))


_SELECTIONS: dict[tuple[int, str, str | None], tuple[tuple[FieldNode, ...], Selection]] = {}


def _remembered(
    info: Info, kind: str, type_name: str | None, build: Callable[[], Selection]
) -> Selection:
    nodes = info._raw_info.field_nodes
    key = (id(nodes[0]), kind, type_name)
    found = _SELECTIONS.get(key)
    if found is not None:
        kept = found[0]
        if len(kept) == len(nodes) and (
            kept[0] is nodes[0]
            if len(nodes) == 1
            else all(a is b for a, b in zip(kept, nodes, strict=True))
        ):
            return found[1]
    selection = build()
    if len(_SELECTIONS) > 4096:
        _SELECTIONS.clear()
    _SELECTIONS[key] = (tuple(nodes), selection)
    return selection


def _current(info: Info) -> tuple[AskedField | AskedFragment, ...]:
    raw = info._raw_info
    return _asked(raw.field_nodes, raw.fragments)


def field_selection(info: Info, type_name: str | None = None) -> Selection:
    """What the query asks of the object the current field returns (with `type_name`, of
    that type only, for fields returning an interface)."""
    return _remembered(
        info,
        "field",
        type_name,
        lambda: Selection(
            tuple(
                f
                for field in _current(info)
                if isinstance(field, AskedField)
                for f in _flatten(field.selections, type_name)
            )
        ),
    )


def current_field(info: Info) -> Selection:
    """The field being resolved itself, as a selection (its name, and below it what is asked)."""
    return _remembered(
        info,
        "current",
        None,
        lambda: Selection(tuple(f for f in _current(info) if isinstance(f, AskedField))),
    )


def selected_names(info: Info) -> set[str]:
    """Field names the query asks for directly on the object being resolved."""
    return field_selection(info).names


def wants_rows(info: Info) -> bool:
    """False when a connection is asked only for its totalCount: its rows need not be read."""
    return bool(selected_names(info) - {"totalCount", "__typename"})


def nodes_selection(info: Info) -> Selection:
    """What the query asks of each node of the connection being resolved (through `nodes`
    and through `edges { node }` alike)."""

    def build() -> Selection:
        conn = field_selection(info)
        return Selection(
            (*conn.within("nodes").fields, *conn.within("edges").within("node").fields)
        )

    return _remembered(info, "nodes", None, build)
