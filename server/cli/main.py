"""crm-server: serve, migrate, createuser, seed, export-schema."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import sys
from pathlib import Path
from typing import Any

from server.settings import Settings


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import os
    import tempfile

    import uvicorn

    from server.database.db import OutdatedDatabase, orm
    from server.process.logs import configure

    workers = args.workers or settings.workers
    if workers < 1:
        print("error: --workers must be at least 1", file=sys.stderr)
        return 2
    if workers > 1 and settings.is_sqlite:
        print(
            "error: SQLite serves from one process; --workers needs PostgreSQL "
            "(CRM_DATABASE_URL=postgres://…).",
            file=sys.stderr,
        )
        return 2
    configure(settings.logs_json)
    _print_database(settings)

    async def prepare() -> None:
        async with orm(settings):
            if args.demo:
                from server.demo.seed import seed_demo
                from server.domain.shared.blobs import DirectoryStore

                created = await seed_demo(store=DirectoryStore(settings.evidence_path))
                print("Demo data loaded." if created else "Demo data already present.")

    try:
        asyncio.run(prepare())
    except OutdatedDatabase as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    host = args.host or settings.host
    port = args.port or settings.port
    print(f"GraphQL API and GraphiQL at http://{host}:{port}/graphql", flush=True)
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "info",
        # Our own request lines (server/process/logs.py) replace uvicorn's access log.
        "access_log": False,
        "log_config": None,
        "proxy_headers": True,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
    }
    if workers == 1:
        from server.http.app import create_app

        uvicorn.run(create_app(settings), **options)
        return 0
    # Several processes: each builds its app from the environment, so the settings go
    # there; the metrics of all of them are summed through one directory.
    print(f"{workers} server processes.", flush=True)
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="crm-metrics-"))
    os.environ["CRM_DATABASE_URL"] = settings.database_url
    uvicorn.run("server.http.app:app_from_env", factory=True, workers=workers, **options)
    return 0


def _print_database(settings: Settings) -> None:
    """Where a command's data lives: the first thing an operator needs to know."""
    if settings.sqlite_path:
        print(f"Database: {settings.sqlite_path} (SQLite)", flush=True)
    else:
        print(f"Database: {_redacted(settings.database_url)}", flush=True)
    print(f"Evidence files: {settings.evidence_path}", flush=True)


def _redacted(url: str) -> str:
    # Never print a password that may sit in the URL.
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}:***@{host}"
    return url


def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    from tortoise import Tortoise

    from server.database.db import apply_migrations, tortoise_config

    async def run() -> list[str]:
        if settings.sqlite_path is not None:  # as the server would: a new file's folder
            settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        await Tortoise.init(config=tortoise_config(settings.database_url))
        try:
            return await apply_migrations()
        finally:
            await Tortoise.close_connections()

    applied = asyncio.run(run())
    print(
        f"Applied {len(applied)} migration(s): {', '.join(applied)}" if applied else "Up to date."
    )
    return 0


def _createuser(args: argparse.Namespace, settings: Settings) -> int:
    from server.database.db import orm
    from server.domain.accounts.models import Role, User
    from server.domain.accounts.services import create_user
    from server.domain.shared.errors import DomainError

    password = args.password
    if password is None:
        password = (
            sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else getpass.getpass()
        )

    async def run() -> int:
        async with orm(settings):
            manager = None
            if args.manager:
                manager = await User.get_or_none(username=args.manager.lower())
                if manager is None:
                    print(f"error: no user {args.manager!r}", file=sys.stderr)
                    return 2
            try:
                user = await create_user(
                    username=args.username,
                    password=password,
                    display_name=args.name or args.username,
                    role=Role(args.role),
                    manager=manager,
                    department=args.department,
                )
            except DomainError as exc:
                for p in exc.problems:
                    print(f"error: {p.field}: {p.message}", file=sys.stderr)
                return 2
            print(f"Created {user.role.value} {user.username!r} (id {user.id}).")
            return 0

    return asyncio.run(run())


