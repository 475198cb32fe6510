from tortoise import migrations
from tortoise.migrations import operations as ops
from server.domain.followups.models import FollowUpOrigin
from server.domain.receivables.models import Classification, CollectionStep, LegalAction, PaymentMethod, ReceivableStatus, WriteOffStatus
from server.domain.shared.timefields import UtcDatetimeField
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

import re

# The days of credit in a payment term written in words, as receivables/terms.py read it
# when this migration was written (copied: a migration must not change with later code).
_DAYS = re.compile(r"(\d{1,3})")
_ON_DELIVERY = ("款到发货", "货到付款", "现款", "现金", "预付", "cod", "cash", "prepaid", "advance")


def _days(text):
    cleaned = (text or "").strip().lower()
    if not cleaned:
        return None
    found = _DAYS.search(cleaned)
    if found:
        return min(int(found.group(1)), 365)
    if any(word in cleaned for word in _ON_DELIVERY):
        return 0
    return None


async def _payment_days_from_terms(apps, schema_editor):
    """Free-text payment terms become a number of days; what names none stays unset."""
    client = schema_editor.client
    mark = "$1" if client.capabilities.dialect == "postgres" else "?"
    mark2 = "$2" if client.capabilities.dialect == "postgres" else "?"
    _, rows = await client.execute_query(
        "SELECT DISTINCT payment_terms FROM customer WHERE payment_terms <> ''"
    )
    for row in rows:
        days = _days(row[0])
        if days is not None:
            await client.execute_query(
                f"UPDATE customer SET payment_days = {mark} WHERE payment_terms = {mark2}",
                [days, row[0]],
            )



# Aging reads the open debts only: an index of exactly those keeps it from touching the
# settled millions, and leads with the customer so grouping by customer needs no sort.
_OPEN_INDEX = (
    'CREATE INDEX "receivable_open" ON "receivable" ("customer_id", "due_on", "open_minor") '
    'WHERE "open_minor" > 0'
)


