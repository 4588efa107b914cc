"""Every staff view, change, export and download is audited; entries are
permanent; restricted records ask for a reason before they open."""

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from casework.attachments import Attachment
from casework.audit import AuditEntry, AuditEntryIsPermanent, record
from casework.models import Case
from tests.casework.factories import make_case

pytestmark = pytest.mark.django_db
Action = AuditEntry.Action


def page(case, action="change"):
    return f"/admin/casework/case/{case.pk}/{action}/"


def entries(action=None):
    found = AuditEntry.objects.all()
    return list(found.filter(action=action) if action else found)


def attach(case, *, scan_status=Attachment.ScanStatus.CLEAN, name="photo.jpg"):
    attachment = Attachment(
        original_name=name,
        content_type="image/jpeg",
        size=12,
        sha256="ab" * 32,
        scan_status=scan_status,
        created_at=timezone.now(),
        case=case,
    )
    attachment.file.save(
        f"{attachment.pk}.jpg", ContentFile(b"\xff\xd8\xff picture"), save=False
    )
    attachment.save()
    return attachment


def test_opening_a_case_is_recorded_with_who_when_and_which(staff):
    case = make_case()
    client = staff("agent")
    client.get(page(case))
    [entry] = entries(Action.VIEW)
    assert entry.user == client.user
    assert entry.username == "agent"
    assert (entry.object_type, entry.object_id) == ("casework.case", str(case.pk))
    assert entry.object_reference == case.reference
    assert entry.at.utcoffset().total_seconds() == 0


def test_each_change_is_recorded(staff):
    case = make_case()
    client = staff("supervisor")
    client.post(page(case, "take"))
    client.post(page(case, "note"), {"text": "Checked the PNC."})
    client.post(page(case, "update"), {"text": "We are looking into it."})
    details = [entry.detail for entry in entries(Action.CHANGE)]
    assert sorted(details) == [
        "Added an internal note",
        "Sent an update to the reporter",
        "Took the case",
    ]


def test_a_refused_change_writes_no_change_entry(staff):
    case = make_case()
    Case.objects.filter(pk=case.pk).update(status="closed")
    staff("agent").post(page(case, "take"))
    assert entries(Action.CHANGE) == []


def test_export_is_recorded_with_its_filters_and_references(staff):
    case = make_case()
    staff("supervisor").get("/admin/casework/case/export.csv", {"queue": "new"})
    [entry] = entries(Action.EXPORT)
    assert "queue=new" in entry.detail
    assert case.reference in entry.detail


