"""Photos and files on "Tell us about something", without JavaScript.

Anonymous: photos only, kept with nothing but their pixels and no name.
Named: what a crime report takes.
"""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from PIL import Image

from casework.attachments import Attachment
from intelligence import services
from intelligence.models import IntelligenceDraft, IntelligenceSubmission
from tests.casework import files
from tests.casework.files import error_messages
from tests.intelligence.journey import complete, submit, token_of

pytestmark = pytest.mark.django_db

ANONYMOUS_ONLY_PHOTOS = (
    "must be a JPG, PNG or HEIC. Videos and documents cannot be sent anonymously"
)


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()


def files_page(check_url: str) -> str:
    return f"/tell-us/{token_of(check_url)}/files/"


def upload_to(client, page, *uploads, action="continue"):
    return client.post(page, {"files": list(uploads), "action": action})


def a_photo(name="IMG_0001.jpg", colour="red"):
    image = Image.new("RGB", (30, 20), colour)
    out = io.BytesIO()
    image.save(out, "JPEG")
    return files.upload(name, out.getvalue())


def a_pdf(name="statement.pdf"):
    return files.upload(name, files.PDF + f"% {name}\n".encode())


@pytest.fixture
def anonymous(client):
    """A client whose anonymous draft is complete; returns (client, page)."""
    check = complete(client)
    return client, files_page(check)


@pytest.fixture
def named(client):
    check = complete(client, {"identity": {"give_details": "yes"}})
    return client, files_page(check)


def stored_names() -> list[str]:
    return list(Attachment.objects.values_list("original_name", flat=True))


def test_the_upload_page_comes_after_the_details_question(client):
    location = complete(client, {"files": {"files": []}})
    token = token_of(location)
    response = client.post(f"/tell-us/{token}/identity/", {"give_details": "no"})
    assert response["Location"] == f"/tell-us/{token}/files/"
    html = client.get(location).content.decode()
    assert "Files you uploaded" in html
    assert "None uploaded" in html
    assert f'href="/tell-us/{token}/files/?change=1"' in html


def test_anonymous_page_says_photos_only_and_what_is_removed(anonymous):
    client, page = anonymous
    html = client.get(page).content.decode()
    assert '<h1 class="govuk-heading-l">Upload photos or screenshots (optional)' in (
        html
    )
    assert "we do not keep the names of your files" in html
    assert "we cannot take videos or documents" in html
    assert 'enctype="multipart/form-data"' in html
    field = re.search(r"<input type=\"file\"[^>]*>", html).group(0)
    assert (
        'accept="image/jpeg,image/png,image/heic,image/heif,.jpg,.jpeg,.png,.heic,.heif"'
        in field
    )
    # No "save for later": the page's own address is the way back.
    assert "Save and come back later" not in html


def test_named_page_takes_what_a_crime_report_takes(named):
    client, page = named
    html = client.get(page).content.decode()
    assert "Upload photos, screenshots, videos or documents (optional)" in html
    assert "videos (MP4 or MOV) smaller than 200MB" in html
    assert "application/pdf" in re.search(r"<input type=\"file\"[^>]*>", html).group(0)


def test_an_anonymous_photo_is_kept_without_its_name(anonymous):
    client, page = anonymous
    response = upload_to(client, page, a_photo("Sam Jones holiday.jpg"))
    assert response["Location"].endswith("/check/")
    html = client.get(response["Location"]).content.decode()
    assert "image-1.jpg" in html
    assert "Sam Jones" not in html
    assert stored_names() == ["image-1.jpg"]
    assert "Sam Jones" not in str(IntelligenceDraft.objects.get().answers)


@pytest.mark.parametrize(
    ("name", "content"),
    [("clip.mp4", files.MP4), ("clip.mov", files.MOV), ("notes.pdf", files.PDF)],
)
def test_anonymous_videos_and_documents_are_refused_beside_the_field(
    anonymous, name, content
):
    client, page = anonymous
    draft = IntelligenceDraft.objects.get()
    answers_before = {k: v for k, v in draft.answers.items() if k != "files"}
    response = upload_to(client, page, files.upload(name, content), a_photo())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    message = f"The selected file “{name}” {ANONYMOUS_ONLY_PHOTOS}"
    assert error_messages(html) == [message]
    assert f'<a href="#id_files">{message}</a>' in html
    # The photo sent with it is kept; every other answer is as it was.
    assert "You have uploaded 1 file" in html
    assert stored_names() == ["image-1.jpg"]
    draft.refresh_from_db()
    assert {k: v for k, v in draft.answers.items() if k != "files"} == answers_before


