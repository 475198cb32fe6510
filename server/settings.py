"""One Settings object for the whole server, read from CRM_* environment variables.

Nothing else in the server reads os.environ: tests and the CLI build a Settings and pass it
down, so two apps with different databases can live in one process.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from platformdirs import user_data_dir


def default_database_url() -> str:
    """The embedded default: one SQLite file in the user's data directory."""
    path = Path(user_data_dir("crm", appauthor=False)) / "crm.sqlite3"
    return sqlite_url(path)


def sqlite_url(path: Path | str) -> str:
    # Tortoise turns URL parameters into PRAGMAs on connect. WAL lets readers work while the
    # single writer commits; busy_timeout makes a second process wait instead of failing.
    # synchronous=FULL syncs the log on every commit: an acknowledged payment survives the
    # machine losing power (NORMAL could lose the last commits then; only a process crash
    # was safe). It costs one fsync per write transaction, nothing on reads.
    # A 64 MB page cache and memory-mapped reads keep a 100,000-customer archive hot: with
    # SQLite's 2 MB default every search re-read its pages from the OS (3x slower).
    return (
        f"sqlite://{path}?journal_mode=WAL&busy_timeout=5000&synchronous=FULL"
        "&cache_size=-65536&mmap_size=268435456&temp_store=MEMORY"
    )


def libpq_url(settings: Settings) -> str:
    """The PostgreSQL URL as libpq and asyncpg take it: Tortoise's pool parameters
    (?minsize=…) are not connection options."""
    rest = settings.database_url.split("://", 1)[1]
    return "postgresql://" + rest.split("?", 1)[0]


def _env_int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SystemExit(f"{name} must be an integer, got {raw!r}") from exc


