"""Bad requests get clear errors, never a 500 or a traceback; limits hold."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest

from tests.conftest import Company, create_customer


async def test_malformed_json_is_a_400_without_traceback(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", content=b'{"query": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert "Traceback" not in response.text


async def test_wrong_argument_type_is_a_validation_error(company: Company) -> None:
    body = await company.api("r1").post('{ customers(first: "ten") { totalCount } }')
    assert body["data"] is None
    assert "Int" in body["errors"][0]["message"]


async def test_unknown_field_is_a_validation_error(company: Company) -> None:
    body = await company.api("r1").post("{ customers { nope } }")
    assert "nope" in body["errors"][0]["message"]


async def test_body_over_the_limit_is_refused(client: httpx.AsyncClient) -> None:
    big = "{ viewer { username } }" + " " * 1_100_000
    response = await client.post("/graphql", json={"query": big})
    assert response.status_code == 413
    assert "larger than" in response.json()["errors"][0]["message"]


async def test_depth_limit(company: Company) -> None:
    deep = (
        "{ viewer { manager { manager { manager { manager { manager { manager { manager {"
        " manager { manager { manager { manager { manager { username } } } } } } } } } } } } } }"
    )
    body = await company.api("r1").post(deep)
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]


async def test_alias_limit(company: Company) -> None:
    query = "{ " + " ".join(f"a{i}: viewer {{ username }}" for i in range(31)) + " }"
    body = await company.api("r1").post(query)
    assert "aliases" in body["errors"][0]["message"]


async def test_token_limit(company: Company) -> None:
    query = "{ viewer { " + " ".join("username" for _ in range(6000)) + " } }"
    body = await company.api("r1").post(query)
    assert "token" in body["errors"][0]["message"].lower()


async def test_unexpected_exception_is_masked_with_request_id(
    company: Company, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from server.graphql.accounts import schema as accounts_schema

    async def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret detail: password=hunter2")

    monkeypatch.setattr(accounts_schema, "paginate", boom)
    caplog.set_level(logging.ERROR, logger="crm.graphql")
    response = await company.client.post(
        "/graphql",
        json={"query": "{ users { totalCount } }"},
        headers={"Authorization": f"Bearer {company.tokens['r1']}"},
    )
    assert response.status_code == 200
    request_id = response.headers["x-request-id"]
    [error] = response.json()["errors"]
    assert error["message"] == f"Internal server error (request id {request_id})."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
    assert "hunter2" not in response.text
    assert any(request_id in r.getMessage() and r.exc_info for r in caplog.records)


async def test_health(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.json() == {"status": "ok"}


async def test_graphiql_is_served_to_browsers(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_a_query_text_is_parsed_and_validated_once_across_requests(
    app: Any, company: Company
) -> None:
    cached = app.state.graphql.schema.runner.prepare
    query = "{ viewer { username displayName } }"
    await company.api("r1").data(query)
    before = cached.cache_info()
    await company.api("r2").data(query)
    after = cached.cache_info()
    assert (after.hits, after.misses) == (before.hits + 1, before.misses)


async def test_introspection_fits_within_the_limits(company: Company) -> None:
    # GraphiQL and integrators' code generators send the full introspection query.
    from graphql import get_introspection_query

    body = await company.api(None).post(get_introspection_query(descriptions=True))
    assert "errors" not in body
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_graphiql_loads_nothing_from_the_internet(client: httpx.AsyncClient) -> None:
    import re

    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    addresses = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assets = [a for a in addresses if not a.startswith("data:")]
    assert len(assets) == 7
    assert all(a.startswith("/graphiql-assets/") for a in assets), assets
    assert "unpkg.com" not in page.text and "integrity=" not in page.text
    for asset in assets:
        served = await client.get(asset)
        assert served.status_code == 200, asset
        assert len(served.content) > 500, asset
    script = await client.get("/graphiql-assets/graphiql.min.js")
    assert script.headers["content-type"].startswith(("text/javascript", "application/javascript"))


async def test_answers_are_utf8_json_with_chinese_text_unescaped(company: Company) -> None:
    await create_customer(company.api("r1"), name="杭州机械厂")
    response = await company.client.post(
        "/graphql",
        json={"query": "{ customers { nodes { name } } }"},
        headers={"Authorization": f"Bearer {company.tokens['r1']}"},
    )
    assert response.headers["content-type"].startswith("application/json")
    assert "杭州机械厂".encode() in response.content  # as UTF-8, not \\u676d\\u5dde…
    assert b"\\u" not in response.content
    assert response.json()["data"]["customers"]["nodes"] == [{"name": "杭州机械厂"}]


async def test_a_json_post_is_answered_as_strawberrys_view_answers_it(
    company: Company, client: httpx.AsyncClient
) -> None:
    """JSON POSTs take the server's own path (app.py); GET and everything unusual go to
    Strawberry's view. The two must give the same answers."""
    await create_customer(company.api("r1"), name="杭州机械厂")
    headers = {"Authorization": f"Bearer {company.tokens['r1']}"}
    query = "{ customers { nodes { name } } nope: viewer { username } }"
    erring = "{ customers(first: 0) { nodes { name } } }"
    for text in (query, erring, "{ nope }"):
        posted = await client.post("/graphql", json={"query": text}, headers=headers)
        got = await client.get("/graphql", params={"query": text}, headers=headers)
        assert (posted.status_code, posted.json()) == (got.status_code, got.json()), text
        assert posted.headers["content-type"] == got.headers["content-type"]
    # A charset in the content type is still JSON.
    charset = await client.post(
        "/graphql",
        content=b'{"query": "{ viewer { username } }"}',
        headers={**headers, "content-type": "application/json; charset=utf-8"},
    )
    assert charset.json() == {"data": {"viewer": {"username": "r1"}}}


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"query": "{ viewer { username } }", "variables": []}, 400, "`variables` must be"),
        ({"query": 5}, 400, "`query` must be"),
        ({"variables": {}}, 400, "No GraphQL query found"),
        ([{"query": "{ viewer { username } }"}], 400, "Batching is not enabled"),
        ({"query": "query A { viewer { username } }", "operationName": "B"}, 400, "B"),
    ],
)
async def test_malformed_requests_keep_strawberrys_refusals(
    client: httpx.AsyncClient, body: Any, status: int, says: str
) -> None:
    response = await client.post("/graphql", json=body)
    assert response.status_code == status
    assert says in response.text


