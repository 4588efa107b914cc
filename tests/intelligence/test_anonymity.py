"""The anonymity promise, checked: nothing that could identify an anonymous
informant is stored in any table, written to any log record, or put in any
task payload."""

import logging
from pathlib import Path

import pytest
from celery.signals import task_prerun
from django.core.cache import cache
from django.db import connection
from django.test import Client

from casework.attachments import Attachment
from intelligence.models import IntelligenceSubmission
from tests.casework import files
from tests.intelligence.journey import complete, passphrase_on, submit

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.77"
FORWARDED = "198.51.100.23"
USER_AGENT = "AnonymityProbe/9.9 (marker-ua-5f3c)"
COOKIE_VALUE = "MARKEDCOOKIE7d1e"
MARKERS = [ADDRESS, FORWARDED, USER_AGENT, "marker-ua-5f3c", COOKIE_VALUE]


FILE_NAME = "Sam-Jones-07700900123-IMG_4471.jpg"
# Made here, before the test's log capture starts: Pillow logs the tags it
# writes at DEBUG, and only what the site logs is under test.
PHOTO = files.jpeg_with_everything(f"{USER_AGENT} {ADDRESS} {COOKIE_VALUE}")


def every_stored_value() -> str:
    """Every row of every table, as text."""
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - our own table names
            for row in cursor.fetchall():
                dump.append(f"{table}: " + " | ".join(map(str, row)))
    return "\n".join(dump)


def marked_client() -> Client:
    """A browser whose address, user agent and cookie are all marked."""
    client = Client(
        REMOTE_ADDR=ADDRESS,
        HTTP_X_FORWARDED_FOR=FORWARDED,
        HTTP_USER_AGENT=USER_AGENT,
    )
    client.cookies["tracker"] = COOKIE_VALUE
    return client


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
    client = marked_client()
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


def every_stored_file(root: Path) -> dict[str, bytes]:
    """Every file in the evidence store, by its path there."""
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file()
    }


def test_an_informant_with_photos_leaves_no_trace_in_them_either(
    logs, task_payloads, django_capture_on_commit_callbacks, evidence_root
):
    """With photos: the file's name, the address, the browser and the cookie
    are in no table, log record, task payload or stored file, though the
    photo carries them in its EXIF, XMP, comment and colour profile, and
    though a refused file and a damaged photo with the same name were sent
    first."""
    cache.clear()
    client = marked_client()
    check = complete(client, {"what": {"information": "He keeps a knife in the car."}})
    page = check.replace("/check/", "/files/")
    for refused in (
        files.upload(FILE_NAME.replace(".jpg", ".pdf"), files.PDF),
        files.upload(FILE_NAME, b"\xff\xd8\xff\xe0" + b"\x00" * 200),
    ):
        response = client.post(page, {"files": [refused]})
        assert response.status_code == 200
        assert "govuk-file-upload--error" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page, {"files": [files.upload(FILE_NAME, PHOTO)]})
        assert response.status_code == 302
        submit(client, check)

    submission = IntelligenceSubmission.objects.get()
    assert submission.anonymous
    attachment = Attachment.objects.get()
    assert attachment.case == submission.case
    assert attachment.original_name == "image-1.jpg"
    stored_files = every_stored_file(evidence_root)
    assert len(stored_files) == 1

    stored = every_stored_value()
    logged = "\n".join(f"{record.getMessage()} {record.__dict__!r}" for record in logs)
    queued = "\n".join(task_payloads)
    markers = [*MARKERS, FILE_NAME, "Sam-Jones", "IMG_4471", "07700900123"]
    for marker in markers:
        assert marker not in stored, f"{marker} stored in the database"
        assert marker not in logged, (
            f"{marker} written to a log record: "
            + logged[max(0, logged.find(marker) - 400) : logged.find(marker) + 100]
        )
        assert marker not in queued, f"{marker} put in a task payload"
        for name, content in stored_files.items():
            assert marker not in name, f"{marker} in a stored file's name"
            for encoding in ("utf-8", "utf-16-be", "utf-16-le"):
                assert marker.encode(encoding) not in content, (
                    f"{marker} ({encoding}) in the stored file"
                )


def test_the_rate_limit_keeps_no_address_in_the_cache():
    cache.clear()
    client = Client(REMOTE_ADDR=ADDRESS)
    complete(client)
    cached = repr(getattr(cache, "_cache", {}))
    assert ADDRESS not in cached
