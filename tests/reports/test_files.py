"""Uploading photos, videos and documents in the report journey, without JavaScript."""

import io
import re
import socket
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from casework.attachments import Attachment
from casework.scanning import EICAR
from reports import services
from reports.models import Report, ReportDraft
from tests.casework import files
from tests.casework.files import error_messages
from tests.reports.journey_data import complete_journey

pytestmark = pytest.mark.django_db


def upload_to(client, *uploads, action="continue", page="/report/files/"):
    return client.post(page, {"files": list(uploads), "action": action})


def a_pdf(name="statement.pdf"):
    # Each name its own content: the same file sent twice is kept once.
    return files.upload(name, files.PDF + f"% {name}\n".encode())


@pytest.fixture
def at_check(client):
    complete_journey(client)
    return client


def test_the_files_page_comes_after_evidence_and_can_be_left_empty(client):
    response = client.post("/report/emergency/", {"emergency": "no"})
    check = complete_journey(client)
    html = check.content.decode()
    assert "Photos, videos or documents" in html
    assert "None uploaded" in html
    assert 'href="/report/files/?change=1"' in html
    assert response.status_code == 302


def test_the_page_is_a_plain_multipart_form_with_a_govuk_file_input(at_check):
    html = at_check.get("/report/files/").content.decode()
    assert "Upload photos, videos or documents (optional)" in html
    assert 'enctype="multipart/form-data"' in html
    field = re.search(r"<input type=\"file\"[^>]*>", html).group(0)
    assert "multiple" in field
    assert 'class="multiplefileinput govuk-file-upload"' in field
    assert 'id="id_files"' in field
    assert 'for="id_files"' in html


def test_a_photo_uploaded_is_listed_and_shown_in_check_your_answers(at_check):
    response = upload_to(at_check, files.upload("IMG_0001.jpg", files.jpeg_with_gps()))
    assert response["Location"] == "/report/check/"
    html = at_check.get("/report/check/").content.decode()
    assert "IMG_0001.jpg" in html
    page = at_check.get("/report/files/").content.decode()
    assert "You have uploaded 1 file" in page
    assert 'Remove<span class="govuk-visually-hidden"> IMG_0001.jpg' in page


def test_the_stored_photo_has_no_location_in_it(at_check):
    upload_to(at_check, files.upload("IMG_0001.jpg", files.jpeg_with_gps()))
    attachment = Attachment.objects.get()
    stored = Path(attachment.file.path).read_bytes()
    assert dict(Image.open(io.BytesIO(stored)).getexif()) == {}
    assert b"Exif" not in stored and b"WGS-84" not in stored