async def test_a_mutation_over_get_is_refused(company: Company, client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql",
        params={"query": "mutation { logout { revoked } }"},
        headers={"Authorization": f"Bearer {company.tokens['r1']}"},
    )
    assert response.status_code == 400


def _recorded(name: str) -> tuple[float, float]:
    """How many answers of this operation the metrics counted, and how many timings."""
    from prometheus_client import REGISTRY

    labels = {"operation": name}
    return (
        REGISTRY.get_sample_value("crm_graphql_requests_total", {**labels, "outcome": "ok"}) or 0,
        REGISTRY.get_sample_value("crm_graphql_request_seconds_count", labels) or 0,
    )


async def test_every_http_path_records_an_answer_alike(
    company: Company, client: httpx.AsyncClient, caplog: Any, monkeypatch: Any
) -> None:
    """The server's JSON path, Strawberry's GET and its multipart view leave the same
    trace: one count, one timing, one access-log line; and a mutation, whatever path it
    took, wakes this process's subscribers, decided from the parsed operation (a query
    whose text says "mutation" does not)."""
    from server.process.hub import HUB

    pokes: list[int] = []
    poke = HUB.poke
    monkeypatch.setattr(HUB, "poke", lambda: (pokes.append(1), poke())[1])
    auth = {"Authorization": f"Bearer {company.tokens['r1']}"}

    async def json_post(text: str) -> httpx.Response:
        return await client.post("/graphql", json={"query": text}, headers=auth)

    async def get(text: str) -> httpx.Response:
        return await client.get("/graphql", params={"query": text}, headers=auth)

    async def multipart(text: str) -> httpx.Response:
        return await client.post(
            "/graphql",
            data={"operations": json.dumps({"query": text}), "map": "{}"},
            files={"0": ("note.txt", b"x", "text/plain")},
            headers=auth,
        )

    paths = {"json": json_post, "get": get, "multipart": multipart}
    for label, send in paths.items():
        name = f"PipelineRead_{label}"
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="crm.access"):
            # The word in a comment and a field alias must not make it a write.
            answer = await send(f"query {name} {{ mutation: viewer {{ username }} }}")
        assert answer.json() == {"data": {"mutation": {"username": "r1"}}}, label
        assert _recorded(name) == (1, 1), label
        assert len([r for r in caplog.records if r.name == "crm.access"]) == 1, label
    assert pokes == []
    for label, send in {"json": json_post, "multipart": multipart}.items():
        name = f"PipelineWrite_{label}"
        answer = await send(
            f'mutation {name} {{ customerCreate(input: {{name: ""}}) {{ userErrors {{ code }} }} }}'
        )
        assert answer.json()["data"]["customerCreate"]["userErrors"], label
        assert _recorded(name) == (1, 1), label
    assert pokes == [1, 1]
