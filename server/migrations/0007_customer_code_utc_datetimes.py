"""Customer codes, and datetime columns that always hold UTC.

The datetime columns keep their SQL type: only the Python field class changes (it converts to
UTC on the way in), so the AlterFields touch the migration state alone; rebuilding a SQLite
table of a million contacts for no change of type would take minutes. Contact times sent with
an offset were stored with it on SQLite; they are rewritten in UTC so they compare as instants.
"""

from datetime import UTC, datetime

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from server.domain.shared.timefields import UtcDatetimeField


class StateOnly(ops.AlterField):
    async def database_forward(self, *args, **kwargs):
        return None

    async def database_backward(self, *args, **kwargs):
        return None


async def _utc_on_sqlite(apps, schema_editor):
    client = schema_editor.client
    if client.capabilities.dialect != "sqlite":
        return  # PostgreSQL's timestamptz holds instants already
    for table, column in (("interaction", "occurred_at"), ("customer", "last_contact_at")):
        _, rows = await client.execute_query(
            f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL "
            f"AND {column} NOT LIKE '%+00:00'"
        )
        for row in rows:
            moment = datetime.fromisoformat(str(row[1])).astimezone(UTC)
            await client.execute_query(
                f"UPDATE {table} SET {column} = ? WHERE id = ?",
                [moment.isoformat(sep=" "), row[0]],
            )


class Migration(migrations.Migration):
    dependencies = [('crm', '0006_queue_neglect_index')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Customer',
            name='code',
            field=fields.CharField(null=True, unique=True, max_length=50),
        ),
        StateOnly(model_name='AbcRun', name='computed_at', field=UtcDatetimeField(auto_now=False, auto_now_add=True)),
        StateOnly(model_name='AccessGrant', name='created_at', field=UtcDatetimeField(auto_now=False, auto_now_add=True)),
        StateOnly(model_name='AccessGrant', name='expires_at', field=UtcDatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
        StateOnly(model_name='AccessRequest', name='created_at', field=UtcDatetimeField(auto_now=False, auto_now_add=True)),
        StateOnly(model_name='AccessRequest', name='decided_at', field=UtcDatetimeField(null=True, auto_now=False, auto_now_add=False)),
        StateOnly(model_name='ApiToken', name='created_at', field=UtcDatetimeField(auto_now=False, auto_now_add=True)),
        StateOnly(model_name='ApiToken', name='expires_at', field=UtcDatetimeField(auto_now=False, auto_now_add=False)),
        StateOnly(model_name='ApiToken', name='revoked_at', field=UtcDatetimeField(null=True, auto_now=False, auto_now_add=False)),
        StateOnly(model_name='AuditEntry', name='at', field=UtcDatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
        StateOnly(model_name='CompanySettings', name='updated_at', field=UtcDatetimeField(auto_now=True, auto_now_add=False)),
        StateOnly(model_name='Contact', name='created_at', field=UtcDatetimeField(auto_now=False, auto_now_add=True)),
        StateOnly(model_name='Contact', name='updated_at', field=UtcDatetimeField(auto_now=True, auto_now_add=False)),
        StateOnly(model_name='ContactPlan', name='created_at', field=UtcDatetimeField(auto_now=False, auto_now_add=True)),
        StateOnly(model_name='ContactPlan', name='updated_at', field=UtcDatetimeField(auto_now=True, auto_now_add=False)),
        StateOnly(model_name='Customer', name='archived_at', field=UtcDatetimeField(null=True, auto_now=False, auto_now_add=False)),
        StateOnly(model_name='Customer', name='created_at', field=UtcDatetimeField(auto_now=False, auto_now_add=True)),
        StateOnly(model_name='Customer', name='last_contact_at', field=UtcDatetimeField(null=True, auto_now=False, auto_now_add=False)),
        StateOnly(model_name='Customer', name='updated_at', field=UtcDatetimeField(db_index=True, auto_now=True, auto_now_add=False)),
        StateOnly(model_name='Department', name='created_at', field=UtcDatetimeField(auto_now=False, auto_now_add=True)),
        StateOnly(model_name='FollowUp', name='completed_at', field=UtcDatetimeField(null=True, auto_now=False, auto_now_add=False)),
        StateOnly(model_name='FollowUp', name='created_at', field=UtcDatetimeField(auto_now=False, auto_now_add=True)),
        StateOnly(model_name='FollowUp', name='updated_at', field=UtcDatetimeField(auto_now=True, auto_now_add=False)),
        StateOnly(model_name='Interaction', name='created_at', field=UtcDatetimeField(auto_now=False, auto_now_add=True)),
        StateOnly(model_name='Interaction', name='occurred_at', field=UtcDatetimeField(auto_now=False, auto_now_add=False)),
        StateOnly(model_name='SalesOrder', name='created_at', field=UtcDatetimeField(auto_now=False, auto_now_add=True)),
        StateOnly(model_name='User', name='created_at', field=UtcDatetimeField(auto_now=False, auto_now_add=True)),
        StateOnly(model_name='User', name='locked_until', field=UtcDatetimeField(null=True, auto_now=False, auto_now_add=False)),
        ops.RunPython(_utc_on_sqlite, ops.RunPython.noop),
    ]