def _env_float(env: dict[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise SystemExit(f"{name} must be a number, got {raw!r}") from exc
    if not 0 < value < 3600:
        raise SystemExit(f"{name} must be between 0 and 3600 seconds, got {raw!r}")
    return value


def _env_bool(env: dict[str, str], name: str) -> bool | None:
    raw = env.get(name, "").strip().lower()
    if raw == "":
        return None
    return raw in ("1", "true", "yes", "on")


def _log_format(raw: str) -> bool | None:
    value = raw.strip().lower()
    if value == "":
        return None
    if value not in ("json", "text"):
        raise SystemExit(f"CRM_LOG_FORMAT must be json or text, got {raw!r}")
    return value == "json"


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=default_database_url)
    host: str = "127.0.0.1"
    port: int = 8000
    token_ttl_hours: int = 24 * 30
    # This many failed logins of one username from one client address within
    # login_lockout_minutes lock that pair for login_lockout_minutes; the per-address
    # count covers guessing across usernames.
    login_max_failures: int = 5
    login_lockout_minutes: int = 15
    login_max_failures_per_address: int = 20
    # Proxies whose X-Forwarded-For names the client (uvicorn's forwarded_allow_ips).
    forwarded_allow_ips: str = "127.0.0.1"
    max_body_bytes: int = 1_000_000
    # Evidence files (complaint photos, documents): where they are kept (by content hash;
    # next to the SQLite file, or in the user's data directory, when not set) and the
    # largest accepted. An upload's body may be this much larger than max_body_bytes.
    evidence_dir: str | None = None
    max_evidence_bytes: int = 10_000_000
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5_000
    # Field resolutions one query may ask for (page sizes and the lists' stated bounds
    # multiplied through, see server/graphql/cost.py), and the seconds one request may run.
    # A page of 100 customers with every contact's name and phone is about 25,000 by the
    # contacts' bound of 100: the limit leaves room for two such lists, not thirty.
    max_query_cost: int = 50_000
    request_time_budget_seconds: float = 10.0
    # What one answer may hold: fields completed (counted as it is built, so an answer
    # larger than its estimate is stopped, not sent) and bytes once written as JSON.
    max_response_fields: int = 200_000
    max_response_bytes: int = 10_000_000
    # Live subscriptions one user may hold at once (the client needs four per window), and
    # one server process (each one is checked against its viewer on every change).
    max_subscriptions_per_user: int = 40
    max_subscriptions_per_process: int = 5_000
    # How long each process remembers which user a token belongs to, and each viewer's
    # grants and reporting line (0: never): a logout, a deactivation, a new grant or a new
    # manager reaches the other processes within this many seconds (access/reach.py).
    session_cache_seconds: int = 10
    # How often views of other people's customers are written to the audit log; a crash
    # loses at most this many seconds of them (server/domain/audit/view_log.py).
    view_log_flush_seconds: float = 1.0
    # How long a list's totalCount is remembered per viewer and filter (0: never); writes
    # through this process forget them at once (server/domain/shared/counts.py).
    count_cache_seconds: int = 10
    # How often each process offers to do the timed work (time limits turning overdue,
    # collection cases, reminders, class service, pruning the outbox); each job runs once
    # across processes whatever their number (server/process/timed.py). 0: never (tests, tools).
    timed_work_seconds: float = 30.0
    # Server processes (`serve --workers`): PostgreSQL only; SQLite is one process.
    workers: int = 1
    # Logs as JSON lines (CRM_LOG_FORMAT=json; the default in production) or plain text.
    log_json: bool | None = None
    # Migrate on start: on for the embedded default; PostgreSQL is migrated explicitly.
    auto_migrate: bool | None = None
    debug: bool = False
    # A production server: no GraphiQL page and no schema introspection without a token,
    # unless switched back on one by one (CRM_GRAPHIQL, CRM_ANONYMOUS_INTROSPECTION).
    production: bool = False
    graphiql: bool | None = None
    anonymous_introspection: bool | None = None

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        base = cls()
        return replace(
            base,
            database_url=env.get("CRM_DATABASE_URL") or base.database_url,
            host=env.get("CRM_HOST") or base.host,
            port=_env_int(env, "CRM_PORT", base.port),
            token_ttl_hours=_env_int(env, "CRM_TOKEN_TTL_HOURS", base.token_ttl_hours),
            login_max_failures=_env_int(env, "CRM_LOGIN_MAX_FAILURES", base.login_max_failures),
            login_lockout_minutes=_env_int(
                env, "CRM_LOGIN_LOCKOUT_MINUTES", base.login_lockout_minutes
            ),
            login_max_failures_per_address=_env_int(
                env, "CRM_LOGIN_MAX_FAILURES_PER_ADDRESS", base.login_max_failures_per_address
            ),
            forwarded_allow_ips=env.get("CRM_FORWARDED_ALLOW_IPS") or base.forwarded_allow_ips,
            max_body_bytes=_env_int(env, "CRM_MAX_BODY_BYTES", base.max_body_bytes),
            evidence_dir=env.get("CRM_EVIDENCE_DIR") or base.evidence_dir,
            max_evidence_bytes=_env_int(env, "CRM_MAX_EVIDENCE_BYTES", base.max_evidence_bytes),
            max_query_cost=_env_int(env, "CRM_MAX_QUERY_COST", base.max_query_cost),
            request_time_budget_seconds=_env_int(
                env, "CRM_REQUEST_TIME_BUDGET_SECONDS", int(base.request_time_budget_seconds)
            ),
            max_response_fields=_env_int(env, "CRM_MAX_RESPONSE_FIELDS", base.max_response_fields),
            max_response_bytes=_env_int(env, "CRM_MAX_RESPONSE_BYTES", base.max_response_bytes),
            max_subscriptions_per_user=_env_int(
                env, "CRM_MAX_SUBSCRIPTIONS_PER_USER", base.max_subscriptions_per_user
            ),
            max_subscriptions_per_process=_env_int(
                env, "CRM_MAX_SUBSCRIPTIONS_PER_PROCESS", base.max_subscriptions_per_process
            ),
            session_cache_seconds=_env_int(
                env, "CRM_SESSION_CACHE_SECONDS", base.session_cache_seconds
            ),
            view_log_flush_seconds=_env_float(
                env, "CRM_VIEW_LOG_FLUSH_SECONDS", base.view_log_flush_seconds
            ),
            count_cache_seconds=_env_int(env, "CRM_COUNT_CACHE_SECONDS", base.count_cache_seconds),
            timed_work_seconds=float(
                _env_int(env, "CRM_TIMED_WORK_SECONDS", int(base.timed_work_seconds))
            ),
            workers=_env_int(env, "CRM_WORKERS", base.workers),
            log_json=_log_format(env.get("CRM_LOG_FORMAT", "")),
            auto_migrate=_env_bool(env, "CRM_AUTO_MIGRATE"),
            debug=env.get("CRM_DEBUG", "") in ("1", "true", "yes"),
            production=bool(_env_bool(env, "CRM_PRODUCTION")),
            graphiql=_env_bool(env, "CRM_GRAPHIQL"),
            anonymous_introspection=_env_bool(env, "CRM_ANONYMOUS_INTROSPECTION"),
        )

    @property
    def serves_graphiql(self) -> bool:
        return not self.production if self.graphiql is None else self.graphiql

    @property
    def introspection_without_token(self) -> bool:
        if self.anonymous_introspection is None:
            return not self.production
        return self.anonymous_introspection

    @property
    def logs_json(self) -> bool:
        return self.production if self.log_json is None else self.log_json

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def migrates_on_start(self) -> bool:
        return self.is_sqlite if self.auto_migrate is None else self.auto_migrate

    @property
    def evidence_path(self) -> Path:
        """Where evidence files are kept."""
        if self.evidence_dir:
            return Path(self.evidence_dir)
        db = self.sqlite_path
        if db is not None and str(db) not in ("", ":memory:"):
            return db.parent / "evidence"
        return Path(user_data_dir("crm", appauthor=False)) / "evidence"

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        # As Tortoise reads it: what follows "sqlite://" is the path, so "sqlite:///abs",
        # "sqlite:////abs" (the SQLAlchemy spelling) and "sqlite://relative" all work; a
        # path with two leading slashes means something else to POSIX, so fold them.
        raw = self.database_url.removeprefix("sqlite://").split("?", 1)[0]
        if raw.startswith("//"):
            raw = "/" + raw.lstrip("/")
        return Path(raw)
