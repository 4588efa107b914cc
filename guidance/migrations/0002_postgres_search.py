"""PostgreSQL search indexes; nothing happens on SQLite.

pg_trgm gives trigram matching for misspellings ("firarms"); the GIN index on
search_vector serves full-text search; the trigram GIN indexes on title and
on synonyms' terms serve the `%>` (word similarity) operator. They are not in
the models' Meta.indexes because a GIN index cannot be created on SQLite.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "guidance_page_search_gin": (
        "CREATE INDEX IF NOT EXISTS guidance_page_search_gin "
        "ON guidance_servicepage USING gin (search_vector)"
    ),
    "guidance_page_title_trgm": (
        "CREATE INDEX IF NOT EXISTS guidance_page_title_trgm "
        "ON guidance_servicepage USING gin (title gin_trgm_ops)"
    ),
    "guidance_synonym_term_trgm": (
        "CREATE INDEX IF NOT EXISTS guidance_synonym_term_trgm "
        "ON guidance_synonym USING gin (term gin_trgm_ops)"
    ),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in INDEXES.values():
        schema_editor.execute(sql)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("guidance", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
