"""crm-server as an operator runs it, in a subprocess against a fresh SQLite file."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from server.settings import sqlite_url


def crm(tmp: Path, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "CRM_DATABASE_URL": sqlite_url(tmp / "crm.sqlite3"), **env}
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


def test_outdated_database_is_refused_until_migrated(tmp_path: Path) -> None:
    refused = crm(tmp_path, "serve", "--port", "1", CRM_AUTO_MIGRATE="0")
    assert refused.returncode == 2
    assert "crm-server migrate" in refused.stderr
    migrated = crm(tmp_path, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert "0001_initial" in migrated.stdout
    assert crm(tmp_path, "migrate").stdout.strip() == "Up to date."


def test_createuser_stores_an_argon2id_hash(tmp_path: Path) -> None:
    made = crm(
        tmp_path, "createuser", "boss", "--role", "manager", "--name", "老板", stdin="s3cret-pass\n"
    )
    assert made.returncode == 0, made.stderr
    rep = crm(tmp_path, "createuser", "xiao", "--manager", "boss", stdin="s3cret-pass\n")
    assert rep.returncode == 0, rep.stderr
    short = crm(tmp_path, "createuser", "bad", stdin="short\n")
    assert short.returncode == 2 and "password" in short.stderr
    with sqlite3.connect(tmp_path / "crm.sqlite3") as db:
        rows = db.execute(
            "SELECT u.username, u.password_hash, m.username FROM app_user u "
            "LEFT JOIN app_user m ON m.id = u.manager_id ORDER BY u.id"
        ).fetchall()
    assert [(r[0], r[2]) for r in rows] == [("boss", None), ("xiao", "boss")]
    assert all(r[1].startswith("$argon2id$") for r in rows)


def test_seed_demo_once_and_bulk(tmp_path: Path) -> None:
    first = crm(tmp_path, "seed", "--demo")
    assert first.stdout.strip() == "Demo data loaded."
    assert crm(tmp_path, "seed", "--demo").stdout.strip() == "Demo data already present."
    bulk = crm(tmp_path, "seed", "--customers", "500", "--reps", "5")
    assert bulk.returncode == 0, bulk.stderr
    with sqlite3.connect(tmp_path / "crm.sqlite3") as db:
        customers = db.execute("SELECT COUNT(*) FROM customer").fetchone()[0]
        contacts = db.execute("SELECT COUNT(*) FROM contact").fetchone()[0]
        found = db.execute("SELECT name FROM customer WHERE search_text LIKE '%hzjx%'").fetchall()
    assert customers == 5 * 60 + 500
    assert contacts > customers * 2
    assert ("杭州机械厂",) in found


def test_export_schema_matches_committed_file(tmp_path: Path) -> None:
    out = crm(tmp_path, "export-schema")
    committed = (Path(__file__).resolve().parents[2] / "schema.graphql").read_text("utf-8")
    assert out.stdout == committed