def _seed(args: argparse.Namespace, settings: Settings) -> int:
    from server.database.db import orm
    from server.demo.seed import seed_demo

    async def run() -> None:
        _print_database(settings)
        async with orm(settings):
            if args.demo:
                from server.domain.shared.blobs import DirectoryStore

                created = await seed_demo(store=DirectoryStore(settings.evidence_path))
                print("Demo data loaded." if created else "Demo data already present.")
            if args.customers or args.activity or args.complaints or args.receivables:
                await _seed_bulk(args)

    if not (args.demo or args.customers or args.activity or args.complaints or args.receivables):
        print(
            "Say what to seed: --demo, --customers N, --activity N, --complaints N and/or "
            "--receivables N",
            file=sys.stderr,
        )
        return 2
    asyncio.run(run())
    return 0


async def _seed_bulk(args: argparse.Namespace) -> None:
    """Benchmark volumes: generated rows announce nothing (the outbox's triggers are off
    while loading, server/domain/events/triggers.py)."""
    from server.demo.seed import seed_activity, seed_bulk
    from server.domain.events.triggers import quiet

    async with quiet():
        if args.customers:
            stats = await seed_bulk(args.customers, reps=args.reps)
            print(
                f"Seeded {stats['customers']} customers and {stats['contacts']} contacts "
                f"for {stats['reps']} reps in {stats['seconds']:.1f} s."
            )
        if args.activity:
            stats = await seed_activity(args.activity, args.orders)
            print(
                f"Seeded {stats['interactions']} contacts, {stats['follow_ups']} open "
                f"follow-ups and {stats['orders']} orders in {stats['seconds']:.1f} s."
            )
        if args.complaints:
            from server.demo.seed import seed_complaints

            stats = await seed_complaints(args.complaints, args.events)
            print(
                f"Seeded {stats['complaints']} complaints with {stats['events']} step "
                f"events in {stats['seconds']:.1f} s."
            )
        if args.receivables:
            from server.demo.seed import seed_receivables

            stats = await seed_receivables(args.receivables)
            print(
                f"Seeded {stats['receivables']} debts ({stats['open']} open) and "
                f"{stats['payments']} payments, read by {stats['finance']}, in "
                f"{stats['seconds']:.1f} s."
            )


def _import_payments(args: argparse.Namespace, settings: Settings) -> int:
    from server.database.db import orm
    from server.domain.receivables.payment_import import finance_viewer, import_payments
    from server.domain.shared import money
    from server.graphql.ids import parse_global_id

    path = Path(args.file)
    if not path.is_file():
        print(f"error: no file {path}", file=sys.stderr)
        return 2

    async def run() -> int:
        async with orm(settings):
            viewer = await finance_viewer(args.by)
            if viewer is None:
                print(
                    f"error: {args.by!r} is no active finance user or administrator",
                    file=sys.stderr,
                )
                return 2
            report = await import_payments(
                path, viewer, parse_id=lambda cell: parse_global_id(cell, "Customer")
            )
        for line, message in report.errors:
            where = f"{path}:{line}" if line else str(path)
            print(f"{where}: {message}", file=sys.stderr)
        if [line for line, _ in report.errors] == [0]:
            return 1
        if report.errors:
            print(f"Nothing imported: {len(report.errors)} problem(s).", file=sys.stderr)
            return 1
        print(
            f"Imported {report.created} payment(s); skipped {report.skipped} already "
            f"imported; applied {money.decimal(report.applied_minor)}, "
            f"{money.decimal(report.credit_minor)} left as customers' credit."
        )
        return 0

    return asyncio.run(run())


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from server.database.db import orm
    from server.domain.receivables.billing import bill_order
    from server.domain.sales.importer import import_orders
    from server.graphql.ids import parse_global_id

    path = Path(args.file)
    if not path.is_file():
        print(f"error: no file {path}", file=sys.stderr)
        return 2

    async def run() -> int:
        async with orm(settings):
            report = await import_orders(
                path,
                parse_id=lambda cell: parse_global_id(cell, "Customer"),
                on_recorded=bill_order,
            )
        for line, message in report.errors:
            where = f"{path}:{line}" if line else str(path)
            print(f"{where}: {message}", file=sys.stderr)
        whole_file = [line for line, _ in report.errors] == [0]
        if whole_file:
            return 1  # one line about the file says it all
        if report.errors:
            print(f"Nothing imported: {len(report.errors)} problem(s).", file=sys.stderr)
            return 1
        print(
            f"Imported {report.created} order(s); skipped {report.skipped} already imported; "
            f"{report.new_vips} new VIP customer(s)."
        )
        return 0

    return asyncio.run(run())


