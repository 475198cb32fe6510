"""crm-server as an operator runs it, in a subprocess against a fresh SQLite file."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

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
    # At argon2-cffi's cost (RFC 9106's second choice), not the tests' cheap one.
    assert all(r[1].startswith("$argon2id$v=19$m=65536,t=3,p=4$") for r in rows)


def test_seed_demo_once_and_bulk(tmp_path: Path) -> None:
    first = crm(tmp_path, "seed", "--demo")
    # Where the data lives comes first: the database, then the evidence files.
    database = f"Database: {tmp_path / 'crm.sqlite3'} (SQLite)"
    evidence = f"Evidence files: {tmp_path / 'evidence'}"
    assert first.stdout.splitlines() == [database, evidence, "Demo data loaded."]
    again = crm(tmp_path, "seed", "--demo").stdout.splitlines()
    assert again == [database, evidence, "Demo data already present."]
    bulk = crm(tmp_path, "seed", "--customers", "500", "--reps", "5")
    assert bulk.returncode == 0, bulk.stderr
    with sqlite3.connect(tmp_path / "crm.sqlite3") as db:
        # No demo customer was last contacted in the future.
        now = datetime.now(UTC).isoformat(sep=" ")
        future = db.execute(
            "SELECT COUNT(*) FROM customer WHERE last_contact_at > ?", (now,)
        ).fetchone()[0]
        assert future == 0
        customers = db.execute("SELECT COUNT(*) FROM customer").fetchone()[0]
        contacts = db.execute("SELECT COUNT(*) FROM contact").fetchone()[0]
        found = db.execute("SELECT name FROM customer WHERE search_text LIKE '%hzjx%'").fetchall()
        steps = dict(db.execute("SELECT step, COUNT(*) FROM complaint GROUP BY step").fetchall())
        overdue = db.execute(
            "SELECT COUNT(*) FROM complaint WHERE step_due_at < ?", (now,)
        ).fetchone()[0]
        reopened = db.execute("SELECT COUNT(*) FROM step_event WHERE action = 'reopen'").fetchone()[
            0
        ]
        files = db.execute("SELECT sha256 FROM complaint_evidence").fetchall()
    # The demo board is full: every step, some overdue, a rejection, a reopening, files.
    assert set(steps) == {
        "validate",
        "assign",
        "analyse",
        "propose",
        "approve",
        "implement",
        "evaluate",
        "closed",
        "rejected",
    }
    assert overdue >= 3 and reopened == 1
    assert files and all((tmp_path / "evidence" / h[:2] / h).is_file() for (h,) in files)
    assert customers == 5 * 60 + 500
    assert contacts > customers * 2
    assert ("杭州机械厂",) in found


def test_export_schema_matches_committed_file(tmp_path: Path) -> None:
    out = crm(tmp_path, "export-schema")
    committed = (Path(__file__).resolve().parents[2] / "schema.graphql").read_text("utf-8")
    assert out.stdout == committed


def _customer_ids(tmp: Path) -> dict[str, int]:
    with sqlite3.connect(tmp / "crm.sqlite3") as db:
        return dict(db.execute("SELECT name, id FROM customer").fetchall())


def test_import_orders_from_files_a_chinese_office_saves(tmp_path: Path) -> None:
    import base64
    from datetime import date

    from openpyxl import Workbook

    assert crm(tmp_path, "seed", "--demo").returncode == 0
    ids = _customer_ids(tmp_path)
    with sqlite3.connect(tmp_path / "crm.sqlite3") as db:
        db.execute("UPDATE customer SET code = 'KH-0571' WHERE name = '杭州机械厂'")
    header = "external_ref,customer,ordered_on,product,quantity,unit_price,note\n"
    # Excel in a Chinese locale saves "CSV" in GBK, without a byte order mark.
    gbk = tmp_path / "订单.csv"
    line = "GBK-1,杭州机械厂,2026-11-02,注塑模具,2,6000.00,急单\n"
    gbk.write_bytes((header + line).encode("gbk"))
    done = crm(tmp_path, "import", "orders", str(gbk))
    assert done.returncode == 0, done.stderr
    assert "Imported 1 order(s)" in done.stdout
    # GB18030 with its byte order mark, the customer named by its code.
    marked = tmp_path / "marked.csv"
    line = "GB-1,KH-0571,2026-11-03,配件,10,15.50,\n"
    marked.write_bytes(b"\x84\x31\x95\x33" + (header + line).encode("gb18030"))
    done = crm(tmp_path, "import", "orders", str(marked))
    assert done.returncode == 0, done.stderr
    # An .xlsx workbook, the customer by the ID API clients see, dates and numbers as cells.
    book = Workbook()
    sheet = book.active
    sheet.append(header.strip().split(","))
    gid = base64.b64encode(f"Customer:{ids['杭州机械厂']}".encode()).decode()
    sheet.append(["XL-1", gid, date(2026, 11, 4), "模具钢", 3, 1250.5, None])
    sheet.append(["XL-1", gid, date(2026, 11, 4), "运费", 1, 80, "含税"])
    workbook = tmp_path / "orders.xlsx"
    book.save(workbook)
    done = crm(tmp_path, "import", "orders", str(workbook))
    assert done.returncode == 0, done.stderr
    assert "Imported 1 order(s)" in done.stdout
    with sqlite3.connect(tmp_path / "crm.sqlite3") as db:
        orders = db.execute(
            "SELECT external_ref, customer_id, total_minor, ordered_on FROM sales_order "
            "ORDER BY external_ref"
        ).fetchall()
    assert orders == [
        ("GB-1", ids["杭州机械厂"], 15_500, "2026-11-03"),
        ("GBK-1", ids["杭州机械厂"], 1_200_000, "2026-11-02"),
        ("XL-1", ids["杭州机械厂"], 383_150, "2026-11-04"),
    ]
    # A picture saved by mistake: one clear line, nothing imported, no traceback.
    picture = tmp_path / "photo.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    refused = crm(tmp_path, "import", "orders", str(picture))
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        f'{picture}: not a CSV text file or an .xlsx workbook; save it as "CSV UTF-8" or as '
        "an Excel workbook (.xlsx)"
    ]
    # Without saying what to import: usage, not "required: what".
    bare = crm(tmp_path, "import")
    assert bare.returncode == 2
    assert "crm-server import orders FILE" in bare.stderr
    assert "required" not in bare.stderr


def test_import_payments_from_a_bank_export(tmp_path: Path) -> None:
    """A bank's export in GBK: applied oldest due first, all or nothing, and importing the
    same file again records nothing twice."""
    assert crm(tmp_path, "seed", "--demo").returncode == 0
    with sqlite3.connect(tmp_path / "crm.sqlite3") as db:
        # The demo customer with the most owed, and what it owes, oldest due first.
        customer_id, name = db.execute(
            "SELECT c.id, c.name FROM customer c JOIN receivable r ON r.customer_id = c.id "
            "GROUP BY c.id ORDER BY SUM(r.open_minor) DESC LIMIT 1"
        ).fetchone()
        owed = db.execute(
            "SELECT id, open_minor FROM receivable WHERE customer_id = ? AND open_minor > 0 "
            "ORDER BY due_on, id",
            (customer_id,),
        ).fetchall()
    header = "bank_reference,customer,received_on,amount,method,note\n"
    bank = tmp_path / "银行流水.csv"
    bank.write_bytes(
        (
            header
            + f"B-001,{name},2026-11-20,1000.00,,第一笔\n"
            + f"B-002,{name},2026-11-21,0.01,cash,\n"
        ).encode("gbk")
    )
    done = crm(tmp_path, "import", "payments", str(bank), "--by", "wu")
    assert done.returncode == 0, done.stderr
    assert "Imported 2 payment(s)" in done.stdout
    again = crm(tmp_path, "import", "payments", str(bank), "--by", "wu")
    assert "Imported 0 payment(s); skipped 2" in again.stdout
    with sqlite3.connect(tmp_path / "crm.sqlite3") as db:
        oldest_id, oldest_open = owed[0]
        (now_open,) = db.execute(
            "SELECT open_minor FROM receivable WHERE id = ?", (oldest_id,)
        ).fetchone()
        (applied,) = db.execute(
            "SELECT SUM(a.amount_minor) FROM payment_allocation a JOIN payment p "
            "ON p.id = a.payment_id WHERE p.idempotency_key LIKE 'bank:B-00%'"
        ).fetchone()
    assert applied == 100_001  # less than the oldest debt: all of it went there
    assert now_open == oldest_open - 100_001
    # One bad line: nothing imported, each problem named with its line.
    bad = tmp_path / "bad.csv"
    bad.write_text(
        header + f"B-003,{name},2026-11-22,5.00,,\n" + "B-004,没有这家,明天,-1,,\n",
        encoding="utf-8",
    )
    refused = crm(tmp_path, "import", "payments", str(bad), "--by", "wu")
    assert refused.returncode == 1
    assert f"{bad}:3: unknown customer '没有这家'" in refused.stderr
    assert "Nothing imported" in refused.stderr
    # Only finance records payments.
    rep = crm(tmp_path, "import", "payments", str(bank), "--by", "zhang")
    assert rep.returncode == 2


def test_deactivate_hands_everything_over_and_ends_the_sign_ins(tmp_path: Path) -> None:
    """张伟 leaves: refused while nobody is named to take his customers; then in one step
    they go to 李娜 with his open follow-ups, and his tokens are revoked."""
    assert crm(tmp_path, "seed", "--demo").returncode == 0
    db_path = tmp_path / "crm.sqlite3"

    def held(username: str) -> tuple[int, int]:
        with sqlite3.connect(db_path) as db:
            return db.execute(
                "SELECT (SELECT COUNT(*) FROM customer c WHERE c.owner_id = u.id), "
                "(SELECT COUNT(*) FROM follow_up f WHERE f.assignee_id = u.id "
                "AND f.status = 'open') FROM app_user u WHERE u.username = ?",
                (username,),
            ).fetchone()

    zhang, li = held("zhang"), held("li")
    assert zhang[0] > 0 and zhang[1] > 0
    with sqlite3.connect(db_path) as db:
        db.execute(
            "INSERT INTO api_token (user_id, token_hash, created_at, expires_at) "
            "SELECT id, 'x', '2026-01-01 00:00:00+00:00', '2099-01-01 00:00:00+00:00' "
            "FROM app_user WHERE username = 'zhang'"
        )
    refused = crm(tmp_path, "deactivate", "zhang", "--by", "wang")
    assert refused.returncode == 1
    assert "name who takes it over" in refused.stderr
    assert held("zhang") == zhang  # nothing moved
    outsider = crm(tmp_path, "deactivate", "zhang", "--hand-over-to", "li", "--by", "chen")
    assert outsider.returncode == 1  # another team's manager may not
    nobody = crm(tmp_path, "deactivate", "zhang", "--hand-over-to", "nobody", "--by", "wang")
    assert nobody.returncode == 2 and "'nobody'" in nobody.stderr

    done = crm(tmp_path, "deactivate", "zhang", "--hand-over-to", "li", "--by", "wang")
    assert done.returncode == 0, done.stderr
    assert "Deactivated zhang; 1 sign-in(s) ended. Handed to li:" in done.stdout
    assert held("zhang") == (0, 0)
    assert held("li") == (li[0] + zhang[0], li[1] + zhang[1])
    with sqlite3.connect(db_path) as db:
        active, revoked = db.execute(
            "SELECT u.is_active, t.revoked_at FROM app_user u JOIN api_token t "
            "ON t.user_id = u.id WHERE u.username = 'zhang'"
        ).fetchone()
    assert not active and revoked is not None


def test_a_populated_database_migrates_to_this_release(tmp_path: Path) -> None:
    """A database at the previous release (migration 0006) with users, customers pointing
    at them and a contact logged with an offset: it must reach this release whole."""
    script = f"""