def test_a_refused_file_is_explained_beside_the_field_and_nothing_else_is_lost(
    at_check,
):
    draft = ReportDraft.objects.get()
    answers_before = dict(draft.answers)
    response = upload_to(
        at_check,
        files.upload("holiday.jpg", files.HTML),
        a_pdf("statement.pdf"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    message = (
        "The selected file “holiday.jpg” must be a JPG, PNG, HEIC, MP4, MOV or PDF"
    )
    assert error_messages(html) == [message]  # beside the field
    assert f'<a href="#id_files">{message}</a>' in html  # in the summary
    assert "govuk-file-upload--error" in html
    # The good file was kept, the other answers are as they were.
    assert "statement.pdf" in html
    draft.refresh_from_db()
    assert {k: v for k, v in draft.answers.items() if k != "files"} == {
        k: v for k, v in answers_before.items() if k != "files"
    }
    assert [f["name"] for f in draft.answers["files"]["files"]] == ["statement.pdf"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.jpg", b"", "The selected file “empty.jpg” is empty"),
        (
            "virus.pdf",
            files.PDF + EICAR,
            "The selected file “virus.pdf” contains a virus",
        ),
        (
            "bomb.png",
            files.png_claiming(100_000, 100_000),
            "The selected file “bomb.png” must be smaller than 50 megapixels",
        ),
        (
            "<i>photo.exe",
            files.EXE,
            "The selected file “&lt;i&gt;photo.exe” must be a JPG, PNG, HEIC, MP4, MOV "
            "or PDF",
        ),
    ],
)
def test_each_kind_of_refusal_says_why(at_check, name, content, message):
    html = upload_to(at_check, files.upload(name, content)).content.decode()
    assert error_messages(html) == [message]
    assert not Attachment.objects.exists()


def test_a_file_too_big_is_refused_with_the_limit(at_check, settings):
    settings.EVIDENCE_MAX_BYTES = {"image": 2048, "document": 2048, "video": 4096}
    big = files.upload("big.pdf", files.PDF + b"%" * 3000)
    html = upload_to(at_check, big).content.decode()
    assert error_messages(html) == [
        "The selected file “big.pdf” must be smaller than 2KB"
    ]
    assert "smaller than 2KB, videos (MP4 or MOV) smaller than 4KB" in html
    assert not Attachment.objects.exists()


def test_the_eleventh_file_is_refused(at_check):
    response = upload_to(at_check, *[a_pdf(f"page-{n}.pdf") for n in range(1, 11)])
    assert response.status_code == 302
    html = upload_to(at_check, a_pdf("page-11.pdf")).content.decode()
    assert error_messages(html) == [
        "“page-11.pdf” was not uploaded: you can upload up to 10 files"
    ]
    assert Attachment.objects.count() == 10


def test_with_ten_files_the_page_offers_no_more_uploads(at_check):
    upload_to(at_check, *[a_pdf(f"page-{n}.pdf") for n in range(1, 11)])
    html = at_check.get("/report/files/").content.decode()
    assert "You have uploaded 10 files, the most you can" in html
    assert 'type="file"' not in html


def test_a_file_can_be_removed(at_check, django_capture_on_commit_callbacks):
    upload_to(at_check, a_pdf("wrong.pdf"), a_pdf("right.pdf"), action="add")
    wrong = Attachment.objects.get(original_name="wrong.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = at_check.post("/report/files/", {"action": f"remove-{wrong.pk}"})
    assert response["Location"] == "/report/files/"
    html = at_check.get("/report/check/").content.decode()
    assert "right.pdf" in html and "wrong.pdf" not in html
    assert not Path(wrong.file.path).exists()


def test_a_file_of_another_report_cannot_be_removed(at_check):
    other = Client()
    complete_journey(other)
    upload_to(other, a_pdf("theirs.pdf"))
    theirs = Attachment.objects.get()
    at_check.post("/report/files/", {"action": f"remove-{theirs.pk}"})
    at_check.post("/report/files/", {"action": "remove-not-a-uuid"})
    assert Attachment.objects.filter(pk=theirs.pk).exists()


def test_upload_and_add_more_stays_on_the_page_and_needs_a_file(at_check):
    response = upload_to(at_check, a_pdf(), action="add")
    assert response["Location"] == "/report/files/"
    html = at_check.post("/report/files/", {"action": "add"}).content.decode()
    assert error_messages(html) == ["Select a file to upload"]


def test_a_file_is_quarantined_and_the_person_told_when_clamd_is_down(
    at_check, settings
):
    with socket.create_server(("127.0.0.1", 0)) as probe:
        settings.CLAMD_PORT = probe.getsockname()[1]
    settings.CLAMD_HOST = "127.0.0.1"
    settings.CLAMD_TIMEOUT = 2
    upload_to(at_check, a_pdf(), action="add")
    attachment = Attachment.objects.get()
    assert attachment.scan_status == Attachment.ScanStatus.QUARANTINED
    html = at_check.get("/report/files/").content.decode()
    assert "Received. We will check it for viruses before anyone opens it." in html


def test_the_files_page_checks_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    complete_journey(Client())  # a draft exists; this client has no token
    response = client.post("/report/files/", {"files": [a_pdf()]})
    assert response.status_code == 403
    assert not Attachment.objects.exists()


def test_sending_the_report_gives_its_files_to_the_case(at_check):
    upload_to(at_check, files.upload("IMG_0001.jpg", files.jpeg_with_gps()))
    response = at_check.post("/report/check/", {"confirm": "on"}, follow=True)
    assert "Report sent" in response.content.decode()
    report = Report.objects.get()
    attachment = Attachment.objects.get()
    assert attachment.case == report.case
    assert attachment.draft_key is None
    assert report.answers["files"]["files"] == [
        {"id": str(attachment.pk), "name": "IMG_0001.jpg"}
    ]
    assert "IMG_0001.jpg" in at_check.get("/report/copy/").content.decode()


def test_expired_drafts_lose_their_files_and_sent_reports_keep_theirs(
    django_capture_on_commit_callbacks,
):
    sent, abandoned = Client(), Client()
    for client in (sent, abandoned):
        complete_journey(client)
        upload_to(client, a_pdf())
    sent.post("/report/check/", {"confirm": "on"})
    kept = Attachment.objects.get(case__isnull=False)
    lost = Attachment.objects.get(case__isnull=True)
    now = timezone.now()
    ReportDraft.objects.filter(report__isnull=True).update(
        expires_at=now - timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.purge_expired_drafts(now=now + timedelta(days=2))
    assert list(Attachment.objects.all()) == [kept]
    assert Path(kept.file.path).exists()
    assert not Path(lost.file.path).exists()


def test_an_iphone_photo_is_kept_as_a_jpeg_under_its_own_name(at_check):
    upload_to(at_check, files.upload("IMG_0002.HEIC", files.heic_with_gps()))
    attachment = Attachment.objects.get()
    assert (attachment.original_name, attachment.content_type) == (
        "IMG_0002.jpg",
        "image/jpeg",
    )
    stored = Path(attachment.file.path).read_bytes()
    assert Image.open(io.BytesIO(stored)).format == "JPEG"
    assert b"WGS-84" not in stored
    assert "IMG_0002.jpg" in at_check.get("/report/check/").content.decode()


def test_the_same_file_sent_twice_is_kept_once(at_check):
    upload_to(at_check, a_pdf("statement.pdf"), action="add")
    upload_to(at_check, a_pdf("statement.pdf"), action="add")
    assert Attachment.objects.count() == 1
    html = at_check.get("/report/files/").content.decode()
    assert "You have uploaded 1 file" in html
