"""Bad input from outside, as an attacker or a careless integrator sends it: each gets a
refusal with a code (a userError or an error with `extensions.code`), never an internal
error, and nothing is written. Plus the limits on what one request may cost."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import httpx
import pytest

from server.domain.customers.models import Customer
from server.http.app import create_app
from server.settings import Settings
from tests.conftest import Api, Company, SqlCounter, create_customer


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _cursor(payload: str) -> str:
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def _codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors") or []]


async def _post_ascii(api: Api, query: str, variables: dict[str, Any] | None) -> dict[str, Any]:
    """POST with JSON escapes for everything non-ASCII, so lone surrogates travel as the
    \\ud800 escapes a client would send (httpx's own encoder refuses them)."""
    headers = {"Authorization": f"Bearer {api.token}", "Content-Type": "application/json"}
    payload = json.dumps({"query": query, "variables": variables or {}}, ensure_ascii=True)
    response = await api.client.post("/graphql", content=payload.encode(), headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def _refused(api: Api, query: str, variables: dict[str, Any] | None = None) -> list[str]:
    """The error codes of a request that must fail cleanly: every error has a code and
    none is an internal error."""
    body = await _post_ascii(api, query, variables)
    codes = _codes(body)
    assert codes, body
    assert None not in codes and "INTERNAL_SERVER_ERROR" not in codes, body
    return codes


# --- Page sizes and cursors ----------------------------------------------------------------

CUSTOMERS_AFTER = "query($a: String) { customers(first: 5, after: $a) { nodes { name } } }"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ users(first: 0) { totalCount } }", "OUT_OF_RANGE"),
        ("{ users(first: 101) { nodes { username } } }", "OUT_OF_RANGE"),
        ('{ users(after: "garbage") { nodes { username } } }', "INVALID"),
        ("{ followUpQueue { overdue(first: 0) { totalCount } } }", "OUT_OF_RANGE"),
        ('{ followUpQueue { upcoming(after: "x") { nodes { id } } } }', "INVALID"),
        ("{ customers(last: 1000) { nodes { name } } }", "OUT_OF_RANGE"),
    ],
)
async def test_page_arguments_are_refused_with_a_code(
    company: Company, query: str, code: str
) -> None:
    assert await _refused(company.api("r1"), query) == [code]


@pytest.mark.parametrize(
    "payload",
    [
        '["a", 1e400]',  # a float that is infinity
        '["a", Infinity]',
        '["a", null]',
        "[null, 99999999999999999999999]",  # beyond every integer column
        '["a", 5, 6]',
        '{"a": 1}',
        '"a"',
        "[]",
        '[["a"], 1]',
    ],
)
async def test_crafted_cursors_are_refused(company: Company, payload: str) -> None:
    codes = await _refused(company.api("r1"), CUSTOMERS_AFTER, {"a": _cursor(payload)})
    assert codes == ["INVALID"]


async def test_a_cursor_for_a_moment_outside_the_calendar_is_refused(company: Company) -> None:
    await create_customer(company.api("r1"))
    query = """query($a: String) { customers(first: 5, after: $a, orderBy: {field: UPDATED_AT,
    direction: DESC}) { nodes { name } } }"""
    for moment in ('"0001-01-01T00:00:00+14:00"', '"not a time"', "12"):
        codes = await _refused(company.api("r1"), query, {"a": _cursor(f"[{moment}, 1]")})
        assert codes == ["INVALID"]


# Every list a cursor pages (each connection of the schema, a test holds them together), in
# each order it can be sorted by, and who may read it. `$c` is a customer of r1's.
PAGED_LISTS = [
    ("r1", "customers(first: 5, after: $a, orderBy: {field: GRADE, direction: ASC})"),
    ("r1", "customers(first: 5, after: $a, orderBy: {field: NAME, direction: DESC})"),
    ("r1", "customers(first: 5, after: $a, orderBy: {field: UPDATED_AT, direction: DESC})"),
    ("admin", "users(first: 5, after: $a)"),
    ("admin", "accessRequests(first: 5, after: $a)"),
    ("admin", "auditLog(first: 5, after: $a)"),
    ("r1", "complaints(first: 5, after: $a)"),
    ("r1", "complaintLessons(first: 5, after: $a)"),
    ("admin", "receivables(first: 5, after: $a)"),
    ("admin", "payments(first: 5, after: $a)"),
    ("admin", "writeOffs(first: 5, after: $a)"),
    ("m1", "customerClassAnalysis { ranking(first: 5, after: $a)"),
    ("m1", "complaintBoard { columns { complaints(first: 5, after: $a)"),
    ("r1", "customer(id: $c) { interactions(first: 5, after: $a)"),
    ("r1", "customer(id: $c) { salesOrders(first: 5, after: $a)"),
    ("r1", "customer(id: $c) { complaints(first: 5, after: $a)"),
    ("r1", "customerAccount(customerId: $c) { receivables(first: 5, after: $a)"),
    ("r1", "customerAccount(customerId: $c) { payments(first: 5, after: $a)"),
    ("r1", "followUpQueue { overdue(first: 5, after: $a)"),
    ("r1", "followUpQueue { dueToday(first: 5, after: $a)"),
    ("r1", "followUpQueue { upcoming(first: 5, after: $a)"),
    ("r1", "followUpQueue { overdueComplaints(first: 5, after: $a)"),
]


