"""Substring search by trigram index, so a search's page and count read only the customers
that match instead of every customer in the viewer's scope.

PostgreSQL: pg_trgm's GIN index on customer.search_text serves `LIKE '%…%'` as it stands
(three characters or more). SQLite: an FTS5 table with the trigram tokenizer, kept in step
with customer.search_text by triggers; the search asks it for needles of three characters
or more (server/domain/customers/search.py).
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

_SQLITE = [
    """CREATE VIRTUAL TABLE customer_search USING fts5(
        search_text, content='customer', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER customer_search_insert AFTER INSERT ON customer BEGIN
        INSERT INTO customer_search(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER customer_search_delete AFTER DELETE ON customer BEGIN
        INSERT INTO customer_search(customer_search, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END""",
    """CREATE TRIGGER customer_search_update AFTER UPDATE OF search_text ON customer BEGIN
        INSERT INTO customer_search(customer_search, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO customer_search(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    "INSERT INTO customer_search(customer_search) VALUES ('rebuild')",
]

_SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS customer_search_update",
    "DROP TRIGGER IF EXISTS customer_search_delete",
    "DROP TRIGGER IF EXISTS customer_search_insert",
    "DROP TABLE IF EXISTS customer_search",
]

_POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS customer_search_trgm ON customer "
    "USING gin (search_text gin_trgm_ops)",
]

_POSTGRES_DOWN = ["DROP INDEX IF EXISTS customer_search_trgm"]


def _run(sqlite, postgres):
    async def run(apps, schema_editor):
        client = schema_editor.client
        for sql in sqlite if client.capabilities.dialect == "sqlite" else postgres:
            await client.execute_script(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [('crm', '0008_login_throttle')]

    initial = False

    operations = [
        ops.RunPython(_run(_SQLITE, _POSTGRES), _run(_SQLITE_DOWN, _POSTGRES_DOWN)),
    ]
