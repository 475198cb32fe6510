"""Accounts: creating users, logging in and out, and turning a bearer token into a viewer."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from server.domain.accounts.models import ApiToken, Department, LoginThrottle, Role, User
from server.domain.accounts.passwords import MIN_PASSWORD_LENGTH, hash_password, verify_password
from server.domain.accounts.sessions import SESSIONS
from server.domain.accounts.viewer import Viewer
from server.domain.audit import services as audit
from server.domain.shared import clock
from server.domain.shared import validation as v
from server.domain.shared.errors import N_, DomainError, ErrorCode, FieldProblem

TOKEN_BYTES = 32  # 256 random bits, well above the 128 the issue asks for


@dataclass(frozen=True)
class LoginPolicy:
    token_ttl: timedelta
    # Failures of one username from one address within `lockout`, then that pair is locked.
    max_failures: int
    lockout: timedelta
    # Failures from one address over all usernames: guessing across accounts.
    max_failures_per_address: int = 20


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime
    user: User


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> datetime:
    return clock.now()


async def create_user(
    *,
    username: str,
    password: str,
    display_name: str,
    role: Role,
    manager: User | None = None,
    department: str | None = None,
    email: str = "",
) -> User:
    """Create a user (the CLI's `create-user`). Refuses a blank, too long or taken username, a
    password shorter than MIN_PASSWORD_LENGTH and a bad email, all at once."""
    problems: list[FieldProblem] = []
    username = username.strip().lower()
    if (
        not username
        or len(username) > 64
        or not username.replace(".", "").replace("_", "").isalnum()
    ):
        problems.append(
            FieldProblem("username", ErrorCode.INVALID, "Use 1–64 letters, digits, '.' or '_'.")
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(
            FieldProblem(
                "password",
                ErrorCode.INVALID,
                N_("At least {least} characters."),
                {"least": MIN_PASSWORD_LENGTH},
            )
        )
    if problems:
        raise DomainError(*problems)
    cleaned = v.clean(
        {"display_name": v.text(100, required=True), "email": v.email},
        {"display_name": display_name or username, "email": email},
    )
    async with in_transaction():
        dept = None
        if department:
            dept, _ = await Department.get_or_create(name=department)
        try:
            return await User.create(
                username=username,
                password_hash=hash_password(password),
                display_name=cleaned["display_name"],
                email=cleaned["email"] or None,
                role=role,
                manager=manager,
                department=dept,
            )
        except IntegrityError as exc:
            raise DomainError.single(
                ErrorCode.DUPLICATE,
                N_("User “{username}” already exists."),
                "username",
                username=username,
            ) from exc


def _name_key(username: str, address: str) -> str:
    # Unknown usernames are counted like real ones, so a lock never tells which exist.
    return f"name:{username[:100]}@{address[:60]}"


def _address_key(address: str) -> str:
    return f"addr:{address[:60]}"


async def _claim(key: str, limit: int, policy: LoginPolicy, now: datetime) -> datetime | None:
    """Count one attempt for `key` before its password is checked: None when it may go on,
    or until when the key is locked (it used its `limit` attempts in this window).

    The count is taken first and atomically, by conditional statements only, so forty
    attempts arriving together are at most `limit` checks of the password, however they
    interleave: a guess is counted whether or not its check has finished.
    """
    # A lock that has run out, or a window that passed without one, starts a new window;
    # only one of several concurrent attempts can match this condition.
    await LoginThrottle.filter(
        Q(locked_until__lte=now)
        | Q(locked_until__isnull=True, window_started_at__lt=now - policy.lockout),
        key=key,
    ).update(failures=0, window_started_at=now, locked_until=None)
    claimed = await LoginThrottle.filter(key=key, failures__lt=limit).update(
        failures=F("failures") + 1
    )
    if not claimed:
        try:
            await LoginThrottle.create(key=key, failures=1, window_started_at=now)
            claimed = 1
        except IntegrityError:  # it exists: this window's attempts are used up
            claimed = await LoginThrottle.filter(key=key, failures__lt=limit).update(
                failures=F("failures") + 1
            )
    # The attempt that reached the limit locks the key for the lockout from now.
    await LoginThrottle.filter(key=key, failures__gte=limit, locked_until__isnull=True).update(
        locked_until=now + policy.lockout
    )
    if claimed:
        return None
    until = await LoginThrottle.filter(key=key).values_list("locked_until", flat=True)
    return cast(datetime, until[0]) if until and until[0] else now + policy.lockout


async def unlock(username: str | None = None) -> int:
    """Lift login locks (all, or one username's from every address); for `crm-server
    unlock`, so no run of guesses can keep an administrator out for good."""
    query = LoginThrottle.all()
    if username:
        query = query.filter(key__startswith=f"name:{username.strip().lower()}@")
    return await query.delete()


async def login(
    username: str,
    password: str,
    policy: LoginPolicy,
    request_id: str = "",
    address: str = "unknown",
) -> IssuedToken:
    """Check the password and issue a token. Repeated failures lock that username from that
    client address, and many failures lock the address; others are not locked out."""
    invalid = DomainError.single(
        ErrorCode.INVALID_CREDENTIALS, "Wrong username or password.", "password"
    )
    name = username.strip().lower()
    keys = [_name_key(name, address), _address_key(address)]
    now = _now()
    for key, limit in ((keys[0], policy.max_failures), (keys[1], policy.max_failures_per_address)):
        until = await _claim(key, limit, policy, now)
        if until is not None:
            minutes = max(1, int((until - now).total_seconds() // 60) + 1)
            raise DomainError.single(
                ErrorCode.LOCKED,
                N_("Too many failed logins: try again in {minutes} minute(s)."),
                "username",
                minutes=minutes,
            )
    user = await User.get_or_none(username=name) if name and len(name) <= 64 else None
    # Verify even for an unknown user so response time does not reveal which names exist.
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not user.is_active or not ok:
        # The attempt was counted before the check: nothing more to count.
        if user is not None:
            await audit.record(
                Viewer(user=None, request_id=request_id), "user.login_failed", "User", user.id
            )
        raise invalid
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires_at = now + policy.token_ttl
    async with in_transaction():
        # A success forgives this name's attempts from here, and gives the address back
        # the one it counted (an office behind one address signs in all day).
        await LoginThrottle.filter(key=keys[0]).delete()
        await LoginThrottle.filter(key=keys[1], failures__lte=1, locked_until__isnull=True).delete()
        await LoginThrottle.filter(key=keys[1], failures__gt=0).update(failures=F("failures") - 1)
        # Tokens that can no longer authenticate are only clutter: drop them as a new one
        # is issued, so the table stays the size of the live sessions.
        await ApiToken.filter(
            Q(expires_at__lte=now) | Q(revoked_at__isnull=False), user_id=user.id
        ).delete()
        await ApiToken.create(user=user, token_hash=_token_hash(token), expires_at=expires_at)
        await audit.record(Viewer(user=user, request_id=request_id), "user.login", "User", user.id)
    return IssuedToken(token=token, expires_at=expires_at, user=user)


async def logout(token: str, viewer: Viewer) -> None:
    """Revoke this token (the one the request came with); refused when nobody is signed in."""
    viewer.require_user()
    SESSIONS.forget(_token_hash(token))
    await ApiToken.filter(token_hash=_token_hash(token), revoked_at__isnull=True).update(
        revoked_at=_now()
    )
    await audit.record(viewer, "user.logout", "User", viewer.id)


async def user_for_token(token: str) -> User | None:
    """The active user holding this unexpired, unrevoked token: remembered for a few seconds
    (see sessions.py for how soon a logout or a deactivation is seen), else one query."""
    if not token or len(token) > 200:
        return None
    token_hash = _token_hash(token)
    remembered = SESSIONS.get(token_hash)
    if remembered is not None:
        return remembered
    row = (
        await ApiToken.filter(
            token_hash=token_hash,
            revoked_at__isnull=True,
            expires_at__gt=_now(),
            user__is_active=True,
        )
        .select_related("user")
        .first()
    )
    if row is None:
        return None
    SESSIONS.put(token_hash, row.user, row.expires_at)
    return row.user
