"""Sales orders, the VIP rule, ABC classes and class-based service (docs/domain.md §3–§4).

Numbers from docs/domain.md: classes at 70% and 95% of cumulative sales (exactly 70% is A); VIP
at one order ≥ 10,000 or ≥ 20,000 in one calendar month.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from server.domain.customers.models import Customer
from server.domain.followups.models import FollowUp
from server.domain.sales.classes import classify
from server.domain.sales.importer import import_orders
from server.domain.sales.models import SalesOrder, SalesOrderLine
from tests.conftest import Api, Company, create_customer
from tests.server.followup_helpers import company_today, pk

ORDER = """mutation($input: SalesOrderCreateInput!) { salesOrderCreate(input: $input) {
  salesOrder { id externalRef total { amount currency } orderedOn
               lines { lineNo product quantity unitPrice { amount } amount { amount } } }
  created customer { stage isVip vipReason vipSince }
  userErrors { field code message } } }"""


async def order(
    api: Api, customer_id: str, *lines: tuple[str, int, str], day: str | None = None, **extra: Any
) -> dict[str, Any]:
    data = await api.data(
        ORDER,
        {
            "input": {
                "customerId": customer_id,
                "orderedOn": day or company_today().isoformat(),
                "lines": [{"product": p, "quantity": q, "unitPrice": u} for p, q, u in lines],
                **extra,
            }
        },
    )
    return data["salesOrderCreate"]


def test_classify_boundaries_are_inclusive() -> None:
    # 70 of 100 is exactly 70% cumulative: class A. 95 exactly: class B. The rest: C.
    ranked = classify([(1, 70), (2, 25), (3, 5), (4, 0)], 70, 95)
    assert [(cid, cls.value) for cid, _, _, cls in ranked] == [(1, "A"), (2, "B"), (3, "C")]
    # The customer crossing 70% is still part of the first 70%: A; the next starts at 70.01%.
    ranked = classify([(1, 7001), (2, 2499), (3, 500)], 70, 95)
    assert [cls.value for *_, cls in ranked] == ["A", "B", "C"]
    # One customer with most of the sales is class A, not B.
    assert [c.value for *_, c in classify([(1, 925), (2, 70), (3, 5)], 70, 95)] == ["A", "B", "C"]
    # Ties rank by id.
    ranked = classify([(9, 50), (3, 50)], 70, 95)
    assert [cid for cid, *_ in ranked] == [3, 9]


async def test_order_total_is_exact_and_the_customer_is_won(company: Company) -> None:
    api = company.api("r1")
    customer = await create_customer(api, stage="NEGOTIATING")
    payload = await order(api, customer["id"], ("模具A", 3, "0.10"), ("模具B", 1, "0.20"))
    assert payload["userErrors"] == []
    sale = payload["salesOrder"]
    assert sale["total"] == {"amount": "0.50", "currency": "CNY"}
    assert [line["amount"]["amount"] for line in sale["lines"]] == ["0.30", "0.20"]
    assert payload["customer"]["stage"] == "WON"


async def test_external_reference_makes_orders_idempotent(company: Company) -> None:
    api = company.api("r1")
    customer = await create_customer(api)
    first = await order(api, customer["id"], ("模具", 1, "100.00"), externalRef="ERP-1")
    again = await order(api, customer["id"], ("模具", 1, "100.00"), externalRef="ERP-1")
    assert (first["created"], again["created"]) == (True, False)
    assert again["salesOrder"]["id"] == first["salesOrder"]["id"]
    other = await create_customer(api, name="别家")
    clash = await order(api, other["id"], ("模具", 1, "1.00"), externalRef="ERP-1")
    assert [(e["field"], e["code"]) for e in clash["userErrors"]] == [
        (["input", "externalRef"], "DUPLICATE")
    ]
    assert await SalesOrder.all().count() == 1


async def test_bad_orders_write_nothing(company: Company) -> None:
    api = company.api("r1")
    customer = await create_customer(api)
    future = (company_today() + timedelta(days=1)).isoformat()
    bad = await order(api, customer["id"], ("", 1, "1.00"), ("模具", 0, "1.005"), day=future)
    assert sorted((tuple(e["field"]), e["code"]) for e in bad["userErrors"]) == [
        (("input", "lines.0.product"), "REQUIRED"),
        (("input", "lines.1.quantity"), "OUT_OF_RANGE"),
        (("input", "lines.1.unitPrice"), "INVALID"),
        (("input", "orderedOn"), "OUT_OF_RANGE"),
    ]
    peer = await order(company.api("r2"), customer["id"], ("模具", 1, "1.00"))
    assert [e["code"] for e in peer["userErrors"]] == ["NOT_FOUND"]
    assert await SalesOrder.all().count() == 0
    assert await SalesOrderLine.all().count() == 0


@pytest.mark.parametrize(
    ("amounts", "vip"),
    [
        (["10000.00"], True),
        (["9999.99"], False),
        (["9000.00", "9000.00", "2000.00"], True),  # 20,000 in one month
        (["9000.00", "9000.00", "1999.99"], False),  # 19,999.99
    ],
)
async def test_vip_rule_at_and_just_below_the_thresholds(
    company: Company, amounts: list[str], vip: bool
) -> None:
    api = company.api("r1")
    customer = await create_customer(api)
    day = company_today().replace(day=1).isoformat()
    payload: dict[str, Any] = {}
    for n, amount in enumerate(amounts):
        payload = await order(
            api, customer["id"], ("模具", 1, amount), day=day, externalRef=f"V{n}"
        )
    assert payload["customer"]["isVip"] is vip
    if vip:
        assert payload["customer"]["vipSince"] == day
        reason = payload["customer"]["vipReason"]
        assert ("Single order V0 of 10,000.00" in reason) or ("Orders of 20,000.00" in reason)


async def test_monthly_vip_counts_one_calendar_month(company: Company) -> None:
    api = company.api("r1")
    customer = await create_customer(api)
    this_month = company_today().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=28)
    for _ in range(2):
        await order(api, customer["id"], ("模具", 1, "9000.00"), day=last_month.isoformat())
    payload = await order(api, customer["id"], ("模具", 1, "9000.00"), day=this_month.isoformat())
    assert payload["customer"]["isVip"] is False


ANALYSIS = """{ customerClassAnalysis { totalSales { amount } rankedCustomers aPercent bPercent
  classes { abcClass customerCount customerPercent idealCustomerPercent sales { amount }
            salesPercent }
  ranking(first: 2) { totalCount pageInfo { hasNextPage }
    nodes { rank customer { name abcClass } sales { amount } sharePercent cumulativePercent
            abcClass } } } }"""
RECOMPUTE = """mutation { customerClassesRecompute { scheduledFollowUps withdrawnFollowUps
  analysis { rankedCustomers } userErrors { code } } }"""


async def _sales(company: Company, amounts: dict[str, str]) -> dict[str, str]:
    api = company.api("r1")
    ids = {}
    for name, amount in amounts.items():
        customer = await create_customer(api, name=name)
        ids[name] = customer["id"]
        if amount:
            day = (company_today() - timedelta(days=40)).isoformat()
            await order(api, customer["id"], ("货", 1, amount), day=day)
    return ids


async def test_classes_analysis_and_pareto_list(company: Company) -> None:
    await _sales(company, {"甲": "7000.00", "乙": "2500.00", "丙": "500.00", "丁": ""})
    recomputed = await company.api("m1").data(RECOMPUTE)
    assert recomputed["customerClassesRecompute"]["analysis"]["rankedCustomers"] == 3
    data = (await company.api("m1").data(ANALYSIS))["customerClassAnalysis"]
    assert data["totalSales"] == {"amount": "10000.00"}
    assert (data["aPercent"], data["bPercent"]) == (70, 95)
    assert data["classes"] == [
        {
            "abcClass": "A",
            "customerCount": 1,
            "customerPercent": "33.33",
            "idealCustomerPercent": "20",
            "sales": {"amount": "7000.00"},
            "salesPercent": "70.00",
        },
        {
            "abcClass": "B",
            "customerCount": 1,
            "customerPercent": "33.33",
            "idealCustomerPercent": "40",
            "sales": {"amount": "2500.00"},
            "salesPercent": "25.00",
        },
        {
            "abcClass": "C",
            "customerCount": 1,
            "customerPercent": "33.33",
            "idealCustomerPercent": "40",
            "sales": {"amount": "500.00"},
            "salesPercent": "5.00",
        },
    ]
    ranking = data["ranking"]
    assert ranking["totalCount"] == 3 and ranking["pageInfo"]["hasNextPage"] is True
    assert ranking["nodes"][0] == {
        "rank": 1,
        "customer": {"name": "甲", "abcClass": "A"},
        "sales": {"amount": "7000.00"},
        "sharePercent": "70.00",
        "cumulativePercent": "70.00",
        "abcClass": "A",
    }
    assert ranking["nodes"][1]["cumulativePercent"] == "95.00"
    no_sales = await Customer.get(name="丁")
    assert no_sales.abc_class is None
    # Reps do not see the company-wide analysis, nor may they recompute it.
    rep = await company.api("r1").data(ANALYSIS)
    assert rep["customerClassAnalysis"] is None
    denied = await company.api("r1").data(RECOMPUTE)
    assert denied["customerClassesRecompute"]["userErrors"] == [{"code": "NOT_ALLOWED"}]


async def test_class_based_service_follow_ups(company: Company) -> None:
    await _sales(company, {"甲": "7000.00", "乙": "2500.00", "丙": "500.00"})
    done = (await company.api("m1").data(RECOMPUTE))["customerClassesRecompute"]
    assert (done["scheduledFollowUps"], done["withdrawnFollowUps"]) == (3, 0)
    items = {
        (f.customer.name, f.origin.value): f
        for f in await FollowUp.filter(status="open").prefetch_related("customer")
    }
    assert set(items) == {
        ("甲", "leadership_visit"),
        ("乙", "class_visit"),
        ("乙", "inquiry_letter"),
    }
    # The leadership visit goes to the owner's manager.
    assert items[("甲", "leadership_visit")].assignee_id == company.users["m1"].id
    assert items[("乙", "class_visit")].assignee_id == company.users["r1"].id
    # Running again schedules nothing twice.
    again = (await company.api("m1").data(RECOMPUTE))["customerClassesRecompute"]
    assert again["scheduledFollowUps"] == 0
    # 甲 doing the leadership visit brings the next one six months later.
    from tests.server.followup_helpers import logged

    jia = await Customer.get(name="甲")
    from strawberry.relay import GlobalID

    payload = await logged(
        company.api("m1"), str(GlobalID("Customer", str(jia.id))), kind="LEADERSHIP_VISIT"
    )
    assert [f["origin"] for f in payload["completedFollowUps"]] == [
        "CADENCE",
        "LEADERSHIP_VISIT",
    ] or [f["origin"] for f in payload["completedFollowUps"]] == ["LEADERSHIP_VISIT"]
    [next_visit] = payload["scheduledFollowUps"]
    assert next_visit["origin"] == "LEADERSHIP_VISIT"
    assert next_visit["assignee"]["username"] == "m1"
    today = company_today()
    assert (
        next_visit["dueOn"][:7]
        == f"{today.year + (today.month + 5) // 12}-{(today.month + 5) % 12 + 1:02d}"
    )
    # When the sales move so that 乙 becomes class A and 甲 class B, 乙's two class-B items
    # and 甲's leadership visit are withdrawn, and each gets what its new class is owed.
    yi = str(GlobalID("Customer", str((await Customer.get(name="乙")).id)))
    big = await order(company.api("r1"), yi, ("货", 1, "90000.00"))
    assert big["userErrors"] == []
    changed = (await company.api("m1").data(RECOMPUTE))["customerClassesRecompute"]
    assert (changed["withdrawnFollowUps"], changed["scheduledFollowUps"]) == (3, 3)


def _customer_pk(cell: str) -> int | None:
    from server.graphql.ids import parse_global_id

    return parse_global_id(cell, "Customer")


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "orders.csv"
    path.write_text(text, encoding="utf-8")
    return path


async def test_import_orders_is_all_or_nothing_and_idempotent(
    company: Company, tmp_path: Path
) -> None:
    customer = await create_customer(company.api("r1"), name="宁波模具厂")
    day = (company_today() - timedelta(days=3)).isoformat()
    good = _csv(
        tmp_path,
        "external_ref,customer,ordered_on,product,quantity,unit_price\n"
        f"SO-1,宁波模具厂,{day},注塑模具,2,6000.00\n"
        f"SO-1,宁波模具厂,{day},配件,1,0.50\n"
        f"SO-2,{customer['id']},{day},配件,10,10.00\n",
    )
    report = await import_orders(good, parse_id=_customer_pk)
    assert (report.created, report.skipped, report.errors, report.new_vips) == (2, 0, [], 1)
    assert await SalesOrder.filter(external_ref="SO-1").values_list("total_minor", flat=True) == [
        1_200_050
    ]
    again = await import_orders(good, parse_id=_customer_pk)
    assert (again.created, again.skipped) == (0, 2)
    bad = _csv(
        tmp_path,
        "external_ref,customer,ordered_on,product,quantity,unit_price\n"
        f"SO-3,宁波模具厂,{day},注塑模具,2,6000.00\n"
        f"SO-4,没有这家,{day},配件,1,1.00\n"
        f"SO-5,宁波模具厂,2020-13-01,配件,x,1.00\n"
        f"SO-6,宁波模具厂,{day},配件,1,-1\n",
    )
    failed = await import_orders(bad, parse_id=_customer_pk)
    assert [line for line, _ in failed.errors] == [3, 4, 4, 5]
    assert "unknown customer '没有这家'" in failed.errors[0][1]
    assert failed.created == 0
    assert await SalesOrder.all().count() == 2  # nothing from the bad file


async def test_import_finds_customers_by_code_and_reports_foreign_references(
    company: Company, tmp_path: Path
) -> None:
    api = company.api("r1")
    ningbo = await create_customer(api, name="宁波模具厂", code="NB-01")
    other = await create_customer(api, name="温州阀门厂")
    day = (company_today() - timedelta(days=3)).isoformat()
    first = await order(api, other["id"], ("阀门", 1, "10.00"), externalRef="ERP-9")
    assert first["userErrors"] == []
    rows = _csv(
        tmp_path,
        "external_ref,customer,ordered_on,product,quantity,unit_price\n"
        f"ERP-8,nb-01,{day},模具,1,1.00\n"
        f"ERP-8,NB-01,{day},模具,1,1.00\n"
        f"ERP-9,NB-01,{day},模具,1,1.00\n"
        f"ERP-10,{pk(ningbo['id'])},{day},模具,1,1.00\n",
    )
    report = await import_orders(rows, parse_id=_customer_pk)
    assert report.errors == [
        (2, "unknown customer 'nb-01'"),
        (4, "order ERP-9 is already recorded for another customer"),
        (5, "unknown customer '" + str(pk(ningbo["id"])) + "'"),
    ]
    assert await SalesOrder.all().count() == 1


async def test_files_that_are_not_orders_are_one_clear_problem(tmp_path: Path) -> None:
    import zipfile

    broken = tmp_path / "orders.xlsx"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    utf16 = tmp_path / "unicode.txt"
    utf16.write_text("external_ref,customer\n", encoding="utf-16")
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(b"external_ref,customer\n\xff\xfe\xfd,x\n")
    for path in (broken, utf16, mixed):
        report = await import_orders(path)
        assert len(report.errors) == 1 and report.errors[0][0] == 0, report.errors
        assert "xlsx" in report.errors[0][1]
        assert report.created == 0