def test_evidence_download_is_recorded_and_served_as_a_download(staff):
    case = make_case()
    attachment = attach(case)
    response = staff("agent").get(f"/admin/casework/case/evidence/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"\xff\xd8\xff picture"
    [entry] = entries(Action.DOWNLOAD)
    assert entry.object_type == "casework.attachment"
    assert entry.object_reference == case.reference


@pytest.mark.parametrize(
    "status", [Attachment.ScanStatus.INFECTED, Attachment.ScanStatus.QUARANTINED]
)
def test_files_that_failed_the_scan_are_refused(staff, status):
    case = make_case()
    attachment = attach(case, scan_status=status)
    response = staff("agent").get(f"/admin/casework/case/evidence/{attachment.pk}/")
    assert response.status_code == 302
    assert entries(Action.DOWNLOAD) == []


def test_entries_cannot_be_changed_or_deleted_through_the_orm():
    entry = record(user=None, action="view", object_type="casework.case")
    entry.reason = "rewritten"
    with pytest.raises(AuditEntryIsPermanent):
        entry.save()
    with pytest.raises(AuditEntryIsPermanent):
        entry.delete()
    with pytest.raises(AuditEntryIsPermanent):
        AuditEntry.objects.all().update(reason="x")
    with pytest.raises(AuditEntryIsPermanent):
        AuditEntry.objects.all().delete()
    with pytest.raises(AuditEntryIsPermanent):
        AuditEntry.objects.bulk_update([entry], ["reason"])
    assert AuditEntry.objects.get().reason == ""


def test_not_even_a_superuser_can_add_change_or_delete_in_admin(admin_client):
    entry = record(user=None, action="view", object_type="casework.case")
    base = "/admin/casework/auditentry/"
    assert admin_client.get(base).status_code == 200
    assert admin_client.get(f"{base}add/").status_code == 403
    assert (
        admin_client.post(f"{base}{entry.pk}/change/", {"reason": "x"}).status_code
        == 403
    )
    assert (
        admin_client.post(f"{base}{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    response = admin_client.post(
        base,
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert AuditEntry.objects.filter(pk=entry.pk, reason="").exists()


@pytest.mark.parametrize(
    "restriction",
    [
        {"is_sensitive": True},
        {"kind": "hate"},
        {"channel": Case.Channel.INTELLIGENCE},
    ],
)
def test_a_restricted_record_asks_why_before_it_opens(staff, restriction):
    case = make_case()
    Case.objects.filter(pk=case.pk).update(**restriction)
    role = "intelligence" if "channel" in restriction else "supervisor"
    client = staff(role)

    response = client.get(page(case))
    assert response.status_code == 302
    assert response["Location"].startswith(page(case, "reason"))
    assert entries(Action.VIEW) == []

    form = client.get(response["Location"])
    assert "Data Protection Act 2018, section 62" in form.content.decode()
    too_short = client.post(page(case, "reason"), {"reason": "x", "next": page(case)})
    assert "at least 10 characters" in too_short.content.decode()

    response = client.post(
        page(case, "reason"),
        {"reason": "Enquiry 12 from DS Patel", "next": page(case)},
    )
    assert response["Location"] == page(case)
    opened = client.get(page(case))
    assert opened.status_code == 200
    [view] = entries(Action.VIEW)
    assert view.reason == "Enquiry 12 from DS Patel"
    # Remembered for a while: the next click does not ask again.
    assert client.get(page(case, "assess")).status_code == 200


def test_the_reason_is_asked_again_after_it_expires(staff, settings):
    case = make_case()
    Case.objects.filter(pk=case.pk).update(is_sensitive=True)
    client = staff("supervisor")
    client.post(page(case, "reason"), {"reason": "Daily review of hate crime"})
    settings.AUDIT_REASON_VALID_FOR = timezone.timedelta(seconds=0)
    assert client.get(page(case)).status_code == 302


def test_restricted_actions_and_downloads_ask_for_the_reason_too(staff):
    case = make_case()
    Case.objects.filter(pk=case.pk).update(kind="hate")
    attachment = attach(case)
    client = staff("supervisor")
    for url in [
        page(case, "assess"),
        page(case, "close"),
        f"/admin/casework/case/evidence/{attachment.pk}/",
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/reason/?next=" in response["Location"]
    response = client.post(page(case, "take"))
    assert "/reason/" in response["Location"]
    case.refresh_from_db()
    assert case.assigned_to is None


def test_the_reason_form_only_goes_back_to_this_site(staff):
    case = make_case()
    Case.objects.filter(pk=case.pk).update(is_sensitive=True)
    response = staff("supervisor").post(
        page(case, "reason"),
        {"reason": "Checking a complaint", "next": "https://evil.example/"},
    )
    assert response["Location"] == page(case)


def test_supervisors_see_the_records_audit_trail_and_agents_do_not(staff):
    case = make_case()
    agent = staff("agent")
    agent.get(page(case))
    supervisor_html = staff("supervisor").get(page(case)).content.decode()
    agent_html = agent.get(page(case)).content.decode()
    assert "Audit trail" in supervisor_html
    assert "<td>agent</td>" in supervisor_html
    assert "Audit trail" not in agent_html


def test_looking_at_another_teams_case_is_refused_and_recorded(staff):
    case = make_case()
    Case.objects.filter(pk=case.pk).update(team=None)
    response = staff("investigator").get(page(case))
    assert response.status_code == 403
    [entry] = entries(Action.DENIED)
    assert entry.object_id == str(case.pk)