def test_the_cursor_matrix_covers_every_connection(app: Any) -> None:
    schema = app.state.graphql.schema._schema
    connections = set()
    for type_name, kind in schema.type_map.items():
        for name, field in getattr(kind, "fields", {}).items():
            inner = field.type
            while hasattr(inner, "of_type"):
                inner = inner.of_type
            if not type_name.startswith("__") and inner.name.endswith("Connection"):
                connections.add(name)
    covered = {field.rsplit("{ ", 1)[-1].split("(")[0] for _, field in PAGED_LISTS}
    assert connections <= covered


def _paged(field: str, selection: str) -> str:
    closing = "}" * (field.count("{") - field.count("}") + 1)
    declared = "$a: String, $c: ID!" if "$c" in field else "$a: String"
    return f"query({declared}) {{ {field} {{ {selection} }} {closing}"


# Values of the wrong type for whatever column a list sorts by.
CRAFTED_VALUES = [
    "[12345, 1]",
    '["2026-13-45", 1]',
    "[null, 1]",
    '["", 1]',
    '["\\u0000", 1]',
    "[true, 1]",
    '["' + "x" * 300 + '", 1]',
]


@pytest.mark.parametrize("payload", CRAFTED_VALUES)
@pytest.mark.parametrize(("who", "field"), PAGED_LISTS)
async def test_no_crafted_cursor_is_an_internal_error_on_any_list(
    company: Company, who: str, field: str, payload: str
) -> None:
    """Decoded against the types of the list's own ordering: a value its column cannot hold
    is INVALID on its argument (whether the rows or only the count are asked for); one it
    can hold (a name may read "2026-13-45") pages on from there."""
    customer = await create_customer(company.api("r1"))
    for selection in ("nodes { __typename }", "totalCount"):
        query = _paged(field, selection)
        variables = {"a": _cursor(payload)} | ({"c": customer["id"]} if "$c" in field else {})
        body = await _post_ascii(company.api(who), query, variables)
        assert _codes(body) in ([], ["INVALID"]), (query, payload, body)
        if body.get("errors"):
            assert body["errors"][0]["extensions"]["argument"] == "after"


@pytest.mark.parametrize(
    ("who", "field", "payload"),
    [
        ("r1", PAGED_LISTS[0][1], "[12345, 1]"),
        ("r1", PAGED_LISTS[0][1], '["2026-13-45", 1]'),
        ("r1", PAGED_LISTS[1][1], "[null, 1]"),
        ("r1", PAGED_LISTS[1][1], '["\\u0000", 1]'),
        ("admin", "users(first: 5, after: $a)", "[null, 1]"),
        ("admin", "accessRequests(first: 5, after: $a)", '["2026-13-45", 1]'),
        ("admin", "accessRequests(first: 5, after: $a)", '["", 1]'),
        ("admin", "auditLog(first: 5, after: $a)", '["2026-13-45", 1]'),
        ("admin", "auditLog(first: 5, after: $a)", '["\\u0000", 1]'),
        ("r1", "followUpQueue { overdue(first: 5, after: $a)", '["garbage", 1]'),
        ("r1", "followUpQueue { upcoming(first: 5, after: $a)", "[1, 2, 3, 4, 5, 6]"),
        ("admin", "payments(first: 5, after: $a)", '["2026-02-30", 1]'),
        ("r1", "customer(id: $c) { interactions(first: 5, after: $a)", "[true, 1]"),
    ],
)
async def test_a_cursor_its_ordering_cannot_hold_is_refused(
    company: Company, who: str, field: str, payload: str
) -> None:
    customer = await create_customer(company.api("r1"))
    for selection in ("nodes { __typename }", "totalCount"):
        query = _paged(field, selection)
        variables = {"a": _cursor(payload)} | ({"c": customer["id"]} if "$c" in field else {})
        body = await _post_ascii(company.api(who), query, variables)
        assert _codes(body) == ["INVALID"], (query, payload, body)


