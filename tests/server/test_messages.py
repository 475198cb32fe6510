"""The API's messages in the language the request asks for: the codes stay the same, the
sentences people read follow Accept-Language, and the catalogue covers every message the
code can raise."""

from __future__ import annotations

import re

import pytest

from server.cli.catalogue import TRANSLATED, extract, read
from server.domain.shared.errors import ERROR_MEANING, ErrorCode
from server.language.i18n import LANGUAGES, negotiate, request_language, translate
from tests.catalogue_checks import catalogue_problems
from tests.conftest import Api, Company


def test_every_error_code_has_a_message_in_both_languages() -> None:
    assert set(ERROR_MEANING) == set(ErrorCode)
    for language in LANGUAGES:
        token = request_language.set(language)
        try:
            for code, meaning in ERROR_MEANING.items():
                said = translate(meaning)
                assert said.strip(), code
                if language == "zh_CN":
                    assert said != meaning and re.search(r"[\u4e00-\u9fff]", said), code
                else:
                    assert said == meaning
        finally:
            request_language.reset(token)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_the_server_raises_is_translated(language: str) -> None:
    """Extraction runs over the code here: a new message without a translation fails."""
    assert catalogue_problems(extract(), read(language)) == []


def test_the_language_is_negotiated_from_accept_language() -> None:
    assert negotiate(None) == "en"
    assert negotiate("zh-CN,zh;q=0.9,en;q=0.8") == "zh_CN"
    assert negotiate("en-US,en;q=0.9,zh;q=0.8") == "en"
    assert negotiate("fr-FR, zh;q=0.5") == "zh_CN"
    assert negotiate("de") == "en"
    assert negotiate("en;q=0.1, zh-TW;q=0.8") == "zh_CN"


CREATE = """mutation($input: CustomerCreateInput!) { customerCreate(input: $input) {
  customer { id } userErrors { field code message } } }"""
UPDATE = """mutation($input: CustomerUpdateInput!) { customerUpdate(input: $input) {
  customer { id } userErrors { field code message } } }"""


async def _post(api: Api, query: str, variables: dict, language: str | None) -> dict:
    headers = {"Authorization": f"Bearer {api.token}"}
    if language:
        headers["Accept-Language"] = language
    response = await api.client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200
    return response.json()["data"]


async def test_user_errors_come_in_the_language_asked_with_the_same_code_and_field(
    company: Company,
) -> None:
    api = company.api("r1")
    too_long = {"input": {"name": "厂" * 201}}
    english = (await _post(api, CREATE, too_long, None))["customerCreate"]["userErrors"]
    chinese = (await _post(api, CREATE, too_long, "zh-CN,zh;q=0.9"))["customerCreate"]["userErrors"]
    assert english == [
        {
            "field": ["input", "name"],
            "code": "TOO_LONG",
            "message": "At most 200 characters (got 201).",
        }
    ]
    assert chinese == [
        {"field": ["input", "name"], "code": "TOO_LONG", "message": "最多200个字符（当前201个）。"}
    ]
    # A parameter that is itself a word (the kind of object) is translated with the sentence.
    missing = {"input": {"id": "Q3VzdG9tZXI6OTk5OTk5", "version": 1, "region": "华东"}}
    answer = (await _post(api, UPDATE, missing, "zh-CN"))["customerUpdate"]["userErrors"]
    assert [(e["code"], e["message"]) for e in answer] == [("NOT_FOUND", "找不到客户。")]


async def test_an_anonymous_mutation_is_refused_in_chinese_when_asked(company: Company) -> None:
    anonymous = company.api(None)
    query = 'mutation { customerCreate(input: {name: "x"}) { userErrors { code message } } }'
    response = await anonymous.client.post(
        "/graphql", json={"query": query}, headers={"Accept-Language": "zh-CN"}
    )
    errors = response.json()["data"]["customerCreate"]["userErrors"]
    assert errors == [{"code": "UNAUTHENTICATED", "message": "请先登录。"}]


MEANINGS = """query($names: [String!]) { enumMeanings(names: $names) {
  name values { value meaning } } }"""


async def test_enum_meanings_come_in_the_language_asked(company: Company) -> None:
    api = company.api(None)  # open: the meanings are no secret

    async def meanings(language: str | None) -> dict[str, str]:
        headers = {"Accept-Language": language} if language else {}
        response = await api.client.post(
            "/graphql",
            json={"query": MEANINGS, "variables": {"names": ["Stage", "UserErrorCode"]}},
            headers=headers,
        )
        found = response.json()["data"]["enumMeanings"]
        assert [e["name"] for e in found] == ["Stage", "UserErrorCode"]
        return {f"{e['name']}.{v['value']}": v["meaning"] for e in found for v in e["values"]}

    english, chinese = await meanings(None), await meanings("zh-CN")
    assert english.keys() == chinese.keys()
    assert english["Stage.NEGOTIATING"] == "In negotiation (正在谈判)."
    assert chinese["Stage.NEGOTIATING"] == "正在谈判。"
    assert chinese["UserErrorCode.STALE_VERSION"] == "你读取后该记录已被修改；请重新载入后再修改。"
