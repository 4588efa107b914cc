"""Checking uploaded evidence: type by content, sizes, photos cleaned, viruses."""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import ExifTags, Image

from casework.attachments import store_attachment
from casework.scanning import EICAR, LocalScanner
from casework.uploads import (
    EVIDENCE,
    PHOTOS_ONLY,
    CappedUploadHandler,
    UploadRejected,
    check_upload,
    display_name,
)
from tests.casework import files

pytestmark = pytest.mark.django_db


def check(name: str, content: bytes):
    return check_upload(files.upload(name, content), scanner=LocalScanner())


def refusal(name: str, content: bytes) -> str:
    with pytest.raises(UploadRejected) as rejected:
        check(name, content)
    return rejected.value.message


def stored_bytes(checked) -> bytes:
    attachment = store_attachment(
        checked=checked, draft_key=uuid.uuid4(), now=timezone.now()
    )
    with attachment.file.open("rb") as stored:
        return stored.read()


def test_location_and_camera_details_are_removed_from_a_photo():
    original = files.jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"Exif" in original and b"WGS-84" in original and b"Acacia" in original

    stored = stored_bytes(check("IMG_0001.jpg", original))

    photo = Image.open(io.BytesIO(stored))
    assert photo.format == "JPEG"
    assert dict(photo.getexif()) == {}
    assert b"Exif" not in stored
    assert b"GPS" not in stored and b"WGS-84" not in stored
    assert b"PhoneMaker" not in stored
    assert b"Acacia" not in stored  # neither the comment nor the XMP
    assert b"xmpmeta" not in stored


def test_a_photo_taken_sideways_is_kept_the_right_way_up():
    # Orientation 6: the camera was turned; viewers rotate it 90 degrees.
    checked = check("sideways.jpg", files.jpeg_with_gps(size=(40, 20), orientation=6))
    assert Image.open(io.BytesIO(stored_bytes(checked))).size == (20, 40)


def test_text_written_into_a_png_is_removed():
    original = files.png_with_text()
    assert b"Sam Reporter" in original

    stored = stored_bytes(check("screenshot.png", original))

    image = Image.open(io.BytesIO(stored))
    assert image.format == "PNG"
    assert image.text == {}
    for chunk in (b"tEXt", b"zTXt", b"iTXt", b"Sam Reporter", b"Acacia"):
        assert chunk not in stored


def test_a_transparent_png_keeps_its_transparency():
    stored = stored_bytes(check("logo.png", files.png_with_transparency()))
    image = Image.open(io.BytesIO(stored)).convert("RGBA")
    assert image.getpixel((0, 0))[3] == 0
    assert image.getpixel((5, 5)) == (0, 0, 0, 255)


def test_the_stored_photo_has_the_checksum_and_size_recorded():
    import hashlib

    checked = check("IMG_0001.jpg", files.jpeg_with_gps())
    stored = stored_bytes(checked)
    assert checked.sha256 == hashlib.sha256(stored).hexdigest()
    assert checked.size == len(stored)


@pytest.mark.parametrize(
    ("kind", "content", "extension"),
    [
        ("video/mp4", files.MP4, "mp4"),
        ("video/quicktime", files.MOV, "mov"),
        ("application/pdf", files.PDF, "pdf"),
    ],
)
def test_videos_and_documents_are_kept_exactly_as_sent(kind, content, extension):
    # Named wrongly on purpose: the type comes from the content.
    checked = check("evidence.jpg", content)
    assert checked.kind.content_type == kind
    assert checked.kind.extension == extension
    assert stored_bytes(checked) == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.jpg", files.HTML),
        ("photo.jpg", files.EXE),
        ("notes.pdf", b"just some text, not a PDF"),
    ],
)
def test_a_file_whose_content_is_not_an_allowed_type_is_refused(name, content):
    assert refusal(name, content) == (
        f"The selected file “{name}” must be a JPG, PNG, HEIC, MP4, MOV or PDF"
    )


@pytest.mark.parametrize("rules", [EVIDENCE, PHOTOS_ONLY], ids=["named", "anonymous"])
def test_a_heic_photo_is_kept_as_a_jpeg_without_its_metadata(rules):
    original = files.heic_with_gps()
    assert b"WGS-84" in original and b"Acacia" in original

    checked = check_upload(
        files.upload("IMG_0002.HEIC", original), scanner=LocalScanner(), rules=rules
    )

    assert checked.kind.content_type == "image/jpeg"
    assert checked.original_name == "IMG_0002.jpg"
    stored = stored_bytes(checked)
    photo = Image.open(io.BytesIO(stored))
    assert photo.format == "JPEG" and photo.size == (64, 48)
    assert dict(photo.getexif()) == {}
    for text in (b"Exif", b"WGS-84", b"PhoneMaker", b"Acacia", b"xmpmeta"):
        assert text not in stored
    red, green, blue = photo.convert("RGB").getpixel((32, 24))
    assert red > 150 and green < 80 and blue < 80


def test_a_damaged_heic_is_refused_not_an_error():
    assert refusal("IMG_0003.HEIC", files.HEIC) == (
        "The selected file “IMG_0003.HEIC” could not be opened as a photo – "
        "save it again or choose a different file"
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [("clip.mp4", files.MP4), ("clip.mov", files.MOV), ("notes.pdf", files.PDF)],
)
def test_photos_only_refuses_videos_and_documents_saying_why(name, content):
    with pytest.raises(UploadRejected) as rejected:
        check_upload(
            files.upload(name, content), scanner=LocalScanner(), rules=PHOTOS_ONLY
        )
    assert rejected.value.message == (
        f"The selected file “{name}” must be a JPG, PNG or HEIC. Videos and "
        "documents cannot be sent anonymously"
    )


