"""PostgreSQL sequences for case references (one per prefix).

On other databases references come from the ReferenceCounter table.
"""

from django.db import migrations

PREFIXES = ["cr", "in", "wc"]


def create_sequences(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for prefix in PREFIXES:
        schema_editor.execute(
            f"CREATE SEQUENCE IF NOT EXISTS casework_reference_{prefix}"
        )


def drop_sequences(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for prefix in PREFIXES:
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS casework_reference_{prefix}")


class Migration(migrations.Migration):
    dependencies = [("casework", "0003_cases")]

    operations = [migrations.RunPython(create_sequences, drop_sequences)]
