"""Backups and restores: the database and the evidence files, in one archive.

`crm-server backup FILE` takes a consistent copy while the server runs: SQLite's online
backup API (a snapshot of one moment, writers carry on), or `pg_dump --format=custom` (one
transaction's snapshot). The evidence files are copied after the database: a file is
written before the row that names it commits, so every file the copied database names is
there to copy. The archive (tar, gzip) holds:

    manifest.json            what, when, which database, the migrations applied
    database.sqlite3 | database.pgdump
    evidence/ab/<sha256>     the complaint evidence files (content-addressed, as stored)

`crm-server restore FILE` puts it into an empty database only, never over data.
`crm-server backup --keep N DIR` writes a dated archive into DIR and keeps the newest N
(docs/domain.md §9: 每周备份一次; docs/operating.md has a timer that runs it weekly).
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from server.settings import Settings, libpq_url

FORMAT = 1
PREFIX = "crm-backup-"
SUFFIX = ".tar.gz"


class BackupError(RuntimeError):
    """What went wrong, in words for the operator."""


@dataclass(frozen=True)
class Manifest:
    database: str  # "sqlite" or "postgres"
    created_at: str
    migrations: list[str]
    evidence_files: int

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "format": FORMAT,
                "database": self.database,
                "createdAt": self.created_at,
                "migrations": self.migrations,
                "evidenceFiles": self.evidence_files,
            },
            indent=2,
        ).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        raw = json.loads(data)
        if raw.get("format") != FORMAT:
            raise BackupError(f"Unknown backup format {raw.get('format')!r}.")
        return cls(
            database=raw["database"],
            created_at=raw["createdAt"],
            migrations=list(raw["migrations"]),
            evidence_files=int(raw["evidenceFiles"]),
        )


def _kind(settings: Settings) -> str:
    return "sqlite" if settings.is_sqlite else "postgres"


# -- backing up -----------------------------------------------------------------------------


async def backup(settings: Settings, target: Path) -> Manifest:
    """Write a backup archive to `target` (through a temporary file: a crash leaves no
    half-written archive under the name)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="crm-backup-") as tmp:
        work = Path(tmp)
        if settings.is_sqlite:
            dump = work / "database.sqlite3"
            await asyncio.to_thread(_sqlite_copy, _sqlite_file(settings), dump)
            migrations = await asyncio.to_thread(_sqlite_migrations, dump)
        else:
            dump = work / "database.pgdump"
            await _pg_dump(settings, dump)
            migrations = await _pg_migrations(settings)
        evidence = _evidence_files(settings.evidence_path)
        manifest = Manifest(
            database=_kind(settings),
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            migrations=migrations,
            evidence_files=len(evidence),
        )
        partial = target.with_name(target.name + ".partial")
        await asyncio.to_thread(_write_archive, partial, manifest, dump, evidence)
        os.replace(partial, target)
    return manifest


