from tortoise import migrations
from tortoise.migrations import operations as ops
from server.domain.complaints.models import EvidenceType
from server.domain.shared.timefields import UtcDatetimeField
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('crm', '0010_complaints_and_workflow')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ComplaintEvidence',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('complaint', fields.ForeignKeyField('crm.Complaint', source_field='complaint_id', db_constraint=True, to_field='id', related_name='evidence', on_delete=OnDelete.CASCADE)),
                ('sha256', fields.CharField(max_length=64)),
                ('filename', fields.CharField(max_length=200)),
                ('content_type', fields.CharEnumField(description='JPEG: image/jpeg\nPNG: image/png\nWEBP: image/webp\nPDF: application/pdf', enum_type=EvidenceType, max_length=32)),
                ('size', fields.BigIntField()),
                ('description', fields.CharField(default='', max_length=500)),
                ('uploaded_by', fields.ForeignKeyField('crm.User', source_field='uploaded_by_id', null=True, db_constraint=True, to_field='id', related_name='uploaded_evidence', on_delete=OnDelete.RESTRICT)),
                ('uploaded_at', UtcDatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'complaint_evidence', 'app': 'crm', 'indexes': [Index(fields=['complaint_id', 'id'])], 'pk_attr': 'id', 'table_description': 'A photo or document attached to a complaint (the texts ask for photos of the'},
            bases=['Model'],
        ),
        ops.AddIndex(
            model_name='Complaint',
            index=Index(fields=['step', 'customer_id', 'assignee_id', 'department_id', 'step_due_at']),
        ),
        ops.AddField(
            model_name='StepEvent',
            name='due_at',
            field=UtcDatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