def _unlock(args: argparse.Namespace, settings: Settings) -> int:
    from server.database.db import orm
    from server.domain.accounts.services import unlock

    async def run() -> int:
        async with orm(settings):
            return await unlock(args.username)

    lifted = asyncio.run(run())
    who = f"for {args.username}" if args.username else "for everyone"
    print(f"Lifted {lifted} login lock record(s) {who}.")
    return 0


def _deactivate(args: argparse.Namespace, settings: Settings) -> int:
    from server.database.db import orm
    from server.domain.accounts.models import User
    from server.domain.accounts.viewer import Viewer
    from server.domain.shared.errors import DomainError
    from server.domain.transfers.departures import deactivate

    async def run() -> int:
        async with orm(settings):
            by = await User.get_or_none(username=args.by, is_active=True)
            leaving = await User.get_or_none(username=args.username)
            successor = (
                await User.get_or_none(username=args.hand_over_to) if args.hand_over_to else None
            )
            missing = [
                name for name, found in ((args.by, by), (args.username, leaving)) if found is None
            ] + ([args.hand_over_to] if args.hand_over_to and successor is None else [])
            if missing or by is None or leaving is None:
                print(f"error: no active user {missing[0]!r}", file=sys.stderr)
                return 2
            try:
                done = await deactivate(
                    Viewer(user=by), leaving.id, successor.id if successor else None
                )
            except DomainError as exc:
                for problem in exc.problems:
                    where = f" ({problem.field})" if problem.field else ""
                    print(f"error{where}: {problem.message}", file=sys.stderr)
                return 1
        moved = done.moved
        print(
            f"Deactivated {done.user.username}; {done.sessions_ended} sign-in(s) ended."
            + (
                f" Handed to {done.handed_to.username}: {moved.customers} customer(s), "
                f"{moved.follow_ups} open follow-up(s), {moved.complaints} complaint(s), "
                f"{moved.reports} report(s)."
                if done.handed_to is not None
                else ""
            )
        )
        return 0

    return asyncio.run(run())


def _import_usage(parser: argparse.ArgumentParser) -> Any:
    def usage(args: argparse.Namespace, settings: Settings) -> int:
        parser.print_help(sys.stderr)
        print("\nerror: say what to import, e.g. `crm-server import orders FILE`", file=sys.stderr)
        return 2

    return usage