import asyncio
from tortoise import Tortoise
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget
from server.database.db import apply_migrations, tortoise_config
from tortoise.connection import get_connection

async def main():
    await Tortoise.init(config=tortoise_config({sqlite_url(tmp_path / "crm.sqlite3")!r}))
    config = tortoise_config("")["apps"]
    await MigrationExecutor(get_connection("default"), config).migrate(
        [MigrationTarget("crm", "0006_queue_neglect_index")]
    )
    conn = get_connection("default")
    await conn.execute_script('''
      INSERT INTO app_user (id, username, display_name, role, password_hash, is_active,
        failed_logins, created_at, version) VALUES (1, 'r1', 'R1', 'sales_rep', 'x', 1, 0,
        '2026-01-01 00:00:00+00:00', 1);
      INSERT INTO customer (id, version, name, search_text, address, phone, email,
        legal_representative, organization_form, industry, region, route, service_area,
        sales_capacity, development_potential, business_philosophy, scale,
        distinctive_features, factory, equipment, output, quality_requirements,
        product_structure, payment_terms, current_sales_activity, open_problems,
        source_channel, referred_by, stage, grade, is_key_account, created_at, updated_at,
        owner_id, class_rank, is_vip, last_contact_kind, last_contact_summary, vip_reason,
        last_contact_at)
      VALUES (1, 1, '杭州机械厂', 'x', '', '', '', '', '', '', '', '', '', '', '', '', '', '',
        '', '', '', '', '', '', '', '', 'other', '', 'prospect', 'B', 0,
        '2026-01-01 00:00:00+00:00', '2026-01-01 00:00:00+00:00', 1, 3, 0, 'visit', '', '',
        '2026-12-01 00:30:00+08:00');
      UPDATE customer SET payment_terms = '月结60天';
    ''')
    print("applied", await apply_migrations())
    await Tortoise.close_connections()

