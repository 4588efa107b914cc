"""PostgreSQL indexes for the staff case search (casework/admin/search.py)
on the reporter's and victim's names and email; nothing on SQLite.

Expressions match what Django's icontains and iexact send
(UPPER(column::text)), so the planner uses them.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS report_reporter_name_trgm ON reports_report "
    "USING gin (UPPER(reporter_name::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS report_victim_name_trgm ON reports_report "
    "USING gin (UPPER(victim_name::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS report_reporter_email_upper ON reports_report "
    "(UPPER(reporter_email::text))",
]
BACKWARD = [
    "DROP INDEX IF EXISTS report_reporter_email_upper",
    "DROP INDEX IF EXISTS report_victim_name_trgm",
    "DROP INDEX IF EXISTS report_reporter_name_trgm",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