def _classes(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import date

    from server.database.db import orm
    from server.domain.sales.classes import recompute_classes

    async def run() -> int:
        async with orm(settings):
            end = date.fromisoformat(args.period_end) if args.period_end else None
            done = await recompute_classes(None, end, args.months)
        run_ = done.run
        print(
            f"Classified {run_.ranked_customers} customer(s) on sales from "
            f"{run_.period_start} to {run_.period_end}; scheduled {done.service.scheduled} and "
            f"withdrew {done.service.withdrawn} class-service follow-up(s)."
        )
        return 0

    return asyncio.run(run())


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    from server.database.backup import BackupError, backup, backup_rotating

    _print_database(settings)
    try:
        if args.keep is not None:
            target, removed = asyncio.run(backup_rotating(settings, Path(args.path), args.keep))
            print(f"Backed up to {target}; removed {len(removed)} older backup(s).")
        else:
            manifest = asyncio.run(backup(settings, Path(args.path)))
            print(
                f"Backed up to {args.path} ({manifest.database}, "
                f"{len(manifest.migrations)} migrations, {manifest.evidence_files} evidence "
                "file(s))."
            )
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _restore(args: argparse.Namespace, settings: Settings) -> int:
    from server.database.backup import BackupError, restore

    _print_database(settings)
    try:
        manifest = asyncio.run(restore(settings, Path(args.file)))
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        f"Restored the backup of {manifest.created_at} ({len(manifest.migrations)} "
        f"migrations, {manifest.evidence_files} evidence file(s)). Run `crm-server migrate` "
        "if this server is newer than the backup."
    )
    return 0


