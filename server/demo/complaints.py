"""The demo company's complaints: one or more in every step, some overdue, one rejected,
one rejected and reopened, one sent back, closed ones with lessons, with photos and a
report attached, so `crm demo` shows a full board. Each is taken through its steps by the
real services, back-dated with the clock, so events, due times and audit entries are what
the product itself would have written."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial
from typing import Any

from server.domain.accounts.models import Department, User
from server.domain.accounts.viewer import Viewer
from server.domain.complaints import evidence, services
from server.domain.complaints.models import Complaint
from server.domain.customers.models import Customer
from server.domain.shared import clock
from server.domain.shared.blobs import BlobStore

Move = Callable[[Complaint], Awaitable[Complaint]]


def tiny_png(red: int, green: int, blue: int, size: int = 8) -> bytes:
    """A real, viewable PNG of one colour (a stand-in for a photo of the damage)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes([red, green, blue]) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size))
        + chunk(b"IEND", b"")
    )


REPORT_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

# (subject, kind, customer owner, the step it is taken to, hours ago it was recorded)
SCENARIOS: list[tuple[str, str, str, str, int]] = [
    ("外箱压坏，三台设备外壳变形", "transit_damage", "zhang", "approve", 120),
    ("尺寸超差 0.3mm", "out_of_tolerance", "zhang", "validate", 100),
    ("交货晚了五天", "delivery_time", "li", "validate", 3),
    ("发票抬头开错", "settlement", "liu", "assign", 30),
    ("电机异响", "malfunction", "zhang", "analyse", 200),
    ("业务员答复不及时", "attitude", "li", "propose", 90),
    ("少发两箱", "quantity", "zhang", "implement", 150),
    ("包装受潮", "packing", "liu", "evaluate", 260),
    ("控制器故障", "malfunction", "zhang", "closed", 400),
    ("规格与合同不符", "spec_mismatch", "li", "closed", 600),
    ("已过保修期的维修要求", "malfunction", "zhang", "rejected", 160),
    ("送货地址错误", "delivery_place", "liu", "reopened", 300),
    ("折扣与约定不符", "settlement", "zhang", "sent_back", 180),
]


async def seed_demo_complaints(users: dict[str, User], store: BlobStore | None) -> int:
    """Record and move the demo complaints; how many were made."""
    made = 0
    for subject, kind, owner, target, hours in SCENARIOS:
        customer = (
            await Customer.filter(owner_id=users[owner].id).order_by("id").offset(made).first()
        )
        if customer is not None:
            await _scenario(users, store, customer, subject, kind, owner, target, hours)
            made += 1
    return made


async def _scenario(
    users: dict[str, User],
    store: BlobStore | None,
    customer: Customer,
    subject: str,
    kind: str,
    owner: str,
    target: str,
    hours: int,
) -> None:
    """One complaint, recorded `hours` ago by the customer's owner and taken to `target`."""
    service = await Department.get(name="客服质量部")
    as_ = {name: Viewer(user=user) for name, user in users.items()}
    zhou, start = users["zhou"], clock.now() - timedelta(hours=hours)

    async def at(hours_later: float, call: Callable[[], Awaitable[Any]]) -> Any:
        with clock.standing_at(start + timedelta(hours=hours_later)):
            return await call()

    complaint: Complaint = await at(
        0,
        lambda: services.record_complaint(
            as_[owner],
            customer.id,
            {
                "channel": "phone",
                "kind": kind,
                "subject": subject,
                "description": f"客户来电反映：{subject}。",
                "demand": "尽快处理并给出答复",
                "amount": "3600.00",
                "severity": "high" if "故障" in subject else "medium",
            },
        ),
    )
    if store is not None and kind in ("transit_damage", "packing", "quantity"):
        photo = tiny_png(180, 60, 40)
        await at(
            0.5,
            lambda: evidence.attach(
                as_[owner], complaint.id, "现场照片.png", photo, store, 10_000_000, "破损处"
            ),
        )
    if store is not None and kind == "malfunction":
        await at(
            0.5,
            lambda: evidence.attach(
                as_["zhou"], complaint.id, "检测报告.pdf", REPORT_PDF, store, 10_000_000, "检测"
            ),
        )
    if target in ("rejected", "reopened"):
        complaint = await at(
            3,
            lambda: services.reject(
                as_["zhou"],
                complaint.id,
                complaint.version,
                "超出合同约定范围",
                "感谢反馈，经核实不属于质量问题。",
            ),
        )
        if target == "reopened":
            await at(
                20,
                lambda: services.reopen(
                    as_[owner], complaint.id, complaint.version, "客户补充了证据"
                ),
            )
        return
    handler = zhou.id if owner != "li" else users["li"].id
    steps: list[tuple[str, float, Move]] = [
        ("validate", 2, lambda c: services.validate(as_["zhou"], c.id, c.version)),
        (
            "assign",
            6,
            lambda c: services.assign(as_["zhou"], c.id, c.version, service.id, handler),
        ),
        (
            "analyse",
            30,
            lambda c: services.analyse(as_["wang"], c.id, c.version, "出厂检验漏检", "our_product"),
        ),
        (
            "propose",
            40,
            lambda c: services.propose(
                as_["zhou"], c.id, c.version, "exchange", "补发新品并承担运费", "3600.00"
            ),
        ),
        ("approve", 50, lambda c: services.approve(as_["wang"], c.id, c.version, "同意")),
        (
            "implement",
            70,
            lambda c: services.implement(
                as_["zhou"], c.id, c.version, "已补发新品", clock.now(), "客户表示满意"
            ),
        ),
        (
            "evaluate",
            90,
            lambda c: services.evaluate(
                as_["wang"],
                c.id,
                c.version,
                "出厂前加测一项",
                4,
                "更新出厂检验规程",
                zhou.id,
                clock.now().date() + timedelta(days=30),
            ),
        ),
    ]
    stop = {"sent_back": "approve", "closed": None}.get(target, target)
    for step, later, move in steps:
        if step == stop:
            break
        complaint = await at(later, partial(move, complaint))
    if target == "sent_back":
        await at(
            55,
            lambda: services.send_back(
                as_["wang"], complaint.id, complaint.version, "运费不应由我方承担"
            ),
        )
