"""schema.graphql is the public contract: current, and documented to the last enum value."""

from __future__ import annotations

from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
)

from server.graphql.schema import build_schema

ROOT = Path(__file__).resolve().parents[2]


def test_committed_schema_matches_the_code() -> None:
    generated = build_schema().as_str() + "\n"
    committed = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert committed == generated, (
        "schema.graphql is stale: run `crm-server export-schema -o schema.graphql`"
    )


def test_every_type_field_argument_and_enum_value_is_described() -> None:
    schema = build_schema()._schema
    missing: list[str] = []
    for name, gtype in schema.type_map.items():
        if name.startswith("__"):
            continue
        if isinstance(gtype, GraphQLScalarType):
            continue  # built-in scalars
        if not gtype.description and name not in ("Query", "Mutation"):
            missing.append(name)
        if isinstance(gtype, GraphQLObjectType | GraphQLInterfaceType):
            for fname, field in gtype.fields.items():
                if not field.description:
                    missing.append(f"{name}.{fname}")
                for aname, arg in field.args.items():
                    if not arg.description:
                        missing.append(f"{name}.{fname}({aname})")
        elif isinstance(gtype, GraphQLInputObjectType):
            missing += [f"{name}.{f}" for f, fld in gtype.fields.items() if not fld.description]
        elif isinstance(gtype, GraphQLEnumType):
            missing += [f"{name}.{v}" for v, val in gtype.values.items() if not val.description]
    assert missing == []
