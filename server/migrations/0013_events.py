from tortoise import migrations
from tortoise.migrations import operations as ops
from server.domain.events.models import EventKind
from server.domain.shared.timefields import UtcDatetimeField
from tortoise import fields


# This migration first installed the outbox's triggers from the live rule list, so what it
# installed changed with later code. The triggers now come from 0015, which drops whatever
# an earlier run of this one left and installs a frozen list; here nothing is installed.
async def _install(apps, schema_editor):
    pass


async def _remove(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [('crm', '0012_receivables')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Event',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='QUEUE: queue\nCOMPLAINT: complaint\nCOMPLAINT_OVERDUE: overdue\nPAYMENT: payment\nHOLD: hold\nCUSTOMER: customer\nSESSION: session\nACCESS: access', enum_type=EventKind, max_length=12)),
                ('customer_id', fields.IntField(null=True)),
                ('owner_id', fields.IntField(null=True)),
                ('user_id', fields.IntField(null=True)),
                ('subject_id', fields.IntField(null=True)),
                ('version', fields.IntField(null=True)),
                ('detail', fields.CharField(default='', max_length=16)),
            ],
            options={'table': 'event', 'app': 'crm', 'pk_attr': 'id', 'table_description': 'An announced change (the outbox)'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TimedRun',
            fields=[
                ('job', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=40)),
                ('last_run_at', UtcDatetimeField(auto_now=False, auto_now_add=False)),
                ('runs', fields.IntField(default=0)),
                ('mark', fields.BigIntField(default=0)),
            ],
            options={'table': 'timed_run', 'app': 'crm', 'pk_attr': 'job', 'table_description': 'When each timed job last ran: the claimed row that makes it run once'},
            bases=['Model'],
        ),
        ops.RunPython(_install, _remove),
    ]