def _export_schema(args: argparse.Namespace, settings: Settings) -> int:
    from server.graphql.schema import build_schema

    text = build_schema(settings).as_str() + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crm-server",
        description="CRM GraphQL server. Configure with CRM_* environment variables; "
        "CRM_DATABASE_URL=postgres://… switches from the embedded SQLite file to PostgreSQL.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="Run the HTTP server.")
    serve.add_argument("--host", help="Interface to listen on (default 127.0.0.1).")
    serve.add_argument("--port", type=int, help="Port (default 8000).")
    serve.add_argument("--demo", action="store_true", help="Load the demo company if not there.")
    serve.add_argument(
        "--workers",
        type=int,
        help="Server processes (PostgreSQL only; default 1, or CRM_WORKERS). Sessions, "
        "settings and timed work are shared through the database; put them behind one "
        "address (they share the port).",
    )
    serve.set_defaults(func=_serve)

    migrate = sub.add_parser("migrate", help="Apply pending database migrations.")
    migrate.set_defaults(func=_migrate)

    createuser = sub.add_parser("createuser", help="Create a user.")
    createuser.add_argument("username")
    createuser.add_argument(
        "--role",
        default="sales_rep",
        choices=["sales_rep", "manager", "service", "finance", "admin"],
    )
    createuser.add_argument("--name", help="Display name.")
    createuser.add_argument("--manager", help="Username of the user's manager.")
    createuser.add_argument("--department", help="Department name (created if new).")
    createuser.add_argument(
        "--password", help="Password (default: prompt, or one line from standard input)."
    )
    createuser.set_defaults(func=_createuser)

    unlock = sub.add_parser(
        "unlock",
        help="Lift login locks after failed passwords (one username's, or all).",
        description="Forget failed logins and lift the locks they caused, for one username "
        "from every address, or for everyone. Run on the server's machine.",
    )
    unlock.add_argument("username", nargs="?", help="Only this username's locks.")
    unlock.set_defaults(func=_unlock)

    leave = sub.add_parser(
        "deactivate",
        help="A user leaves: hand over their customers and open work, end their sign-ins.",
        description="Deactivate a user in one step: their customers, open follow-ups, "
        "complaints and reports go to --hand-over-to (required while they hold any), and "
        "every server process refuses their tokens from then on. Audited as --by.",
    )
    leave.add_argument("username", help="Who leaves.")
    leave.add_argument("--hand-over-to", help="Who takes over (a username).")
    leave.add_argument(
        "--by", required=True, help="The administrator or manager above them doing it."
    )
    leave.set_defaults(func=_deactivate)

    seed = sub.add_parser("seed", help="Load demo or benchmark data.")
    seed.add_argument("--demo", action="store_true", help="The demo company with its logins.")
    seed.add_argument("--customers", type=int, default=0, help="Bulk: this many customers.")
    seed.add_argument("--reps", type=int, default=50, help="Bulk: spread over this many reps.")
    seed.add_argument(
        "--activity",
        type=int,
        default=0,
        help="Bulk: this many logged contacts per existing customer, one open follow-up "
        "each, and --orders sales orders.",
    )
    seed.add_argument("--orders", type=int, default=300_000, help="Bulk: sales orders.")
    seed.add_argument(
        "--complaints",
        type=int,
        default=0,
        help="Bulk: this many complaints on the existing customers, a tenth of them open.",
    )
    seed.add_argument(
        "--events", type=int, default=10, help="Bulk: step events per complaint (10)."
    )
    seed.add_argument(
        "--receivables",
        type=int,
        default=0,
        help="Bulk: this many debts on the existing customers, nearly all paid in two "
        "payments each, and a finance user to read them.",
    )
    seed.set_defaults(func=_seed)

    imports = sub.add_parser(
        "import",
        help="Import data from a file: `crm-server import orders FILE`, "
        "`crm-server import payments FILE --by USER`.",
        description="Import data from a file. What to import comes first: orders or payments.",
    )
    what = imports.add_subparsers(dest="what", metavar="WHAT", title="what to import")
    imports.set_defaults(func=_import_usage(imports))
    orders = what.add_parser(
        "orders",
        help="Sales orders from CSV or .xlsx (columns external_ref, customer, ordered_on, "
        "product, quantity, unit_price[, note]); all or nothing, idempotent on external_ref.",
        description="Sales orders, one row per order line; rows sharing external_ref form "
        "one order. customer is the customer's ID as the API shows it, its customer code, or "
        "its exact name. Any problem stops the import and is reported as FILE:LINE: problem.",
    )
    orders.add_argument(
        "file", help="A CSV file (UTF-8 or GBK/GB18030, header row) or an Excel .xlsx workbook."
    )
    orders.set_defaults(func=_import)
    payments = what.add_parser(
        "payments",
        help="Payments from a bank export, CSV or .xlsx (columns bank_reference, customer, "
        "received_on, amount[, method, note]); all or nothing, idempotent on bank_reference.",
        description="Payments, one row per transfer, each applied to the customer's oldest "
        "debts first (the rest stays their credit). customer is the customer's ID as the API "
        "shows it, its customer code, or its exact name. Any problem stops the import and is "
        "reported as FILE:LINE: problem.",
    )
    payments.add_argument(
        "file", help="A CSV file (UTF-8 or GBK/GB18030, header row) or an Excel .xlsx workbook."
    )
    payments.add_argument(
        "--by", required=True, help="The finance user recording them (their username)."
    )
    payments.set_defaults(func=_import_payments)

    classes = sub.add_parser(
        "classes", help="Recompute ABC classes and class-based service follow-ups."
    )
    classes.add_argument("--period-end", help="Last day of the sales period (default today).")
    classes.add_argument("--months", type=int, help="Period length (default: company setting).")
    classes.set_defaults(func=_classes)

    backup = sub.add_parser(
        "backup",
        help="Back up the database and the evidence files into one archive (while serving).",
        description="A consistent backup taken while the server runs: SQLite's online "
        "backup, or pg_dump's custom format, with the evidence files, in one .tar.gz. "
        "With --keep N, PATH is a directory: a dated archive is written there and only the "
        "newest N are kept (run it weekly from cron or a systemd timer; see docs/operating.md).",
    )
    backup.add_argument("path", help="The archive to write, or with --keep the directory.")
    backup.add_argument("--keep", type=int, help="Keep the newest N archives in the directory.")
    backup.set_defaults(func=_backup)

    restore = sub.add_parser(
        "restore",
        help="Restore a backup archive into an empty database (refuses one holding data).",
    )
    restore.add_argument("file", help="An archive written by `crm-server backup`.")
    restore.set_defaults(func=_restore)

    export = sub.add_parser("export-schema", help="Print the GraphQL schema (SDL).")
    export.add_argument("-o", "--output", help="Write to this file instead of stdout.")
    export.set_defaults(func=_export_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return int(args.func(args, Settings.from_env()) or 0)


if __name__ == "__main__":
    sys.exit(main())
