"""Logging in and out: argon2id hashes, opaque hashed tokens with expiry, lockout."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from server.domain.accounts.models import ApiToken, LoginThrottle, User
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
    await LoginThrottle.all().update(locked_until=datetime.now(UTC) - timedelta(seconds=1))
    ok = await api.data(LOGIN, {"u": "r2", "p": "correct horse battery"})
    assert ok["login"]["token"]
    assert await AuditEntry.filter(action="user.login_failed").count() == 5


async def test_four_failures_then_success_resets_the_count(company: Company) -> None:
    api = company.api(None)
    for _ in range(4):
        await api.data(LOGIN, {"u": "r2", "p": "guess"})
    assert (await api.data(LOGIN, {"u": "r2", "p": "correct horse battery"}))["login"]["token"]
    assert not await LoginThrottle.filter(key__startswith="name:r2@").exists()


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


@asynccontextmanager
async def _from(app: Any, address: str) -> AsyncIterator[Api]:
    """An anonymous API client calling from another address."""
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://crm.test") as client:
        yield Api(client)


async def _checked(username: str) -> int:
    """How many wrong passwords of this user were checked (each check of an existing user's
    wrong password is audited)."""
    user = await User.get(username=username)
    return await AuditEntry.filter(action="user.login_failed", object_id=user.id).count()


async def test_forty_concurrent_wrong_passwords_check_only_the_allowed_number(
    company: Company, app: Any
) -> None:
    async with _from(app, "203.0.113.7") as attacker:
        answers = await asyncio.gather(
            *[attacker.data(LOGIN, {"u": "admin", "p": f"guess-{n}"}) for n in range(40)]
        )
        codes = [a["login"]["userErrors"][0]["code"] for a in answers]
        # Five guesses were checked (the limit), however the forty interleaved.
        assert codes.count("INVALID_CREDENTIALS") == 5
        assert codes.count("LOCKED") == 35
        assert await _checked("admin") == 5
        locked = await attacker.data(LOGIN, {"u": "admin", "p": "correct horse battery"})
        assert locked["login"]["userErrors"][0]["code"] == "LOCKED"
        assert locked["login"]["token"] is None
    # The administrator at their own desk is not locked out by someone else's guesses.
    async with _from(app, "10.0.0.5") as desk:
        ok = await desk.data(LOGIN, {"u": "admin", "p": "correct horse battery"})
        assert ok["login"]["token"]


async def test_the_right_password_sent_with_the_guesses_beyond_the_count_is_refused(
    company: Company, app: Any
) -> None:
    async with _from(app, "203.0.113.8") as attacker:
        guesses = [
            asyncio.ensure_future(attacker.data(LOGIN, {"u": "admin", "p": f"guess-{n}"}))
            for n in range(39)
        ]
        # Sent while the guesses are still being checked, once they have taken the count.
        for _ in range(500):
            row = await LoginThrottle.get_or_none(key="name:admin@203.0.113.8")
            if row is not None and row.failures >= 5:
                break
            await asyncio.sleep(0.005)
        right = await attacker.data(LOGIN, {"u": "admin", "p": "correct horse battery"})
        answers = await asyncio.gather(*guesses)
    assert right["login"]["token"] is None
    assert right["login"]["userErrors"][0]["code"] == "LOCKED"
    codes = [a["login"]["userErrors"][0]["code"] for a in answers]
    assert codes.count("INVALID_CREDENTIALS") == 5
    assert await _checked("admin") == 5


async def test_a_lock_does_not_tell_whether_the_username_exists(company: Company, app: Any) -> None:
    async with _from(app, "198.51.100.1") as guesser:
        for name in ("r2", "nobody"):
            for _ in range(5):
                await guesser.data(LOGIN, {"u": name, "p": "guess"})
        real = (await guesser.data(LOGIN, {"u": "r2", "p": "guess"}))["login"]["userErrors"]
        ghost = (await guesser.data(LOGIN, {"u": "nobody", "p": "guess"}))["login"]["userErrors"]
    assert real == ghost
    assert real[0]["code"] == "LOCKED"


async def test_many_usernames_from_one_address_lock_the_address(company: Company, app: Any) -> None:
    async with _from(app, "192.0.2.9") as sprayer:
        for n in range(20):
            await sprayer.data(LOGIN, {"u": f"user{n}", "p": "123456"})
        refused = await sprayer.data(LOGIN, {"u": "r1", "p": "correct horse battery"})
        assert refused["login"]["userErrors"][0]["code"] == "LOCKED"
    async with _from(app, "192.0.2.10") as neighbour:
        ok = await neighbour.data(LOGIN, {"u": "r1", "p": "correct horse battery"})
        assert ok["login"]["token"]


async def test_unlock_lifts_a_lock_at_once(company: Company) -> None:
    from server.domain.accounts.services import unlock

    api = company.api(None)
    for _ in range(5):
        await api.data(LOGIN, {"u": "admin", "p": "guess"})
    assert (await api.data(LOGIN, {"u": "admin", "p": "correct horse battery"}))["login"][
        "userErrors"
    ][0]["code"] == "LOCKED"
    assert await unlock("admin") == 1
    ok = await api.data(LOGIN, {"u": "admin", "p": "correct horse battery"})
    assert ok["login"]["token"]