class Migration(migrations.Migration):
    dependencies = [('crm', '0011_complaint_evidence')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CollectionCase',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.IntField(default=1)),
                ('customer', fields.ForeignKeyField('crm.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='collection_cases', on_delete=OnDelete.RESTRICT)),
                ('step', fields.CharEnumField(default=CollectionStep.NEW, description='NEW: new\nNEGOTIATE: negotiate\nTHROUGH_ALLY: through_ally\nKEY_PERSON: key_person\nSTOP_SUPPLY: stop_supply\nAGENCY: agency\nLEGAL: legal\nCLOSED: closed', enum_type=CollectionStep, max_length=20)),
                ('step_entered_at', UtcDatetimeField(auto_now=False, auto_now_add=False)),
                ('step_due_at', UtcDatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('classification', fields.CharEnumField(null=True, description='CASH_FLOW: cash_flow\nNEGLECT: neglect\nDISPUTE: dispute\nMALICIOUS: malicious', enum_type=Classification, max_length=20)),
                ('classification_reason', fields.CharField(default='', max_length=500)),
                ('next_action_on', fields.DateField(null=True)),
                ('ally', fields.ForeignKeyField('crm.Contact', source_field='ally_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('key_person', fields.ForeignKeyField('crm.Contact', source_field='key_person_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('agency_name', fields.CharField(default='', max_length=200)),
                ('handed_over_on', fields.DateField(null=True)),
                ('agency_fee_minor', fields.BigIntField(null=True)),
                ('legal_action', fields.CharEnumField(null=True, description='LAWYERS_LETTER: lawyers_letter\nLAWSUIT: lawsuit', enum_type=LegalAction, max_length=20)),
                ('case_number', fields.CharField(default='', max_length=100)),
                ('opened_at', UtcDatetimeField(auto_now=False, auto_now_add=True)),
                ('closed_at', UtcDatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('open_slot', fields.IntField(null=True, unique=True)),
                ('updated_at', UtcDatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'collection_case', 'app': 'crm', 'indexes': [Index(fields=['step', 'next_action_on'])], 'pk_attr': 'id', 'table_description': 'Collecting the overdue debts of one customer (催收), one open case per customer.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CollectionEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('case', fields.ForeignKeyField('crm.CollectionCase', source_field='case_id', db_constraint=True, to_field='id', related_name='entries', on_delete=OnDelete.RESTRICT)),
                ('step', fields.CharEnumField(description='NEW: new\nNEGOTIATE: negotiate\nTHROUGH_ALLY: through_ally\nKEY_PERSON: key_person\nSTOP_SUPPLY: stop_supply\nAGENCY: agency\nLEGAL: legal\nCLOSED: closed', enum_type=CollectionStep, max_length=20)),
                ('action', fields.CharField(max_length=20)),
                ('outcome', fields.TextField(default='', unique=False)),
                ('next_action_on', fields.DateField(null=True)),
                ('actor', fields.ForeignKeyField('crm.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('at', UtcDatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'collection_entry', 'app': 'crm', 'indexes': [Index(fields=['case_id', 'id'])], 'pk_attr': 'id', 'table_description': 'One thing done on a case: who, when, at which step, the outcome and the next date.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CreditHold',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('crm.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='credit_holds', on_delete=OnDelete.RESTRICT)),
                ('reason', fields.CharField(max_length=500)),
                ('placed_by', fields.ForeignKeyField('crm.User', source_field='placed_by_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('placed_at', UtcDatetimeField(auto_now=False, auto_now_add=True)),
                ('released_by', fields.ForeignKeyField('crm.User', source_field='released_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('released_at', UtcDatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('release_reason', fields.CharField(default='', max_length=500)),
                ('open_slot', fields.IntField(null=True, unique=True)),
            ],
            options={'table': 'credit_hold', 'app': 'crm', 'indexes': [Index(fields=['customer_id', 'placed_at'])], 'pk_attr': 'id', 'table_description': 'Supply stopped for a customer (断货, ladder step 4, or set by finance or a manager):'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CustomerLedger',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.OneToOneField('crm.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='ledger', on_delete=OnDelete.RESTRICT)),
                ('version', fields.IntField(default=0)),
                ('updated_at', UtcDatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'customer_ledger', 'app': 'crm', 'pk_attr': 'id', 'table_description': 'One row per customer with money on record, the lock of their money.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Payment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('crm.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='payments', on_delete=OnDelete.RESTRICT)),
                ('amount_minor', fields.BigIntField()),
                ('unallocated_minor', fields.BigIntField(default=0)),
                ('received_on', fields.DateField()),
                ('method', fields.CharEnumField(description='BANK_TRANSFER: bank_transfer\nCASH: cash\nCHEQUE: cheque\nBANK_ACCEPTANCE: bank_acceptance\nOTHER: other', enum_type=PaymentMethod, max_length=20)),
                ('reference', fields.CharField(default='', max_length=100)),
                ('note', fields.CharField(default='', max_length=500)),
                ('idempotency_key', fields.CharField(null=True, unique=True, max_length=120)),
                ('recorded_by', fields.ForeignKeyField('crm.User', source_field='recorded_by_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('recorded_at', UtcDatetimeField(auto_now=False, auto_now_add=True)),
                ('reversed_at', UtcDatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reversed_by', fields.ForeignKeyField('crm.User', source_field='reversed_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('reversal_reason', fields.CharField(default='', max_length=500)),
            ],
            options={'table': 'payment', 'app': 'crm', 'indexes': [Index(fields=['customer_id', 'received_on'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Receivable',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.IntField(default=1)),
                ('customer', fields.ForeignKeyField('crm.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='receivables', on_delete=OnDelete.RESTRICT)),
                ('sales_order', fields.ForeignKeyField('crm.SalesOrder', source_field='sales_order_id', null=True, unique=True, db_constraint=True, to_field='id', related_name='receivables', on_delete=OnDelete.RESTRICT)),
                ('reference', fields.CharField(default='', max_length=100)),
                ('amount_minor', fields.BigIntField()),
                ('paid_minor', fields.BigIntField(default=0)),
                ('written_off_minor', fields.BigIntField(default=0)),
                ('open_minor', fields.BigIntField()),
                ('issued_on', fields.DateField()),
                ('due_on', fields.DateField()),
                ('status', fields.CharEnumField(default=ReceivableStatus.OPEN, description='OPEN: open\nPARTLY_PAID: partly_paid\nPAID: paid\nWRITTEN_OFF: written_off\nDISPUTED: disputed', enum_type=ReceivableStatus, max_length=20)),
                ('disputed', fields.BooleanField(default=False)),
                ('note', fields.CharField(default='', max_length=500)),
                ('created_by', fields.ForeignKeyField('crm.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('reminder', fields.ForeignKeyField('crm.FollowUp', source_field='reminder_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', UtcDatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', UtcDatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'receivable', 'app': 'crm', 'indexes': [Index(fields=['customer_id', 'due_on']), Index(fields=['issued_on', 'customer_id', 'amount_minor'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PaymentAllocation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('payment', fields.ForeignKeyField('crm.Payment', source_field='payment_id', db_constraint=True, to_field='id', related_name='allocations', on_delete=OnDelete.RESTRICT)),
                ('receivable', fields.ForeignKeyField('crm.Receivable', source_field='receivable_id', db_constraint=True, to_field='id', related_name='allocations', on_delete=OnDelete.RESTRICT)),
                ('amount_minor', fields.BigIntField()),
                ('allocated_at', UtcDatetimeField(auto_now=False, auto_now_add=True)),
                ('reversed', fields.BooleanField(default=False)),
            ],
            options={'table': 'payment_allocation', 'app': 'crm', 'indexes': [Index(fields=['receivable_id'])], 'pk_attr': 'id', 'table_description': 'Part of a payment applied to one receivable.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Reconciliation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('customer', fields.ForeignKeyField('crm.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='reconciliations', on_delete=OnDelete.RESTRICT)),
                ('period_from', fields.DateField()),
                ('period_to', fields.DateField()),
                ('closing_minor', fields.BigIntField()),
                ('confirmed_by_name', fields.CharField(max_length=100)),
                ('differences', fields.TextField(default='', unique=False)),
                ('recorded_by', fields.ForeignKeyField('crm.User', source_field='recorded_by_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('recorded_at', UtcDatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'reconciliation', 'app': 'crm', 'indexes': [Index(fields=['customer_id', 'period_to'])], 'pk_attr': 'id', 'table_description': 'A statement of account agreed with the finance department of the customer (对账).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WriteOff',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('receivable', fields.ForeignKeyField('crm.Receivable', source_field='receivable_id', db_constraint=True, to_field='id', related_name='write_offs', on_delete=OnDelete.RESTRICT)),
                ('amount_minor', fields.BigIntField()),
                ('reason', fields.CharField(max_length=500)),
                ('status', fields.CharEnumField(default=WriteOffStatus.PROPOSED, description='PROPOSED: proposed\nAPPROVED: approved\nREFUSED: refused', enum_type=WriteOffStatus, max_length=10)),
                ('proposed_by', fields.ForeignKeyField('crm.User', source_field='proposed_by_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('proposed_at', UtcDatetimeField(auto_now=False, auto_now_add=True)),
                ('decided_by', fields.ForeignKeyField('crm.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('decided_at', UtcDatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decision_note', fields.CharField(default='', max_length=500)),
            ],
            options={'table': 'write_off', 'app': 'crm', 'indexes': [Index(fields=['status', 'proposed_at'])], 'pk_attr': 'id', 'table_description': 'Part or all of a debt written off as bad debt: proposed by finance or the owner,'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='CompanySettings',
            name='aging_edges',
            field=fields.CharField(default='30,60,90,180', max_length=60),
        ),
        ops.AddField(
            model_name='CompanySettings',
            name='currency',
            field=fields.CharField(default='CNY', max_length=3),
        ),
        ops.AddField(
            model_name='CompanySettings',
            name='default_payment_days',
            field=fields.IntField(default=30),
        ),
        ops.AddField(
            model_name='CompanySettings',
            name='payment_reminder_days',
            field=fields.IntField(default=3),
        ),
        ops.AddField(
            model_name='CompanySettings',
            name='receivables_from_orders',
            field=fields.BooleanField(default=True),
        ),
        ops.AddField(
            model_name='Customer',
            name='payment_days',
            field=fields.IntField(null=True),
        ),
        ops.AlterField(
            model_name='FollowUp',
            name='origin',
            field=fields.CharEnumField(description='CADENCE: cadence\nMANUAL: manual\nLEADERSHIP_VISIT: leadership_visit\nCLASS_VISIT: class_visit\nINQUIRY_LETTER: inquiry_letter\nCOMPLAINT: complaint\nPAYMENT_REMINDER: payment_reminder\nCOLLECTION: collection', enum_type=FollowUpOrigin, max_length=20),
        ),
        ops.RunPython(_payment_days_from_terms, ops.RunPython.noop),
        ops.RunSQL(_OPEN_INDEX, 'DROP INDEX "receivable_open"'),
    ]
