"""Login failures in their own table (per username and address, per address), and the
columns the user row kept them in dropped.

The columns are dropped with ALTER TABLE … DROP COLUMN (SQLite 3.35 and later, PostgreSQL):
Tortoise's RemoveField rebuilds a SQLite table, and rebuilding app_user, which customers and
follow-ups point at, fails on their foreign keys.
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from server.domain.shared.timefields import UtcDatetimeField


class StateOnlyRemove(ops.RemoveField):
    async def database_forward(self, *args, **kwargs):
        return None

    async def database_backward(self, *args, **kwargs):
        return None


class Migration(migrations.Migration):
    dependencies = [('crm', '0007_customer_code_utc_datetimes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='LoginThrottle',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=200)),
                ('failures', fields.IntField(default=0)),
                ('window_started_at', UtcDatetimeField(auto_now=False, auto_now_add=False)),
                ('locked_until', UtcDatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'login_throttle', 'app': 'crm', 'pk_attr': 'id', 'table_description': 'Failed logins counted per key within a window, and the lock they lead to.'},
            bases=['Model'],
        ),
        StateOnlyRemove(model_name='User', name='failed_logins'),
        StateOnlyRemove(model_name='User', name='locked_until'),
        ops.RunSQL(
            [
                'ALTER TABLE "app_user" DROP COLUMN "failed_logins"',
                'ALTER TABLE "app_user" DROP COLUMN "locked_until"',
            ]
        ),
    ]
