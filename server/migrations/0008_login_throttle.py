from tortoise import migrations
from tortoise.migrations import operations as ops
from server.domain.timefields import UtcDatetimeField
from tortoise import fields

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
        ops.RemoveField(model_name='User', name='failed_logins'),
        ops.RemoveField(model_name='User', name='locked_until'),
    ]