# --- Global IDs ----------------------------------------------------------------------------


async def test_an_id_naming_no_object_type_is_not_found(company: Company) -> None:
    for raw in ("Node:1", "Nothing:1", "Nope:1", "Connection:1"):
        body = await company.api("r1").post(
            "query($i: ID!) { node(id: $i) { id } }", {"i": _b64(raw)}
        )
        assert body["data"] == {"node": None}
        assert _codes(body) == ["NOT_FOUND"], body
    many = await company.api("r1").data(
        "query($i: [ID!]!) { nodes(ids: $i) { id } }", {"i": [_b64("Node:1")]}
    )
    assert many == {"nodes": [None]}


async def test_ids_that_are_not_ours_read_as_missing(company: Company) -> None:
    api = company.api("r1")
    customer = await create_customer(api)
    own = int(base64.b64decode(customer["id"]).decode().split(":")[1])
    # "١" is an Arabic-Indic one: int() reads it as 1, it must not name customer 1.
    arabic = "".join(chr(0x0660 + int(d)) for d in str(own))
    for raw in (
        f"Customer:{arabic}",
        "Customer:99999999999999999999",
        "Customer:2147483648",
        "Customer:-1",
        "Customer: 1",
    ):
        body = await api.post(
            "query($id: ID!) { node(id: $id) { id } nodes(ids: [$id]) { id } }",
            {"id": _b64(raw)},
        )
        assert body == {"data": {"node": None, "nodes": [None]}}, raw
    updated = await api.data(
        """mutation($id: ID!) { customerUpdate(input: {id: $id, version: 1, name: "x"}) {
        userErrors { field code } } }""",
        {"id": _b64("Customer:99999999999999999999")},
    )
    assert updated["customerUpdate"]["userErrors"] == [
        {"field": ["input", "id"], "code": "NOT_FOUND"}
    ]
    codes = await _refused(api, '{ node(id: "!!not base64!!") { id } }')
    assert codes == ["BAD_USER_INPUT"] or codes == ["GRAPHQL_VALIDATION_FAILED"]


# --- Money, text and dates -----------------------------------------------------------------


async def test_money_beyond_any_amount_is_refused(company: Company) -> None:
    api = company.api("r1")
    create = """mutation($a: Decimal!) { customerCreate(input: {name: "某厂", assets: $a}) {
        customer { id } userErrors { field code } } }"""
    for amount in ("1e999999", "1e9999999999"):  # not the one form an amount is written in
        assert await _refused(api, create, {"a": amount}) == ["GRAPHQL_VALIDATION_FAILED"]
    body = await api.data(create, {"a": "99999999999999999999"})
    assert body["customerCreate"] == {
        "customer": None,
        "userErrors": [{"field": ["input", "assets"], "code": "OUT_OF_RANGE"}],
    }
    assert await Customer.all().count() == 0


async def test_an_order_total_that_would_overflow_is_refused(company: Company) -> None:
    api = company.api("r1")
    customer = await create_customer(api)
    # Prices past the default largest amount, which the company allows here: the total is
    # what overflows.
    raised = await company.api("admin").data(
        """mutation { companySettingsUpdate(input: {largestAmount: "9999999999999.99"}) {
        userErrors { code } } }"""
    )
    assert raised["companySettingsUpdate"]["userErrors"] == []
    body = await api.data(
        """mutation($c: ID!) { salesOrderCreate(input: {customerId: $c, orderedOn: "2026-11-02",
        lines: [{product: "模具", quantity: 1000000000, unitPrice: "9999999999999.99"}]}) {
        salesOrder { id } userErrors { field code } } }""",
        {"c": customer["id"]},
    )
    assert body["salesOrderCreate"]["salesOrder"] is None
    [error] = body["salesOrderCreate"]["userErrors"]
    assert error["code"] == "OUT_OF_RANGE"
    many = await api.data(
        """mutation($c: ID!, $lines: [SalesOrderLineInput!]!) { salesOrderCreate(input: {
        customerId: $c, orderedOn: "2026-11-02", lines: $lines}) { userErrors { field code } } }""",
        {
            "c": customer["id"],
            "lines": [{"product": "模具", "quantity": 100, "unitPrice": "9999999999.99"}] * 200,
        },
    )
    assert many["salesOrderCreate"]["userErrors"] == [
        {"field": ["input", "lines"], "code": "OUT_OF_RANGE"}
    ]