def test_a_named_sender_may_send_a_document_under_its_own_name(named):
    client, page = named
    response = upload_to(client, page, a_pdf("Statement for police.pdf"))
    assert response["Location"].endswith("/check/")
    assert stored_names() == ["Statement for police.pdf"]
    html = client.get(response["Location"]).content.decode()
    assert "Statement for police.pdf" in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.jpg", b"", "The selected file “empty.jpg” is empty"),
        (
            "page.html",
            files.HTML,
            "The selected file “page.html” must be a JPG, PNG or HEIC",
        ),
        (
            "bomb.png",
            files.png_claiming(100_000, 100_000),
            "The selected file “bomb.png” must be smaller than 50 megapixels",
        ),
        (
            "virus.jpg",
            files.EICAR,
            "The selected file “virus.jpg” contains a virus",
        ),
    ],
)
def test_each_refusal_says_why(anonymous, name, content, message):
    client, page = anonymous
    html = upload_to(client, page, files.upload(name, content)).content.decode()
    assert error_messages(html) == [message]
    assert not Attachment.objects.exists()


def test_a_photo_too_big_is_refused_with_the_limit(anonymous, settings):
    settings.EVIDENCE_MAX_BYTES = {"image": 1024, "document": 1024, "video": 4096}
    client, page = anonymous
    big = files.upload("big.jpg", files.jpeg_with_gps(size=(400, 400)))
    html = upload_to(client, page, big).content.decode()
    assert error_messages(html) == [
        "The selected file “big.jpg” must be smaller than 1KB"
    ]
    assert not Attachment.objects.exists()


def test_upload_and_add_more_stays_on_the_page_and_needs_a_file(anonymous):
    client, page = anonymous
    response = upload_to(client, page, a_photo(), action="add")
    assert response["Location"] == page
    html = client.post(page, {"action": "add"}).content.decode()
    assert error_messages(html) == ["Select a file to upload"]
    assert "You have uploaded 1 file" in html


def test_continue_without_a_file_goes_on(anonymous):
    client, page = anonymous
    response = client.post(page, {"action": "continue"})
    assert response["Location"].endswith("/check/")
    assert not Attachment.objects.exists()


def test_coming_from_check_your_answers_goes_back_there(anonymous):
    client, page = anonymous
    response = upload_to(client, f"{page}?change=1", a_photo())
    assert response["Location"].endswith("/check/")


def test_the_same_photo_sent_twice_is_kept_once(anonymous):
    client, page = anonymous
    upload_to(client, page, a_photo(), action="add")
    upload_to(client, page, a_photo(), action="add")
    assert Attachment.objects.count() == 1


