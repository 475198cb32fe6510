"""Database wiring: the Tortoise config, start-up, and the committed migrations."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.connection import get_connection
from tortoise.migrations.executor import MigrationExecutor

from server.areas import MODEL_MODULES
from server.domain.company.currency import CURRENCY
from server.settings import Settings

APP_LABEL = "crm"


def _connection(database_url: str) -> str | dict[str, Any]:
    """SQLite by URL; PostgreSQL through our engine, which skips asyncpg's per-release reset
    (server/database/postgres.py)."""
    if database_url.split("://", 1)[0] in ("postgres", "postgresql", "asyncpg"):
        expanded = expand_db_url(database_url)
        expanded["engine"] = "server.database.postgres"
        return expanded
    return database_url


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": _connection(database_url)},
        "apps": {
            APP_LABEL: {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "server.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _default_tortoise_orm() -> dict[str, Any]:
    return tortoise_config(Settings.from_env().database_url)


# For the `tortoise makemigrations` CLI:
# `tortoise -c server.database.db.TORTOISE_ORM makemigrations`.
TORTOISE_ORM = _default_tortoise_orm()


class OutdatedDatabase(RuntimeError):
    """The database lacks migrations that this version of the server needs."""


async def init_orm(settings: Settings, *, global_fallback: bool = True) -> None:
    """Connect Tortoise; the embedded default creates its directory and migrates itself."""
    if settings.sqlite_path is not None:
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    await Tortoise.init(
        config=tortoise_config(settings.database_url),
        _create_db=False,
        _enable_global_fallback=global_fallback,
    )
    if settings.migrates_on_start:
        await apply_migrations()
    else:
        pending = await pending_migrations()
        if pending:
            await Tortoise.close_connections()
            raise OutdatedDatabase(
                f"The database is missing {len(pending)} migration(s) "
                f"({', '.join(pending)}). Run `crm-server migrate` first."
            )


def _executor() -> MigrationExecutor:
    config = tortoise_config("")["apps"]
    return MigrationExecutor(get_connection("default"), config)


async def pending_migrations() -> list[str]:
    executor = _executor()
    await executor.loader.build_graph()
    # A database that was never migrated has no recorder table yet: everything is pending.
    try:
        steps = await executor.plan()
    except Exception:
        all_keys = executor._full_plan()
        return [key.name for key in all_keys]
    return [step.migration.name for step in steps if not step.backward]


async def apply_migrations() -> list[str]:
    applied: list[str] = []

    def progress(event: str, app_label: str, name: str) -> None:
        if event == "apply_done":
            applied.append(name)

    await _executor().migrate(progress=progress)
    return applied


@asynccontextmanager
async def orm(settings: Settings) -> AsyncIterator[None]:
    """The ORM for a command of the command line, with the company's money rules in force
    (its largest amount) as a request has them."""
    await init_orm(settings)
    try:
        await CURRENCY.apply()
        yield
    finally:
        await Tortoise.close_connections()