@pytest.mark.parametrize("bad", ["a\x00b", "\ud800", "ok \udfff"])
async def test_text_no_database_can_hold_is_refused_before_anything_runs(
    company: Company, sql_counter: SqlCounter, bad: str
) -> None:
    api = company.api("r1")
    codes = await _refused(
        api,
        """mutation($n: String!) { customerCreate(input: {name: $n}) { customer { id } } }""",
        {"n": bad},
    )
    assert codes == ["BAD_USER_INPUT"]
    nested = await _refused(
        api,
        """mutation($t: [String!]) { customerCreate(input: {name: "x", tags: $t}) {
        customer { id } } }""",
        {"t": ["fine", bad]},
    )
    assert nested == ["BAD_USER_INPUT"]
    assert await Customer.all().count() == 0


async def test_a_nul_written_into_the_query_itself_is_refused(company: Company) -> None:
    codes = await _refused(
        company.api("r1"),
        'mutation { customerCreate(input: {name: "a\\u0000b"}) { customer { id } } }',
    )
    assert codes == ["BAD_USER_INPUT"]


async def test_a_search_longer_than_any_name_is_refused(company: Company) -> None:
    api = company.api("r1")
    long = "机" * 100_000
    codes = await _refused(
        api, "query($s: String) { customers(filter: {search: $s}) { totalCount } }", {"s": long}
    )
    assert codes == ["OUT_OF_RANGE"]
    users = await _refused(
        api, "query($s: String) { users(search: $s) { totalCount } }", {"s": long}
    )
    assert users == ["OUT_OF_RANGE"]
    fits = await api.data(
        "query($s: String) { customers(filter: {search: $s}) { totalCount } }", {"s": "机" * 100}
    )
    assert fits["customers"]["totalCount"] == 0


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("query($d: Date) { followUpQueue(day: $d) { day } }", {"d": "9999-12-31"}),
        ("query($d: Date) { followUpQueue(day: $d) { day } }", {"d": "0001-01-01"}),
        ('{ salesActivity(from: "0001-01-01", to: "2026-01-01") { interactions } }', None),
        ('{ visitPlan(region: "杭州", day: "9999-12-31") { day } }', None),
        (
            """mutation($c: ID!) { interactionLog(input: {customerId: $c, kind: PHONE, grade: B,
            occurredAt: "0001-01-01T00:00:00"}) { replayed } }""",
            {"c": _b64("Customer:1")},
        ),
        (
            """mutation($c: ID!) { interactionLog(input: {customerId: $c, kind: PHONE, grade: B,
            nextDueOn: "9999-12-31"}) { replayed } }""",
            {"c": _b64("Customer:1")},
        ),
    ],
)
async def test_dates_outside_the_calendar_are_refused(
    company: Company, query: str, variables: dict[str, Any] | None
) -> None:
    assert await _refused(company.api("r1"), query, variables) == ["GRAPHQL_VALIDATION_FAILED"]


async def test_dates_at_the_edges_of_the_calendar_work(company: Company) -> None:
    api = company.api("r1")
    body = await api.data('{ followUpQueue(day: "2999-12-31") { day upcoming { totalCount } } }')
    assert body["followUpQueue"]["day"] == "2999-12-31"
    report = await company.api("m1").data(
        '{ salesActivity(from: "1900-01-01", to: "1902-12-31") { interactions } }'
    )
    assert all(r["interactions"] == 0 for r in report["salesActivity"])


async def test_a_wrongly_typed_variable_has_a_code(company: Company) -> None:
    codes = await _refused(
        company.api("r1"), "query($n: Int) { customers(first: $n) { totalCount } }", {"n": 2**40}
    )
    assert codes == ["GRAPHQL_VALIDATION_FAILED"]


# --- What one request may cost -------------------------------------------------------------


def _greedy_query(aliases: int) -> str:
    inner = "interactions(first: 100) { nodes { customer { contacts { name phone } } } }"
    fields = " ".join(
        f"a{n}: customers(first: 100) {{ nodes {{ {inner} }} }}" for n in range(aliases)
    )
    return f"{{ {fields} }}"