def test_photos_only_converts_the_colour_profile_and_keeps_none():
    """A profile can name the phone or its owner; its colours are kept by
    converting the pixels to sRGB, which is what a viewer assumes."""
    profile = files.icc_profile_saying("Sam Jones iPhone")
    image = Image.new("RGB", (20, 20), (10, 120, 200))
    out = io.BytesIO()
    image.save(out, "PNG", icc_profile=profile)

    kept = stored_bytes(check("with-profile.png", out.getvalue()))
    assert Image.open(io.BytesIO(kept)).info.get("icc_profile") == profile

    cleaned = stored_bytes(
        check_upload(
            files.upload("with-profile.png", out.getvalue()),
            scanner=LocalScanner(),
            rules=PHOTOS_ONLY,
        )
    )
    photo = Image.open(io.BytesIO(cleaned))
    assert "icc_profile" not in photo.info
    assert "Sam Jones".encode("utf-16-be") not in cleaned
    # An sRGB profile converted to sRGB: the same colour, give or take one.
    assert all(
        abs(a - b) <= 1
        for a, b in zip(
            photo.convert("RGB").getpixel((5, 5)), (10, 120, 200), strict=True
        )
    )


def test_a_colour_profile_that_cannot_be_read_does_not_refuse_the_photo():
    image = Image.new("RGB", (20, 20), "green")
    out = io.BytesIO()
    image.save(out, "JPEG", icc_profile=b"not a profile, Sam Jones")
    checked = check_upload(
        files.upload("odd.jpg", out.getvalue()),
        scanner=LocalScanner(),
        rules=PHOTOS_ONLY,
    )
    cleaned = stored_bytes(checked)
    assert b"Sam Jones" not in cleaned
    assert "icc_profile" not in Image.open(io.BytesIO(cleaned)).info


def test_an_empty_file_is_refused():
    assert refusal("blank.jpg", b"") == "The selected file “blank.jpg” is empty"


def test_each_type_has_its_own_size_limit(settings):
    settings.EVIDENCE_MAX_BYTES = {"image": 2048, "document": 2048, "video": 4096}
    big_pdf = files.PDF + b"%" * 3000
    assert refusal("big.pdf", big_pdf) == (
        "The selected file “big.pdf” must be smaller than 2KB"
    )
    video = files.MP4 + b"\0" * 3000
    assert check("clip.mp4", video).size == len(video)


class Unreadable(SimpleUploadedFile):
    def read(self, *args):
        raise AssertionError("the file was read")


def test_a_file_over_every_limit_is_refused_without_being_read(settings):
    settings.EVIDENCE_MAX_BYTES = {"image": 2048, "document": 2048, "video": 4096}
    huge = Unreadable("huge.mov", b"x" * 5000)
    with pytest.raises(UploadRejected, match="must be smaller than 4KB"):
        check_upload(huge, scanner=LocalScanner())


def test_the_upload_handler_stops_writing_a_file_past_the_cap_but_counts_it():
    handler = CappedUploadHandler(cap=10)
    handler.new_file("files", "big.mov", "video/quicktime", None)
    handler.receive_data_chunk(b"a" * 8, 0)
    handler.receive_data_chunk(b"b" * 8, 8)
    handler.receive_data_chunk(b"c" * 8, 16)
    received = handler.file_complete(24)
    assert received.size == 24
    assert received.read() == b"a" * 8 + b"bb"


def test_a_decompression_bomb_is_refused_with_a_clear_message():
    # 100,000 x 100,000 pixels in a file of a few dozen bytes.
    bomb = files.png_claiming(100_000, 100_000)
    assert len(bomb) < 200
    assert refusal("bomb.png", bomb) == (
        "The selected file “bomb.png” must be smaller than 50 megapixels"
    )


def test_a_photo_over_the_pixel_cap_is_refused_before_it_is_decoded():
    # 64 megapixels: under Pillow's own limit, over ours.
    assert "must be smaller than 50 megapixels" in refusal(
        "big.png", files.png_claiming(8000, 8000)
    )


def test_the_pixel_cap_comes_from_settings(settings):
    settings.EVIDENCE_MAX_IMAGE_PIXELS = 100
    assert "must be smaller than 0.0001 megapixels" in refusal(
        "IMG_0001.jpg", files.jpeg_with_gps()
    )


def test_a_damaged_photo_is_refused_not_an_error():
    damaged = files.jpeg_with_gps()[:300]
    assert refusal("IMG_0003.jpg", damaged) == (
        "The selected file “IMG_0003.jpg” could not be opened as a photo – "
        "save it again or choose a different file"
    )


@pytest.mark.parametrize("content", [EICAR, files.PDF + EICAR])
def test_a_file_with_a_virus_is_refused(content):
    assert refusal("notes.pdf", content) == (
        "The selected file “notes.pdf” contains a virus"
    )


def test_without_clamd_a_file_is_marked_not_scanned_never_clean():
    assert check("notes.pdf", files.PDF).scan_status == "not_scanned"


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("C:\\Users\\sam\\Desktop\\photo.jpg", "photo.jpg"),
        ("../../etc/passwd", "passwd"),
        ("invoice\u202egpj.exe", "invoicegpj.exe"),
        ("  lots   of\tspace .pdf ", "lots of space .pdf"),
        ("", "unnamed file"),
        ("a" * 300, "a" * 100),
    ],
)
def test_the_name_shown_is_the_file_name_alone_without_tricks(sent, shown):
    assert display_name(sent) == shown
