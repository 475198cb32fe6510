"""Logging in and out: argon2id hashes, opaque hashed tokens with expiry, lockout."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from server.domain.accounts.models import ApiToken, User
from server.domain.audit.models import AuditEntry
from tests.conftest import Api, Company

LOGIN = """mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) {
  token expiresAt user { username role } userErrors { field code message } } }"""


async def test_login_issues_a_working_token_stored_only_as_hash(company: Company) -> None:
    api = company.api(None)
    body = await api.data(LOGIN, {"u": "R1", "p": "correct horse battery"})
    login = body["login"]
    assert login["userErrors"] == []
    assert login["user"] == {"username": "r1", "role": "SALES_REP"}
    token = login["token"]
    assert len(token) >= 43  # 32 random bytes, url-safe base64: 256 bits
    expires = datetime.fromisoformat(login["expiresAt"])
    assert timedelta(days=29) < expires - datetime.now(UTC) <= timedelta(days=30)
    stored = await ApiToken.filter(user_id=company.users["r1"].id).values_list(
        "token_hash", flat=True
    )
    assert hashlib.sha256(token.encode()).hexdigest() in stored
    assert token not in stored
    me = await Api(company.client, token).data("{ viewer { username } }")
    assert me["viewer"] == {"username": "r1"}


async def test_password_is_hashed_with_argon2id(company: Company) -> None:
    user = await User.get(username="r1")
    assert user.password_hash.startswith("$argon2id$")


async def test_wrong_password_and_unknown_user_look_the_same(company: Company) -> None:
    api = company.api(None)
    wrong = (await api.data(LOGIN, {"u": "r1", "p": "nope"}))["login"]
    unknown = (await api.data(LOGIN, {"u": "ghost", "p": "nope"}))["login"]
    assert wrong["userErrors"] == unknown["userErrors"]
    assert wrong["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
    assert wrong["token"] is None


async def test_five_failures_lock_the_account_even_for_the_right_password(
    company: Company,
) -> None:
    api = company.api(None)
    for _ in range(5):
        body = await api.data(LOGIN, {"u": "r2", "p": "guess"})
        assert body["login"]["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
    locked = await api.data(LOGIN, {"u": "r2", "p": "correct horse battery"})
    assert locked["login"]["token"] is None
    assert locked["login"]["userErrors"][0]["code"] == "LOCKED"
    assert "minute" in locked["login"]["userErrors"][0]["message"]
    # Once the lock runs out, the right password works again.
    await User.filter(username="r2").update(locked_until=datetime.now(UTC) - timedelta(seconds=1))
    ok = await api.data(LOGIN, {"u": "r2", "p": "correct horse battery"})
    assert ok["login"]["token"]
    assert await AuditEntry.filter(action="user.login_failed").count() == 5


async def test_four_failures_then_success_resets_the_count(company: Company) -> None:
    api = company.api(None)
    for _ in range(4):
        await api.data(LOGIN, {"u": "r2", "p": "guess"})
    assert (await api.data(LOGIN, {"u": "r2", "p": "correct horse battery"}))["login"]["token"]
    assert (await User.get(username="r2")).failed_logins == 0


async def test_expired_revoked_and_forged_tokens_are_anonymous(company: Company) -> None:
    await ApiToken.filter(user_id=company.users["r1"].id).update(
        expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    expired = await company.api("r1").post("{ viewer { username } customers { totalCount } }")
    assert expired["data"] is None or expired["data"]["viewer"] is None
    assert expired["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    forged = await Api(company.client, "x" * 43).post("{ viewer { username } }")
    assert forged["data"]["viewer"] is None


async def test_deactivated_user_token_stops_working(company: Company) -> None:
    await User.filter(username="r1").update(is_active=False)
    body = await company.api("r1").post("{ viewer { username } }")
    assert body["data"]["viewer"] is None
    login = await company.api(None).data(LOGIN, {"u": "r1", "p": "correct horse battery"})
    assert login["login"]["userErrors"][0]["code"] == "INVALID_CREDENTIALS"


async def test_viewer_shows_manager_and_department(company: Company) -> None:
    body = await company.api("r1").data(
        "{ viewer { displayName manager { username role } department { name } } }"
    )
    assert body["viewer"] == {
        "displayName": "R1",
        "manager": {"username": "m1", "role": "MANAGER"},
        "department": None,
    }


async def test_logging_in_purges_dead_tokens_but_keeps_live_ones(company: Company) -> None:
    r1 = company.users["r1"]
    now = datetime.now(UTC)
    await ApiToken.create(user=r1, token_hash="a" * 64, expires_at=now - timedelta(days=1))
    await ApiToken.create(
        user=r1, token_hash="b" * 64, expires_at=now + timedelta(days=1), revoked_at=now
    )
    live_before = await ApiToken.filter(
        user_id=r1.id, revoked_at__isnull=True, expires_at__gt=now
    ).count()
    await company.api(None).data(LOGIN, {"u": "r1", "p": "correct horse battery"})
    hashes = await ApiToken.filter(user_id=r1.id).values_list("token_hash", flat=True)
    assert "a" * 64 not in hashes and "b" * 64 not in hashes
    assert len(hashes) == live_before + 1
    # The fixture's token still works.
    assert (await company.api("r1").data("{ viewer { username } }"))["viewer"]
