"""On PostgreSQL, many people submitting at once each get their own reference."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from reports import services
from reports.models import Report
from tests.reports.test_services import complete_answers, draft_with

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_fifty_concurrent_submissions_get_fifty_distinct_references():
    drafts = [draft_with(complete_answers()) for _ in range(50)]
    start = threading.Barrier(len(drafts))
    references, errors = [], []

    def submit(draft_id):
        try:
            start.wait(timeout=30)
            report = services.submit_report(draft_id=draft_id, now=timezone.now())
            references.append(report.case.reference)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(d.pk,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(references) == 50
    assert len(set(references)) == 50
    assert Report.objects.count() == 50


def test_the_same_draft_submitted_from_many_tabs_at_once_is_one_report():
    draft = draft_with(complete_answers())
    start = threading.Barrier(10)
    references, errors = [], []

    def submit():
        try:
            start.wait(timeout=30)
            report = services.submit_report(draft_id=draft.pk, now=timezone.now())
            references.append(report.case.reference)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(references) == 10
    assert len(set(references)) == 1
    assert Report.objects.count() == 1
