"""Where evidence files are kept: private, under names we make, gone with their row."""

import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from casework.attachments import Attachment, delete_for_drafts, store_attachment
from casework.uploads import ALLOWED, CheckedUpload
from tests.casework import files

pytestmark = pytest.mark.django_db


def stored(draft_key=None, name="Statement for police.pdf") -> Attachment:
    checked = CheckedUpload(
        content=ContentFile(files.PDF),
        original_name=name,
        kind=ALLOWED["application/pdf"],
        size=len(files.PDF),
        sha256="0" * 64,
        scan_status="not_scanned",
        scan_detail="",
    )
    return store_attachment(
        checked=checked, draft_key=draft_key or uuid.uuid4(), now=timezone.now()
    )


def test_a_file_is_stored_under_a_name_we_made_in_the_private_folder(evidence_root):
    attachment = stored()
    path = Path(attachment.file.path)
    assert path.read_bytes() == files.PDF
    assert path.is_relative_to(evidence_root)
    assert path.name == f"{attachment.pk}.pdf"
    assert "Statement" not in attachment.file.name
    assert path.stat().st_mode & 0o077 == 0  # readable by the site alone


def test_evidence_is_never_under_static_files_and_has_no_url(evidence_root):
    attachment = stored()
    path = Path(attachment.file.path).resolve()
    for public in [settings.STATIC_ROOT, *settings.STATICFILES_DIRS]:
        assert not path.is_relative_to(Path(public).resolve())
    with pytest.raises(ValueError, match="no URL"):
        _ = attachment.file.url


def test_no_address_on_the_site_serves_an_evidence_file(client):
    attachment = stored()
    name = attachment.file.name
    for address in [
        f"/media/{name}",
        f"/media/evidence/{name}",
        f"/evidence/{name}",
        f"/static/{name}",
        f"/static/evidence/{name}",
    ]:
        assert client.get(address).status_code == 404, address


def test_deleting_an_attachment_deletes_its_file(django_capture_on_commit_callbacks):
    attachment = stored()
    path = Path(attachment.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        attachment.delete()
    assert not path.exists()


def test_a_drafts_files_go_with_it_and_other_drafts_keep_theirs(
    django_capture_on_commit_callbacks,
):
    thrown_away, kept = uuid.uuid4(), uuid.uuid4()
    gone = [stored(thrown_away), stored(thrown_away)]
    staying = stored(kept)
    with django_capture_on_commit_callbacks(execute=True):
        assert delete_for_drafts([thrown_away]) == 2
    assert not any(Path(a.file.path).exists() for a in gone)
    assert Path(staying.file.path).exists()
    assert list(Attachment.objects.all()) == [staying]


def test_staff_see_what_was_sent_with_a_case_but_no_link_to_the_file(admin_client):
    from tests.reports.journey_data import complete_journey

    citizen = Client()
    complete_journey(citizen)
    citizen.post(
        "/report/files/",
        {"files": [files.upload("<b>IMG_0001.pdf", files.PDF)]},
    )
    citizen.post("/report/check/", {"confirm": "on"})
    attachment = Attachment.objects.get()
    html = admin_client.get(
        f"/admin/casework/case/{attachment.case_id}/change/"
    ).content.decode()
    assert "&lt;b&gt;IMG_0001.pdf" in html
    assert "Not scanned: no virus scanner configured" in html
    assert attachment.file.name not in html
