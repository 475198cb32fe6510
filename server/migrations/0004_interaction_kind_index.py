from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('crm', '0003_followups_and_sales')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Interaction',
            index=Index(fields=['kind', 'customer_id', 'occurred_at']),
        ),
    ]
