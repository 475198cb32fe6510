from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [('crm', '0013_events')]

    initial = False

    operations = [
        # The company's largest single amount (1,000,000,000.00 unless changed), in minor
        # units: amounts over it are refused at the API's edge and in the domain.
        ops.AddField(
            model_name='CompanySettings',
            name='largest_amount_minor',
            field=fields.BigIntField(default=100_000_000_000),
        ),
    ]
