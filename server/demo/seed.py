"""Demo and benchmark data: a believable Chinese B2B sales company.

`seed_demo` builds a small company people can log into (its logins are in the README).
`seed_bulk` writes large volumes with multi-row inserts straight through the connection,
because going object by object through the ORM would take minutes for 100,000 customers.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from typing import Any

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from server.domain.accounts.models import Role, User
from server.domain.accounts.passwords import hash_password
from server.domain.accounts.services import create_user
from server.domain.company.services import company_settings, today
from server.domain.customers.models import (
    AllyStrength,
    Attitude,
    Contact,
    ContactRole,
    Customer,
    CustomerTag,
    Grade,
    Influence,
    SourceChannel,
    Stage,
)
from server.domain.customers.pinyin import search_text
from server.domain.shared import clock
from server.domain.shared.blobs import BlobStore
from server.domain.shared.bulk import (
    default_values,
    defaulted_columns,
    insert_rows,
    insert_with_defaults,
)

DEMO_PASSWORD = "demo1234"

REGIONS: dict[str, list[str]] = {
    "华东": ["杭州", "宁波", "温州", "苏州", "无锡", "上海", "南京", "合肥"],
    "华南": ["广州", "深圳", "东莞", "佛山", "厦门", "泉州"],
    "华北": ["北京", "天津", "青岛", "济南", "石家庄"],
    "西南": ["成都", "重庆", "昆明"],
    "华中": ["武汉", "长沙", "郑州"],
}
# City centres (latitude, longitude): demo customers sit within ~10 km of theirs, so a visit
# plan can be ordered nearest-first with real distances.
CITY_CENTRES: dict[str, tuple[float, float]] = {
    "杭州": (30.27, 120.16),
    "宁波": (29.87, 121.54),
    "温州": (28.00, 120.70),
    "苏州": (31.30, 120.62),
    "无锡": (31.49, 120.31),
    "上海": (31.23, 121.47),
    "南京": (32.06, 118.80),
    "合肥": (31.82, 117.23),
    "广州": (23.13, 113.26),
    "深圳": (22.54, 114.06),
    "东莞": (23.02, 113.75),
    "佛山": (23.02, 113.12),
    "厦门": (24.48, 118.09),
    "泉州": (24.87, 118.68),
    "北京": (39.90, 116.40),
    "天津": (39.34, 117.36),
    "青岛": (36.07, 120.38),
    "济南": (36.65, 117.12),
    "石家庄": (38.04, 114.51),
    "成都": (30.57, 104.07),
    "重庆": (29.56, 106.55),
    "昆明": (25.04, 102.71),
    "武汉": (30.59, 114.31),
    "长沙": (28.23, 112.94),
    "郑州": (34.75, 113.63),
}
BRANDS = [
    "宏达",
    "鑫源",
    "恒通",
    "金桥",
    "东方",
    "永兴",
    "兴隆",
    "新世纪",
    "利华",
    "华盛",
    "天成",
    "瑞丰",
    "海川",
    "中联",
    "富康",
    "博远",
    "精工",
    "万通",
    "盛泰",
    "嘉禾",
]
TRADES = [
    ("机械厂", "机械制造"),
    ("模具有限公司", "模具"),
    ("精密零件有限公司", "零部件"),
    ("五金制品厂", "五金"),
    ("电子科技有限公司", "电子"),
    ("塑胶制品有限公司", "塑胶"),
    ("汽车配件有限公司", "汽配"),
    ("日用品贸易公司", "日用消费品分销"),
    ("物流有限公司", "货运物流"),
    ("包装材料有限公司", "包装"),
    ("纺织有限公司", "纺织"),
    ("化工有限公司", "化工"),
]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾")
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "志强",
    "海燕",
    "晓东",
]
HOBBIES = ["钓鱼", "打高尔夫", "喝茶", "书法", "爬山", "羽毛球", "摄影", "下象棋", "旅游"]
PERSONALITIES = ["直爽", "谨慎细致", "重感情", "讲原则", "健谈", "务实", "强势"]
TAGS = ["分销商", "出口", "老客户", "价格敏感", "重质量", "账期长", "新开发"]
# Every customer has a boss and a purchasing head; some have more of the others.
KEY_ROLES = [ContactRole.BOSS, ContactRole.PURCHASING_HEAD]
OTHER_ROLES = [
    ContactRole.FINANCE_HEAD,
    ContactRole.PRODUCTION_HEAD,
    ContactRole.TECHNICAL,
    ContactRole.QUALITY,
]
CONTACT_TITLES: dict[ContactRole, str] = {
    ContactRole.BOSS: "总经理",
    ContactRole.PURCHASING_HEAD: "采购部经理",
    ContactRole.FINANCE_HEAD: "财务主管",
    ContactRole.PRODUCTION_HEAD: "生产厂长",
    ContactRole.TECHNICAL: "技术工程师",
    ContactRole.QUALITY: "质检主管",
    ContactRole.SALES_HEAD: "销售总监",
}

# The demo company: (username, display name, role, manager username, department).
DEMO_USERS: list[tuple[str, str, Role, str | None, str | None]] = [
    ("admin", "系统管理员", Role.ADMIN, None, None),
    ("wang", "王建国", Role.MANAGER, None, "华东销售部"),
    ("zhang", "张伟", Role.SALES_REP, "wang", "华东销售部"),
    ("li", "李娜", Role.SALES_REP, "wang", "华东销售部"),
    ("liu", "刘洋", Role.SALES_REP, "wang", "华东销售部"),
    ("chen", "陈静", Role.MANAGER, None, "华南销售部"),
    ("zhao", "赵磊", Role.SALES_REP, "chen", "华南销售部"),
    ("sun", "孙丽", Role.SALES_REP, "chen", "华南销售部"),
    ("zhou", "周师傅", Role.SERVICE, None, "客服质量部"),
    ("wu", "吴会计", Role.FINANCE, None, "财务部"),
]
DEMO_SUMMARIES = [
    "电话沟通了新一季的采购计划",
    "拜访采购部，送去样品",
    "对方反映上批交货晚了两天",
    "报价已发，等对方回复",
    "老板出差，约下周再谈",
]
DEMO_PURPOSES = ["跟进报价", "确认交货期", "了解竞争对手动向", "介绍新产品", "催收货款"]

# Which reps work which regions in the demo.
DEMO_TERRITORIES = {
    "zhang": ["华东"],
    "li": ["华东", "华中"],
    "liu": ["华东", "华北"],
    "zhao": ["华南"],
    "sun": ["华南", "西南"],
}


def company_name(rng: random.Random) -> tuple[str, str, str, str]:
    region = rng.choice(list(REGIONS))
    city = rng.choice(REGIONS[region])
    suffix, industry = rng.choice(TRADES)
    brand = rng.choice(BRANDS) if rng.random() < 0.8 else ""
    return f"{city}{brand}{suffix}", region, city, industry


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def phone_number(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"


async def seed_demo(customers_per_rep: int = 60, store: BlobStore | None = None) -> bool:
    """Load the demo company once; False if its users are already there. With `store`,
    the demo complaints get their photos and reports."""
    if await User.filter(username="admin").exists():
        return False
    rng = random.Random(2026)
    users: dict[str, User] = {}
    for username, display, role, manager, department in DEMO_USERS:
        users[username] = await create_user(
            username=username,
            password=DEMO_PASSWORD,
            display_name=display,
            role=role,
            manager=users.get(manager) if manager else None,
            department=department,
        )
    names_seen: set[str] = set()
    day = today(await company_settings())
    async with in_transaction():
        first = True
        for rep, regions in DEMO_TERRITORIES.items():
            for position in range(customers_per_rep):
                name, region, city, industry = company_name(rng)
                if first:  # the example from the issue: `hzjx` and `hangzhou` find it
                    name, region, city, industry = "杭州机械厂", "华东", "杭州", "机械制造"
                    first = False
                while region not in regions or name in names_seen:
                    name, region, city, industry = company_name(rng)
                names_seen.add(name)
                customer = await _demo_customer(
                    rng, users[rep], name, region, city, industry, position
                )
                await _demo_follow_up(rng, customer, users[rep], day)
    from server.demo.complaints import seed_demo_complaints

    await seed_demo_complaints(users, store)
    from server.demo.receivables import seed_demo_receivables

    await seed_demo_receivables(users)
    return True


async def _demo_follow_up(rng: random.Random, customer: Customer, rep: User, day: date) -> None:
    """A last contact some days back (never after today) and the open follow-up it
    scheduled, due between a week ago and a week ahead and after that contact: the demo
    queue then has overdue, today and upcoming rows."""
    from server.domain.followups.models import (
        FollowUp,
        FollowUpOrigin,
        Interaction,
        InteractionKind,
        open_slot,
    )

    contact_day = day - timedelta(days=rng.randint(1, 20))
    due = max(day + timedelta(days=rng.randint(-7, 8)), contact_day + timedelta(days=1))
    kind = rng.choice([InteractionKind.PHONE, InteractionKind.VISIT, InteractionKind.EMAIL])
    summary = rng.choice(DEMO_SUMMARIES)
    # 10:00 in Shanghai, the demo company's zone.
    at = datetime.combine(contact_day, dtime(2), UTC)
    await Interaction.create(
        customer=customer,
        author=rep,
        kind=kind,
        occurred_at=at,
        summary=summary,
        outcome=summary,
        grade_before=customer.grade,
        grade_after=customer.grade,
    )
    customer.last_contact_at, customer.last_contact_kind = at, kind.value
    customer.last_contact_summary = summary
    await customer.save(
        update_fields=["last_contact_at", "last_contact_kind", "last_contact_summary"]
    )
    await FollowUp.create(
        customer=customer,
        assignee=rep,
        due_on=due,
        kind=rng.choice([InteractionKind.PHONE, InteractionKind.VISIT]),
        origin=FollowUpOrigin.CADENCE,
        open_slot=open_slot(customer.id, FollowUpOrigin.CADENCE),
        purpose=rng.choice(DEMO_PURPOSES),
    )


async def _demo_customer(
    rng: random.Random,
    owner: User,
    name: str,
    region: str,
    city: str,
    industry: str,
    position: int,
) -> Customer:
    grade = rng.choices(list(Grade), weights=[1, 2, 3, 3, 1])[0]
    stage = {Grade.A: Stage.NEGOTIATING, Grade.E: Stage.DEAD}.get(
        grade, rng.choice([Stage.PROSPECT, Stage.WON, Stage.WON])
    )
    channel = rng.choice(list(SourceChannel))
    customer = await Customer.create(
        owner=owner,
        name=name,
        search_text=search_text(name),
        address=f"{city}市经济开发区{rng.randint(1, 300)}号",
        phone=f"0{rng.randint(10, 999)}-{rng.randint(1_000_0000, 9_999_9999)}",
        legal_representative=person_name(rng),
        organization_form=rng.choice(["有限责任公司", "股份有限公司", "私营企业", "合资企业"]),
        industry=industry,
        assets_minor=rng.randint(50, 5000) * 10_000_00,
        relationship_since=date(2026, 1, 1) - timedelta(days=rng.randint(0, 3000)),
        region=region,
        route=f"{city}{rng.choice(['东线', '西线', '南线', '北线'])}",
        route_position=position % 12,
        latitude=round(CITY_CENTRES[city][0] + rng.uniform(-0.08, 0.08), 5),
        longitude=round(CITY_CENTRES[city][1] + rng.uniform(-0.08, 0.08), 5),
        scale=rng.choice(["小型", "中型", "大型"]),
        development_potential=rng.choice(["高", "中", "低"]),
        our_share_percent=rng.randint(0, 60),
        registered_capital_minor=rng.randint(50, 2000) * 10_000_00,
        years_in_business=rng.randint(1, 30),
        credit_limit_minor=rng.choice([50_000, 100_000, 200_000, 500_000]) * 100,
        billing_day=rng.choice([5, 10, 15, 25, 30]),
        payment_terms=rng.choice(["月结30天", "月结60天", "款到发货", "货到付款"]),
        source_channel=channel,
        referred_by=person_name(rng) if channel == SourceChannel.ACQUAINTANCE else "",
        stage=stage,
        grade=grade,
        is_key_account=rng.random() < 0.1,
    )
    for tag in rng.sample(TAGS, rng.randint(0, 2)):
        await CustomerTag.create(customer=customer, tag=tag)
    roles = [*KEY_ROLES, *rng.sample(OTHER_ROLES, rng.randint(0, 3))]
    ally_index = rng.randrange(1, len(roles)) if rng.random() < 0.7 else None
    for i, role in enumerate(roles):
        is_ally = i == ally_index
        await Contact.create(
            customer=customer,
            name=person_name(rng),
            role=role,
            title=CONTACT_TITLES.get(role, ""),
            phone=phone_number(rng),
            birthday=date(rng.randint(1960, 1995), rng.randint(1, 12), rng.randint(1, 28)),
            hobbies=rng.choice(HOBBIES),
            personality=rng.choice(PERSONALITIES),
            is_decision_maker=role in (ContactRole.BOSS, ContactRole.PURCHASING_HEAD)
            and i < 2
            and (role == ContactRole.BOSS or rng.random() < 0.5),
            influence=Influence.HIGH if i == 0 else rng.choice(list(Influence)),
            attitude=Attitude.SUPPORTER if is_ally else rng.choice(list(Attitude)),
            ally_strength=rng.choice([AllyStrength.MODERATE, AllyStrength.STRONG])
            if is_ally
            else AllyStrength.NONE,
        )
    return customer


# --- bulk ----------------------------------------------------------------------------------


async def seed_bulk(
    customers: int, reps: int = 50, contacts_per_customer: int = 3
) -> dict[str, Any]:
    """Add `customers` customers with contacts, owned by `reps` new reps under new managers."""
    started = time.perf_counter()
    rng = random.Random(customers)
    now = clock.now()
    password = hash_password(DEMO_PASSWORD)  # one hash for all: argon2 is slow on purpose
    run = int(now.timestamp())
    rep_ids: list[int] = []
    async with in_transaction():
        for team in range(max(1, reps // 10)):
            manager = await User.create(
                username=f"bulk{run}_m{team}",
                display_name=f"经理{team}",
                role=Role.MANAGER,
                password_hash=password,
            )
            for r in range(min(10, reps - team * 10)):
                rep = await User.create(
                    username=f"bulk{run}_r{team}_{r}",
                    display_name=person_name(rng),
                    role=Role.SALES_REP,
                    manager=manager,
                    password_hash=password,
                )
                rep_ids.append(rep.id)
    first_customer = ((await Customer.all().order_by("-id").first().values_list("id")) or [0])[
        0
    ] + 1
    first_contact = ((await Contact.all().order_by("-id").first().values_list("id")) or [0])[0] + 1

    customer_cols = [
        "id",
        "owner_id",
        "name",
        "search_text",
        "region",
        "route",
        "route_position",
        "industry",
        "phone",
        "address",
        "grade",
        "stage",
        "is_key_account",
        "credit_limit_minor",
        "created_at",
        "updated_at",
        "version",
    ]
    customer_cols += defaulted_columns(Customer, customer_cols)
    contact_cols = [
        "id",
        "customer_id",
        "name",
        "role",
        "title",
        "phone",
        "is_decision_maker",
        "influence",
        "attitude",
        "ally_strength",
        "created_at",
        "updated_at",
        "version",
    ]
    contact_cols += defaulted_columns(Contact, contact_cols)
    customer_defaults = default_values(Customer, customer_cols, 17)
    contact_defaults = default_values(Contact, contact_cols, 13)
    grades = list(Grade)
    roles = [*KEY_ROLES, *OTHER_ROLES]

    def customer_rows() -> Iterable[list[Any]]:
        for i in range(customers):
            name, region, city, industry = company_name(rng)
            name = f"{name}{i}" if rng.random() < 0.5 else f"{name}（{i}）"
            stamp = now - timedelta(minutes=i)
            yield [
                first_customer + i,
                rep_ids[i % len(rep_ids)],
                name,
                search_text(name),
                region,
                f"{city}线",
                i % 50,
                industry,
                phone_number(rng),
                f"{city}市{i}号",
                grades[i % 5],
                Stage.WON if i % 3 else Stage.PROSPECT,
                i % 20 == 0,
                (i % 10) * 10_000_00,
                stamp,
                stamp,
                1,
                *customer_defaults,
            ]

    def contact_rows() -> Iterable[list[Any]]:
        for i in range(customers):
            for k in range(contacts_per_customer):
                role = roles[k % len(roles)]
                ally = AllyStrength.STRONG if k == 1 and i % 2 else AllyStrength.NONE
                yield [
                    first_contact + i * contacts_per_customer + k,
                    first_customer + i,
                    person_name(rng),
                    role,
                    CONTACT_TITLES.get(role, ""),
                    phone_number(rng),
                    k == 0,
                    Influence.HIGH if k == 0 else Influence.MEDIUM,
                    Attitude.SUPPORTER if ally != AllyStrength.NONE else Attitude.NEUTRAL,
                    ally,
                    now,
                    now,
                    1,
                    *contact_defaults,
                ]

    async with in_transaction():
        await insert_rows(Customer, customer_cols, customer_rows())
        await insert_rows(Contact, contact_cols, contact_rows())
    conn = Tortoise.get_connection("default")
    if conn.capabilities.dialect == "postgres":
        # Explicit ids bypass the sequences; move them past what was written.
        for table in ("customer", "contact"):
            await conn.execute_script(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
        await conn.execute_script("ANALYZE customer; ANALYZE contact;")
    else:
        await conn.execute_script("ANALYZE;")
    return {
        "customers": customers,
        "contacts": customers * contacts_per_customer,
        "reps": len(rep_ids),
        "rep_ids": rep_ids,
        "seconds": time.perf_counter() - started,
    }


async def seed_activity(
    interactions_per_customer: int = 10, orders: int = 300_000, seed: int = 7
) -> dict[str, Any]:
    """Give every customer a contact history, an open cadence follow-up and sales orders:
    the volume the follow-up benchmark runs on (100k customers → 1M contacts, 300k orders)."""
    from server.domain.followups.models import (
        FollowUp,
        FollowUpOrigin,
        Interaction,
        InteractionKind,
    )
    from server.domain.sales.models import SalesOrder, SalesOrderLine

    started = time.perf_counter()
    rng = random.Random(seed)
    now = clock.now()
    today = now.date()
    customers = await Customer.all().values_list("id", "owner_id", "grade")
    kinds = list(InteractionKind)

    def interaction_rows() -> Iterable[list[Any]]:
        for cid, owner_id, grade in customers:
            for n in range(interactions_per_customer):
                at = now - timedelta(days=rng.uniform(0, 730), minutes=n)
                yield [cid, owner_id, rng.choice(kinds), at, f"第{n}次联系", grade, grade, now]

    given = [
        "customer_id",
        "author_id",
        "kind",
        "occurred_at",
        "summary",
        "grade_before",
        "grade_after",
        "created_at",
    ]
    await insert_with_defaults(Interaction, given, interaction_rows())
    conn = Tortoise.get_connection("default")
    await conn.execute_script(
        'UPDATE "customer" SET "last_contact_at" = (SELECT MAX("occurred_at") FROM "interaction" '
        'WHERE "interaction"."customer_id" = "customer"."id"), "last_contact_kind" = \'visit\', '
        "\"last_contact_summary\" = '上次拜访'"
    )

    def follow_up_rows() -> Iterable[list[Any]]:
        for cid, owner_id, _ in customers:
            due = today + timedelta(days=rng.randint(-10, 30))
            yield [
                cid,
                owner_id,
                due,
                rng.choice([InteractionKind.PHONE, InteractionKind.VISIT]),
                FollowUpOrigin.CADENCE,
                f"{cid}:cadence",
                "跟进报价",
                now,
                now,
            ]

    given = [
        "customer_id",
        "assignee_id",
        "due_on",
        "kind",
        "origin",
        "open_slot",
        "purpose",
        "created_at",
        "updated_at",
    ]
    await insert_with_defaults(FollowUp, given, follow_up_rows())
    # Sales concentrated on a few customers, as in life: a Pareto-like weight.
    weights = [1.0 / (i + 1) ** 0.8 for i in range(len(customers))]
    buyers = rng.choices([c[0] for c in customers], weights=weights, k=orders)
    first_order = await SalesOrder.all().count()

    def order_rows() -> Iterable[list[Any]]:
        for n, cid in enumerate(buyers):
            day = today - timedelta(days=rng.randint(0, 540))
            yield [cid, day, f"BENCH-{first_order + n}", rng.randint(10_000, 800_000), "", now]

    await insert_rows(
        SalesOrder,
        ["customer_id", "ordered_on", "external_ref", "total_minor", "note", "created_at"],
        order_rows(),
    )
    ids = await SalesOrder.filter(external_ref__startswith="BENCH-").values_list(
        "id", "total_minor"
    )
    await insert_rows(
        SalesOrderLine,
        ["order_id", "line_no", "product", "quantity", "unit_price_minor", "amount_minor"],
        ([oid, 1, "标准件", 1, total, total] for oid, total in ids),
    )
    # Fresh planner statistics after a bulk load: PostgreSQL otherwise plans the queue for
    # the empty tables it last measured (seen: 270 ms instead of 20).
    await Tortoise.get_connection("default").execute_script("ANALYZE;")
    return {
        "interactions": len(customers) * interactions_per_customer,
        "follow_ups": len(customers),
        "orders": orders,
        "seconds": time.perf_counter() - started,
    }


async def seed_complaints(
    count: int = 100_000, events_per_complaint: int = 10, seed: int = 11
) -> dict[str, Any]:
    """Complaints on the existing customers, most long closed, a tenth open across the seven
    steps (a third of those overdue), each with its step events: the volume the board
    benchmark runs on (100k complaints → 1M events)."""
    from server.domain.complaints.models import KIND_CATEGORY, Complaint, ComplaintKind
    from server.domain.workflow.models import StepEvent

    started = time.perf_counter()
    rng = random.Random(seed)
    now = clock.now()
    customers = await Customer.all().values_list("id", "owner_id")
    kinds = list(ComplaintKind)
    open_steps = ["validate", "assign", "analyse", "propose", "approve", "implement", "evaluate"]
    first = await Complaint.all().order_by("-id").first()
    base = first.id if first else 0

    def complaint_rows() -> Iterable[list[Any]]:
        for n in range(count):
            cid, owner_id = customers[n % len(customers)]
            kind = rng.choice(kinds)
            received = now - timedelta(days=rng.uniform(0, 720))
            is_open = rng.random() < 0.1
            step = rng.choice(open_steps) if is_open else "closed"
            entered = max(received, now - timedelta(days=rng.uniform(0, 10)))
            due = entered + timedelta(days=rng.uniform(1, 7)) if is_open else None
            yield [
                base + n + 1,
                cid,
                "phone",
                received,
                KIND_CATEGORY[kind].value,
                kind.value,
                f"投诉{n}",
                step,
                entered,
                due,
                owner_id,
                owner_id if step not in ("validate", "assign") else None,
                None if is_open else received + timedelta(days=9),
                received,
                now,
            ]

    columns = [
        "id",
        "customer_id",
        "channel",
        "received_at",
        "category",
        "kind",
        "subject",
        "step",
        "step_entered_at",
        "step_due_at",
        "recorded_by_id",
        "assignee_id",
        "closed_at",
        "created_at",
        "updated_at",
    ]
    await insert_with_defaults(Complaint, columns, complaint_rows())

    def event_rows() -> Iterable[list[Any]]:
        flow = ["validate", *open_steps[1:], "closed"]
        for n in range(count):
            complaint_id = base + n + 1
            at = now - timedelta(days=rng.uniform(10, 720))
            for k in range(events_per_complaint):
                source = None if k == 0 else flow[(k - 1) % len(flow)]
                target = flow[k % len(flow)]
                yield [
                    "complaint",
                    complaint_id,
                    "record" if k == 0 else "validate",
                    source,
                    target,
                    customers[n % len(customers)][1],
                    at + timedelta(hours=k * 7),
                    "",
                    None if k == 0 else 7 * 3600,
                ]

    await insert_rows(
        StepEvent,
        [
            "process",
            "record_id",
            "action",
            "from_step",
            "to_step",
            "actor_id",
            "at",
            "note",
            "spent_seconds",
        ],
        event_rows(),
    )
    await Tortoise.get_connection("default").execute_script("ANALYZE;")
    return {
        "complaints": count,
        "events": count * events_per_complaint,
        "seconds": time.perf_counter() - started,
    }


async def seed_receivables(count: int = 1_000_000, seed: int = 13) -> dict[str, Any]:
    """Debts on the existing customers issued over the last three years, due 30 days
    later, almost all paid (each in two payments, so `count` debts bring about 2×`count`
    payments and allocations); what is still open is spread over every aging bucket. Adds
    a finance user (password demo1234) to read them: the aging benchmark's volume."""
    from server.domain.receivables.models import (
        Payment,
        PaymentAllocation,
        Receivable,
        receivable_status,
    )

    started = time.perf_counter()
    rng = random.Random(seed)
    now = clock.now()
    today = now.date()
    customers = await Customer.all().values_list("id", "owner_id")
    run = int(now.timestamp())
    finance = await User.create(
        username=f"bulk{run}_fin",
        display_name="财务",
        role=Role.FINANCE,
        password_hash=hash_password(DEMO_PASSWORD),
    )
    last = await Receivable.all().order_by("-id").first()
    base = last.id if last else 0
    last_payment = await Payment.all().order_by("-id").first()
    payment_base = last_payment.id if last_payment else 0
    debts: list[list[Any]] = []
    payments: list[list[Any]] = []
    allocations: list[list[Any]] = []
    for n in range(count):
        cid, _ = customers[n % len(customers)]
        issued = today - timedelta(days=rng.randint(0, 1095))
        due = issued + timedelta(days=30)
        amount = rng.randint(1_000, 500_000) * 100 + rng.randint(0, 99)
        overdue = (today - due).days
        # Old debts are paid; recent and overdue ones often not (yet).
        chance_open = 0.9 if overdue <= 0 else 0.25 if overdue <= 180 else 0.01
        paid = 0 if rng.random() < chance_open else amount
        if paid == 0 and overdue > 0 and rng.random() < 0.3:
            paid = amount // 3  # part paid
        rid = base + n + 1
        left = amount - paid
        debts.append(
            [
                rid,
                cid,
                amount,
                paid,
                left,
                issued,
                due,
                receivable_status(amount, paid, 0).value,
                f"INV{rid}",
                now,
                now,
            ]
        )
        if paid:
            first = paid // 2
            for share, day in ((first, 10), (paid - first, 25)):
                payment_base += 1
                received = min(today, issued + timedelta(days=day))
                payments.append(
                    [
                        payment_base,
                        cid,
                        share,
                        received,
                        "bank_transfer",
                        f"B{payment_base}",
                        finance.id,
                        now,
                    ]
                )
                allocations.append([payment_base, rid, share, now])
    await insert_with_defaults(
        Receivable,
        [
            "id",
            "customer_id",
            "amount_minor",
            "paid_minor",
            "open_minor",
            "issued_on",
            "due_on",
            "status",
            "reference",
            "created_at",
            "updated_at",
        ],
        debts,
    )
    await insert_with_defaults(
        Payment,
        [
            "id",
            "customer_id",
            "amount_minor",
            "received_on",
            "method",
            "reference",
            "recorded_by_id",
            "recorded_at",
        ],
        payments,
    )
    await insert_with_defaults(
        PaymentAllocation,
        ["payment_id", "receivable_id", "amount_minor", "allocated_at"],
        allocations,
    )
    await Tortoise.get_connection("default").execute_script("ANALYZE;")
    return {
        "receivables": count,
        "open": sum(1 for d in debts if d[4] > 0),
        "payments": len(payments),
        "finance": finance.username,
        "seconds": time.perf_counter() - started,
    }
