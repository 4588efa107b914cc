"""Load the first service pages, departments and synonyms (see _initial_content)."""

from django.db import migrations

from guidance.migrations import _initial_content


class Migration(migrations.Migration):
    dependencies = [("guidance", "0002_postgres_search")]

    operations = [migrations.RunPython(_initial_content.load, _initial_content.unload)]