asyncio.run(main())
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "0008_login_throttle" in done.stdout
    with sqlite3.connect(tmp_path / "crm.sqlite3") as db:
        columns = [r[1] for r in db.execute("PRAGMA table_info(app_user)")]
        customer = db.execute(
            "SELECT owner_id, code, last_contact_at, payment_days FROM customer"
        ).fetchone()
    assert "failed_logins" not in columns and "locked_until" not in columns
    # The payment terms written in words became a number of days (migration 0012).
    assert customer == (1, None, "2026-11-30 16:30:00+00:00", 60)


def _url_forms(tmp: Path) -> list[tuple[str, Path]]:
    """Every spelling of a SQLite URL the server accepts, and the file each one names."""
    return [
        (f"sqlite://{tmp / 'a' / 'crm.sqlite3'}", tmp / "a" / "crm.sqlite3"),
        (f"sqlite:///{tmp / 'b' / 'crm.sqlite3'}", tmp / "b" / "crm.sqlite3"),
        (f"sqlite://{tmp / 'c' / 'crm.sqlite3'}?journal_mode=WAL", tmp / "c" / "crm.sqlite3"),
        ("sqlite://d/crm.sqlite3", tmp / "d" / "crm.sqlite3"),  # relative to where it runs
        (f"sqlite://{tmp / 'e f' / 'crm.sqlite3'}", tmp / "e f" / "crm.sqlite3"),
    ]


