"""The anonymity promise, checked: nothing that could identify an anonymous
informant is stored in any table, written to any log record, or put in any
task payload."""

import logging

import pytest
from celery.signals import task_prerun
from django.core.cache import cache
from django.db import connection
from django.test import Client

from intelligence.models import IntelligenceSubmission
from tests.intelligence.journey import complete, passphrase_on, submit

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.77"
FORWARDED = "198.51.100.23"
USER_AGENT = "AnonymityProbe/9.9 (marker-ua-5f3c)"
COOKIE_VALUE = "MARKEDCOOKIE7d1e"
MARKERS = [ADDRESS, FORWARDED, USER_AGENT, "marker-ua-5f3c", COOKIE_VALUE]


def every_stored_value() -> str:
    """Every row of every table, as text."""
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - our own table names
            for row in cursor.fetchall():
                dump.append(f"{table}: " + " | ".join(map(str, row)))
    return "\n".join(dump)


class RecordEverything(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def logs():
    handler = RecordEverything()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler.records
    root.removeHandler(handler)
    root.setLevel(previous)


@pytest.fixture
def task_payloads():
    payloads = []

    def record(sender=None, task_id=None, task=None, args=None, kwargs=None, **extra):
        payloads.append(repr((task.name if task else sender, args, kwargs)))

    task_prerun.connect(record, weak=False)
    yield payloads
    task_prerun.disconnect(record)


def test_an_anonymous_informant_leaves_no_trace(
    logs, task_payloads, django_capture_on_commit_callbacks
):
    cache.clear()
    client = Client(
        REMOTE_ADDR=ADDRESS,
        HTTP_X_FORWARDED_FOR=FORWARDED,
        HTTP_USER_AGENT=USER_AGENT,
    )
    client.cookies["tracker"] = COOKIE_VALUE
    # A knife is mentioned, so the submission is flagged and a staff notice
    # goes through the task queue too.
    overrides = {"what": {"information": "He keeps a knife in the car."}}
    with django_capture_on_commit_callbacks(execute=True):
        check = complete(client, overrides)
        response = submit(client, check)
    assert response.status_code == 200
    passphrase = passphrase_on(response.content.decode())

    submission = IntelligenceSubmission.objects.get()
    assert submission.anonymous
    assert submission.immediate_review
    assert task_payloads, "the staff notice should have gone through a task"

    stored = every_stored_value()
    logged = "\n".join(f"{record.getMessage()} {record.__dict__!r}" for record in logs)
    queued = "\n".join(task_payloads)
    for marker in MARKERS:
        assert marker not in stored, f"{marker} stored in the database"
        assert marker not in logged, f"{marker} written to a log record"
        assert marker not in queued, f"{marker} put in a task payload"
    # The passphrase itself is never stored, only its hash.
    assert passphrase not in stored
    # No session was created for the informant.
    assert "django_session: " not in stored
    assert "sessionid" not in response.cookies


def test_the_rate_limit_keeps_no_address_in_the_cache():
    cache.clear()
    client = Client(REMOTE_ADDR=ADDRESS)
    complete(client)
    cached = repr(getattr(cache, "_cache", {}))
    assert ADDRESS not in cached
