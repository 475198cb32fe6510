from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('crm', '0004_interaction_kind_index')]

    initial = False

    operations = [
        ops.RemoveIndex(
            model_name='FollowUp',
            name=None,
            fields=['assignee_id', 'status', 'due_on'],
        ),
        ops.AddIndex(
            model_name='FollowUp',
            index=Index(fields=['assignee_id', 'status', 'due_on', 'customer_id']),
        ),
    ]
