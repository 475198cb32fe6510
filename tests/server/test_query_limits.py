"""What one query may hold: lists costed by their real bounds, no list inside a list of its
own kind, and a watchdog that stops an answer larger or slower than allowed even while it is
computed without awaiting, so that nobody else waits behind it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import httpx
import pytest
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType

from server.domain.customers.models import Contact, Customer
from server.domain.customers.pinyin import search_text
from server.graphql.cost import LIST_BOUNDS
from server.http.app import create_app
from server.settings import Settings
from tests.conftest import Api, Company, SqlCounter

CONTACT_CYCLE = """query($id: ID!) { customer(id: $id) { contacts { customer { contacts {
  customer { contacts { customer { contacts { id name } } } } } } } } }"""
ALLOCATION_CYCLE = (
    "{ "
    + " ".join(
        f"""a{n}: payments(first: 100) {{ nodes {{ allocations {{ payment {{ allocations {{
      receivable {{ allocations {{ payment {{ id }} }} }} }} }} }} }} }}"""
        for n in range(3)
    )
    + " }"
)
TRIVIAL = "{ viewer { username } }"


def _codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors") or []]


async def _thirty_contacts(company: Company, customers: int = 1) -> list[Customer]:
    made = []
    for i in range(customers):
        name = f"宁波轴承厂{i:03d}"
        customer = await Customer.create(
            owner=company.users["r1"], name=name, search_text=search_text(name)
        )
        await Contact.bulk_create(
            [Contact(customer=customer, name=f"联系人{k}", phone="13800000000") for k in range(30)]
        )
        made.append(customer)
    return made


def _gid(customer: Customer) -> str:
    import base64

    return base64.b64encode(f"Customer:{customer.id}".encode()).decode()


def test_every_list_of_objects_has_a_stated_bound(app: Any) -> None:
    """A new list field must say how long it can be, or the estimate would guess."""
    schema = app.state.graphql.schema._schema
    lists = set()
    for type_name, kind in schema.type_map.items():
        if type_name.startswith("__") or not isinstance(kind, GraphQLObjectType):
            continue
        if type_name.endswith(("Connection", "Payload")):
            continue  # pages (their page size) and userErrors
        for field_name, field in kind.fields.items():
            inner, is_list = field.type, False
            while isinstance(inner, GraphQLList | GraphQLNonNull):
                is_list = is_list or isinstance(inner, GraphQLList)
                inner = inner.of_type
            if is_list and isinstance(inner, GraphQLObjectType) and inner.name != "Node":
                lists.add(f"{type_name}.{field_name}")
    lists.discard("Query.nodes")  # costed by the ids it is given
    assert lists == set(LIST_BOUNDS)


async def test_a_list_inside_a_list_of_its_own_kind_is_refused_before_it_runs(
    company: Company, sql_counter: SqlCounter
) -> None:
    [customer] = await _thirty_contacts(company)
    await company.add_user("fin", "finance")
    sql_counter.statements.clear()
    contacts = await company.api("r1").post(CONTACT_CYCLE, {"id": _gid(customer)})
    allocations = await company.api("fin").post(ALLOCATION_CYCLE)
    for body in (contacts, allocations):
        assert body["data"] is None
        assert _codes(body) == ["QUERY_TOO_COMPLEX"]
    assert contacts["errors"][0]["extensions"]["cycle"] == [
        "customer.contacts",
        "customer.contacts.customer.contacts",
    ]
    assert "Contact" in contacts["errors"][0]["message"]
    # Nothing but the tokens was read.
    assert not [s for s in sql_counter.statements if "contact" in s or "allocation" in s]
    # One turn fewer is what a client asks for, and it answers.
    data = await company.api("r1").data(
        "query($id: ID!) { customer(id: $id) { contacts { customer { name } } } }",
        {"id": _gid(customer)},
    )
    assert len(data["customer"]["contacts"]) == 30


async def test_heavy_queries_do_not_hold_a_trivial_one(company: Company) -> None:
    [customer] = await _thirty_contacts(company)
    await company.add_user("fin", "finance")

    async def trivial() -> float:
        await asyncio.sleep(0.01)  # sent while the heavy ones are under way
        started = time.perf_counter()
        assert (await company.api("r2").data(TRIVIAL))["viewer"]["username"] == "r2"
        return time.perf_counter() - started

    contacts, allocations, waited = await asyncio.gather(
        company.api("r1").post(CONTACT_CYCLE, {"id": _gid(customer)}),
        company.api("fin").post(ALLOCATION_CYCLE),
        trivial(),
    )
    assert _codes(contacts) == _codes(allocations) == ["QUERY_TOO_COMPLEX"]
    assert waited < 1.0


@asynccontextmanager
async def _app_with(settings: Settings, **changes: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A second app on the same database, with other limits."""
    app = create_app(replace(settings, **changes), manage_orm=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://crm.test") as client:
        yield client


def _wide(aliases: int, page: int = 100) -> str:
    """Shallow, no cycle, cheap by the estimate's bounds when the limit is lifted, and a
    great many objects to complete: thirty copies of every contact of 100 customers."""
    fields = "id name phone title email address hobbies"
    return (
        "{ "
        + " ".join(
            f"a{n}: customers(first: {page}) {{ nodes {{ id contacts {{ {fields} }} }} }}"
            for n in range(aliases)
        )
        + " }"
    )


async def test_an_answer_computed_past_its_budget_is_stopped_and_others_are_served(
    company: Company, settings: Settings
) -> None:
    await _thirty_contacts(company, customers=100)
    async with _app_with(
        settings,
        max_query_cost=10**9,
        max_response_fields=10**9,
        max_response_bytes=10**10,
        request_time_budget_seconds=0.3,
    ) as client:
        heavy = Api(client, company.tokens["r1"])

        async def trivial() -> float:
            await asyncio.sleep(0.05)
            started = time.perf_counter()
            await Api(client, company.tokens["r2"]).data(TRIVIAL)
            return time.perf_counter() - started

        started = time.perf_counter()
        body, waited = await asyncio.gather(heavy.post(_wide(30)), trivial())
        took = time.perf_counter() - started
    assert _codes(body) == ["TIME_BUDGET_EXCEEDED"]
    assert body["data"] is None
    # Stopped near its budget, not run to the end; the other request waited less than that.
    assert took < 1.5
    assert waited < 1.0


async def test_an_answer_with_more_fields_than_allowed_is_stopped(
    company: Company, settings: Settings
) -> None:
    await _thirty_contacts(company, customers=10)
    async with _app_with(settings, max_query_cost=10**9, max_response_fields=5_000) as client:
        body = await Api(client, company.tokens["r1"]).post(_wide(10))
        small = await Api(client, company.tokens["r1"]).data(_wide(1))
    assert _codes(body) == ["RESPONSE_TOO_LARGE"]
    assert body["errors"][0]["extensions"]["maxFields"] == 5_000
    assert body["data"] is None
    assert len(small["a0"]["nodes"]) == 10


async def test_an_answer_larger_than_allowed_in_bytes_is_refused(
    company: Company, settings: Settings
) -> None:
    await _thirty_contacts(company, customers=2)
    async with _app_with(settings, max_response_bytes=2_000) as client:
        body = await Api(client, company.tokens["r1"]).post(_wide(1, page=10))
        small = await Api(client, company.tokens["r1"]).post(TRIVIAL)
    assert _codes(body) == ["RESPONSE_TOO_LARGE"]
    assert body["errors"][0]["extensions"]["maxBytes"] == 2_000
    assert small["data"] == {"viewer": {"username": "r1"}}


@pytest.mark.parametrize(
    ("query", "bounded_by"),
    [
        ("{ customers(first: 10) { nodes { contacts { id } } } }", 10 * 100),
        ("{ departments { id } }", 100),
    ],
)
async def test_a_list_is_costed_by_its_bound(
    company: Company, settings: Settings, query: str, bounded_by: int
) -> None:
    """The estimate multiplies by the stated bound, not a guess of ten: a limit just below
    it refuses the query."""
    async with _app_with(settings, max_query_cost=bounded_by) as client:
        body = await Api(client, company.tokens["admin"]).post(query)
    assert _codes(body) == ["QUERY_TOO_COMPLEX"]
    assert body["errors"][0]["extensions"]["cost"] > bounded_by


async def test_the_limits_hold_on_every_http_path(company: Company, settings: Settings) -> None:
    """GET and a multipart body go through Strawberry's own view, not the JSON fast path:
    they meet the same estimate, the same watchdog and the same size limit."""
    [customer] = await _thirty_contacts(company)
    headers = {"Authorization": f"Bearer {company.tokens['r1']}"}
    literal = CONTACT_CYCLE.removeprefix("query($id: ID!) ")
    cycle = literal.replace("$id", f'"{_gid(customer)}"')
    got = await company.client.get("/graphql", params={"query": cycle}, headers=headers)
    assert _codes(got.json()) == ["QUERY_TOO_COMPLEX"], (cycle, got.json())
    async with _app_with(settings, max_query_cost=10**9, max_response_fields=100) as client:
        wide = await client.get("/graphql", params={"query": _wide(3, page=10)}, headers=headers)
        assert _codes(wide.json()) == ["RESPONSE_TOO_LARGE"]
    async with _app_with(settings, max_response_bytes=500) as client:
        query = f'{{ customer(id: "{_gid(customer)}") {{ contacts {{ name phone }} }} }}'
        got = await client.get("/graphql", params={"query": query}, headers=headers)
        assert _codes(got.json()) == ["RESPONSE_TOO_LARGE"]
