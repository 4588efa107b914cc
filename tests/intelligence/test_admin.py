"""Intelligence in admin: intelligence officers only, every look audited."""

from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone

from casework.attachments import Attachment
from casework.audit import AuditEntry
from intelligence import grading
from intelligence.models import IntelligenceSubmission
from tests.casework import files
from tests.casework.staff import make_staff, signed_in
from tests.intelligence.journey import complete, submit

pytestmark = pytest.mark.django_db

OTHER_ROLES = ["agent", "supervisor", "investigator", "editor"]


@pytest.fixture
def submission(client):
    cache.clear()
    submit(client, complete(client))
    return IntelligenceSubmission.objects.get()


def change_url(submission) -> str:
    return f"/admin/intelligence/intelligencesubmission/{submission.pk}/change/"


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_staff_cannot_list_or_open_intelligence(
    django_user_model, submission, role
):
    staff = signed_in(make_staff(django_user_model, role))
    assert staff.get("/admin/intelligence/intelligencesubmission/").status_code == 403
    assert staff.get(change_url(submission)).status_code in {302, 403}
    assert (
        staff.get(f"/admin/casework/case/{submission.case.pk}/change/").status_code
        == 403
    )
    assert AuditEntry.objects.filter(user__username=role).exists()


def test_an_intelligence_officer_gives_a_reason_then_sees_it(
    django_user_model, submission
):
    officer = signed_in(make_staff(django_user_model, "intelligence"))
    first = officer.get(change_url(submission))
    assert first.status_code == 302
    assert "/reason/" in first["Location"]
    officer.post(
        first["Location"], {"reason": "Assessing new drugs intelligence for Hatfield"}
    )
    page = officer.get(change_url(submission)).content.decode()
    assert "Cars come and go from the flat every evening." in page
    entry = AuditEntry.objects.filter(user__username="intelligence").latest("pk")
    assert entry.reason == "Assessing new drugs intelligence for Hatfield"


def test_grading_follows_the_3x5x2_rules(django_user_model, submission):
    officer = make_staff(django_user_model, "intelligence")
    now = timezone.now()
    with pytest.raises(grading.GradingError, match="conditions"):
        grading.grade(
            submission_id=submission.pk,
            by=officer,
            source_evaluation="2",
            intelligence_assessment="A",
            handling_code="C",
            handling_conditions="",
            sanitised_text="Drug supply suspected at a Hatfield address.",
            now=now,
        )
    with pytest.raises(grading.GradingError, match="Grade it"):
        grading.change_status(
            submission_id=submission.pk, to="assessing", by=officer, now=now
        )
        grading.change_status(
            submission_id=submission.pk,
            to="disseminated",
            by=officer,
            now=now,
            team=submission.case.team,
        )
    graded = grading.grade(
        submission_id=submission.pk,
        by=officer,
        source_evaluation="2",
        intelligence_assessment="A",
        handling_code="P",
        handling_conditions="",
        sanitised_text="Drug supply suspected at a Hatfield address.",
        now=now,
    )
    assert graded.status == "assessing"
    done = grading.change_status(
        submission_id=submission.pk,
        to="disseminated",
        by=officer,
        now=now,
        team=submission.case.team,
    )
    assert done.disseminated_to == submission.case.team


def test_only_intelligence_officers_may_grade(django_user_model, submission):
    supervisor = make_staff(django_user_model, "supervisor")
    with pytest.raises(grading.GradingError):
        grading.grade(
            submission_id=submission.pk,
            by=supervisor,
            source_evaluation="1",
            intelligence_assessment="A",
            handling_code="P",
            handling_conditions="",
            sanitised_text="x",
            now=timezone.now(),
        )


@pytest.fixture
def submission_with_photo(client):
    cache.clear()
    check = complete(client)
    client.post(
        check.replace("/check/", "/files/"),
        {"files": [files.upload("IMG_0001.jpg", files.jpeg_with_gps())]},
    )
    submit(client, check)
    return IntelligenceSubmission.objects.get()


def test_an_officer_sees_the_photos_and_downloads_them_audited(
    django_user_model, submission_with_photo
):
    submission = submission_with_photo
    attachment = Attachment.objects.get()
    officer = signed_in(make_staff(django_user_model, "intelligence"))
    officer.post(
        f"{change_url(submission).removesuffix('change/')}reason/",
        {"reason": "Assessing new drugs intelligence for Hatfield"},
    )
    page = officer.get(change_url(submission)).content.decode()
    download = f"/admin/casework/case/evidence/{attachment.pk}/"
    assert f'<a href="{download}" download>image-1.jpg</a>' in page
    # The download view asks why the case is opened, then streams the file.
    first = officer.get(download)
    assert first.status_code == 302 and "/reason/" in first["Location"]
    officer.post(first["Location"], {"reason": "Looking at the photo sent with it"})
    response = officer.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="image-1.jpg"'
    assert (
        b"".join(response.streaming_content) == Path(attachment.file.path).read_bytes()
    )
    assert AuditEntry.objects.filter(
        action="download", username="intelligence", object_id=str(attachment.pk)
    ).exists()


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_staff_cannot_download_an_informants_photo(
    django_user_model, submission_with_photo, role
):
    attachment = Attachment.objects.get()
    staff = signed_in(make_staff(django_user_model, role))
    response = staff.get(f"/admin/casework/case/evidence/{attachment.pk}/")
    assert response.status_code == 403
    assert AuditEntry.objects.filter(username=role, action="denied").exists()
