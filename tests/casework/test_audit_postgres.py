"""On PostgreSQL the audit trail is append-only whatever the client: a
trigger refuses UPDATE and DELETE, even in raw SQL."""

import pytest
from django.db import DatabaseError, connection, transaction

from casework.audit import AuditEntry, record

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE casework_auditentry SET reason = 'rewritten'",
        "DELETE FROM casework_auditentry",
    ],
)
def test_raw_sql_cannot_change_or_delete_an_entry(statement):
    entry = record(user=None, action="view", object_type="casework.case", reason="")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
        c.execute(statement)
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""
