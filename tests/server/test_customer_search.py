"""Finding customers: Chinese substring, pinyin, filters, sorting and keyset pages."""

from __future__ import annotations

import pytest

from server.domain.customers.pinyin import search_text
from tests.conftest import Company, create_customer

NAMES = """query($f: CustomerFilter, $o: CustomerOrder, $first: Int, $after: String,
  $last: Int, $before: String) {
  customers(filter: $f, orderBy: $o, first: $first, after: $after, last: $last, before: $before) {
    totalCount nodes { name } edges { cursor }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""


def test_search_text_has_name_pinyin_and_initials() -> None:
    assert search_text("杭州机械厂") == "杭州机械厂 hangzhoujixiechang hzjxc"
    assert search_text("ACME Parts").startswith("acme parts ")


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ("机械", ["杭州机械厂"]),
        ("hzjx", ["杭州机械厂"]),
        ("hangzhou", ["杭州机械厂"]),
        ("HangZhou", ["杭州机械厂"]),
        ("  杭州 ", ["杭州机械厂"]),
        ("宁波", ["宁波模具有限公司"]),
        ("acme", ["ACME Parts"]),
        ("有限", ["宁波模具有限公司"]),
        ("zz", []),
        ("%", []),
        ("_", []),
    ],
)
async def test_search_by_name_and_pinyin(
    company: Company, needle: str, expected: list[str]
) -> None:
    api = company.api("r1")
    for name in ("杭州机械厂", "宁波模具有限公司", "ACME Parts"):
        await create_customer(api, name=name)
    data = await api.data(NAMES, {"f": {"search": needle}})
    assert [n["name"] for n in data["customers"]["nodes"]] == expected
    assert data["customers"]["totalCount"] == len(expected)


async def test_filters_combine(company: Company) -> None:
    api = company.api("r1")
    await create_customer(api, name="甲", grade="A", region="华东", isKeyAccount=True, stage="WON")
    await create_customer(api, name="乙", grade="A", region="华南", stage="WON")
    await create_customer(api, name="丙", grade="B", region="华东", stage="PROSPECT")
    await create_customer(company.api("r2"), name="丁", grade="A", region="华东", stage="WON")

    async def names(f: dict) -> list[str]:
        data = await company.api("m1").data(NAMES, {"f": f, "o": {"field": "NAME"}})
        return sorted(n["name"] for n in data["customers"]["nodes"])

    assert await names({"grades": ["A"]}) == sorted(["甲", "乙", "丁"])
    assert await names({"grades": ["A"], "regions": ["华东"]}) == sorted(["甲", "丁"])
    assert await names({"isKeyAccount": True}) == ["甲"]
    assert await names({"stages": ["PROSPECT"]}) == ["丙"]
    assert await names({"ownerIds": [company.gid("r2")]}) == ["丁"]


async def test_sorting_by_grade_and_update_time(company: Company) -> None:
    api = company.api("r1")
    for name, grade in (("c1", "C"), ("a1", "A"), ("e1", "E"), ("b1", "B")):
        await create_customer(api, name=name, grade=grade)
    by_grade = await api.data(NAMES, {"o": {"field": "GRADE", "direction": "ASC"}})
    assert [n["name"] for n in by_grade["customers"]["nodes"]] == ["a1", "b1", "c1", "e1"]
    newest = await api.data(NAMES, {"o": {"field": "UPDATED_AT", "direction": "DESC"}})
    assert [n["name"] for n in newest["customers"]["nodes"]] == ["b1", "e1", "a1", "c1"]


async def test_keyset_pages_walk_forward_and_back_without_gaps(company: Company) -> None:
    api = company.api("r1")
    names = [f"客户{i:02d}" for i in range(23)]
    for name in names:
        # Equal grades force the id tie-breaker to keep pages stable.
        await create_customer(api, name=name, grade="B")
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        data = (await api.data(NAMES, {"first": 10, "after": after, "o": {"field": "GRADE"}}))[
            "customers"
        ]
        seen += [n["name"] for n in data["nodes"]]
        pages += 1
        assert data["totalCount"] == 23
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    assert pages == 3
    assert sorted(seen) == names and len(set(seen)) == 23
    back = (await api.data(NAMES, {"last": 5, "before": after, "o": {"field": "GRADE"}}))[
        "customers"
    ]
    # `after` is the cursor of item 19 (end of page two): the five before it are 14–18.
    assert [n["name"] for n in back["nodes"]] == seen[14:19]
    assert back["pageInfo"]["hasPreviousPage"] is True
    assert back["pageInfo"]["hasNextPage"] is True


@pytest.mark.parametrize(
    ("variables", "argument"),
    [
        ({"first": 0}, "first"),
        ({"first": 101}, "first"),
        ({"last": 500}, "last"),
        ({"after": "garbage!"}, "after"),
    ],
)
async def test_bad_paging_arguments_are_clear_errors(
    company: Company, variables: dict, argument: str
) -> None:
    body = await company.api("r1").post(NAMES, variables)
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["argument"] == argument
    assert "Internal" not in error["message"]


async def test_paging_by_update_time_uses_datetime_cursors(company: Company) -> None:
    api = company.api("r1")
    for i in range(7):
        await create_customer(api, name=f"客户{i}")
    order = {"field": "UPDATED_AT", "direction": "DESC"}
    first = (await api.data(NAMES, {"first": 4, "o": order}))["customers"]
    rest = (
        await api.data(NAMES, {"first": 4, "after": first["pageInfo"]["endCursor"], "o": order})
    )["customers"]
    names = [n["name"] for n in first["nodes"] + rest["nodes"]]
    assert names == [f"客户{i}" for i in range(6, -1, -1)]
    assert rest["pageInfo"]["hasNextPage"] is False


TRICKY = ["杭州机械厂", 'A "quoted" 100%_name', "王 五", "ACME Parts", "重庆重工"]


@pytest.mark.parametrize(
    "needle",
    [
        "a",
        "机",
        "机械",
        "机械厂",
        "zhou",
        "hzjx",
        '"quoted"',
        '"',
        "100%",
        "%_",
        "0%_n",
        "王 五",
        "重庆",
        "chongqing",
        "AND",
        "acme OR",
        "*",
        "NEAR(a b)",
        "'",
        "''",
    ],
)
async def test_every_needle_length_finds_what_a_substring_test_finds(
    company: Company, needle: str
) -> None:
    """Needles of three characters or more go through the trigram index (FTS5 on SQLite,
    pg_trgm on PostgreSQL), shorter ones through instr/strpos: both must find exactly the
    names whose search text holds the needle, whatever FTS5 or LIKE would make of it."""
    api = company.api("r1")
    for name in TRICKY:
        await create_customer(api, name=name)
    wanted = needle.strip().lower()
    expected = sorted(n for n in TRICKY if wanted in search_text(n))
    body = await api.data(NAMES, {"f": {"search": needle}, "first": 100})
    found = sorted(n["name"] for n in body["customers"]["nodes"])
    assert found == expected
    assert body["customers"]["totalCount"] == len(expected)


async def test_the_trigram_index_follows_renames_and_removals(company: Company) -> None:
    from server.domain.customers.models import Customer

    api = company.api("r1")
    c = await create_customer(api, name="杭州机械厂")
    query = '{ customers(filter: {search: "机械厂"}) { totalCount nodes { name } } }'
    assert (await api.data(query))["customers"]["totalCount"] == 1
    await api.data(
        """mutation($id: ID!, $v: Int!) { customerUpdate(input: {id: $id, version: $v,
        name: "杭州纺织厂"}) { userErrors { code } } }""",
        {"id": c["id"], "v": c["version"]},
    )
    assert (await api.data(query))["customers"]["totalCount"] == 0
    renamed = '{ customers(filter: {search: "纺织厂"}) { nodes { name } } }'
    assert (await api.data(renamed))["customers"]["nodes"] == [{"name": "杭州纺织厂"}]
    await Customer.all().delete()
    assert (await api.data(renamed))["customers"]["nodes"] == []


async def test_a_remembered_count_is_never_another_viewers(company: Company) -> None:
    """Counts are remembered per viewer and filter: a rep paging after their manager sees
    their own count, not the manager's, and a search another filter's."""
    for who in ("r1", "r1", "r2"):
        await create_customer(company.api(who), name=f"杭州机械厂{who}")
    query = """query($q: String) { customers(filter: {search: $q}) { totalCount } }"""
    assert (await company.api("m1").data(query, {"q": "机械"}))["customers"]["totalCount"] == 3
    assert (await company.api("r1").data(query, {"q": "机械"}))["customers"]["totalCount"] == 2
    assert (await company.api("r2").data(query, {"q": "机械"}))["customers"]["totalCount"] == 1
    assert (await company.api("m1").data(query, {"q": "r2"}))["customers"]["totalCount"] == 1
    assert (await company.api("m2").data(query, {"q": "机械"}))["customers"]["totalCount"] == 0