def _sqlite_file(settings: Settings) -> Path:
    path = settings.sqlite_path
    if path is None or not path.is_file():
        raise BackupError(f"No database file at {path}.")
    return path


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy while other connections write."""
    # A file URI made by pathlib: a path holding "?", "#" or "%" stays a path.
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst, pages=1024)
    finally:
        dst.close()
        src.close()


def _sqlite_migrations(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return _migration_names(conn.execute(_MIGRATIONS_SQL).fetchall())
    except sqlite3.Error:
        return []
    finally:
        conn.close()


_MIGRATIONS_SQL = "SELECT name FROM tortoise_migrations ORDER BY name"


def _migration_names(rows: list[Any]) -> list[str]:
    return [str(row[0]) for row in rows]


async def _pg_dump(settings: Settings, target: Path) -> None:
    await _run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", libpq_url(settings)]
    )


async def _pg_migrations(settings: Settings) -> list[str]:
    import asyncpg

    conn = await asyncpg.connect(libpq_url(settings))
    try:
        return _migration_names(await conn.fetch(_MIGRATIONS_SQL))
    except asyncpg.PostgresError:
        return []
    finally:
        await conn.close()


async def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL's client tools).")
    process = await asyncio.create_subprocess_exec(
        *command, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    _, err = await process.communicate()
    if process.returncode != 0:
        raise BackupError(f"{command[0]} failed: {err.decode(errors='replace').strip()}")


def _evidence_files(directory: Path) -> list[tuple[Path, str]]:
    """Each stored file with its path under the evidence directory (temporary files of a
    write in progress start with a dot and are left out)."""
    if not directory.is_dir():
        return []
    return sorted(
        (p, p.relative_to(directory).as_posix())
        for p in directory.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    )


def _write_archive(
    target: Path, manifest: Manifest, dump: Path, evidence: list[tuple[Path, str]]
) -> None:
    with tarfile.open(target, "w:gz") as archive:
        info = tarfile.TarInfo("manifest.json")
        data = manifest.to_json()
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
        archive.add(dump, arcname=dump.name)
        for path, name in evidence:
            archive.add(path, arcname=f"evidence/{name}")


async def backup_rotating(
    settings: Settings, directory: Path, keep: int
) -> tuple[Path, list[Path]]:
    """A dated backup in `directory`; older ones beyond the newest `keep` are deleted."""
    if keep < 1:
        raise BackupError("--keep must be at least 1.")
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = directory / f"{PREFIX}{stamp}{SUFFIX}"
    await backup(settings, target)
    ours = sorted(directory.glob(f"{PREFIX}*{SUFFIX}"))
    removed = ours[:-keep]
    for old in removed:
        old.unlink()
    return target, removed


# -- restoring ------------------------------------------------------------------------------


async def restore(settings: Settings, source: Path) -> Manifest:
    """Restore an archive into the configured database, which must be empty."""
    if not source.is_file():
        raise BackupError(f"No backup at {source}.")
    with tempfile.TemporaryDirectory(prefix="crm-restore-") as tmp:
        work = Path(tmp)
        manifest = await asyncio.to_thread(_extract, source, work)
        if manifest.database != _kind(settings):
            raise BackupError(
                f"This is a backup of a {manifest.database} database; the server is "
                f"configured for {_kind(settings)}. Restore it into the same kind."
            )
        if settings.is_sqlite:
            await asyncio.to_thread(_sqlite_restore, work / "database.sqlite3", settings)
        else:
            await _pg_restore(settings, work / "database.pgdump")
        _restore_evidence(work / "evidence", settings.evidence_path)
    return manifest


def _extract(source: Path, work: Path) -> Manifest:
    with tarfile.open(source, "r:gz") as archive:
        # The "data" filter refuses absolute paths, links out and device files.
        archive.extractall(work, filter="data")
    manifest_file = work / "manifest.json"
    if not manifest_file.is_file():
        raise BackupError("Not a CRM backup: no manifest.json.")
    return Manifest.from_json(manifest_file.read_bytes())


def _sqlite_restore(dump: Path, settings: Settings) -> None:
    target = settings.sqlite_path
    assert target is not None
    if target.exists() and _sqlite_has_tables(target):
        raise BackupError(f"{target} already holds a database; restore into an empty one.")
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(dump)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
        verdict = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"The restored database fails its integrity check: {verdict}")
    finally:
        dst.close()
        src.close()


def _sqlite_has_tables(path: Path) -> bool:
    conn = sqlite3.connect(path)
    try:
        count = conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'").fetchone()
        return bool(count[0])
    finally:
        conn.close()


async def _pg_restore(settings: Settings, dump: Path) -> None:
    import asyncpg

    conn = await asyncpg.connect(libpq_url(settings))
    try:
        tables = await conn.fetchval(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'"
        )
    finally:
        await conn.close()
    if tables:
        raise BackupError("The database already holds tables; restore into an empty one.")
    await _run(
        [
            "pg_restore",
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={libpq_url(settings)}",
            str(dump),
        ]
    )


def _restore_evidence(source: Path, target: Path) -> None:
    if not source.is_dir():
        return
    for path in source.rglob("*"):
        if not path.is_file():
            continue
        destination = target / path.relative_to(source)
        if not destination.exists():
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