async def test_an_over_cost_query_is_refused_before_it_runs(
    company: Company, sql_counter: SqlCounter
) -> None:
    api = company.api("r1")
    body = await api.post(_greedy_query(20))
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert error["extensions"]["cost"] > error["extensions"]["maxCost"]
    # Only the token was read: not one customer.
    assert not [s for s in sql_counter.statements if "customer" in s]
    # The same shape with one small page is fine.
    small = await api.data(
        "{ customers(first: 5) { nodes { interactions(first: 5) { nodes { id } } } } }"
    )
    assert small["customers"]["nodes"] == []


async def test_variables_count_toward_the_cost(company: Company) -> None:
    query = """query($n: Int) { customers(first: $n) { nodes {
      interactions(first: $n) { nodes { customer { contacts { name } } } } } } }"""
    api = company.api("r1")
    assert _codes(await api.post(query, {"n": 100})) == ["QUERY_TOO_COMPLEX"]
    assert await api.data(query, {"n": 10})


@asynccontextmanager
async def _app_with(settings: Settings, **changes: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A second app on the same database, with other settings."""
    app = create_app(replace(settings, **changes), manage_orm=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://crm.test") as client:
        yield client


async def test_a_request_over_its_time_budget_is_stopped(
    company: Company, settings: Settings
) -> None:
    async with _app_with(settings, request_time_budget_seconds=1e-6) as client:
        body = await Api(client, company.tokens["r1"]).post("{ customers { totalCount } }")
    assert _codes(body) == ["TIME_BUDGET_EXCEEDED"]
    assert body["data"] is None


# --- Production settings -------------------------------------------------------------------

INTROSPECT = "{ __schema { queryType { name } } }"


async def test_production_hides_graphiql_and_anonymous_introspection(
    company: Company, settings: Settings
) -> None:
    html = {"Accept": "text/html"}
    async with _app_with(settings, production=True) as client:
        anonymous = await Api(client).post(INTROSPECT)
        assert _codes(anonymous) == ["INTROSPECTION_DISABLED"]
        typed = await Api(client).post('{ __type(name: "Customer") { name } }')
        assert _codes(typed) == ["INTROSPECTION_DISABLED"]
        signed_in = await Api(client, company.tokens["r1"]).data(INTROSPECT)
        assert signed_in["__schema"]["queryType"]["name"] == "Query"
        # __typename is not introspection: clients (gql among them) ask for it everywhere.
        assert await Api(client).data("{ __typename }") == {"__typename": "Query"}
        page = await client.get("/graphql", headers=html)
        assert page.status_code == 404 or "graphiql" not in page.text.lower()
    async with _app_with(settings) as client:
        assert (await Api(client).data(INTROSPECT))["__schema"]["queryType"]["name"] == "Query"
        page = await client.get("/graphql", headers=html)
        assert page.status_code == 200 and "graphiql" in page.text.lower()


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("{ custmer { id } }", None),
        ("{ viewer { usernme } }", None),
        ("query($s: [Stage!]) { customers(filter: {stages: $s}) { totalCount } }", {"s": ["WONN"]}),
        ('mutation { logn(username: "x", password: "y") { token } }', None),
    ],
)
async def test_production_suggests_no_field_names_to_anonymous_callers(
    company: Company, settings: Settings, query: str, variables: dict[str, Any] | None
) -> None:
    """ "Did you mean …?" would tell a caller who may not see the schema what is in it."""
    async with _app_with(settings, production=True) as client:
        anonymous = await Api(client).post(query, variables)
        signed_in = await Api(client, company.tokens["r1"]).post(query, variables)
    assert anonymous["errors"] and "Did you mean" not in str(anonymous)
    assert _codes(anonymous) == _codes(signed_in)
    # A signed-in caller may read the schema: the hints help them.
    assert "Did you mean" in str(signed_in)


def test_production_comes_from_the_environment() -> None:
    prod = Settings.from_env({"CRM_PRODUCTION": "1"})
    assert not prod.serves_graphiql and not prod.introspection_without_token
    opted = Settings.from_env({"CRM_PRODUCTION": "1", "CRM_GRAPHIQL": "1"})
    assert opted.serves_graphiql and not opted.introspection_without_token
    default = Settings.from_env({})
    assert default.serves_graphiql and default.introspection_without_token


def test_json_of_the_cursor_helper() -> None:
    # The helper above writes cursors the way the server does: base64 of JSON.
    assert json.loads(base64.urlsafe_b64decode(_cursor('["a", 1]') + "==")) == ["a", 1]