def test_removing_a_photo_renumbers_the_others(
    anonymous, django_capture_on_commit_callbacks
):
    client, page = anonymous
    upload_to(client, page, a_photo("a.jpg", "red"), a_photo("b.jpg", "blue"))
    first = Attachment.objects.get(original_name="image-1.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page, {"action": f"remove-{first.pk}"})
    assert response["Location"] == page
    assert stored_names() == ["image-1.jpg"]
    assert not Path(first.file.path).exists()
    html = client.get(page).content.decode()
    assert 'Remove<span class="govuk-visually-hidden"> image-1.jpg' in html


def test_a_file_of_another_draft_cannot_be_removed(anonymous):
    client, page = anonymous
    other = Client()
    other_page = files_page(complete(other))
    upload_to(other, other_page, a_photo())
    theirs = Attachment.objects.get()
    client.post(page, {"action": f"remove-{theirs.pk}"})
    client.post(page, {"action": "remove-not-a-uuid"})
    assert Attachment.objects.filter(pk=theirs.pk).exists()


def test_the_eleventh_file_is_refused(anonymous):
    client, page = anonymous
    # Eleven different photos: the same one twice would be kept once.
    photos = [a_photo(f"p{n}.jpg", (n * 20, 10, 10)) for n in range(1, 12)]
    html = upload_to(client, page, *photos).content.decode()
    assert error_messages(html) == [
        "“p11.jpg” was not uploaded: you can upload up to 10 files"
    ]
    assert Attachment.objects.count() == 10
    html = client.get(page).content.decode()
    assert "You have uploaded 10 files, the most you can" in html
    assert 'type="file"' not in html


def test_the_upload_page_checks_the_csrf_token(anonymous):
    _, page = anonymous
    response = Client(enforce_csrf_checks=True).post(page, {"files": [a_photo()]})
    assert response.status_code == 403
    assert not Attachment.objects.exists()


def test_an_unknown_draft_address_says_it_has_expired(client):
    response = client.post("/tell-us/not-a-token/files/", {"files": [a_photo()]})
    assert response.status_code == 404
    assert "This page has expired" in response.content.decode()
    assert not Attachment.objects.exists()


def test_after_sending_the_upload_page_leads_to_the_confirmation(anonymous):
    client, page = anonymous
    check = page.replace("/files/", "/check/")
    submit(client, check)
    response = upload_to(client, page, a_photo())
    assert response["Location"] == check
    assert not Attachment.objects.exists()


def test_sending_gives_the_photos_to_the_case_once(anonymous):
    client, page = anonymous
    upload_to(client, page, a_photo("Sam's phone.jpg"))
    check = page.replace("/files/", "/check/")
    submit(client, check)
    submit(client, check)  # a double click
    submission = IntelligenceSubmission.objects.get()
    attachment = Attachment.objects.get()
    assert attachment.case == submission.case
    assert attachment.draft_key is None
    assert submission.answers["files"]["files"] == [
        {"id": str(attachment.pk), "name": "image-1.jpg"}
    ]


def test_a_document_cannot_be_sent_after_choosing_to_stay_anonymous(named):
    client, page = named
    upload_to(client, page, a_pdf("Statement.pdf"), a_photo("Pat at home.jpg"))
    token = token_of(page)
    client.post(f"/tell-us/{token}/identity/?change=1", {"give_details": "no"})
    check = f"/tell-us/{token}/check/"
    html = client.get(check).content.decode()
    assert "<title>Error: " in html
    assert (
        f'<a href="/tell-us/{token}/files/?change=1">Remove “Statement.pdf”: '
        "videos and documents cannot be sent anonymously</a>"
    ) in html
    assert f'href="/tell-us/{token}/identity/?change=1">give your details' in html
    response = submit(client, check)
    assert response.status_code == 200
    assert "Remove “Statement.pdf”" in response.content.decode()
    assert not IntelligenceSubmission.objects.exists()

    pdf = Attachment.objects.get(original_name="Statement.pdf")
    client.post(f"/tell-us/{token}/files/?change=1", {"action": f"remove-{pdf.pk}"})
    html = submit(client, check).content.decode()
    assert "Information sent" in html
    submission = IntelligenceSubmission.objects.get()
    assert submission.anonymous
    # The photo's name went when they chose to stay anonymous.
    assert stored_names() == ["image-1.jpg"]
    assert "Pat at home" not in str(submission.answers)


def test_an_anonymous_photo_keeps_nothing_but_its_pixels(anonymous):
    """The issue's metadata test: a JPEG with GPS EXIF (and XMP, a comment
    and a colour profile with text) plus a PNG with text chunks go in; the
    stored files, read back with Pillow, hold none of it."""
    client, page = anonymous
    marker = "Sam Jones 07700900123"
    upload_to(
        client,
        page,
        files.upload("gps.jpg", files.jpeg_with_everything(marker)),
        files.upload("text.png", files.png_with_text()),
    )
    stored = {
        a.content_type: Path(a.file.path).read_bytes() for a in Attachment.objects.all()
    }
    assert set(stored) == {"image/jpeg", "image/png"}

    jpeg = Image.open(io.BytesIO(stored["image/jpeg"]))
    assert jpeg.format == "JPEG" and jpeg.size == (40, 20)
    assert dict(jpeg.getexif()) == {}
    assert jpeg.getexif().get_ifd(0x8825) == {}  # GPS
    for block in ("exif", "xmp", "comment", "icc_profile", "photoshop"):
        assert block not in jpeg.info, block
    png = Image.open(io.BytesIO(stored["image/png"]))
    assert png.format == "PNG"
    assert png.text == {}
    assert dict(png.getexif()) == {}
    assert "icc_profile" not in png.info

    for content in stored.values():
        for text in (marker, "Acacia Avenue", "Sam Reporter", "WGS-84", "PhoneMaker"):
            assert text.encode() not in content
            assert text.encode("utf-16-be") not in content
    # Still the photo that was sent.
    assert jpeg.convert("RGB").getpixel((20, 10))[0] > 200


def test_expired_drafts_lose_their_photos(django_capture_on_commit_callbacks):
    client = Client()
    page = files_page(complete(client))
    upload_to(client, page, a_photo())
    lost = Attachment.objects.get()
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        services.purge_expired_drafts(now=now + services.DRAFT_LIFETIME + timedelta(1))
    assert not Attachment.objects.exists()
    assert not IntelligenceDraft.objects.exists()
    assert not Path(lost.file.path).exists()


def test_an_anonymous_iphone_photo_is_kept_as_a_nameless_jpeg(anonymous):
    client, page = anonymous
    upload_to(client, page, files.upload("IMG_0002.HEIC", files.heic_with_gps()))
    attachment = Attachment.objects.get()
    assert (attachment.original_name, attachment.content_type) == (
        "image-1.jpg",
        "image/jpeg",
    )
    stored = Path(attachment.file.path).read_bytes()
    assert Image.open(io.BytesIO(stored)).format == "JPEG"
    assert b"WGS-84" not in stored and b"PhoneMaker" not in stored


def test_a_file_checked_under_the_named_rules_is_not_kept_once_anonymous(
    named, monkeypatch, evidence_root
):
    """The checks run before the draft is locked; if the sender chose to stay
    anonymous meanwhile (another tab), a document must not slip through."""
    client, page = named
    draft = IntelligenceDraft.objects.get()
    lock = services._locked

    def anonymous_meanwhile(draft_id, now):
        IntelligenceDraft.objects.filter(pk=draft_id).update(
            answers={**draft.answers, "identity": {"give_details": "no"}}
        )
        return lock(draft_id, now)

    monkeypatch.setattr(services, "_locked", anonymous_meanwhile)
    with pytest.raises(services.DraftNotFound):
        services.add_file(
            draft_id=draft.pk, upload=a_pdf("Statement.pdf"), now=timezone.now()
        )
    assert not Attachment.objects.exists()
    assert not [path for path in Path(evidence_root).rglob("*") if path.is_file()]
