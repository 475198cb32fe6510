from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

import re

# Evidence names as complaints/evidence.py makes them when this migration was written
# (copied: a migration must not change with later code): no characters that reorder or
# hide text, and the extension of the type the file's bytes are.
_EXTENSIONS = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/webp": (".webp",),
    "application/pdf": (".pdf",),
}
_HIDDEN = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\u0000-\u001f\u007f]")


def _stored_name(filename, kind):
    name = _HIDDEN.sub("", (filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip()
    name = name.lstrip(". ")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    if f".{extension.lower()}" in _EXTENSIONS[kind]:
        return name
    return f"{stem.rstrip('. ') or 'file'}{_EXTENSIONS[kind][0]}"[-200:]


async def _rename_evidence(apps, schema_editor):
    """Files attached before names followed their type: "invoice.bat" holding a PDF is
    offered as "invoice.pdf" from now on."""
    client = schema_editor.client
    mark = "$1" if client.capabilities.dialect == "postgres" else "?"
    mark2 = "$2" if client.capabilities.dialect == "postgres" else "?"
    _, rows = await client.execute_query(
        "SELECT id, filename, content_type FROM complaint_evidence"
    )
    for row in rows:
        renamed = _stored_name(row[1], row[2]) if row[2] in _EXTENSIONS else row[1]
        if renamed != row[1]:
            await client.execute_query(
                f"UPDATE complaint_evidence SET filename = {mark} WHERE id = {mark2}",
                [renamed, row[0]],
            )


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
        ops.RunPython(_rename_evidence, ops.RunPython.noop),
    ]
