from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('crm', '0005_queue_covering_index')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Customer',
            index=Index(fields=['owner_id', 'archived_at', 'grade', 'last_contact_at', 'created_at', 'id']),
        ),
    ]