def test_every_command_takes_every_sqlite_url_form(tmp_path: Path) -> None:
    for url, file in _url_forms(tmp_path):
        env = {**os.environ, "CRM_DATABASE_URL": url}

        def run(*args: str, env: dict[str, str] = env) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "-m", "server", *args],
                input="s3cret-pass\n",
                capture_output=True,
                text=True,
                env=env,
                cwd=tmp_path,
                timeout=120,
            )

        for args in (("migrate",), ("createuser", "boss"), ("backup", str(file) + ".tar")):
            done = run(*args)
            assert done.returncode == 0, (url, args, done.stderr)
            assert "Traceback" not in done.stderr
        assert file.is_file(), url
        restored_url = url.replace("crm.sqlite3", "restored.sqlite3")
        restored = run("restore", str(file) + ".tar", env={**env, "CRM_DATABASE_URL": restored_url})
        assert restored.returncode == 0, (url, restored.stderr)
        with sqlite3.connect(file.with_name("restored.sqlite3")) as db:
            assert db.execute("SELECT username FROM app_user").fetchall() == [("boss",)]


@pytest.mark.skipif(
    not os.environ.get("CRM_TEST_DATABASE_URL", "").startswith("postgres"),
    reason="PostgreSQL's URL forms need a PostgreSQL server (the PostgreSQL leg of CI)",
)
@pytest.mark.usefixtures("app")
def test_every_command_takes_every_postgresql_url_form(tmp_path: Path) -> None:
    base = os.environ["CRM_TEST_DATABASE_URL"].split("://", 1)[1].split("?", 1)[0]
    for scheme, tail in (
        ("postgres", ""),
        ("postgresql", ""),
        ("asyncpg", ""),
        ("postgres", "?minsize=1&maxsize=5"),
    ):
        url = f"{scheme}://{base}{tail}"
        env = {**os.environ, "CRM_DATABASE_URL": url}
        for args in (("migrate",), ("backup", str(tmp_path / f"{scheme}.tar.gz"))):
            done = subprocess.run(
                [sys.executable, "-m", "server", *args],
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
            )
            assert done.returncode == 0, (url, args, done.stderr)
            assert "Traceback" not in done.stderr
