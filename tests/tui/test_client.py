"""The headless client against the real server: what it returns and how it fails."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from server.domain.followups.models import FollowUp, Interaction
from tests.conftest import Company
from tests.tui.conftest import PASSWORD, customer_due
from tui.api import CrmClient, NotAuthenticated, ServerUnreachable, UserErrors
from tui.api.tokens import TokenStore


async def test_login_queue_and_log_a_contact(company: Company, api: CrmClient) -> None:
    customer, follow_up = await customer_due(company, "r1", "杭州机械厂", -2, grade="B")
    await customer_due(company, "r1", "今天的", 0)
    await customer_due(company, "r2", "别人的", -1)
    user = await api.login("r1", PASSWORD)
    assert user.username == "r1" and api.token

    queue = await api.queue()
    assert (queue.overdue.total, queue.today.total, queue.upcoming.total) == (1, 1, 0)
    row = queue.overdue.rows[0]
    assert row.customer_name == "杭州机械厂"
    assert row.decision_maker is not None and row.decision_maker.name == "王总"
    assert row.ally is not None and row.ally.name == "李主任"

    brief = await api.customer_for_log(row.customer_id)
    assert [c.name for c in brief.contacts] == ["李主任", "王总"]
    payload = await api.log_interaction(
        customer_id=row.customer_id,
        kind="PHONE",
        grade="A",
        outcome="下周下单",
        follow_up_id=row.id,
        contact_ids=[brief.contacts[1].id],
    )
    assert payload.next_due_on and not payload.replayed
    interaction = await Interaction.get(customer_id=customer.id)
    assert interaction.outcome == "下周下单" and interaction.grade_after == "A"
    assert (await FollowUp.get(id=follow_up.id)).status == "done"


async def test_refused_input_names_the_field_and_writes_nothing(
    company: Company, api: CrmClient
) -> None:
    await customer_due(company, "r1", "客户甲", -2)
    await api.login("r1", PASSWORD)
    row = (await api.queue()).overdue.rows[0]
    with pytest.raises(UserErrors) as refused:
        await api.log_interaction(
            customer_id=row.customer_id, kind="PHONE", grade="B", satisfaction=9
        )
    assert refused.value.for_field("satisfaction")
    assert await Interaction.all().count() == 0
    with pytest.raises(UserErrors) as no_reason:
        await api.skip(row.id, row.version, "")
    assert no_reason.value.for_field("reason")


async def test_wrong_password_is_a_user_error(company: Company, api: CrmClient) -> None:
    with pytest.raises(UserErrors):
        await api.login("r1", "wrong")
    assert api.token is None


async def test_expired_or_revoked_token_is_not_authenticated(
    company: Company, api: CrmClient
) -> None:
    api.token = "no-such-token"
    with pytest.raises(NotAuthenticated):
        await api.queue()


async def test_unreachable_server_names_the_url() -> None:
    api = CrmClient("http://127.0.0.1:9/graphql", timeout=2)
    with pytest.raises(ServerUnreachable) as down:
        await api.queue()
    assert down.value.url == "http://127.0.0.1:9/graphql"
    await api.close()


def test_token_file_is_readable_by_the_user_alone(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "crm" / "session.json")
    store.put("http://a/graphql", "secret")
    store.put("http://b/graphql", "other")
    mode = stat.S_IMODE(os.stat(store.path).st_mode)
    assert mode == 0o600
    assert store.get("http://a/graphql") == "secret"
    store.put("http://a/graphql", None)
    assert store.get("http://a/graphql") is None and store.get("http://b/graphql") == "other"
