"""Complaints (issue 14): the complaint record and the order lines it concerns; the workflow
area's step events; the company's working weekdays and the complaint steps' time limits.
(Made with `tortoise -c server.database.db.TORTOISE_ORM makemigrations crm`.)"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from server.domain.complaints.models import ComplaintCategory, ComplaintChannel, ComplaintKind, ComplaintStep, RemedyKind, ResponsibleParty, Severity
from server.domain.followups.models import FollowUpOrigin
from server.domain.shared.timefields import UtcDatetimeField
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class StateOnlyAlter(ops.AlterField):
    """FollowUp.origin gains the value "complaint": its column (varchar 20) is unchanged, and
    Tortoise's AlterField would rebuild the follow_up table on SQLite for a new description."""

    async def database_forward(self, *args, **kwargs):
        return None

    async def database_backward(self, *args, **kwargs):
        return None


class Migration(migrations.Migration):
    dependencies = [('crm', '0009_customer_trigram_search')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Complaint',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.IntField(default=1)),
                ('customer', fields.ForeignKeyField('crm.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='complaints', on_delete=OnDelete.RESTRICT)),
                ('contact', fields.ForeignKeyField('crm.Contact', source_field='contact_id', null=True, db_constraint=True, to_field='id', related_name='complaints', on_delete=OnDelete.SET_NULL)),
                ('channel', fields.CharEnumField(description='PHONE: phone\nON_SITE: on_site\nLETTER: letter\nEMAIL: email\nOTHER: other', enum_type=ComplaintChannel, max_length=16)),
                ('received_at', UtcDatetimeField(auto_now=False, auto_now_add=False)),
                ('category', fields.CharEnumField(description='PRODUCT_QUALITY: product_quality\nSALES_CONTRACT: sales_contract\nSERVICE: service', enum_type=ComplaintCategory, max_length=20)),
                ('kind', fields.CharEnumField(description='SPEC_MISMATCH: spec_mismatch\nOUT_OF_TOLERANCE: out_of_tolerance\nMALFUNCTION: malfunction\nQUALITY_OTHER: quality_other\nQUANTITY: quantity\nGRADE: grade\nSPECIFICATION: specification\nDELIVERY_TIME: delivery_time\nDELIVERY_PLACE: delivery_place\nSETTLEMENT: settlement\nTRANSIT_DAMAGE: transit_damage\nPACKING: packing\nATTITUDE: attitude\nSERVICE_QUALITY: service_quality\nMANNER: manner', enum_type=ComplaintKind, max_length=24)),
                ('subject', fields.CharField(max_length=200)),
                ('description', fields.TextField(default='', unique=False)),
                ('demand', fields.TextField(default='', unique=False)),
                ('sales_order', fields.ForeignKeyField('crm.SalesOrder', source_field='sales_order_id', null=True, db_constraint=True, to_field='id', related_name='complaints', on_delete=OnDelete.RESTRICT)),
                ('amount_minor', fields.BigIntField(null=True)),
                ('severity', fields.CharEnumField(default=Severity.MEDIUM, description='LOW: low\nMEDIUM: medium\nHIGH: high\nCRITICAL: critical', enum_type=Severity, max_length=10)),
                ('recorded_by', fields.ForeignKeyField('crm.User', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name='recorded_complaints', on_delete=OnDelete.RESTRICT)),
                ('step', fields.CharEnumField(default=ComplaintStep.VALIDATE, description='VALIDATE: validate\nASSIGN: assign\nANALYSE: analyse\nPROPOSE: propose\nAPPROVE: approve\nIMPLEMENT: implement\nEVALUATE: evaluate\nCLOSED: closed\nREJECTED: rejected', enum_type=ComplaintStep, max_length=12)),
                ('step_entered_at', UtcDatetimeField(auto_now=False, auto_now_add=False)),
                ('step_due_at', UtcDatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('rejection_reason', fields.TextField(default='', unique=False)),
                ('reply', fields.TextField(default='', unique=False)),
                ('department', fields.ForeignKeyField('crm.Department', source_field='department_id', null=True, db_constraint=True, to_field='id', related_name='complaints', on_delete=OnDelete.RESTRICT)),
                ('assignee', fields.ForeignKeyField('crm.User', source_field='assignee_id', null=True, db_constraint=True, to_field='id', related_name='assigned_complaints', on_delete=OnDelete.RESTRICT)),
                ('root_cause', fields.TextField(default='', unique=False)),
                ('responsible_party', fields.CharEnumField(null=True, description='OUR_PRODUCT: our_product\nOUR_LOGISTICS: our_logistics\nOUR_STAFF: our_staff\nCUSTOMER: customer\nTHIRD_PARTY: third_party', enum_type=ResponsibleParty, max_length=16)),
                ('remedy_kind', fields.CharEnumField(null=True, description='RETURN: return\nEXCHANGE: exchange\nREPAIR: repair\nDISCOUNT: discount\nCOMPENSATION: compensation\nOTHER: other', enum_type=RemedyKind, max_length=16)),
                ('remedy_amount_minor', fields.BigIntField(null=True)),
                ('remedy_description', fields.TextField(default='', unique=False)),
                ('proposed_by', fields.ForeignKeyField('crm.User', source_field='proposed_by_id', null=True, db_constraint=True, to_field='id', related_name='proposed_remedies', on_delete=OnDelete.RESTRICT)),
                ('approved_by', fields.ForeignKeyField('crm.User', source_field='approved_by_id', null=True, db_constraint=True, to_field='id', related_name='approved_remedies', on_delete=OnDelete.RESTRICT)),
                ('implementation', fields.TextField(default='', unique=False)),
                ('customer_notified_at', UtcDatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('customer_feedback', fields.TextField(default='', unique=False)),
                ('implemented_at', UtcDatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('lessons', fields.TextField(default='', unique=False)),
                ('corrective_action', fields.TextField(default='', unique=False)),
                ('corrective_owner', fields.ForeignKeyField('crm.User', source_field='corrective_owner_id', null=True, db_constraint=True, to_field='id', related_name='corrective_actions', on_delete=OnDelete.RESTRICT)),
                ('corrective_due_on', fields.DateField(null=True)),
                ('corrective_done_on', fields.DateField(null=True)),
                ('satisfaction', fields.SmallIntField(null=True)),
                ('closed_at', UtcDatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reopen_reason', fields.TextField(default='', unique=False)),
                ('created_at', UtcDatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', UtcDatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'complaint', 'app': 'crm', 'indexes': [Index(fields=['customer_id', 'received_at']), Index(fields=['step', 'step_due_at']), Index(fields=['assignee_id', 'step']), Index(fields=['department_id', 'step'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ComplaintLine',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('complaint', fields.ForeignKeyField('crm.Complaint', source_field='complaint_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('order_line', fields.ForeignKeyField('crm.SalesOrderLine', source_field='order_line_id', db_constraint=True, to_field='id', related_name='complaint_lines', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'complaint_line', 'app': 'crm', 'unique_together': (('complaint_id', 'order_line_id'),), 'pk_attr': 'id', 'table_description': 'An order line the complaint concerns (optional, a line of its sales order).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StepEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('process', fields.CharField(max_length=32)),
                ('record_id', fields.IntField()),
                ('action', fields.CharField(max_length=32)),
                ('from_step', fields.CharField(null=True, max_length=32)),
                ('to_step', fields.CharField(max_length=32)),
                ('actor', fields.ForeignKeyField('crm.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='step_events', on_delete=OnDelete.RESTRICT)),
                ('at', UtcDatetimeField(auto_now=False, auto_now_add=False)),
                ('note', fields.TextField(default='', unique=False)),
                ('spent_seconds', fields.BigIntField(null=True)),
            ],
            options={'table': 'step_event', 'app': 'crm', 'indexes': [Index(fields=['process', 'record_id', 'id'])], 'pk_attr': 'id', 'table_description': 'One move of a record through its process (a complaint from analysis to proposal):'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='CompanySettings',
            name='complaint_analyse_days',
            field=fields.IntField(default=3),
        ),
        ops.AddField(
            model_name='CompanySettings',
            name='complaint_approve_days',
            field=fields.IntField(default=1),
        ),
        ops.AddField(
            model_name='CompanySettings',
            name='complaint_assign_days',
            field=fields.IntField(default=1),
        ),
        ops.AddField(
            model_name='CompanySettings',
            name='complaint_evaluate_days',
            field=fields.IntField(default=5),
        ),
        ops.AddField(
            model_name='CompanySettings',
            name='complaint_followup_days',
            field=fields.IntField(default=3),
        ),
        ops.AddField(
            model_name='CompanySettings',
            name='complaint_implement_days',
            field=fields.IntField(default=5),
        ),
        ops.AddField(
            model_name='CompanySettings',
            name='complaint_propose_days',
            field=fields.IntField(default=2),
        ),
        ops.AddField(
            model_name='CompanySettings',
            name='complaint_validate_days',
            field=fields.IntField(default=1),
        ),
        ops.AddField(
            model_name='CompanySettings',
            name='working_weekdays',
            field=fields.CharField(default='12345', max_length=7),
        ),
        StateOnlyAlter(
            model_name='FollowUp',
            name='origin',
            field=fields.CharEnumField(description='CADENCE: cadence\nMANUAL: manual\nLEADERSHIP_VISIT: leadership_visit\nCLASS_VISIT: class_visit\nINQUIRY_LETTER: inquiry_letter\nCOMPLAINT: complaint', enum_type=FollowUpOrigin, max_length=20),
        ),
    ]
